/**
 * The dashboard's HTML shell and its Content Security Policy. The real panel (src/ui/dashboard)
 * and the webview tests' stand-in host page both build their page with this, so the tests run
 * under exactly the policy users get.
 *
 * The shell carries no data: the group, its members and everything else arrive as messages (the
 * first `init` is posted with the page, later ones answer `ready`), and are put on the page with
 * textContent. Only URIs the host computed
 * (asWebviewUri) and the nonce go into the markup, and they are attribute-escaped.
 */
export interface ShellOptions {
  /** `webview.cspSource` (the origin webview resources are served from). */
  readonly cspSource: string;
  /** A fresh random nonce per page load (base64, at least 128 bits). */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  /**
   * The codicon font (dist/codicon.ttf). Preloaded: the page's load event waits for it, and VS
   * Code hands a webview the messages posted before it loaded (the first `init`) only then.
   */
  readonly codiconFontUri: string;
}

/**
 * `default-src 'none'`: nothing loads unless listed. Scripts only with the nonce (no inline
 * scripts, no eval, no handlers in attributes); styles, fonts and images only from the extension's
 * own files; no network connections, frames, forms or base URI changes.
 */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    "connect-src 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function escapeAttribute(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const NONCE = /^[A-Za-z0-9+/=_-]{16,}$/;

export function dashboardHtml(o: ShellOptions): string {
  if (!NONCE.test(o.nonce)) throw new Error('the CSP nonce must be at least 16 base64 characters');
  const a = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${a(dashboardCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="preload" href="${a(o.codiconFontUri)}" as="font" type="font/ttf" crossorigin>
<link rel="stylesheet" href="${a(o.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${a(o.styleUri)}">
<title>Consumer group dashboard</title>
</head>
<body>
<main id="app" aria-busy="true"><p>Loading the group dashboard…</p></main>
<script nonce="${a(o.nonce)}" src="${a(o.scriptUri)}"></script>
</body>
</html>
`;
}

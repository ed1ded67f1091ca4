// A stand-in for the VS Code webview host, used by the webview tests (test/webview) and the
// dashboard benchmark (bench/dashboard.bench.ts). It serves, on 127.0.0.1 only:
//   /            the dashboard page the caller built with dashboardHtml() (src/protocol/shell.ts),
//                so the page carries the same CSP as the real panel, plus the stand-in script below
//   /dist/...    the built bundle (dist/webview.js, webview.css, codicon.css, fonts)
//   /standin/... acquireVsCodeApi() for the page, and a theme stylesheet with --vscode-* variables
// and launches Debian's Chromium through playwright-core with the flags the machines need.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

// What VS Code injects: acquireVsCodeApi() with postMessage / getState / setState. Messages to the
// host go to window.__kgdHostReceive (a Playwright binding) and into window.__kgdStandIn.sent;
// state survives a reload through sessionStorage, the way VS Code keeps it for a restored panel.
const HOST_SHIM = `(() => {
  const sent = [];
  let state;
  try {
    const saved = sessionStorage.getItem('kgd-state');
    if (saved !== null) state = JSON.parse(saved);
  } catch (e) { state = undefined; }
  const violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
  let acquired = false;
  window.__kgdStandIn = { sent, violations, state: () => state };
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage(message) {
        const copy = JSON.parse(JSON.stringify(message));
        sent.push(copy);
        if (typeof window.__kgdHostReceive === 'function') window.__kgdHostReceive(copy);
      },
      getState() { return state; },
      setState(s) {
        state = JSON.parse(JSON.stringify(s));
        sessionStorage.setItem('kgd-state', JSON.stringify(state));
        return s;
      },
    });
  };
})();
`;

// A dark theme's worth of the variables VS Code defines on the page (values of Dark Modern).
const THEME = `html {
  --vscode-font-family: system-ui, "Ubuntu", "Droid Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-font-weight: normal;
  --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-errorForeground: #f85149;
  --vscode-editor-background: #1f1f1f;
  --vscode-editorWidget-background: #202020;
  --vscode-panel-border: #2b2b2b;
  --vscode-focusBorder: #0078d4;
  --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8;
  --vscode-charts-blue: #3794ff;
  --vscode-charts-red: #f14c4c;
  --vscode-charts-orange: #d18616;
  --vscode-charts-yellow: #cca700;
  --vscode-charts-purple: #b180d7;
  --vscode-charts-green: #89d185;
  --vscode-list-hoverBackground: #2a2d2e;
  --vscode-list-activeSelectionBackground: #04395e;
  --vscode-list-activeSelectionForeground: #ffffff;
  --vscode-list-inactiveSelectionBackground: #37373d;
  --vscode-input-background: #313131;
  --vscode-input-foreground: #cccccc;
  --vscode-input-border: #3c3c3c;
  --vscode-button-background: #0078d4;
  --vscode-button-foreground: #ffffff;
  --vscode-editorWarning-foreground: #cca700;
  --vscode-textLink-foreground: #4daafc;
  --vscode-sideBar-background: #181818;
  --vscode-editorHoverWidget-background: #202020;
  --vscode-editorHoverWidget-border: #454545;
  --vscode-testing-iconPassed: #73c991;
  color-scheme: dark;
}
`;

/**
 * Starts the stand-in server. `html` is the page from dashboardHtml(); the stand-in script is
 * inserted (with the page's nonce) before the dashboard's own script, and the theme stylesheet
 * after its stylesheets.
 * @param {{ root: string, port: number, html: string, nonce: string }} o
 */
export async function startStandIn(o) {
  const shimTag = `<script nonce="${o.nonce}" src="/standin/host.js"></script>\n`;
  const themeTag = `<link rel="stylesheet" href="/standin/theme.css">\n`;
  const page = o.html
    .replace('<script nonce=', `${shimTag}<script nonce=`)
    .replace('<title>', `${themeTag}<title>`);
  if (!page.includes('/standin/host.js') || !page.includes('/standin/theme.css')) {
    throw new Error('stand-in: could not place the stand-in script in the page');
  }
  const dist = join(o.root, 'dist');
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status, type, body) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (url.pathname === '/' || url.pathname === '/index.html')
        return send(200, 'text/html; charset=utf-8', page);
      // Browsers ask for a favicon; a webview does not have one.
      if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
      if (url.pathname === '/standin/host.js') return send(200, TYPES['.js'], HOST_SHIM);
      if (url.pathname === '/standin/theme.css') return send(200, TYPES['.css'], THEME);
      if (url.pathname.startsWith('/dist/')) {
        const file = normalize(join(dist, decodeURIComponent(url.pathname.slice('/dist/'.length))));
        if (!file.startsWith(dist + sep)) return send(403, 'text/plain', 'forbidden');
        try {
          return send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
        } catch {
          return send(404, 'text/plain', 'not found');
        }
      }
      return send(404, 'text/plain', 'not found');
    })();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${o.port}`,
    url: `http://127.0.0.1:${o.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches Debian's Chromium with playwright-core. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

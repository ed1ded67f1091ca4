import { strict as assert } from 'node:assert';
import { dashboardCsp, dashboardHtml } from '../../../src/protocol/shell';

describe('dashboard HTML shell', () => {
  const opts = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'q3vZ1cD8Jx0YzWm2Lk5pRb9T',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
    codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicon.css',
    codiconFontUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicon.ttf',
  };

  it('has a strict CSP: nothing by default, scripts by nonce only, no inline or eval', () => {
    const csp = dashboardCsp(opts.cspSource, opts.nonce);
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-q3vZ1cD8Jx0YzWm2Lk5pRb9T'/);
    assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net;/);
    assert.doesNotMatch(csp, /unsafe|\*|data:|https?:\/\/[^ ;]*\s*'/);
    assert.match(csp, /connect-src 'none'/);
  });

  it('puts the CSP, the nonce and the URIs in the page, and no inline script or style', () => {
    const html = dashboardHtml(opts);
    assert.ok(
      html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`),
    );
    assert.ok(html.includes(`<script nonce="${opts.nonce}" src="${opts.scriptUri}"></script>`));
    assert.equal(html.match(/<script/g)?.length, 1, 'one script, by src');
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
    assert.ok(html.includes('id="vscode-codicon-stylesheet"'));
    assert.ok(
      html.includes(
        `<link rel="preload" href="${opts.codiconFontUri}" as="font" type="font/ttf" crossorigin>`,
      ),
      'the codicon font is preloaded, so the page loads (and gets its first init) sooner',
    );
  });

  it('escapes attribute values and refuses a weak nonce', () => {
    const html = dashboardHtml({ ...opts, scriptUri: 'https://x/"><script>alert(1)</script>' });
    assert.ok(!html.includes('"><script>alert(1)'));
    assert.ok(html.includes('&quot;&gt;&lt;script&gt;'));
    assert.throws(() => dashboardHtml({ ...opts, nonce: 'abc' }), /nonce/);
    assert.throws(() => dashboardHtml({ ...opts, nonce: `${opts.nonce}' 'unsafe-inline` }), /nonce/);
  });
});

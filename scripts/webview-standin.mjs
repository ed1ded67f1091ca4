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

// The variables VS Code defines on the page, for three themes (values of Dark Modern, Light
// Modern and Dark High Contrast). Pick one with /?theme=dark|light|hc; the stand-in script also
// sets the body class VS Code sets (vscode-dark, vscode-light, vscode-high-contrast).
const FONT = `  --vscode-font-family: system-ui, "Ubuntu", "Droid Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-font-weight: normal;
`;
const DARK_CHARTS = `  --vscode-charts-blue: #3794ff;
  --vscode-charts-red: #f14c4c;
  --vscode-charts-orange: #d18616;
  --vscode-charts-yellow: #cca700;
  --vscode-charts-purple: #b180d7;
  --vscode-charts-green: #89d185;
`;
const THEMES = {};
THEMES.dark = `html {
  --vscode-panel-background: #181818;
  --vscode-panelTitle-activeBorder: #0078d4;
  --vscode-panelTitle-activeForeground: #cccccc;
  --vscode-panelTitle-inactiveForeground: #9d9d9d;
  --vscode-settings-headerBorder: #2b2b2b;
  --vscode-settings-dropdownBackground: #313131;
  --vscode-settings-dropdownBorder: #3c3c3c;
  --vscode-settings-dropdownForeground: #cccccc;
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-hoverBackground: #026ec1;
${FONT}  --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-errorForeground: #f85149;
  --vscode-editor-background: #1f1f1f;
  --vscode-editorWidget-background: #202020;
  --vscode-panel-border: #2b2b2b;
  --vscode-focusBorder: #0078d4;
  --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8;
${DARK_CHARTS}  --vscode-list-hoverBackground: #2a2d2e;
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
THEMES.light = `html {
  --vscode-panel-background: #f8f8f8;
  --vscode-panelTitle-activeBorder: #005fb8;
  --vscode-panelTitle-activeForeground: #3b3b3b;
  --vscode-panelTitle-inactiveForeground: #3b3b3b;
  --vscode-settings-headerBorder: #e5e5e5;
  --vscode-settings-dropdownBackground: #ffffff;
  --vscode-settings-dropdownBorder: #cecece;
  --vscode-settings-dropdownForeground: #3b3b3b;
  --vscode-button-secondaryBackground: #e5e5e5;
  --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-button-hoverBackground: #0258a8;
${FONT}  --vscode-foreground: #3b3b3b;
  --vscode-descriptionForeground: #3b3b3b;
  --vscode-errorForeground: #f85149;
  --vscode-editor-background: #ffffff;
  --vscode-editorWidget-background: #f8f8f8;
  --vscode-panel-border: #e5e5e5;
  --vscode-focusBorder: #005fb8;
  --vscode-badge-background: #cccccc;
  --vscode-badge-foreground: #3b3b3b;
  --vscode-charts-blue: #1a85ff;
  --vscode-charts-red: #e51400;
  --vscode-charts-orange: #d18616;
  --vscode-charts-yellow: #bf8803;
  --vscode-charts-purple: #652d90;
  --vscode-charts-green: #388a34;
  --vscode-list-hoverBackground: #f2f2f2;
  --vscode-list-activeSelectionBackground: #e8e8e8;
  --vscode-list-activeSelectionForeground: #000000;
  --vscode-list-inactiveSelectionBackground: #e4e6f1;
  --vscode-input-background: #ffffff;
  --vscode-input-foreground: #3b3b3b;
  --vscode-input-border: #cecece;
  --vscode-button-background: #005fb8;
  --vscode-button-foreground: #ffffff;
  --vscode-editorWarning-foreground: #bf8803;
  --vscode-textLink-foreground: #005fb8;
  --vscode-sideBar-background: #f8f8f8;
  --vscode-editorHoverWidget-background: #f8f8f8;
  --vscode-editorHoverWidget-border: #c8c8c8;
  --vscode-testing-iconPassed: #388a34;
  color-scheme: light;
}
`;
THEMES.hc = `html {
  --vscode-panel-background: #000000;
  --vscode-panelTitle-activeBorder: #6fc3df;
  --vscode-panelTitle-activeForeground: #ffffff;
  --vscode-panelTitle-inactiveForeground: #ffffff;
  --vscode-settings-headerBorder: #6fc3df;
  --vscode-settings-dropdownBackground: #000000;
  --vscode-settings-dropdownBorder: #6fc3df;
  --vscode-settings-dropdownForeground: #ffffff;
  --vscode-button-border: #6fc3df;
  --vscode-button-secondaryBackground: #000000;
  --vscode-button-secondaryForeground: #ffffff;
${FONT}  --vscode-foreground: #ffffff;
  --vscode-descriptionForeground: rgba(255, 255, 255, 0.7);
  --vscode-errorForeground: #f48771;
  --vscode-editor-background: #000000;
  --vscode-editorWidget-background: #0c141f;
  --vscode-panel-border: #6fc3df;
  --vscode-contrastBorder: #6fc3df;
  --vscode-contrastActiveBorder: #f38518;
  --vscode-focusBorder: #f38518;
  --vscode-badge-background: #000000;
  --vscode-badge-foreground: #ffffff;
${DARK_CHARTS}  --vscode-input-background: #000000;
  --vscode-input-foreground: #ffffff;
  --vscode-input-border: #6fc3df;
  --vscode-button-background: #000000;
  --vscode-button-foreground: #ffffff;
  --vscode-editorWarning-foreground: #ffd700;
  --vscode-textLink-foreground: #21a6ff;
  --vscode-editorHoverWidget-background: #0c141f;
  --vscode-editorHoverWidget-border: #6fc3df;
  color-scheme: dark;
}
`;
const BODY_CLASS = { dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' };

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
  const theme = new URLSearchParams(location.search).get('theme') ?? 'dark';
  const bodyClass = ${JSON.stringify(BODY_CLASS)}[theme] ?? 'vscode-dark';
  document.addEventListener('DOMContentLoaded', () => document.body.classList.add(bodyClass));
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

/**
 * Starts the stand-in server. `html` is the page from dashboardHtml(); the stand-in script is
 * inserted (with the page's nonce) before the dashboard's own script, and the theme stylesheet
 * after its stylesheets.
 * @param {{ root: string, port: number, html: string, nonce: string }} o
 */
export async function startStandIn(o) {
  const shimTag = `<script nonce="${o.nonce}" src="/standin/host.js"></script>\n`;
  const pageFor = (theme) =>
    o.html
      .replace('<script nonce=', `${shimTag}<script nonce=`)
      .replace('<title>', `<link rel="stylesheet" href="/standin/theme-${theme}.css">\n<title>`);
  if (!pageFor('dark').includes('/standin/host.js') || !pageFor('dark').includes('/standin/theme-dark.css')) {
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
      if (url.pathname === '/' || url.pathname === '/index.html') {
        const asked = url.searchParams.get('theme') ?? 'dark';
        return send(200, 'text/html; charset=utf-8', pageFor(THEMES[asked] !== undefined ? asked : 'dark'));
      }
      const themeFile = /^\/standin\/theme-(dark|light|hc)\.css$/.exec(url.pathname);
      if (themeFile !== null) return send(200, TYPES['.css'], THEMES[themeFile[1]]);
      // Browsers ask for a favicon; a webview does not have one.
      if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
      if (url.pathname === '/standin/host.js') return send(200, TYPES['.js'], HOST_SHIM);
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

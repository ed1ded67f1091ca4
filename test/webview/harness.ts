// Drives the built dashboard (dist/webview.js) in Chromium through the stand-in host page
// (scripts/webview-standin.mjs), under the same CSP the real panel uses (src/protocol/shell.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { GroupEvent, GroupSnapshot, SimulatorControlState } from '../../src/model';
import {
  type DashboardInit,
  type HostMessage,
  type InitMessage,
  PROTOCOL_VERSION,
  type UpdateMessage,
  buildChain,
} from '../../src/protocol/dashboard';
import { dashboardHtml } from '../../src/protocol/shell';

export const ROOT = join(__dirname, '..', '..', '..');
export const ARTIFACTS = join(ROOT, 'test', 'webview', 'artifacts');
const PORT = 18100;

export interface StandInServer {
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

interface StandInModule {
  startStandIn(o: { root: string; port: number; html: string; nonce: string }): Promise<StandInServer>;
  launchChromium(): Promise<Browser>;
}

async function standInModule(): Promise<StandInModule> {
  return (await import(pathToFileURL(join(ROOT, 'scripts', 'webview-standin.mjs')).href)) as StandInModule;
}

let shared: { browser: Browser; server: StandInServer } | null = null;

/**
 * The stand-in server on `port`, serving the built dashboard page (dist/) under the real CSP
 * (src/protocol/shell.ts, a fresh nonce), and Debian's Chromium. The webview tests and the
 * dashboard benchmark both run on it.
 */
export async function launchStandIn(port: number): Promise<{ browser: Browser; server: StandInServer }> {
  if (!existsSync(join(ROOT, 'dist', 'webview.js'))) {
    throw new Error('dist/webview.js is missing: build it first (node scripts/build.mjs)');
  }
  const mod = await standInModule();
  const nonce = randomBytes(18).toString('base64');
  const origin = `http://127.0.0.1:${port}`;
  const html = dashboardHtml({
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/dist/webview.js`,
    styleUri: `${origin}/dist/webview.css`,
    codiconUri: `${origin}/dist/codicon.css`,
    codiconFontUri: `${origin}/dist/codicon.ttf`,
  });
  const server = await mod.startStandIn({ root: ROOT, port, html, nonce });
  const browser = await mod.launchChromium();
  return { browser, server };
}

/** Starts (once) the stand-in server and Chromium. */
async function environment(): Promise<{ browser: Browser; server: StandInServer }> {
  shared ??= await launchStandIn(PORT);
  return shared;
}

export async function closeEnvironment(): Promise<void> {
  if (shared === null) return;
  const { browser, server } = shared;
  shared = null;
  await browser.close();
  await server.close();
}

/** One dashboard page and the host side of its channel. */
export class Dashboard {
  readonly received: unknown[] = [];
  readonly dialogs: string[] = [];
  readonly errors: string[] = [];
  private seq = 0;
  private lastSent: GroupSnapshot | null = null;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(
    viewport = { width: 1280, height: 900 },
    theme: 'dark' | 'light' | 'hc' = 'dark',
  ): Promise<Dashboard> {
    const { browser, server } = await environment();
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const d = new Dashboard(context, page);
    page.on('dialog', (dialog) => {
      d.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (e) => d.errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') d.errors.push(m.text());
    });
    await page.exposeFunction('__kgdHostReceive', (m: unknown) => {
      d.received.push(m);
    });
    await page.goto(`${server.url}?theme=${theme}`);
    await d.waitFor((m) => isType(m, 'ready'));
    return d;
  }

  /** Waits until the webview has sent a message matching `pred` (after `from` messages). */
  async waitFor(pred: (m: unknown) => boolean, from = 0, timeoutMs = 5000): Promise<unknown> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(pred);
      if (found !== undefined) return found;
      if (Date.now() > end)
        throw new Error(
          `the webview did not send the expected message; got ${JSON.stringify(this.received)}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async post(m: HostMessage): Promise<void> {
    await this.page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
  }

  async init(
    snapshots: readonly GroupSnapshot[],
    events: readonly GroupEvent[],
    extra: Partial<DashboardInit> = {},
  ): Promise<void> {
    const first = snapshots[0];
    this.seq += 1;
    const init: InitMessage = {
      type: 'init',
      seq: this.seq,
      init: {
        protocolVersion: PROTOCOL_VERSION,
        groupId: first?.groupId ?? 'group',
        sourceId: 'simulator',
        sourceLabel: 'Simulator',
        sourceKind: 'simulator',
        status: { state: 'running', detail: 'scale-out · 1×', clockMs: null, error: null },
        history: buildChain(null, snapshots, 1000),
        events,
        findings: [],
        controls: null,
        window: { snapshots: 300, events: 2000 },
        unavailable: null,
        moreHistory: false,
        ...extra,
      },
    };
    this.lastSent = snapshots[snapshots.length - 1] ?? null;
    await this.post(init);
    await this.settled();
  }

  /** Sends the snapshots after the last one sent, as deltas, the way the host does. */
  async update(
    snapshots: readonly GroupSnapshot[],
    events: readonly GroupEvent[],
    extra: Partial<UpdateMessage> = {},
  ): Promise<UpdateMessage> {
    this.seq += 1;
    const history = buildChain(
      this.lastSent,
      [...(this.lastSent !== null ? [this.lastSent] : []), ...snapshots],
      20,
    );
    const msg: UpdateMessage = { type: 'update', seq: this.seq, history, events, ...extra };
    this.lastSent = snapshots[snapshots.length - 1] ?? this.lastSent;
    await this.post(msg);
    await this.settled();
    return msg;
  }

  /** Two animation frames: the dashboard renders in the frame after a message. */
  async settled(): Promise<void> {
    await this.page.evaluate(
      () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
    );
  }

  async text(selector: string): Promise<string> {
    return (await this.page.locator(selector).first().textContent()) ?? '';
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  /** CSP violations the page reported (the stand-in records `securitypolicyviolation` events). */
  async violations(): Promise<{ directive: string; blocked: string; sample: string }[]> {
    return this.page.evaluate(
      () =>
        (
          window as unknown as {
            __kgdStandIn: { violations: { directive: string; blocked: string; sample: string }[] };
          }
        ).__kgdStandIn.violations,
    );
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

export function isType(m: unknown, type: string): boolean {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
}

export const SIMULATOR_CONTROLS: SimulatorControlState = {
  running: true,
  speed: 10,
  clockMs: 4000,
  scenarioId: 'scale-out',
  variant: 'consumer',
  scenarios: [
    { id: 'scale-out', title: 'Scale out: a third consumer joins', description: '' },
    { id: 'slow-revocation', title: 'Slow revocation', description: '' },
  ],
  assignors: { consumer: ['uniform', 'range'], classic: ['range', 'roundrobin', 'cooperative-sticky'] },
  topics: ['orders', 'payments', 'audit'],
};

// What the extension costs a user: the .vsix size, the bundle sizes, activation time in a real
// editor (code-server in Chromium) and the time from opening the group dashboard to its first
// paint. Prints one JSON object. Aims (issue 5): .vsix < 1 MB, activation < 50 ms,
// dashboard first paint < 300 ms.
//
// Run: npx tsc -b && node out/bench/extension.bench.js [--samples N]
// (scripts/bench.mjs, when present, runs every out/bench/**/*.bench.js.)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Workbench } from '../test/e2e/workbench';
import { extensionUnderTestId, launchEditor, openWorkbench, ROOT, type Editor } from '../test/support/editor';

interface Stats {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { samples, median, min: sorted[0], max: sorted[sorted.length - 1] };
}

function bundleSize(file: string): { bytes: number; gzipBytes: number } | null {
  const p = join(ROOT, file);
  if (!existsSync(p)) return null;
  const data = readFileSync(p);
  return { bytes: data.length, gzipBytes: gzipSync(data).length };
}

/** Log lines carry local wall-clock times with milliseconds: "2026-11-25 15:13:32.691 [info] …". */
function logTime(line: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)/.exec(line);
  if (!m) throw new Error(`no timestamp in log line: ${line}`);
  return new Date(`${m[1]}T${m[2]}`).getTime();
}

/** The folder of the newest extension host (exthost<N>) of the newest log session. */
function newestExtensionHostDir(userDataDir: string): string | undefined {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return undefined;
  const session = readdirSync(logs).sort().pop();
  if (!session) return undefined;
  const hosts = readdirSync(join(logs, session))
    .filter((d) => /^exthost\d+$/.test(d) && statSync(join(logs, session, d)).isDirectory())
    .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  const newest = hosts.pop();
  return newest ? join(logs, session, newest) : undefined;
}

/**
 * One activation: waits for the extension's "activated in N ms" line in the newest extension host.
 * `activateMs` is the extension's own timing of activate(); `totalMs` runs from the host's
 * "_doActivateExtension" line (before the bundle is loaded) to that line.
 */
interface Activation {
  /** activate() itself (the extension's own timing). */
  activateMs: number;
  /** From the host's "_doActivateExtension" to the "activated" line: loading included. */
  totalMs: number;
  /** The bundle's top-level code, from its first statement to activate() (ours only). */
  moduleRunMs: number | null;
}

async function activation(id: string, host: string): Promise<Activation> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    {
      const own = join(host, id.toLowerCase());
      const ownLog = existsSync(own)
        ? readdirSync(own)
            .map((f) => readFileSync(join(own, f), 'utf8'))
            .join('\n')
        : '';
      const done = ownLog.split('\n').find((l) => /activated in [\d.]+ ms/.test(l));
      const hostLog = existsSync(join(host, 'remoteexthost.log'))
        ? readFileSync(join(host, 'remoteexthost.log'), 'utf8')
        : '';
      const start = hostLog.split('\n').find((l) => l.includes(`_doActivateExtension ${id},`));
      if (done && start) {
        const ran = /ran ([\d.]+) ms before/.exec(done);
        return {
          activateMs: Number(/activated in ([\d.]+) ms/.exec(done)![1]),
          totalMs: logTime(done) - logTime(start),
          moduleRunMs: ran !== null ? Number(ran[1]) : null,
        };
      }
    }
    if (Date.now() > deadline)
      throw new Error(`the extension did not log "activated in N ms" within 60 s (${host})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for a new extension host (not `previous`) to finish its startup activations, plus a second. */
async function settledExtensionHost(editor: Editor, previous: string | undefined): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const host = newestExtensionHostDir(editor.userDataDir);
    const log = host && host !== previous ? join(host, 'remoteexthost.log') : undefined;
    if (log && existsSync(log) && readFileSync(log, 'utf8').includes('Eager extensions activated')) {
      await new Promise((r) => setTimeout(r, 1_000));
      return host!;
    }
    if (Date.now() > deadline) throw new Error('no extension host finished starting within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The baseline for activation: an extension that does nothing but what every extension does to
 * say it is up (a log output channel, one command), activated by that command in the same
 * extension host. Its "load + activate" is what VS Code itself costs; ours minus it is ours.
 */
const BASELINE_ID = 'kgd-bench.kgd-bench-baseline';
const BASELINE_COMMAND = 'KGD Bench: Baseline Extension';

function writeBaselineExtension(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'kgd-bench-baseline',
      publisher: 'kgd-bench',
      version: '0.0.1',
      engines: { vscode: '^1.95.0' },
      main: './extension.js',
      activationEvents: ['onCommand:kgdBench.baseline'],
      contributes: { commands: [{ command: 'kgdBench.baseline', title: BASELINE_COMMAND }] },
    }),
  );
  writeFileSync(
    join(dir, 'extension.js'),
    [
      "const vscode = require('vscode');",
      'exports.activate = (context) => {',
      '  const t0 = performance.now();',
      "  const log = vscode.window.createOutputChannel('KGD Bench Baseline', { log: true });",
      "  context.subscriptions.push(log, vscode.commands.registerCommand('kgdBench.baseline', () => undefined));",
      '  log.info(`activated in ${(performance.now() - t0).toFixed(1)} ms`);',
      '};',
      'exports.deactivate = () => undefined;',
      '',
    ].join('\n'),
  );
}

/** What the dashboard's webview reports about one opening (its own performance marks). */
interface PaintSample {
  /** From the palette command (Enter) to the webview's `kgd:first-paint` mark, wall clock. */
  openToFirstPaintMs: number;
  /**
   * VS Code's part inside the frame: from the content frame's navigation start until its
   * placeholder document (fake.html) is parsed, after which VS Code writes our HTML into it.
   */
  webviewHostMs: number;
  /** Ours: from then to the first paint (load the bundle, ready → init, first render, paint). */
  contentToFirstPaintMs: number;
  /** The `kgd:init` measure: applying the first `init` message. */
  initMs: number | null;
  /** Parts of ours, from the placeholder being ready: the bundle fetched (resource timing). */
  bundleFetchedMs: number | null;
  /** … the bundle run up to the `ready` message (custom elements defined, views built). */
  readyMs: number | null;
  /** … the `init` message back from the extension host. */
  initArrivedMs: number | null;
  /** … the first render done (the paint is the next frame). */
  firstRenderMs: number | null;
}

/**
 * Opens the group dashboard `samples` times from the palette ("Kafka Groups: Open Group
 * Dashboard", closing it in between) and times each opening to the webview's first paint.
 * The webview sets `performance.mark('kgd:first-paint')` in the animation frame after its first
 * render (src/webview/main.ts); its timeOrigin + the mark's time is wall-clock time on this
 * machine, the same clock as the Date.now() taken just before Enter is pressed.
 */
async function dashboardFirstPaint(workbench: Workbench, samples: number): Promise<PaintSample[]> {
  const page = workbench.page;
  await workbench.runCommand('Kafka Groups: Start Simulator');
  await workbench.waitForTreeRow(/orders-app/);
  const out: PaintSample[] = [];
  for (let i = 0; i < samples; i++) {
    await workbench.runCommand('View: Close All Editors');
    const input = page.locator('.quick-input-widget input');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('>Kafka Groups: Open Group Dashboard');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Kafka Groups: Open Group Dashboard' })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    const started = Date.now();
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 30_000;
    let sample: PaintSample | undefined;
    while (sample === undefined) {
      for (const frame of page.frames()) {
        // The webview's content frame (see Workbench.webviewFrame): named pending-frame or
        // active-frame, loaded from fake.html.
        if (!/^(active|pending)-frame$/.test(frame.name()) && !frame.url().includes('/fake.html')) continue;
        const m = await frame
          .evaluate(() => {
            const paint = performance.getEntriesByName('kgd:first-paint')[0];
            const init = performance.getEntriesByName('kgd:init')[0];
            const nav = performance.getEntriesByType('navigation')[0] as
              PerformanceNavigationTiming | undefined;
            const bundle = performance
              .getEntriesByType('resource')
              .find((e) => /webview\.js(\?|$)/.test(e.name)) as PerformanceResourceTiming | undefined;
            return paint === undefined
              ? null
              : {
                  at: performance.timeOrigin + paint.startTime,
                  paint: paint.startTime,
                  placeholderReady: nav?.domContentLoadedEventStart ?? 0,
                  initMs: init?.duration ?? null,
                  bundleFetched: bundle?.responseEnd ?? null,
                  ready: performance.getEntriesByName('kgd:ready')[0]?.startTime ?? null,
                  initArrived: init?.startTime ?? null,
                  firstRender: performance.getEntriesByName('kgd:first-render')[0]?.startTime ?? null,
                };
          })
          .catch(() => null);
        if (m !== null && m.at > started) {
          sample = {
            openToFirstPaintMs: m.at - started,
            webviewHostMs: m.placeholderReady,
            contentToFirstPaintMs: m.paint - m.placeholderReady,
            initMs: m.initMs,
            bundleFetchedMs: m.bundleFetched === null ? null : m.bundleFetched - m.placeholderReady,
            readyMs: m.ready === null ? null : m.ready - m.placeholderReady,
            initArrivedMs: m.initArrived === null ? null : m.initArrived - m.placeholderReady,
            firstRenderMs: m.firstRender === null ? null : m.firstRender - m.placeholderReady,
          };
          break;
        }
      }
      if (sample === undefined) {
        if (Date.now() > deadline) throw new Error('the dashboard did not paint within 30 s of opening');
        await page.waitForTimeout(20);
      }
    }
    out.push(sample);
    process.stderr.write(
      `dashboard ${i + 1}/${samples}: first paint ${sample.openToFirstPaintMs.toFixed(0)} ms after the command ` +
        `(VS Code's webview frame ${sample.webviewHostMs.toFixed(0)} ms, then ours ${sample.contentToFirstPaintMs.toFixed(0)} ms: ` +
        `bundle fetched ${sample.bundleFetchedMs?.toFixed(0)}, ready ${sample.readyMs?.toFixed(0)}, init ${sample.initArrivedMs?.toFixed(0)}, rendered ${sample.firstRenderMs?.toFixed(0)})\n`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const argIndex = process.argv.indexOf('--samples');
  const samples = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 5;
  if (!Number.isInteger(samples) || samples < 1) throw new Error('--samples needs a positive whole number');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { viewsContainers: { activitybar: { title: string }[] } };
  };
  const container = manifest.contributes.viewsContainers.activitybar[0];
  if (!container) throw new Error('package.json contributes no activity-bar container');
  const id = extensionUnderTestId();

  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const baselineDir = join(ROOT, '.cache', 'bench-baseline-extension');
  writeBaselineExtension(baselineDir);
  const editor = await launchEditor({ name: 'bench', install: 'vsix', log, extraExtensions: [baselineDir] });
  if (!editor.vsixPath) throw new Error('launchEditor installed no .vsix');
  const vsixBytes = statSync(editor.vsixPath).size;
  const workbench = new Workbench(editor, id, join(editor.home, 'screenshots'));
  const activations: Activation[] = [];
  const baselines: Activation[] = [];
  let paints: PaintSample[];
  try {
    let previous: string | undefined;
    for (let i = 0; i < samples; i++) {
      if (i > 0) {
        // A new window on a new folder: a new extension host, and no restored view activating the
        // extension during startup (that would time VS Code's startup queue, not the extension).
        const folder = join(editor.home, `workspace-${i}`);
        mkdirSync(folder, { recursive: true });
        await openWorkbench(editor.page, editor.server.workbenchUrl(folder));
      }
      // Measure on a settled host, as when a user opens the view: after startup activations.
      const host = await settledExtensionHost(editor, previous);
      // Ours and the baseline in the same host, taking turns at going first.
      const ours = async (): Promise<Activation> => {
        await workbench.openActivityBarItem(container.title);
        return activation(id, host);
      };
      const baseline = async (): Promise<Activation> => {
        await workbench.runCommand(BASELINE_COMMAND);
        return activation(BASELINE_ID, host);
      };
      let a: Activation;
      let b: Activation;
      if (i % 2 === 0) {
        a = await ours();
        b = await baseline();
      } else {
        b = await baseline();
        a = await ours();
      }
      previous = host;
      activations.push(a);
      baselines.push(b);
      log(
        `activation ${i + 1}/${samples}: activate() ${a.activateMs} ms, load + activate ${a.totalMs} ms ` +
          `(empty extension: ${b.totalMs} ms)`,
      );
    }
    // The first opening loads the webview's bundle; the later ones find it in the browser's cache.
    paints = await dashboardFirstPaint(workbench, samples + 1);
  } finally {
    await editor.stop();
  }

  const loadAndActivate = stats(activations.map((a) => a.totalMs));
  const baseline = stats(baselines.map((b) => b.totalMs));
  const result = {
    bench: 'extension',
    date: new Date().toISOString(),
    node: process.version,
    editor: 'code-server 4.100.3 (VS Code 1.100.3), Chromium headless',
    vsix: { bytes: vsixBytes, aimBytes: 1_000_000 },
    bundles: {
      extension: bundleSize('dist/extension.js'),
      webview: bundleSize('dist/webview.js'),
      webviewCss: bundleSize('dist/webview.css'),
    },
    activation: {
      note: 'activateMs: the extension\'s own "activated in N ms"; loadAndActivateMs: extension host log "_doActivateExtension" to that line (bundle load included; log timestamps have 1 ms resolution)',
      activateMs: stats(activations.map((a) => a.activateMs)),
      loadAndActivateMs: loadAndActivate,
      moduleRunMs: stats(activations.flatMap((a) => (a.moduleRunMs === null ? [] : [a.moduleRunMs]))),
      baselineNote:
        'an extension that only creates a log output channel and registers one command, activated in the same extension hosts: what VS Code itself costs',
      baselineLoadAndActivateMs: baseline,
      ratioToBaseline: loadAndActivate.median / Math.max(1, baseline.median),
      aimMs: 50,
    },
    dashboardFirstPaint: {
      note: 'the palette command "Kafka Groups: Open Group Dashboard" (Enter) to the webview\'s kgd:first-paint mark (the frame after its first render), the simulator running scale-out; first: the first opening in the window (bundle not cached), warm: the openings after it. webviewHostMs: VS Code\'s webview frame, from its navigation to its placeholder document being ready (our HTML is written into it then); contentToFirstPaintMs: from then to the first paint (our bundle, the init posted with the page, the first render)',
      firstMs: paints[0]?.openToFirstPaintMs ?? null,
      warmMs: stats(paints.slice(1).map((p) => p.openToFirstPaintMs)),
      webviewHostMs: stats(paints.map((p) => p.webviewHostMs)),
      contentToFirstPaintMs: stats(paints.map((p) => p.contentToFirstPaintMs)),
      initMessageMs: stats(paints.flatMap((p) => (p.initMs === null ? [] : [p.initMs]))),
      oursNote:
        'from the placeholder being ready: our bundle fetched (resource timing), ready sent (bundle run), init arrived (posted with the page, delivered when it loads), first render done',
      bundleFetchedMs: stats(paints.flatMap((p) => (p.bundleFetchedMs === null ? [] : [p.bundleFetchedMs]))),
      readyMs: stats(paints.flatMap((p) => (p.readyMs === null ? [] : [p.readyMs]))),
      initArrivedMs: stats(paints.flatMap((p) => (p.initArrivedMs === null ? [] : [p.initArrivedMs]))),
      firstRenderMs: stats(paints.flatMap((p) => (p.firstRenderMs === null ? [] : [p.firstRenderMs]))),
      aimMs: 300,
    },
  };
  const json = JSON.stringify(result, null, 2);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/extension.json'), `${json}\n`);
  process.stdout.write(`${json}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`extension bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

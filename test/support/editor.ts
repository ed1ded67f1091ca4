// A real VS Code for tests and benchmarks: code-server with the extension installed into a fresh
// user-data-dir and extensions-dir, driven by Debian's Chromium through playwright-core.
// The server side lives in scripts/code-server/*.mjs (shared with `npm start`); this file adds the
// browser and the typed surface the e2e suite, the editor suite and the benchmark use.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

import type * as WorkbenchLibModule from '../../scripts/code-server/workbench.mjs' with {
  'resolution-mode': 'import',
};
import type { CodeServer } from '../../scripts/code-server/workbench.mjs' with {
  'resolution-mode': 'import',
};
import type * as PackageLibModule from '../../scripts/package.mjs' with { 'resolution-mode': 'import' };

type WorkbenchLib = typeof WorkbenchLibModule;
type PackageLib = typeof PackageLibModule;
export type { CodeServer };

/** The repository root (this file runs from out/test/support/ or, via the bench, elsewhere). */
export const ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(join(dir, 'scripts/code-server/workbench.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

/** Flags that keep Chromium from reaching for the network (closed here) or a GPU. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const CHROMIUM_PATH = process.env.KGD_CHROMIUM ?? '/usr/bin/chromium';

export async function workbenchLib(): Promise<WorkbenchLib> {
  return (await import(pathToFileURL(join(ROOT, 'scripts/code-server/workbench.mjs')).href)) as WorkbenchLib;
}

export async function packageLib(): Promise<PackageLib> {
  return (await import(pathToFileURL(join(ROOT, 'scripts/package.mjs')).href)) as PackageLib;
}

/** `<publisher>.<name>` of the extension under test, from package.json. */
export function extensionUnderTestId(): string {
  const m = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
  };
  return `${m.publisher}.${m.name}`;
}

export interface EditorOptions {
  /** Folder under .cache/ holding this run's state; it is wiped first, so every run starts fresh. */
  readonly name: string;
  /**
   * How the extension under test gets in: `vsix` packs it with vsce and installs the .vsix with
   * code-server's installer (what a user does; proves the package is complete), `copy` stages the
   * built folder (faster).
   */
  readonly install?: 'vsix' | 'copy';
  /** More unpacked extension folders to stage (the in-editor test runner). */
  readonly extraExtensions?: readonly string[];
  readonly userSettings?: Readonly<Record<string, unknown>>;
  readonly workspaceSettings?: Readonly<Record<string, unknown>>;
  /** Files to create in the workspace folder (relative path → content). */
  readonly workspaceFiles?: Readonly<Record<string, string>>;
  /** Called with progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

export interface Editor {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly home: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly folder: string;
  /** The .vsix that was installed (`install: 'vsix'`). */
  readonly vsixPath: string | undefined;
  /** Milliseconds spent in each phase of `launchEditor`. */
  readonly timings: Readonly<Record<string, number>>;
  /** Reloads the window: a new extension host, so extension state starts over. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** Installs what is missing, starts code-server and opens the workbench in Chromium. */
export async function launchEditor(options: EditorOptions): Promise<Editor> {
  const log = options.log ?? ((line: string) => process.stderr.write(`      ${line}\n`));
  const timings: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const t = Date.now();
    const r = await fn();
    timings[name] = Date.now() - t;
    return r;
  };
  const wb = await workbenchLib();
  await phase('ensureCodeServer', () => wb.ensureCodeServer({ log }));

  const home = join(ROOT, '.cache', options.name);
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  const folder = join(home, 'workspace');
  for (const d of [userDataDir, extensionsDir, folder, join(home, 'data')])
    rmSync(d, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });

  let vsixPath: string | undefined;
  if ((options.install ?? 'vsix') === 'vsix') {
    const vsix = await phase('package', async () => {
      const pkg = await packageLib();
      return (await pkg.packageVsix({ out: join(home, 'extension-under-test.vsix') })).path;
    });
    await phase('installVsix', () => wb.installVsix(vsix, { extensionsDir, userDataDir, home }));
    vsixPath = vsix;
  } else {
    await phase('build', () => wb.buildExtension());
    wb.stageExtension(ROOT, extensionsDir, wb.EXTENSION_FILES);
  }
  for (const dir of options.extraExtensions ?? []) wb.stageExtension(dir, extensionsDir);
  wb.writeUserSettings(userDataDir, {
    // Tests read the workbench, not git; keep the built-in git extension from scanning the repo.
    'git.enabled': false,
    ...options.userSettings,
  });
  wb.writeWorkspace(folder, options.workspaceSettings ?? {});
  for (const [path, content] of Object.entries(options.workspaceFiles ?? {})) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }

  const port = await wb.findFreePort();
  const server = await phase('startCodeServer', () =>
    wb.startCodeServer({ port, userDataDir, extensionsDir, folder, home }),
  );
  let browser: Browser | undefined;
  try {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium is not at ${CHROMIUM_PATH}: run scripts/setup-system.sh (or set KGD_CHROMIUM)`,
      );
    }
    browser = await phase('launchChromium', () =>
      chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS], headless: true }),
    );
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await phase('openWorkbench', () => openWorkbench(page, server.workbenchUrl()));
    const b = browser;
    return {
      server,
      browser: b,
      page,
      home,
      userDataDir,
      extensionsDir,
      folder,
      vsixPath,
      timings,
      async reload() {
        await page.reload();
        await waitForWorkbench(page);
      },
      async stop() {
        await b.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw e;
  }
}

/** Opens the workbench at `url` and waits until it is on screen. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  if (!response?.ok()) throw new Error(`code-server answered ${response?.status() ?? 'nothing'} for ${url}`);
  await waitForWorkbench(page);
}

export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  try {
    await page
      .locator('.monaco-workbench .part.activitybar')
      .waitFor({ state: 'visible', timeout: timeoutMs });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (e) {
    throw new Error(
      `the VS Code workbench did not appear within ${timeoutMs / 1000} s at ${page.url()}: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

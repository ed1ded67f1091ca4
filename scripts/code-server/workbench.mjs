// Everything needed to run the extension in a real VS Code served by code-server: stage an
// extension into an extensions dir, write user and workspace settings, pick a free port in the
// project's range, start code-server and stop it (and everything it started).
// Used by `npm start` (scripts/code-server/start.mjs), the editor and e2e test suites and the
// benchmark (through test/support/editor.ts). Types: workbench.d.mts.
/* global AbortSignal */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_BIN, ensureCodeServer } from './install.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The ports this project may use (loopback only): 18080-18099, or `$KGD_PORTS` ("FIRST-LAST") when
 * several people share a machine and each has a range of their own.
 */
export const PORT_RANGE = Object.freeze(portRange(process.env.KGD_PORTS));

function portRange(text) {
  if (text === undefined || text.trim() === '') return { first: 18080, last: 18099 };
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  const first = m ? Number(m[1]) : NaN;
  const last = m ? Number(m[2]) : NaN;
  if (!(first >= 1024 && last <= 65535 && first <= last)) {
    throw new Error(`KGD_PORTS="${text}" is not a port range such as 18080-18099 (ports 1024-65535)`);
  }
  return { first, last };
}

export { ensureCodeServer };

/** Settings that make a fresh editor usable by a person or a test: no trust dialog, no tours. */
export const BASE_USER_SETTINGS = Object.freeze({
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'git.autoRepositoryDetection': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
});

/** The files of the built extension that go into the .vsix (and so into a staged copy). */
export const EXTENSION_FILES = Object.freeze([
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'dist',
  'media',
]);

export function readManifest(dir = ROOT) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** `<publisher>.<name>`, the id VS Code knows an extension by. */
export function extensionId(manifest = readManifest()) {
  return `${manifest.publisher}.${manifest.name}`;
}

/** Runs a node script of this repository and fails with its output when it fails. */
export function runNode(script, args = [], { cwd = ROOT, env = process.env, quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, script), ...args], {
      cwd,
      env,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let text = '';
    child.stdout?.on('data', (d) => (text += d));
    child.stderr?.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(text)
        : reject(new Error(`${script} ${args.join(' ')} failed (exit ${code}):\n${text}`)),
    );
  });
}

/** Bundles the extension (scripts/build.mjs). */
export async function buildExtension() {
  await runNode('scripts/build.mjs');
}

/**
 * Copies an unpacked extension into `extensionsDir/<publisher>.<name>-<version>`, which VS Code
 * picks up on start, and removes older copies of the same extension.
 * @returns the staged folder
 */
export function stageExtension(sourceDir, extensionsDir, files) {
  const manifest = readManifest(sourceDir);
  const id = extensionId(manifest).toLowerCase();
  const target = join(extensionsDir, `${id}-${manifest.version}`);
  mkdirSync(extensionsDir, { recursive: true });
  for (const entry of readdirSync(extensionsDir)) {
    if (entry.toLowerCase().startsWith(`${id}-`))
      rmSync(join(extensionsDir, entry), { recursive: true, force: true });
  }
  // VS Code caches the scanned extensions; a stale list would hide a changed manifest.
  rmSync(join(extensionsDir, 'extensions.json'), { force: true });
  rmSync(join(extensionsDir, '.obsolete'), { force: true });
  mkdirSync(target, { recursive: true });
  for (const f of files ?? readdirSync(sourceDir)) {
    const from = join(sourceDir, f);
    if (!existsSync(from)) continue;
    cpSync(from, join(target, f), {
      recursive: true,
      filter: (p) => !p.endsWith('.map') && !p.includes(`${join(sourceDir, 'node_modules')}`),
    });
  }
  return target;
}

/** Installs a .vsix with code-server's own installer (what a user does with "Install from VSIX"). */
export async function installVsix(vsix, { extensionsDir, userDataDir, home }) {
  const out = await runCodeServerCli(['--install-extension', vsix, '--force'], {
    extensionsDir,
    userDataDir,
    home,
  });
  if (!/successfully installed/i.test(out)) throw new Error(`code-server could not install ${vsix}:\n${out}`);
  return out;
}

function runCodeServerCli(args, { extensionsDir, userDataDir, home }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      CODE_SERVER_BIN,
      [
        ...args,
        '--extensions-dir',
        extensionsDir,
        '--user-data-dir',
        userDataDir,
        '--config',
        configFile(home),
      ],
      { env: serverEnv(home), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(text);
      else reject(new Error(`code-server ${args.join(' ')} failed (exit ${code}):\n${text}`));
    });
  });
}

/** Merges `settings` into `<userDataDir>/User/settings.json`, keeping what a user added. */
export function writeUserSettings(userDataDir, settings = {}) {
  const file = join(userDataDir, 'User', 'settings.json');
  return mergeJsonFile(file, { ...BASE_USER_SETTINGS, ...settings });
}

/** Creates `folder` with `.vscode/settings.json` holding `settings` (merged into what is there). */
export function writeWorkspace(folder, settings = {}) {
  mkdirSync(folder, { recursive: true });
  return mergeJsonFile(join(folder, '.vscode', 'settings.json'), settings);
}

function mergeJsonFile(file, values) {
  let current = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // VS Code writes JSON with comments; an unreadable file is replaced rather than half-merged.
      current = {};
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...current, ...values }, null, 2)}\n`);
  return file;
}

/** True when nothing listens on 127.0.0.1:port. */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first free port of the project's range (from `preferred` on), or a clear error. */
export async function findFreePort(preferred = PORT_RANGE.first) {
  const ports = [];
  for (let p = PORT_RANGE.first; p <= PORT_RANGE.last; p++) ports.push(p);
  ports.sort((a, b) => (a >= preferred ? a : a + 1000) - (b >= preferred ? b : b + 1000));
  for (const p of ports) if (await portIsFree(p)) return p;
  throw new Error(
    `no free port in 127.0.0.1:${PORT_RANGE.first}-${PORT_RANGE.last}; stop another code-server or pass a port`,
  );
}

/** code-server keeps its own config and logs under $XDG_*; keep them out of the user's home. */
function serverEnv(home) {
  mkdirSync(join(home, 'data'), { recursive: true });
  const env = { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
  delete env.PORT; // code-server would let $PORT override --bind-addr
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

function configFile(home) {
  const file = join(home, 'code-server.yaml');
  if (!existsSync(file)) {
    mkdirSync(home, { recursive: true });
    writeFileSync(
      file,
      '# written by scripts/code-server/workbench.mjs; the command line sets everything\nauth: none\ncert: false\n',
    );
  }
  return file;
}

/**
 * Starts code-server on 127.0.0.1:port and waits until it answers. Its own output goes to
 * `home/code-server.log`. `stop()` ends it and every process it started (its process group).
 */
export async function startCodeServer({
  port,
  userDataDir,
  extensionsDir,
  folder,
  home,
  timeoutMs = 60_000,
  extraArgs = [],
}) {
  await ensureCodeServer();
  if (!(await portIsFree(port))) {
    throw new Error(
      `127.0.0.1:${port} is in use; pick another port in ${PORT_RANGE.first}-${PORT_RANGE.last}`,
    );
  }
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const logFile = join(home, 'code-server.log');
  mkdirSync(home, { recursive: true });
  const out = openSync(logFile, 'w');
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--config',
    configFile(home),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  const child = spawn(CODE_SERVER_BIN, args, {
    env: serverEnv(home),
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  let exited = null;
  const exitedPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = signal ?? `exit ${code}`;
      resolve(exited);
    }),
  );
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  const url = `http://127.0.0.1:${port}/`;
  const handle = {
    port,
    url,
    pid: child.pid,
    logFile,
    userDataDir,
    extensionsDir,
    folder,
    /** The workbench URL for `folder` (or the one given). */
    workbenchUrl(f = folder) {
      return f ? `${url}?folder=${encodeURIComponent(f)}` : url;
    },
    exited: exitedPromise,
    async stop() {
      process.off('exit', onExit);
      if (exited === null) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
        await exitedPromise;
        clearTimeout(timer);
      }
      // Children (extension host, pty host, file watcher) may outlive the server by a moment.
      killGroup('SIGKILL');
    },
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) {
      throw new Error(
        `code-server exited (${exited}) while starting. Its log (${logFile}):\n${tail(logFile)}`,
      );
    }
    try {
      const r = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) return handle;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(
        `code-server did not answer on ${url} within ${timeoutMs / 1000} s. Its log (${logFile}):\n${tail(logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

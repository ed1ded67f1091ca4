#!/usr/bin/env node
// Installs code-server (VS Code served to a browser) into .cache/code-server/, once.
//
// code-server's npm postinstall downloads ripgrep from GitHub, which these machines cannot reach,
// so the install runs with --ignore-scripts and then does by hand what the postinstall would do
// (the recipe in the project's environment notes): install VS Code's own production
// dependencies, link Debian's ripgrep, rebuild the native modules against Node's headers, make
// the links postinstall.sh makes, install the built-in extensions' dependencies, rebuild argon2.
//
// The install is only trusted when its completion marker is present AND a health check passes
// (the files that a half-finished or damaged install lacks). Anything else is wiped and redone.
//
// Usage: node scripts/code-server/install.mjs [--force] [--quiet]
import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  openSync,
  closeSync,
  appendFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
/** Bump when the steps below change, so existing caches are redone. */
const RECIPE = 3;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_HOME = join(root, '.cache', 'code-server');
const pkgDir = join(CODE_SERVER_HOME, 'node_modules', 'code-server');
const vscodeDir = join(pkgDir, 'lib', 'vscode');
export const CODE_SERVER_BIN = join(CODE_SERVER_HOME, 'node_modules', '.bin', 'code-server');
const marker = join(CODE_SERVER_HOME, '.kgd-install.json');
const logFile = join(CODE_SERVER_HOME, 'install.log');
const lockDir = join(root, '.cache', 'code-server.lock');

/** Native modules that must have a compiled .node file for code-server to start. */
const NATIVE = [
  join(vscodeDir, 'node_modules/@vscode/spdlog/build/Release/spdlog.node'),
  join(vscodeDir, 'node_modules/@vscode/deviceid/build/Release/windows.node'),
  join(vscodeDir, 'node_modules/kerberos/build/Release/kerberos.node'),
  join(vscodeDir, 'node_modules/native-watchdog/build/Release/watchdog.node'),
  join(vscodeDir, 'node_modules/node-pty/build/Release/pty.node'),
];

export class InstallError extends Error {}

/** What is wrong with the cached install, or null when it is complete and healthy. */
export function diagnose() {
  if (!existsSync(marker)) {
    return existsSync(CODE_SERVER_HOME) ? 'an earlier install did not finish' : 'not installed yet';
  }
  let info;
  try {
    info = JSON.parse(readFileSync(marker, 'utf8'));
  } catch {
    return 'the install marker is unreadable';
  }
  if (info.version !== CODE_SERVER_VERSION || info.recipe !== RECIPE) {
    return `the cache holds code-server ${info.version} (recipe ${info.recipe}), wanted ${CODE_SERVER_VERSION} (recipe ${RECIPE})`;
  }
  if (info.node !== process.versions.modules) {
    return `native modules were built for Node ABI ${info.node}, this Node is ABI ${process.versions.modules}`;
  }
  const required = [
    CODE_SERVER_BIN,
    join(pkgDir, 'out/node/entry.js'),
    join(vscodeDir, 'out/server-main.js'),
    join(vscodeDir, 'node_modules.asar'),
    join(vscodeDir, 'node_modules/@vscode/ripgrep/bin/rg'),
    join(vscodeDir, 'bin/remote-cli/code-server'),
    join(vscodeDir, 'bin/helpers/browser.sh'),
    join(vscodeDir, 'extensions/node_modules'),
    ...NATIVE,
  ];
  for (const f of required) {
    if (!existsSync(f)) return `${f.slice(root.length + 1)} is missing`;
  }
  const argon = join(CODE_SERVER_HOME, 'node_modules/argon2/lib/binding');
  if (!existsSync(argon) || readdirSync(argon).length === 0) return 'argon2 was not rebuilt';
  return null;
}

/**
 * Makes sure code-server is installed and healthy; installs or repairs it when not.
 * Returns the path of the code-server executable.
 * @param {{ force?: boolean, log?: (line: string) => void }} [options]
 */
export async function ensureCodeServer(options = {}) {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  if (!options.force && diagnose() === null) return CODE_SERVER_BIN;
  const release = await lock(log);
  try {
    // Another process may have finished the install while we waited for the lock.
    const problem = options.force ? 'reinstall requested (--force)' : diagnose();
    if (problem === null) return CODE_SERVER_BIN;
    await install(problem, log);
    return CODE_SERVER_BIN;
  } finally {
    release();
  }
}

async function install(reason, log) {
  checkPrerequisites();
  const started = Date.now();
  log(
    `code-server ${CODE_SERVER_VERSION}: installing into .cache/code-server (${reason}); this takes 1–3 minutes once`,
  );
  rmSync(CODE_SERVER_HOME, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_HOME, { recursive: true });
  writeFileSync(logFile, '');
  writeFileSync(
    join(CODE_SERVER_HOME, 'package.json'),
    JSON.stringify(
      {
        name: 'kgd-code-server-cache',
        private: true,
        description: 'code-server for the e2e tests and the demo; see scripts/code-server/install.mjs',
      },
      null,
      2,
    ),
  );
  const env = {
    // Not the npm_* variables of an enclosing `npm start`/`npm test` (its prefix, its
    // allow-scripts policy, …): the nested npm reads the same config files on its own.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_nodedir: nodeHeadersDir(),
    // Never let an install step fetch a binary from the internet: these machines can't.
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  };
  const npm = (cwd, args, what) => step(what, 'npm', args, cwd, env, log);

  await npm(
    CODE_SERVER_HOME,
    ['install', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`],
    'download code-server from the npm registry',
  );
  if (!existsSync(vscodeDir))
    throw new InstallError(`code-server's package has no lib/vscode folder (${vscodeDir})`);
  await npm(
    vscodeDir,
    ['install', '--omit=dev', '--ignore-scripts'],
    "install VS Code's production dependencies",
  );

  const rgBin = join(vscodeDir, 'node_modules/@vscode/ripgrep/bin');
  mkdirSync(rgBin, { recursive: true });
  link(systemRipgrep(), join(rgBin, 'rg'));

  await npm(
    vscodeDir,
    ['rebuild', '@vscode/spdlog', '@vscode/deviceid', 'kerberos', 'native-watchdog', 'node-pty'],
    'rebuild the native modules (node-gyp, Node headers from ' + env.npm_config_nodedir + ')',
  );
  for (const f of NATIVE) {
    if (!existsSync(f)) throw new InstallError(`the native rebuild did not produce ${f}; see ${logFile}`);
  }
  link('node_modules', join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', join(vscodeDir, 'bin/remote-cli/code-server'));
  link('browser-linux.sh', join(vscodeDir, 'bin/helpers/browser.sh'));

  const extDir = join(vscodeDir, 'extensions');
  await npm(
    extDir,
    ['install', '--omit=dev', '--ignore-scripts'],
    "install the built-in extensions' dependencies",
  );
  await step(
    "run the built-in extensions' postinstall",
    process.execPath,
    ['postinstall.mjs'],
    extDir,
    env,
    log,
  );
  await npm(CODE_SERVER_HOME, ['rebuild', 'argon2'], 'rebuild argon2');

  // code-server writes a default config and logs under $XDG_*: keep them inside the cache.
  const version = await capture(CODE_SERVER_BIN, ['--version'], {
    ...env,
    CODE_SERVER_CONFIG: join(CODE_SERVER_HOME, 'version-check.yaml'),
    XDG_DATA_HOME: join(CODE_SERVER_HOME, '.xdg-data'),
    XDG_CONFIG_HOME: join(CODE_SERVER_HOME, '.xdg-config'),
  });
  if (!version.includes(CODE_SERVER_VERSION)) {
    throw new InstallError(
      `code-server --version printed "${version.trim()}", expected ${CODE_SERVER_VERSION}; see ${logFile}`,
    );
  }
  writeFileSync(
    marker,
    JSON.stringify(
      {
        version: CODE_SERVER_VERSION,
        recipe: RECIPE,
        node: process.versions.modules,
        installedAt: new Date().toISOString(),
      },
      null,
      2,
    ),
  );
  const problem = diagnose();
  if (problem !== null)
    throw new InstallError(`the install finished but is not healthy: ${problem}; see ${logFile}`);
  const versionLine = version.split('\n').find((l) => l.includes(CODE_SERVER_VERSION)) ?? '';
  log(
    `code-server ${CODE_SERVER_VERSION}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s (${versionLine.trim()})`,
  );
}

function checkPrerequisites() {
  const missing = [];
  try {
    systemRipgrep();
  } catch {
    missing.push('ripgrep (/usr/bin/rg)');
  }
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h'))
    missing.push('libkrb5-dev (krb5.h)');
  for (const tool of ['make', 'g++', 'python3']) {
    if (!onPath(tool)) missing.push(tool);
  }
  if (missing.length > 0) {
    throw new InstallError(
      `code-server needs ${missing.join(', ')}. Run scripts/setup-system.sh (as root) and try again.`,
    );
  }
  nodeHeadersDir();
}

/** The folder holding include/node/common.gypi for node-gyp, so it never downloads headers. */
function nodeHeadersDir() {
  const candidates = [
    process.env.npm_config_nodedir,
    join(dirname(process.execPath), '..'),
    '/usr',
    '/usr/local',
  ];
  for (const c of candidates) {
    if (c && existsSync(join(c, 'include/node/common.gypi'))) return c;
  }
  throw new InstallError(
    `Node's C headers (include/node/common.gypi) were not found next to ${process.execPath} nor in /usr; ` +
      'node-gyp would try to download them, which fails here. Install the Node package that ships them ' +
      '(Debian: nodejs/libnode-dev) or set npm_config_nodedir to the folder that holds include/node/.',
  );
}

function systemRipgrep() {
  for (const p of ['/usr/bin/rg', '/usr/local/bin/rg']) if (existsSync(p)) return p;
  throw new InstallError('ripgrep is not installed');
}

function onPath(tool) {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, tool)));
}

function link(target, path) {
  try {
    if (lstatSync(path).isSymbolicLink() && readlinkSync(path) === target) return;
    unlinkSync(path);
  } catch {
    // does not exist yet
  }
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

function step(what, cmd, args, cwd, env, log) {
  const started = Date.now();
  appendFileSync(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  return new Promise((resolve, reject) => {
    const out = openSync(logFile, 'a');
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
    child.on('error', (e) => {
      closeSync(out);
      reject(new InstallError(`${what}: could not run ${cmd}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      closeSync(out);
      if (code === 0) {
        log(`  ✓ ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        resolve();
      } else {
        const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n    ');
        reject(
          new InstallError(
            `${what} failed (${signal ?? `exit ${code}`}). Last lines of ${logFile}:\n    ${tail}`,
          ),
        );
      }
    });
  });
}

function capture(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => reject(new InstallError(`could not run ${cmd}: ${e.message}`)));
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

/** A cross-process lock (mkdir is atomic); a lock left by a dead process is taken over. */
async function lock(log) {
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  let told = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // the owner is between mkdir and writing its pid
      }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new InstallError(
          `another process (pid ${owner}) has been installing code-server for 10 minutes; if none is, remove ${lockDir}`,
        );
      }
      if (!told) log(`code-server: waiting for another install (pid ${owner}) to finish…`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quiet = process.argv.includes('--quiet');
  const started = Date.now();
  try {
    const problem = diagnose();
    const bin = await ensureCodeServer({
      force: process.argv.includes('--force'),
      log: quiet ? () => {} : undefined,
    });
    if (!quiet) {
      console.log(
        problem === null && !process.argv.includes('--force')
          ? `code-server ${CODE_SERVER_VERSION} is installed (${bin}); checked in ${Date.now() - started} ms`
          : `code-server ${CODE_SERVER_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bin}`,
      );
    }
  } catch (e) {
    console.error(`error: ${e instanceof InstallError ? e.message : e.stack}`);
    process.exit(1);
  }
}

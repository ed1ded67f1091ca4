#!/usr/bin/env node
// `npm run package`: builds the bundles and packs the extension into a .vsix with @vscode/vsce.
// The bundles carry everything the extension needs, so no node_modules go in (--no-dependencies);
// .vscodeignore lets only the bundles, media, README, CHANGELOG and LICENSE through
// (scripts/check-package.mjs asserts that on the real .vsix).
//
// Usage: node scripts/package.mjs [--out file.vsix] [--quiet]
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `npm run package` puts the .vsix: `<name>-<version>.vsix` in the repository root. */
export function defaultVsixPath() {
  const m = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return join(root, `${m.name}-${m.version}.vsix`);
}

/**
 * Runs `vsce package` (which runs the `vscode:prepublish` build first).
 * @returns {Promise<{ path: string, bytes: number, output: string }>}
 */
export function packageVsix({ out = defaultVsixPath(), quiet = true } = {}) {
  const args = [
    join(root, 'node_modules/@vscode/vsce/vsce'),
    'package',
    '--no-dependencies',
    // No public repository yet: keep README links as written instead of failing on them.
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
    '--out',
    out,
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (d) => {
      output += d;
      if (!quiet) process.stdout.write(d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`vsce package failed (exit ${code}):\n${output}`));
        return;
      }
      resolvePromise({ path: out, bytes: statSync(out).size, output });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : defaultVsixPath();
  const quiet = process.argv.includes('--quiet');
  try {
    const r = await packageVsix({ out, quiet });
    console.log(`${r.path} (${(r.bytes / 1024).toFixed(1)} KiB)`);
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}

#!/usr/bin/env node
// `npm run bench`: compiles (tsc -b), then runs every out/bench/**/*.bench.js in turn and prints
// one JSON document: { "started": …, "benches": [ { "file", "seconds", "result" } ] }.
//
// A bench is a script that prints one JSON value on stdout (progress goes to stderr). Arguments
// after `npm run bench --` are passed to every bench (e.g. `npm run bench -- --quick`); a bench
// can be picked with `--only NAME` (a substring of its file name).
// The document is also written to bench/results/<timestamp>.json (git-ignored).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const passThrough = onlyAt >= 0 ? args.filter((_, i) => i !== onlyAt && i !== onlyAt + 1) : args;

const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (tsc.status !== 0) {
  console.error('bench: compilation failed');
  process.exit(1);
}

function find(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (e.endsWith('.bench.js')) out.push(p);
  }
  return out;
}

const files = find(join(root, 'out/bench')).filter((f) => only === undefined || f.includes(only));
if (files.length === 0) {
  console.error(`bench: no benches found${only ? ` matching "${only}"` : ''} in out/bench`);
  process.exit(1);
}

const report = { started: new Date().toISOString(), node: process.version, args: passThrough, benches: [] };
let failed = false;
for (const file of files) {
  const name = relative(root, file);
  console.error(`▶ ${name}`);
  const t = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', file, ...passThrough], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  const seconds = (Date.now() - t) / 1000;
  let result;
  try {
    result = JSON.parse(r.stdout);
  } catch {
    result = {
      error: `the bench did not print JSON (exit ${r.status})`,
      stdout: (r.stdout ?? '').slice(-2000),
    };
  }
  if (r.status !== 0) failed = true;
  report.benches.push({ file: name, exitCode: r.status, seconds, result });
}

const text = JSON.stringify(report, null, 2);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `${report.started.replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${text}\n`);
console.log(text);
console.error(`bench: results written to ${relative(root, out)}`);
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// The project's one test command (`npm test`). It compiles, builds the bundles, runs the static
// checks and then every mocha suite, and ends with one line: "N passed, N failed".
//
// Usage: node scripts/test.mjs [suite ...]
//   suites: static unit oracle integration webview editor e2e   (default: all of them, in that order)
//
// A suite lives in test/<suite>/ and is picked up from out/test/<suite>/**/*.test.js after
// compilation. When out/test/<suite>/setup.js exists it is loaded first as a mocha root-hook
// plugin: that is where a suite provisions and starts what it needs (a Kafka broker, code-server).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['static', 'unit', 'oracle', 'integration', 'webview', 'editor', 'e2e'];
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const s of requested) {
  if (!ALL.includes(s)) {
    console.error(`unknown suite "${s}"; suites are: ${ALL.join(' ')}`);
    process.exit(2);
  }
}
const suites = requested.length > 0 ? requested : ALL;

let passed = 0;
let failed = 0;
const rows = [];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function step(name, cmd, args) {
  const t = Date.now();
  console.log(`\n▶ ${name}`);
  const code = run(cmd, args);
  if (code === 0) passed++;
  else failed++;
  rows.push({ suite: 'static', name, ok: code === 0, seconds: (Date.now() - t) / 1000 });
  return code === 0;
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (entry.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

// Compile (tsc -b) and bundle first: every suite runs compiled code.
console.log('▶ compile (tsc -b)');
if (run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']) !== 0) {
  failed++;
  finish('compilation failed');
}
console.log('▶ bundle (esbuild)');
if (run(process.execPath, [join(root, 'scripts/build.mjs')]) !== 0) {
  failed++;
  finish('bundling failed');
}

for (const suite of suites) {
  if (suite === 'static') {
    step('lint (eslint, typed rules)', process.execPath, [
      join(root, 'node_modules/eslint/bin/eslint.js'),
      '--max-warnings',
      '0',
      '.',
    ]);
    step('format (prettier --check)', process.execPath, [
      join(root, 'node_modules/prettier/bin/prettier.cjs'),
      '--check',
      '--log-level',
      'warn',
      '.',
    ]);
    if (existsSync(join(root, 'scripts/check-manifest.mjs'))) {
      step('manifest ↔ code (commands, settings)', process.execPath, [
        join(root, 'scripts/check-manifest.mjs'),
      ]);
    }
    if (existsSync(join(root, 'scripts/check-package.mjs'))) {
      step('package (.vsix contents, lazy kafkajs)', process.execPath, [
        join(root, 'scripts/check-package.mjs'),
      ]);
    }
    continue;
  }
  const dir = join(root, 'out/test', suite);
  const files = findTests(dir);
  if (files.length === 0) {
    console.log(`\n▶ ${suite}: no tests`);
    rows.push({ suite, name: suite, ok: true, seconds: 0, note: 'no tests' });
    continue;
  }
  console.log(`\n▶ ${suite}: ${files.length} files`);
  const summaryFile = join(root, 'out', `summary-${suite}.json`);
  rmSync(summaryFile, { force: true });
  const args = [
    join(root, 'node_modules/mocha/bin/mocha.js'),
    '--reporter',
    join(root, 'test/support/summary-reporter.cjs'),
    '--exit',
  ];
  const setup = join(dir, 'setup.js');
  if (existsSync(setup)) args.push('--require', setup);
  const started = Date.now();
  const code = run(process.execPath, [...args, ...files.map((f) => relative(root, f))], {
    env: { ...process.env, KGD_SUMMARY_FILE: summaryFile, KGD_SUITE: suite },
  });
  let s = { passes: 0, failures: 0, pending: 0 };
  if (existsSync(summaryFile)) s = JSON.parse(readFileSync(summaryFile, 'utf8'));
  else s.failures = 1; // mocha died before reporting
  if (code !== 0 && s.failures === 0) s.failures = 1;
  passed += s.passes;
  failed += s.failures;
  rows.push({
    suite,
    name: suite,
    ok: s.failures === 0,
    passes: s.passes,
    failures: s.failures,
    pending: s.pending,
    seconds: (Date.now() - started) / 1000,
  });
}
finish();

function finish(reason) {
  console.log('\nSummary');
  for (const r of rows) {
    const counts =
      r.passes !== undefined ? ` ${r.passes} passed, ${r.failures} failed, ${r.pending} pending` : '';
    console.log(
      `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.suite.padEnd(12)} ${r.name === r.suite ? '' : r.name}${counts}${r.note ? ` (${r.note})` : ''} [${r.seconds.toFixed(1)} s]`,
    );
  }
  if (reason) console.log(`  stopped: ${reason}`);
  const line = `${passed} passed, ${failed} failed`;
  mkdirSync(join(root, 'out'), { recursive: true });
  writeFileSync(join(root, 'out/test-summary.txt'), `${line}\n`);
  console.log(line);
  process.exit(failed === 0 ? 0 : 1);
}

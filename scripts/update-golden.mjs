#!/usr/bin/env node
// Regenerates the golden event traces in test/fixtures/golden/: every built-in scenario under
// every protocol variant (seed 1), the bytes `kgd simulate <s> --protocol <v> --seed 1 --format
// ndjson` prints. Run it (`npm run golden:update`) only after checking that a trace change is
// intended, and commit the new traces with the change that caused them.
//
// Usage: node scripts/update-golden.mjs [--check]
//   --check   write nothing; exit 1 and list the files that would change
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

// The traces come from the compiled test support module, the same code the golden test runs.
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  console.error('update-golden: compilation failed (tsc -b); fix it first');
  process.exit(1);
}
const require = createRequire(import.meta.url);
const golden = require(join(root, 'out/test/support/golden.js'));

const dir = golden.GOLDEN_DIR;
mkdirSync(dir, { recursive: true });
const cases = golden.goldenCases();
const wanted = new Set(cases.map((c) => c.file));
const changed = [];
let total = 0;
for (const c of cases) {
  const text = await golden.renderGolden(c);
  const file = join(dir, c.file);
  total += Buffer.byteLength(text);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (before === text) continue;
  changed.push(`${before === null ? 'new    ' : 'changed'} ${c.file}`);
  if (!check) writeFileSync(file, text);
}
for (const f of readdirSync(dir)) {
  if (f.endsWith('.ndjson') && !wanted.has(f)) {
    changed.push(`stale   ${f}`);
    if (!check) rmSync(join(dir, f));
  }
}
for (const line of changed) console.log(line);
console.log(
  `${cases.length} traces, ${(total / 1024).toFixed(1)} KiB in total; ${changed.length} ${check ? 'would change' : 'written or removed'}`,
);
if (check && changed.length > 0) process.exit(1);

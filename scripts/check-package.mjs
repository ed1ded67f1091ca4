#!/usr/bin/env node
// Static check of what ships (part of the `static` test suite):
// 1. Packs the .vsix with vsce (scripts/package.mjs) and lists the archive: it may hold only the
//    bundles, media, README, CHANGELOG, LICENSE and the manifest files vsce writes — no sources,
//    source maps, node_modules, tests or caches.
// 2. Reads esbuild's metafile of dist/extension.js (written by scripts/build.mjs) and checks that
//    kafkajs is not in the bundle's eager import graph: it must load only when a cluster is used,
//    through `await import('kafkajs')` (a dynamic-import edge), so activation stays fast.
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVsix } from './package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Entries a .vsix may hold (paths inside the archive). */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/LICENSE(\.txt)?$/i,
  /^extension\/dist\/extension\.js$/,
  /^extension\/dist\/(simulator|kafka)\.js$/,
  /^extension\/dist\/webview\.(js|css)$/,
  /^extension\/dist\/codicon\.css$/,
  /^extension\/dist\/codicon\.ttf$/,
  /^extension\/media\/[\w./-]+\.(svg|png|css|md|json)$/,
];
const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/simulator.js',
  'extension/dist/kafka.js',
  'extension/dist/webview.js',
  'extension/dist/webview.css',
  'extension/dist/codicon.css',
  // The dashboard's HTML preloads it by this name (src/protocol/shell.ts).
  'extension/dist/codicon.ttf',
];
/** Packages that must not load when the extension activates. */
const LAZY_PACKAGES = ['kafkajs'];

/** The file names in a zip archive, from its central directory. */
function zipEntries(buffer) {
  const min = Math.max(0, buffer.length - 65_557);
  let eocd = -1;
  for (let i = buffer.length - 22; i >= min; i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end-of-central-directory record)');
  const count = buffer.readUInt16LE(eocd + 10);
  let p = buffer.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(p) !== 0x02014b50) throw new Error(`corrupt central directory at byte ${p}`);
    const nameLength = buffer.readUInt16LE(p + 28);
    const extraLength = buffer.readUInt16LE(p + 30);
    const commentLength = buffer.readUInt16LE(p + 32);
    names.push({
      name: buffer.toString('utf8', p + 46, p + 46 + nameLength),
      bytes: buffer.readUInt32LE(p + 24),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * The inputs of an esbuild metafile reachable from the entry point through static imports and
 * require() calls — what is evaluated when the bundle loads. Dynamic import() edges are lazy.
 */
function eagerInputs(metafile, outputFile) {
  const output = metafile.outputs[outputFile];
  if (!output?.entryPoint) throw new Error(`the metafile has no entry output ${outputFile}`);
  const seen = new Set([output.entryPoint]);
  const queue = [output.entryPoint];
  while (queue.length > 0) {
    const input = metafile.inputs[queue.shift()];
    for (const edge of input?.imports ?? []) {
      if (edge.external || edge.kind === 'dynamic-import' || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return seen;
}

const problems = [];

// 1. The .vsix.
mkdirSync(join(root, '.cache', 'check'), { recursive: true });
const vsix = await packageVsix({ out: join(root, '.cache', 'check', 'extension.vsix') });
const entries = zipEntries(readFileSync(vsix.path));
for (const e of entries) {
  if (!ALLOWED.some((re) => re.test(e.name))) problems.push(`the .vsix holds ${e.name}, which must not ship`);
}
const names = new Set(entries.map((e) => e.name));
for (const r of REQUIRED) {
  if (![...names].some((n) => n.toLowerCase() === r.toLowerCase())) problems.push(`the .vsix lacks ${r}`);
}

// The font URL the dashboard preloads must be the one codicon.css asks for, or it loads twice.
if (!readFileSync(join(root, 'dist/codicon.css'), 'utf8').includes('url("./codicon.ttf")')) {
  problems.push(
    'dist/codicon.css does not load its font as ./codicon.ttf, the URL src/protocol/shell.ts preloads',
  );
}

// 2. What loads at activation.
const metafile = JSON.parse(readFileSync(join(root, 'out/meta/extension.json'), 'utf8'));
const eager = eagerInputs(metafile, 'dist/extension.js');
for (const pkg of LAZY_PACKAGES) {
  const loaded = [...eager].filter((p) => p.includes(`node_modules/${pkg}/`));
  if (loaded.length > 0) {
    const chain = [...eager].filter((p) => !p.includes('node_modules/')).join(', ');
    problems.push(
      `${pkg} is loaded when the extension activates (${loaded.length} files, e.g. ${loaded[0]}); ` +
        `load it with \`await import('${pkg}')\` where a cluster is first used. Eager sources: ${chain}`,
    );
  }
}

if (problems.length > 0) {
  console.error(`package check failed (${problems.length}):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `package ok: ${entries.length} files, ${(vsix.bytes / 1024).toFixed(1)} KiB; ` +
    `${eager.size} modules load at activation, none of ${LAZY_PACKAGES.join(', ')}`,
);

#!/usr/bin/env node
// Bundles the extension host code, the CLI and the dashboard webview with esbuild.
// Usage: node scripts/build.mjs [--watch] [--dev]   (--dev: no minification)
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: { extension: join(root, 'src/extension.ts') },
    outdir: join(root, 'dist'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    entryPoints: { cli: join(root, 'src/cli/main.ts') },
    outdir: join(root, 'dist'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (existsSync(join(root, 'src/webview/main.ts'))) {
  builds.push({
    entryPoints: { webview: join(root, 'src/webview/main.ts') },
    outdir: join(root, 'dist'),
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
  });
}

mkdirSync(join(root, 'dist'), { recursive: true });
const common = {
  bundle: true,
  sourcemap: dev ? 'inline' : 'linked',
  minify: !dev,
  logLevel: 'warning',
  metafile: true,
};
const started = Date.now();
if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context({ ...common, ...b });
    await ctx.watch();
  }
  console.log('watching for changes…');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  // The import graphs, for scripts/check-package.mjs (what loads eagerly) and the benchmark.
  mkdirSync(join(root, 'out/meta'), { recursive: true });
  builds.forEach((b, i) => {
    const name = Object.keys(b.entryPoints)[0];
    writeFileSync(join(root, 'out/meta', `${name}.json`), JSON.stringify(results[i].metafile));
  });
  chmodSync(join(root, 'dist/cli.js'), 0o755);
  console.log(`built ${builds.length} bundles in ${Date.now() - started} ms`);
}

#!/usr/bin/env node
// Bundles the extension host code, the CLI and the dashboard webview with esbuild.
// Usage: node scripts/build.mjs [--watch] [--dev]   (--dev: no minification)
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;

/**
 * Parts of the extension that are their own bundles, loaded on first use so activation does not
 * pay for them: the simulator engine (when the simulator starts) and everything that loads
 * kafkajs (when a cluster is first used). The extension reaches them only through dynamic
 * `import()`, which this plugin turns into a require of the separate bundle.
 */
const LAZY = [
  { source: 'src/simulator/engine/parts.ts', bundle: 'simulator' },
  { source: 'src/sources/cluster-lazy.ts', bundle: 'kafka' },
];
const lazySplit = {
  name: 'lazy-split',
  setup(b) {
    b.onResolve({ filter: /(engine\/parts|cluster-lazy)(\.js)?$/ }, (args) => {
      const file = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const lazy = LAZY.find((l) => join(root, l.source) === file);
      if (lazy === undefined) return undefined;
      if (args.kind !== 'dynamic-import') {
        return {
          errors: [
            {
              text: `${lazy.source} is a lazy bundle: import it with import(), not statically (from ${args.importer})`,
            },
          ],
        };
      }
      return { path: `./${lazy.bundle}.js`, external: true };
    });
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: { extension: join(root, 'src/extension.ts') },
    outdir: join(root, 'dist'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [lazySplit],
    // When the bundle starts to run (after Node read and compiled it), for the activation log.
    // ("use strict" first: a directive counts only at the very start of the file.)
    banner: { js: '"use strict";globalThis.__kgdModuleStart = performance.now();' },
  },
  ...LAZY.map((l) => ({
    entryPoints: { [l.bundle]: join(root, l.source) },
    outdir: join(root, 'dist'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  })),
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
    // webview.js + webview.css (the dashboard and uPlot's styles), and codicon.css + its font,
    // all served from dist/ under the webview's CSP.
    entryPoints: {
      webview: join(root, 'src/webview/main.ts'),
      codicon: join(root, 'node_modules/@vscode/codicons/dist/codicon.css'),
    },
    outdir: join(root, 'dist'),
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    // dist/codicon.ttf, a URL the dashboard's HTML can preload (src/protocol/shell.ts): a fixed
    // name, and without the cache-busting query codicon.css puts on it (a preload is reused only
    // for the very same URL).
    assetNames: '[name]',
    plugins: [
      {
        name: 'codicon-font-url',
        setup(b) {
          b.onLoad({ filter: /codicons[\\/]dist[\\/]codicon\.css$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replace(/(\.ttf)\?[0-9a-f]+/g, '$1'),
            loader: 'css',
          }));
        },
      },
    ],
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

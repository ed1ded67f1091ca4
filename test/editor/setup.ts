// Root hooks of the editor suite (loaded with `mocha --require`): bundles the in-editor test
// runner extension (runner-extension/) with the specs in runner-extension/suite/, installs it next
// to the packaged extension in a fresh code-server, and opens the workbench in Chromium — the
// extension host only starts when a browser window connects. The runner then runs the specs in
// the extension host and appends results to .cache/editor/results.jsonl, which editor.test.ts reads.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { extensionUnderTestId, launchEditor, ROOT, type Editor } from '../support/editor';
import type { RunnerConfig } from './runner-extension/results';

const SOURCE = join(ROOT, 'test/editor/runner-extension');
const HOME = join(ROOT, '.cache/editor');
export const RESULTS_FILE = join(HOME, 'results.jsonl');
export const ARTIFACTS = join(ROOT, 'test/e2e/artifacts/editor');

let editor: Editor | undefined;
let launchError: Error | undefined;

/** The running editor (for the outer test's error messages). */
export function runningEditor(): Editor {
  if (!editor)
    throw new Error(
      `the editor suite could not start the editor: ${launchError?.message ?? 'it did not run'}`,
    );
  return editor;
}

/** Bundles the runner and the specs into an unpacked extension folder; returns the folder. */
export async function buildRunnerExtension(): Promise<string> {
  const out = join(HOME, 'runner-extension');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'dist'), { recursive: true });
  copyFileSync(join(SOURCE, 'package.json'), join(out, 'package.json'));
  const specs = readdirSync(join(SOURCE, 'suite'))
    .filter((f) => f.endsWith('.spec.ts'))
    .sort();
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  };
  await build({
    ...common,
    entryPoints: [join(SOURCE, 'extension.ts')],
    outfile: join(out, 'dist/extension.js'),
  });
  await build({
    ...common,
    // One bundle, specs in file-name order (activation.spec.ts relies on running first).
    stdin: {
      contents: specs.map((f) => `import './suite/${f.replace(/\.ts$/, '')}';`).join('\n'),
      resolveDir: SOURCE,
      sourcefile: 'suite-index.ts',
      loader: 'ts',
    },
    outfile: join(out, 'dist/suite.js'),
  });
  const config: RunnerConfig = {
    resultsFile: RESULTS_FILE,
    mochaPath: join(ROOT, 'node_modules/mocha/lib/mocha.cjs'),
    suiteFile: 'dist/suite.js',
    timeoutMs: 20_000,
    extensionId: extensionUnderTestId(),
  };
  writeFileSync(join(out, 'runner-config.json'), JSON.stringify(config, null, 2));
  return out;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(8 * 60_000); // the first run on a fresh machine installs code-server
    rmSync(ARTIFACTS, { recursive: true, force: true });
    rmSync(RESULTS_FILE, { force: true });
    try {
      const runner = await buildRunnerExtension();
      editor = await launchEditor({ name: 'editor', install: 'vsix', extraExtensions: [runner] });
      mkdirSync(ARTIFACTS, { recursive: true });
      await editor.page.screenshot({ path: join(ARTIFACTS, '01-workbench.png') });
      process.stderr.write(`      editor ready: ${JSON.stringify(editor.timings)}\n`);
    } catch (e) {
      launchError = e as Error;
      throw e;
    }
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    if (editor) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await editor.page.screenshot({ path: join(ARTIFACTS, '02-after-tests.png') }).catch(() => undefined);
      await editor.stop();
    }
  },
};

// The in-editor test runner: a test-only extension that, once the editor has started, runs the
// mocha specs bundled in dist/suite.js inside the extension host (so they use the real `vscode`
// API) and appends each result to the results file named in runner-config.json.
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { RunnerConfig, RunnerEvent } from './results';

/** What the runner exports to the specs (they find it with vscode.extensions.getExtension). */
export interface RunnerExports {
  /** This extension host's log folder for the runner; the extension under test logs next to it. */
  readonly logFolder: string;
}

export function activate(context: vscode.ExtensionContext): RunnerExports {
  const config = JSON.parse(
    readFileSync(join(context.extensionPath, 'runner-config.json'), 'utf8'),
  ) as RunnerConfig;
  // Run after activation returns: the extension host must not wait for the tests.
  setTimeout(() => run(config, join(context.extensionPath, config.suiteFile)), 0);
  return { logFolder: context.logUri.fsPath };
}

export function deactivate(): void {
  // nothing to release: the suite ends on its own
}

/** Mocha needs a reporter; the results file is the report. */
class SilentReporter {}

function run(config: RunnerConfig, suiteFile: string): void {
  const write = (e: RunnerEvent): void => appendFileSync(config.resultsFile, `${JSON.stringify(e)}\n`);
  try {
    // `require` relative to this extension, so the specs' `import 'vscode'` resolves to the real
    // API the extension host hands to extensions.
    const load = createRequire(__filename);
    // Stack traces of failing specs then point at the .ts sources (the bundles carry inline maps).
    process.setSourceMapsEnabled(true);
    const MochaClass = load(config.mochaPath) as typeof Mocha;
    const mocha = new MochaClass({
      ui: 'bdd',
      timeout: config.timeoutMs,
      reporter: SilentReporter as unknown as Mocha.ReporterConstructor,
      color: false,
    });
    mocha.suite.emit('pre-require', globalThis, suiteFile, mocha);
    load(suiteFile);
    mocha.suite.emit('post-require', globalThis, suiteFile, mocha);
    write({ event: 'start', total: mocha.suite.total() });
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      write({
        event: 'end',
        passes: stats?.passes ?? 0,
        failures: stats?.failures ?? failures,
        pending: stats?.pending ?? 0,
      });
    });
    runner.on('test', (t) => write({ event: 'begin', fullTitle: t.fullTitle() }));
    runner.on('pass', (t) =>
      write({ event: 'test', fullTitle: t.fullTitle(), state: 'passed', ...duration(t.duration) }),
    );
    runner.on('pending', (t) => write({ event: 'test', fullTitle: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      write({
        event: 'test',
        fullTitle: t.fullTitle(),
        state: 'failed',
        ...duration(t.duration),
        error: { message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) },
      });
    });
  } catch (err: unknown) {
    const e = err instanceof Error ? err : new Error(String(err));
    write({ event: 'crash', message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) });
  }
}

function duration(ms: number | undefined): { durationMs?: number } {
  return ms === undefined ? {} : { durationMs: ms };
}

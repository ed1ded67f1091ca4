// What the runner writes to the results file, one JSON object per line. The outer test process
// (test/editor/editor.test.ts) reads it while the suite runs.

export interface RunnerConfig {
  /** The JSON-lines file to append events to. */
  readonly resultsFile: string;
  /** mocha's CommonJS entry (node_modules/mocha/lib/mocha.cjs) of the repository. */
  readonly mochaPath: string;
  /** The bundled specs, relative to the runner's folder (dist/suite.js). */
  readonly suiteFile: string;
  /** Per-test timeout inside the editor. */
  readonly timeoutMs: number;
  /** `<publisher>.<name>` of the extension under test. */
  readonly extensionId: string;
}

export type RunnerEvent =
  | { readonly event: 'start'; readonly total: number }
  | { readonly event: 'begin'; readonly fullTitle: string }
  | {
      readonly event: 'test';
      readonly fullTitle: string;
      readonly state: 'passed' | 'failed' | 'pending';
      readonly durationMs?: number;
      readonly error?: { readonly message: string; readonly stack?: string };
    }
  | { readonly event: 'end'; readonly passes: number; readonly failures: number; readonly pending: number }
  | { readonly event: 'crash'; readonly message: string; readonly stack?: string };

// The outer half of the editor suite: waits for the in-editor runner (started by setup.ts) to
// finish, then reports each in-editor test as a test of this suite, so "N passed, N failed"
// counts them one by one. Never hangs: every wait has a deadline and says what it waited for.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Test } from 'mocha';
import { extensionHostLog } from '../support/logs';
import { RESULTS_FILE, runningEditor } from './setup';

/** The runner must write its first line this soon after the workbench opened. */
const START_TIMEOUT_MS = 90_000;
/** No single in-editor test may go this long without a result. */
const STALL_TIMEOUT_MS = 60_000;
/** The whole in-editor suite. */
const TOTAL_TIMEOUT_MS = 5 * 60_000;

interface TestResult {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: { message: string; stack?: string };
}
interface Results {
  total: number;
  tests: TestResult[];
  end?: { passes: number; failures: number; pending: number };
}

/** Reads the results file; each line is checked, it comes from another process. */
function readResults(): {
  results: Results | undefined;
  current: string | undefined;
  crash: string | undefined;
} {
  if (!existsSync(RESULTS_FILE)) return { results: undefined, current: undefined, crash: undefined };
  let results: Results | undefined;
  let current: string | undefined;
  let crash: string | undefined;
  for (const line of readFileSync(RESULTS_FILE, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    const text = (k: string): string => {
      const v = e[k];
      if (typeof v !== 'string') throw new Error(`results line without "${k}": ${line}`);
      return v;
    };
    const num = (k: string): number => {
      const v = e[k];
      if (typeof v !== 'number') throw new Error(`results line without "${k}": ${line}`);
      return v;
    };
    switch (e.event) {
      case 'start':
        results = { total: num('total'), tests: [] };
        break;
      case 'begin':
        current = text('fullTitle');
        break;
      case 'test': {
        const state = text('state');
        if (state !== 'passed' && state !== 'failed' && state !== 'pending')
          throw new Error(`bad state: ${line}`);
        const r: TestResult = { fullTitle: text('fullTitle'), state };
        if (typeof e.durationMs === 'number') r.durationMs = e.durationMs;
        const err = e.error as { message?: unknown; stack?: unknown } | undefined;
        if (err && typeof err.message === 'string') {
          r.error = { message: err.message, ...(typeof err.stack === 'string' ? { stack: err.stack } : {}) };
        }
        results?.tests.push(r);
        current = undefined;
        break;
      }
      case 'end':
        if (results)
          results.end = { passes: num('passes'), failures: num('failures'), pending: num('pending') };
        break;
      case 'crash':
        crash = `${text('message')}\n${typeof e.stack === 'string' ? e.stack : ''}`;
        break;
      default:
        throw new Error(`unknown results line: ${line}`);
    }
  }
  return { results, current, crash };
}

async function waitForResults(): Promise<Results> {
  const started = Date.now();
  let lastCount = -1;
  let lastProgress = Date.now();
  for (;;) {
    const { results, current, crash } = readResults();
    if (crash) throw new Error(`the in-editor runner could not run the suite: ${crash}`);
    if (results?.end) return results;
    const now = Date.now();
    if (!results && now - started > START_TIMEOUT_MS) {
      const host = extensionHostLog(runningEditor().userDataDir).trimEnd().split('\n').slice(-20).join('\n');
      throw new Error(
        `the in-editor test runner did not start within ${START_TIMEOUT_MS / 1000} s: the extension host ` +
          `did not activate kafka-group-debugger.kgd-editor-test-runner. Extension host log:\n${host}`,
      );
    }
    const count = results?.tests.length ?? -1;
    if (count !== lastCount) {
      lastCount = count;
      lastProgress = now;
    } else if (results && now - lastProgress > STALL_TIMEOUT_MS) {
      throw new Error(
        `the in-editor test "${current ?? '(between tests)'}" gave no result for ${STALL_TIMEOUT_MS / 1000} s`,
      );
    }
    if (now - started > TOTAL_TIMEOUT_MS) {
      throw new Error(`the in-editor suite did not finish within ${TOTAL_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('in the editor', function () {
  let results: Results | undefined;

  before(async function () {
    this.timeout(TOTAL_TIMEOUT_MS + START_TIMEOUT_MS + 10_000);
    results = await waitForResults();
    const suite = this.test?.parent;
    if (!suite) throw new Error('mocha gave the hook no suite');
    for (const r of results.tests) {
      if (r.state === 'pending') {
        suite.addTest(new Test(r.fullTitle));
        continue;
      }
      suite.addTest(
        new Test(r.fullTitle, () => {
          if (r.state === 'failed') {
            const e = new Error(r.error?.message ?? 'failed in the editor');
            if (r.error?.stack) e.stack = r.error.stack;
            throw e;
          }
        }),
      );
    }
  });

  it('the runner ran every in-editor test to the end', function () {
    assert.ok(results?.end, 'no end of run');
    assert.ok(results.total > 0, 'the in-editor suite has no tests');
    assert.equal(results.end.failures, results.tests.filter((t) => t.state === 'failed').length);
    // A failing hook skips the tests after it; otherwise every test reported a result.
    if (results.end.failures === 0) assert.equal(results.tests.length, results.total);
  });
});

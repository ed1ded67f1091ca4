/**
 * Golden event traces: every built-in scenario under every protocol variant, seed 1, exactly as
 * `kgd simulate <scenario> --protocol <variant> --seed 1 --format ndjson` prints it. The unit test
 * (test/unit/simulator/golden.test.ts) compares against the checked-in files; the update script
 * (scripts/update-golden.mjs, `npm run golden:update`) writes them from this same module, so the
 * test and the script can never disagree about what a trace is.
 */
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { builtinScenarios } from '../../src/simulator/scenario/builtins';
import { PROTOCOL_VARIANTS, type ProtocolVariant } from '../../src/simulator/scenario/schema';

/** test/fixtures/golden, seen from the compiled out/test/support/. */
export const GOLDEN_DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'golden');

export const GOLDEN_SEED = 1;

export interface GoldenCase {
  readonly scenario: string;
  readonly variant: ProtocolVariant;
  /** File name inside GOLDEN_DIR: `<scenario>.<variant>.ndjson`. */
  readonly file: string;
}

export function goldenCases(): GoldenCase[] {
  return builtinScenarios().flatMap((s) =>
    PROTOCOL_VARIANTS.map((variant) => ({
      scenario: s.name,
      variant,
      file: `${s.name}.${variant}.ndjson`,
    })),
  );
}

/** The command line that prints a case's trace (shown when a trace differs). */
export function goldenCommand(c: GoldenCase, seed = GOLDEN_SEED): string[] {
  return ['simulate', c.scenario, '--protocol', c.variant, '--seed', String(seed), '--format', 'ndjson'];
}

/** Runs `kgd` in-process and returns what it printed on stdout; throws if it failed. */
export async function runKgd(argv: readonly string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readStdin: () => Promise.resolve(''),
    isTty: false,
  });
  if (code !== 0) throw new Error(`kgd ${argv.join(' ')} exited with ${code}: ${err}`);
  return out;
}

/** The trace of one case, as the CLI prints it. */
export function renderGolden(c: GoldenCase, seed = GOLDEN_SEED): Promise<string> {
  return runKgd(goldenCommand(c, seed));
}

export interface LineDifference {
  /** 1-based line number. */
  readonly line: number;
  /** The expected line, or null when the expected text ended before. */
  readonly expected: string | null;
  readonly actual: string | null;
}

/** The first line at which two texts differ, or null when they are identical. */
export function firstDifference(expected: string, actual: string): LineDifference | null {
  if (expected === actual) return null;
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) return { line: i + 1, expected: e[i] ?? null, actual: a[i] ?? null };
  }
  // Unreachable for different strings, but keep the function total.
  return { line: e.length, expected: null, actual: null };
}

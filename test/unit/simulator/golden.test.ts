import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VARIANTS } from '../../../src/simulator/scenario/schema';
import {
  GOLDEN_DIR,
  firstDifference,
  goldenCases,
  goldenCommand,
  renderGolden,
  type GoldenCase,
} from '../../support/golden';

const ROOT = join(__dirname, '..', '..', '..', '..');

function explain(c: GoldenCase, expected: string, actual: string): string {
  const d = firstDifference(expected, actual);
  if (d === null) return '';
  return [
    `the trace of ${c.scenario} under ${c.variant} differs from test/fixtures/golden/${c.file}`,
    `first difference at line ${d.line}:`,
    `  expected: ${d.expected ?? '(end of trace)'}`,
    `  actual:   ${d.actual ?? '(end of trace)'}`,
    `reproduce: kgd ${goldenCommand(c).join(' ')}`,
    'If the change is intended, regenerate the traces with `npm run golden:update` and commit them with it.',
  ].join('\n');
}

describe('golden traces (every built-in × consumer, eager, cooperative; seed 1)', function () {
  this.timeout(20_000);
  const cases = goldenCases();

  it('has one checked-in trace per built-in scenario and variant, and no stale ones', () => {
    const present = readdirSync(GOLDEN_DIR)
      .filter((f) => f.endsWith('.ndjson'))
      .sort();
    assert.deepEqual(present, cases.map((c) => c.file).sort(), 'run `npm run golden:update`');
    assert.ok(cases.length >= 27, 'nine built-ins × three variants');
  });

  for (const c of cases) {
    it(`${c.scenario} under ${c.variant} prints the checked-in trace byte for byte`, async () => {
      const file = join(GOLDEN_DIR, c.file);
      const expected = readFileSync(file, 'utf8');
      const actual = await renderGolden(c);
      if (actual !== expected) assert.fail(explain(c, expected, actual));
      const lines = actual.trimEnd().split('\n');
      const summary = JSON.parse(lines[lines.length - 1]) as { type: string; metrics: unknown[] };
      assert.equal(summary.type, 'summary', 'the trace ends with the summary line');
      assert.ok(lines.length > 10, 'a trace has events');
    });
  }

  it('the bundled kgd (dist/cli.js) prints the same bytes as the checked-in trace', function () {
    this.timeout(30_000); // a child process on a busy machine
    const cli = join(ROOT, 'dist', 'cli.js');
    if (!existsSync(cli)) {
      // npm test always bundles first; a bare `mocha` run after `tsc -b` alone has no bundle.
      this.skip();
    }
    const c = cases.find((x) => x.scenario === 'crash' && x.variant === 'cooperative')!;
    const r = spawnSync(process.execPath, [cli, ...goldenCommand(c)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const expected = readFileSync(join(GOLDEN_DIR, c.file), 'utf8');
    if (r.stdout !== expected) assert.fail(explain(c, expected, r.stdout));
  });
});

describe('determinism', function () {
  this.timeout(20_000);
  const pick = (scenario: string) => goldenCases().filter((c) => c.scenario === scenario);

  for (const variant of PROTOCOL_VARIANTS) {
    it(`two runs with the same seed are byte-identical (flapping-member, ${variant}, seed 7)`, async () => {
      const c = pick('flapping-member').find((x) => x.variant === variant)!;
      const first = await renderGolden(c, 7);
      // Another scenario in between: nothing may leak from one run into the next.
      await renderGolden(pick('slow-revoker')[0], 7);
      const second = await renderGolden(c, 7);
      assert.equal(firstDifference(first, second), null);
      assert.equal(first, second);
    });

    it(`a different seed changes the trace (scale-out, ${variant})`, async () => {
      const c = pick('scale-out').find((x) => x.variant === variant)!;
      const one = await renderGolden(c, 1);
      const two = await renderGolden(c, 2);
      assert.notEqual(one, two);
      // Same scenario, so the same kinds of events happen; the seed changes ids and timings.
      const kinds = (t: string) =>
        new Set(
          t
            .trimEnd()
            .split('\n')
            .map((l) => (JSON.parse(l) as { type: string }).type),
        );
      assert.deepEqual([...kinds(one)].sort(), [...kinds(two)].sort());
    });
  }
});

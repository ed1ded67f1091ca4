/**
 * Kafka 4.3.1's own CooperativeStickyAssignor never returns on test/fixtures/sticky-loop.json (its
 * balancing loop in AbstractStickyAssignor.performReassignments moves partitions back and forth
 * for ever). The simulator reproduces the loop and reports it (StickyAssignorLoop,
 * test/unit/assignors/sticky-loop.test.ts); this shows that the real assignor does spin, so the
 * simulator is faithful rather than wrong. A JVM of its own, killed at the end.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, type OracleProcess, type OracleResult } from './support/oracle';

const WAIT_MS = 10_000;

describe('Kafka 4.3.1 CooperativeStickyAssignor on the looping input', function () {
  this.timeout(60_000);
  const loopCase = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'sticky-loop.json'), 'utf8'),
  ) as {
    topics: { name: string; partitions: number }[];
  };
  let jvm: OracleProcess | null = null;

  after(() => jvm?.close());

  it(`answers the neighbouring input at once, and nothing within ${WAIT_MS / 1000} s for the looping one`, async () => {
    const req = createRequire(__filename);
    const { Oracle } = req(join(REPO_ROOT, 'scripts', 'oracle', 'oracle.cjs')) as {
      Oracle: new () => OracleProcess;
    };
    jvm = new Oracle();
    const neighbour = {
      ...loopCase,
      id: 0,
      topics: loopCase.topics.map((t) => (t.name === 't0' ? { ...t, partitions: t.partitions + 1 } : t)),
    };
    const [answer] = await jvm.run([neighbour]);
    assert.equal(answer.error, undefined, 'the oracle works on a neighbouring input');
    const pending: Promise<OracleResult[] | 'no answer'> = jvm.run([{ ...loopCase, id: 1 }]);
    const outcome = await Promise.race([
      pending,
      new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), WAIT_MS)),
    ]);
    assert.equal(
      outcome,
      'no answer',
      'Kafka’s assignor returned, so the simulator should not report a loop',
    );
    // Closing kills the JVM; the pending request then fails, which is expected.
    pending.catch(() => undefined);
  });
});

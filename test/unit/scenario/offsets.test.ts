import { strict as assert } from 'node:assert';
import { createSimulation } from '../../../src/simulator/engine/parts';
import { ScenarioError, parseScenario } from '../../../src/simulator/scenario/parse';

/** One group of two consumers on orders (4 partitions) with offsets given at the start. */
function file(topic: Record<string, unknown>, group: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'offsets',
    topics: [{ name: 'orders', partitions: 4, ...topic }],
    groups: [{ id: 'app', subscription: ['orders'], members: [{ name: 'c-{i}', count: 2 }], ...group }],
  };
}

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseScenario(raw);
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  assert.fail('the scenario was accepted');
}

describe('scenario offsets (topics[].logEndOffsets, groups[].committedOffsets)', () => {
  it('reads them: log-end offsets by partition (missing ones 0), commits with null for none', () => {
    const sc = parseScenario(
      file({ logEndOffsets: [100, 200, 300] }, { committedOffsets: { orders: [90, null, 300] } }),
    );
    assert.deepEqual(sc.topics[0].logEndOffsets, [100, 200, 300]);
    assert.deepEqual([...(sc.groups[0].committedOffsets ?? [])], [['orders', [90, null, 300]]]);
  });

  it('refuses offsets that cannot be, naming the field and what to change', () => {
    assert.deepEqual(problems(file({ logEndOffsets: [1, 2, 3, 4, 5] })), [
      'topics[0].logEndOffsets: lists 5 offsets but the topic has 4 partitions (one offset per partition, from partition 0)',
    ]);
    assert.match(
      problems(file({ logEndOffsets: [1, -2] }))[0],
      /^topics\[0\]\.logEndOffsets\[1\]: must be a whole number/,
    );
    assert.deepEqual(problems(file({ logEndOffsets: [10] }, { committedOffsets: { orders: [11] } })), [
      'groups[0].committedOffsets.orders[0]: 11 is past the log-end offset of orders-0 (10); set topics[].logEndOffsets, or lower the offset',
    ]);
    assert.deepEqual(problems(file({}, { committedOffsets: { ordres: [0] } })), [
      'groups[0].committedOffsets.ordres: "ordres" is not one of the scenario\'s topics (did you mean "orders"?)',
    ]);
    assert.deepEqual(problems(file({}, { committedOffsets: { orders: [0, 0, 0, 0, 0] } })), [
      'groups[0].committedOffsets.orders: lists 5 offsets but "orders" has 4 partitions',
    ]);
    assert.match(
      problems(file({}, { committedOffsets: { orders: 'all' } }))[0],
      /^groups\[0\]\.committedOffsets\.orders: /,
    );
  });

  it('starts the logs and the group there: lag is log end minus commit, and no commit is not zero', () => {
    const sc = parseScenario(
      file({ logEndOffsets: [1000, 1000, 500, 0] }, { committedOffsets: { orders: [400, 1000, null] } }),
    );
    const sim = createSimulation(sc);
    const lag = sim.snapshot('app').lag;
    assert.ok(lag !== null);
    const rows = lag.partitions.map((p) => [p.partition, p.logEndOffset, p.committedOffset, p.lag]);
    assert.deepEqual(rows, [
      [0, 1000, 400, 600],
      [1, 1000, 1000, 0],
      [2, 500, null, null],
      [3, 0, null, null],
    ]);
    assert.equal(lag.totalLag, 600);
    assert.equal(lag.partitionsWithoutCommit, 2);
  });

  it('consumers resume from the committed offsets and work the lag off', () => {
    const sc = parseScenario(
      file({ logEndOffsets: [50_000, 0, 0, 0] }, { committedOffsets: { orders: [10_000, 0, 0, 0] } }),
    );
    const sim = createSimulation(sc);
    sim.runUntil(8_000); // auto-commits every 5 s (auto.commit.interval.ms)
    const mid = sim.snapshot('app').lag?.partitions[0];
    assert.ok(mid !== undefined && mid.committedOffset !== null);
    assert.ok(
      mid.committedOffset > 10_000 && mid.committedOffset < 50_000,
      `partition 0 is being consumed from its commit (committed ${mid.committedOffset})`,
    );
    sim.runUntil(60_000);
    assert.equal(sim.snapshot('app').lag?.partitions[0].lag, 0, 'the backlog is consumed within a minute');
  });
});

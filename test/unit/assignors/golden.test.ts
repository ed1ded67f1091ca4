/**
 * Golden cases G21–G23 of the reference (group-coordinator-behaviour.md §4), taken from Kafka's
 * tests of late 2024. Where Kafka 4.3.1 differs the test says so and follows 4.3.1:
 * - Kafka 4.1 changed the uniform homogeneous builder (KAFKA-18688: a member may keep an extra
 *   partition), so G21 (a) and (c) differ between "4.0" and 4.3.1;
 * - G21 (b) and (d) in the reference assume the previous assignment iterates T1 before T2, as
 *   Kafka's test helper builds it; the coordinator's HashMaps iterate T2 first.
 * Every "Kafka" answer below was confirmed with Kafka's own UniformAssignor/RangeAssignor (4.3.1,
 * and 4.0.0 for "4.0") through the oracle (scripts/oracle).
 * Members are iterated A, B, C (their HashMap order, which is also sorted), topics T2 < T3 < T1.
 */
import { strict as assert } from 'node:assert';
import { ServerRangeAssignor, UniformAssignor } from '../../../src/simulator/assignors/server/uniform';
import type { KafkaVersion } from '../../../src/simulator/assignors/api';
import { groupSpec, plain, T1, T2, T3 } from './support';

const uniform = new UniformAssignor();
const range = new ServerRangeAssignor();

function runUniform(
  members: Parameters<typeof groupSpec>[0],
  partitions: Parameters<typeof groupSpec>[1],
  kafkaVersion?: KafkaVersion,
): ReturnType<typeof plain> {
  const { spec, topics } = groupSpec(members, partitions);
  return plain(
    uniform.assign(spec, topics, { ordering: 'exact', ...(kafkaVersion ? { kafkaVersion } : {}) }),
  );
}

describe('golden G21: uniform homogeneous (OptimizedUniformAssignmentBuilderTest)', () => {
  const a = { A: { subs: [T1, T3] }, B: { subs: [T1, T3] } };
  it('(a) first assignment — 4.0 as in the reference; 4.3.1 lets the last member take the extra partition', () => {
    assert.deepEqual(runUniform(a, { [T1]: 3, [T3]: 2 }, '4.0'), {
      A: { [T1]: [0], [T3]: [0, 1] },
      B: { [T1]: [1, 2] },
    });
    assert.deepEqual(runUniform(a, { [T1]: 3, [T3]: 2 }), { A: { [T3]: [0, 1] }, B: { [T1]: [0, 1, 2] } });
  });

  it('(b) unbalanced previous assignment — A revokes from the topic its map iterates last', () => {
    const members = {
      A: { subs: [T1, T2], assignment: { [T1]: [0, 1], [T2]: [0, 1] } },
      B: { subs: [T1, T2], assignment: { [T1]: [2], [T2]: [2] } },
    };
    // Kafka replays a target assignment into a HashMap, where T2 (bucket 1) comes before T1
    // (bucket 10): A keeps T2 and one of T1. Same in 4.0.0 and 4.3.1 (both checked by the oracle).
    const kafka = { A: { [T1]: [0], [T2]: [0, 1] }, B: { [T1]: [1, 2], [T2]: [2] } };
    assert.deepEqual(runUniform(members, { [T1]: 3, [T2]: 3 }, '4.0'), kafka);
    assert.deepEqual(runUniform(members, { [T1]: 3, [T2]: 3 }), kafka);
    // The reference's answer comes from Kafka's test helper, whose maps iterate T1 first; canonical
    // mode (sorted iteration) reproduces it.
    const { spec, topics } = groupSpec(members, { [T1]: 3, [T2]: 3 });
    assert.deepEqual(plain(uniform.assign(spec, topics, { ordering: 'canonical' })), {
      A: { [T1]: [0, 1], [T2]: [0] },
      B: { [T1]: [2], [T2]: [1, 2] },
    });
  });

  const previousC = {
    A: { subs: [T1, T2], assignment: { [T1]: [0, 2], [T2]: [0] } },
    B: { subs: [T1, T2], assignment: { [T1]: [1], [T2]: [1, 2] } },
  };

  it("(c) partitions added — 4.3.1 keeps B's extra partition instead of moving one to A", () => {
    assert.deepEqual(runUniform(previousC, { [T1]: 6, [T2]: 5 }, '4.0'), {
      A: { [T1]: [0, 2, 3], [T2]: [0, 3, 4] },
      B: { [T1]: [1, 4, 5], [T2]: [1, 2] },
    });
    assert.deepEqual(runUniform(previousC, { [T1]: 6, [T2]: 5 }), {
      A: { [T1]: [0, 2], [T2]: [0, 3, 4] },
      B: { [T1]: [1, 3, 4, 5], [T2]: [1, 2] },
    });
  });

  it("(d) C joins — the same answer in 4.0 and 4.3.1 (the reference's assumes T1 iterates first)", () => {
    const members = { ...previousC, C: { subs: [T1, T2] } };
    const kafka = { A: { [T1]: [0], [T2]: [0] }, B: { [T2]: [1, 2] }, C: { [T1]: [1, 2] } };
    assert.deepEqual(runUniform(members, { [T1]: 3, [T2]: 3 }, '4.0'), kafka);
    assert.deepEqual(runUniform(members, { [T1]: 3, [T2]: 3 }), kafka);
    const { spec, topics } = groupSpec(members, { [T1]: 3, [T2]: 3 });
    assert.deepEqual(plain(uniform.assign(spec, topics, { ordering: 'canonical', kafkaVersion: '4.0' })), {
      A: { [T1]: [0, 2] },
      B: { [T1]: [1], [T2]: [1] },
      C: { [T2]: [0, 2] },
    });
  });
});

describe('golden G22: uniform heterogeneous (UniformHeterogeneousAssignmentBuilderTest)', () => {
  it('(a) first assignment', () => {
    assert.deepEqual(runUniform({ A: { subs: [T1, T3] }, B: { subs: [T3] } }, { [T1]: 3, [T3]: 6 }), {
      A: { [T1]: [0, 1, 2], [T3]: [4] },
      B: { [T3]: [0, 1, 2, 3, 5] },
    });
  });

  it('(b) unbalanced previous assignment', () => {
    const members = {
      A: { subs: [T1], assignment: { [T1]: [0, 1, 2] } },
      B: { subs: [T1, T2], assignment: { [T1]: [3], [T2]: [0] } },
      C: { subs: [T1, T2, T3], assignment: { [T1]: [4, 5], [T2]: [1, 2, 3], [T3]: [0, 1, 2, 3] } },
    };
    assert.deepEqual(runUniform(members, { [T1]: 6, [T2]: 4, [T3]: 4 }), {
      A: { [T1]: [0, 1, 2, 5] },
      B: { [T1]: [3], [T2]: [0, 1, 2, 3] },
      C: { [T1]: [4], [T3]: [0, 1, 2, 3] },
    });
  });

  it('(c) a member and partitions added', () => {
    const members = {
      A: { subs: [T1], assignment: { [T1]: [0, 2], [T2]: [0] } },
      B: { subs: [T1, T2], assignment: { [T1]: [1], [T2]: [1, 2] } },
      C: { subs: [T1, T2] },
    };
    assert.deepEqual(runUniform(members, { [T1]: 6, [T2]: 7 }), {
      A: { [T1]: [0, 2, 3, 4, 5] },
      B: { [T1]: [1], [T2]: [1, 2, 6] },
      C: { [T2]: [0, 3, 4, 5] },
    });
  });

  it('(d) partitions run out (heterogeneous builder)', () => {
    const { spec, topics } = groupSpec(
      {
        A: { subs: [T1, T2, T3], assignment: { [T1]: [0, 1], [T2]: [0, 1], [T3]: [0, 1] } },
        B: { subs: [T1, T2, T3] },
      },
      { [T1]: 2, [T2]: 2, [T3]: 2 },
      'HETEROGENEOUS',
    );
    assert.deepEqual(plain(uniform.assign(spec, topics, { ordering: 'exact' })), {
      A: { [T2]: [0], [T3]: [0, 1] },
      B: { [T1]: [0, 1], [T2]: [1] },
    });
  });
});

describe('golden G23: range (RangeAssignorTest)', () => {
  it('three members, three topics, different subscriptions', () => {
    const { spec, topics } = groupSpec(
      { A: { subs: [T1, T2] }, B: { subs: [T3] }, C: { subs: [T2, T3] } },
      { [T1]: 3, [T2]: 3, [T3]: 2 },
    );
    for (const ordering of ['exact', 'canonical'] as const) {
      assert.deepEqual(plain(range.assign(spec, topics, { ordering })), {
        A: { [T1]: [0, 1, 2], [T2]: [0, 1] },
        B: { [T3]: [0] },
        C: { [T2]: [2], [T3]: [1] },
      });
    }
  });

  it('the Javadoc example: M0 gets T1P0, T1P1, T2P0, T2P1 and M1 gets T1P2, T2P2', () => {
    const { spec, topics } = groupSpec(
      { M0: { subs: [T1, T2] }, M1: { subs: [T1, T2] } },
      { [T1]: 3, [T2]: 3 },
    );
    assert.deepEqual(plain(range.assign(spec, topics)), {
      M0: { [T1]: [0, 1], [T2]: [0, 1] },
      M1: { [T1]: [2], [T2]: [2] },
    });
  });

  it('static members keep their ranges across restarts (sorted by instance id, not member id)', () => {
    const { spec, topics } = groupSpec(
      { M3: { subs: [T1, T2], instanceId: 'I0' }, M2: { subs: [T1, T2], instanceId: 'I1' } },
      { [T1]: 3, [T2]: 3 },
    );
    assert.deepEqual(plain(range.assign(spec, topics)), {
      M3: { [T1]: [0, 1], [T2]: [0, 1] },
      M2: { [T1]: [2], [T2]: [2] },
    });
  });
});

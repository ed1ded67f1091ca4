/**
 * Client-side assignors: the examples from Kafka's Javadoc (RangeAssignor, RoundRobinAssignor,
 * StickyAssignor), the generation rules of the sticky assignors, and cooperative-sticky's
 * two-step hand-over.
 */
import { strict as assert } from 'node:assert';
import type { TopicPartition } from '../../../src/model';
import type { ClientSubscription, OrderingMode } from '../../../src/simulator/assignors/api';
import { clientAssignor } from '../../../src/simulator/assignors/registry';

interface M {
  topics: string[];
  owned?: string[];
  generation?: number | null;
  instanceId?: string;
}

function subs(members: Record<string, M>): Map<string, ClientSubscription> {
  return new Map(
    Object.entries(members).map(([id, m]) => [
      id,
      {
        memberId: id,
        instanceId: m.instanceId ?? null,
        rackId: null,
        topics: m.topics,
        ownedPartitions: (m.owned ?? []).map(parse),
        generationId: m.generation ?? (m.owned ? 1 : null),
      },
    ]),
  );
}

function parse(s: string): TopicPartition {
  const [, topic, p] = /^(.*)p(\d+)$/.exec(s) as RegExpExecArray;
  return { topic, partition: Number(p) };
}

function fmt(out: Map<string, TopicPartition[]>, sorted = false): Record<string, string[]> {
  const r: Record<string, string[]> = {};
  for (const [m, l] of out) {
    const names = l.map((tp) => `${tp.topic}p${tp.partition}`);
    r[m] = sorted ? names.sort() : names;
  }
  return r;
}

function run(
  name: string,
  members: Record<string, M>,
  topics: Record<string, number>,
  ordering: OrderingMode = 'exact',
) {
  const a = clientAssignor(name);
  assert.ok(a, name);
  return a.assign(new Map(Object.entries(topics)), subs(members), { ordering });
}

describe('client range (RangeAssignor Javadoc)', () => {
  it('C0 gets [t0p0, t0p1, t1p0, t1p1], C1 gets [t0p2, t1p2]', () => {
    for (const ordering of ['exact', 'canonical'] as const) {
      const out = run(
        'range',
        { C0: { topics: ['t0', 't1'] }, C1: { topics: ['t0', 't1'] } },
        { t0: 3, t1: 3 },
        ordering,
      );
      assert.deepEqual(fmt(out, true), { C0: ['t0p0', 't0p1', 't1p0', 't1p1'], C1: ['t0p2', 't1p2'] });
    }
  });

  it('static members are ordered by instance id: I0 keeps the first ranges whatever its member id', () => {
    const out = run(
      'range',
      { C3: { topics: ['t0', 't1'], instanceId: 'I0' }, C2: { topics: ['t0', 't1'], instanceId: 'I1' } },
      { t0: 3, t1: 3 },
    );
    assert.deepEqual(fmt(out, true), { C3: ['t0p0', 't0p1', 't1p0', 't1p1'], C2: ['t0p2', 't1p2'] });
  });
});

describe('roundrobin (RoundRobinAssignor Javadoc)', () => {
  it('same subscriptions: C0 [t0p0, t0p2, t1p1], C1 [t0p1, t1p0, t1p2]', () => {
    const out = run(
      'roundrobin',
      { C0: { topics: ['t0', 't1'] }, C1: { topics: ['t0', 't1'] } },
      { t0: 3, t1: 3 },
    );
    assert.deepEqual(fmt(out), { C0: ['t0p0', 't0p2', 't1p1'], C1: ['t0p1', 't1p0', 't1p2'] });
  });

  it('mixed subscriptions skip members not subscribed to the topic', () => {
    const out = run(
      'roundrobin',
      { C0: { topics: ['t0'] }, C1: { topics: ['t0', 't1'] }, C2: { topics: ['t0', 't1', 't2'] } },
      { t0: 1, t1: 2, t2: 3 },
    );
    assert.deepEqual(fmt(out), { C0: ['t0p0'], C1: ['t1p0'], C2: ['t1p1', 't2p0', 't2p1', 't2p2'] });
  });
});

describe('sticky (StickyAssignor Javadoc)', () => {
  const all = ['t0', 't1', 't2', 't3'];
  const four = { t0: 2, t1: 2, t2: 2, t3: 2 };

  it('example 1: first assignment, then C1 leaves and everything C0 and C2 had stays', () => {
    const first = run('sticky', { C0: { topics: all }, C1: { topics: all }, C2: { topics: all } }, four);
    assert.deepEqual(fmt(first), {
      C0: ['t0p0', 't1p1', 't3p0'],
      C1: ['t0p1', 't2p0', 't3p1'],
      C2: ['t1p0', 't2p1'],
    });
    const second = run(
      'sticky',
      { C0: { topics: all, owned: ['t0p0', 't1p1', 't3p0'] }, C2: { topics: all, owned: ['t1p0', 't2p1'] } },
      four,
    );
    // The Javadoc (older algorithm) gives C0 t2p0 and C2 t0p1; Kafka 4.3.1's constrained builder
    // deals the freed partitions round-robin in sorted order instead (confirmed with the oracle).
    // Either way nothing C0 or C2 owned moves.
    assert.deepEqual(fmt(second), {
      C0: ['t0p0', 't3p0', 't1p1', 't0p1'],
      C2: ['t1p0', 't2p1', 't2p0', 't3p1'],
    });
  });

  it('example 2: unequal subscriptions are balanced, and C0 leaving moves only t0p0', () => {
    const members = {
      C0: { topics: ['t0'] },
      C1: { topics: ['t0', 't1'] },
      C2: { topics: ['t0', 't1', 't2'] },
    };
    const sizes = { t0: 1, t1: 2, t2: 3 };
    assert.deepEqual(fmt(run('sticky', members, sizes), true), {
      C0: ['t0p0'],
      C1: ['t1p0', 't1p1'],
      C2: ['t2p0', 't2p1', 't2p2'],
    });
    const after = run(
      'sticky',
      {
        C1: { topics: ['t0', 't1'], owned: ['t1p0', 't1p1'] },
        C2: { topics: ['t0', 't1', 't2'], owned: ['t2p0', 't2p1', 't2p2'] },
      },
      sizes,
    );
    assert.deepEqual(fmt(after, true), { C1: ['t0p0', 't1p0', 't1p1'], C2: ['t2p0', 't2p1', 't2p2'] });
  });

  it('the higher generation wins a partition claimed twice; equal generations drop the claim', () => {
    const topics = { t: 2 };
    const higher = run(
      'sticky',
      {
        A: { topics: ['t'], owned: ['tp0', 'tp1'], generation: 5 },
        B: { topics: ['t'], owned: ['tp0'], generation: 4 },
      },
      topics,
    );
    assert.deepEqual(fmt(higher, true), { A: ['tp0'], B: ['tp1'] });
    const lower = run(
      'sticky',
      {
        A: { topics: ['t'], owned: ['tp0', 'tp1'], generation: 3 },
        B: { topics: ['t'], owned: ['tp0'], generation: 4 },
      },
      topics,
    );
    assert.deepEqual(fmt(lower, true), { A: ['tp1'], B: ['tp0'] });
  });
});

describe('cooperative-sticky', () => {
  it('withholds a partition that changes owner until the old owner has revoked it', () => {
    const topics = { t: 4 };
    // B joins: A owns everything. Round 1 gives B nothing yet (A must revoke first).
    const round1 = run(
      'cooperative-sticky',
      { A: { topics: ['t'], owned: ['tp0', 'tp1', 'tp2', 'tp3'] }, B: { topics: ['t'] } },
      topics,
    );
    assert.deepEqual(fmt(round1, true), { A: ['tp0', 'tp1'], B: [] });
    // Round 2: A revoked tp2 and tp3, now they go to B.
    const round2 = run(
      'cooperative-sticky',
      { A: { topics: ['t'], owned: ['tp0', 'tp1'], generation: 2 }, B: { topics: ['t'], generation: 2 } },
      topics,
    );
    assert.deepEqual(fmt(round2, true), { A: ['tp0', 'tp1'], B: ['tp2', 'tp3'] });
  });

  it('supports the cooperative protocol first, then eager; sticky supports eager only', () => {
    assert.deepEqual(clientAssignor('cooperative-sticky')?.supportedProtocols, ['cooperative', 'eager']);
    assert.deepEqual(clientAssignor('sticky')?.supportedProtocols, ['eager']);
    assert.equal(
      clientAssignor('org.apache.kafka.clients.consumer.CooperativeStickyAssignor')?.name,
      'cooperative-sticky',
    );
    assert.equal(clientAssignor('nope'), undefined);
  });
});

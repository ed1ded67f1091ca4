/**
 * Property tests of the classic protocol end to end: the coordinator driven by a simple client
 * model (client-model.ts) through random joins, clean leaves, crashes and static restarts.
 *
 * - No partition is ever owned by two live consumers at the same instant (cooperative and eager).
 * - The group's generation never goes backwards.
 * - Once the churn stops, the healthy consumers reach Stable with every partition of the
 *   subscribed topics assigned exactly once, and each consumer owns what the coordinator says.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { type GroupEvent, partitionCount, toPartitions } from '../../../src/model';
import { ClassicClientModel } from './client-model';
import { eventsOf, virtualHarness } from './support';
import { testCooperativeAssignor, testRangeAssignor } from './test-assignors';

type Kind = 'start' | 'stop' | 'crash' | 'restart';

interface Scenario {
  readonly cooperative: boolean;
  readonly staticMembers: boolean;
  readonly initial: number;
  readonly topics: readonly number[];
  readonly actions: readonly { readonly afterMs: number; readonly kind: Kind; readonly who: number }[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  cooperative: fc.boolean(),
  staticMembers: fc.boolean(),
  initial: fc.integer({ min: 1, max: 4 }),
  topics: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }),
  actions: fc.array(
    fc.record({
      afterMs: fc.integer({ min: 0, max: 15_000 }),
      kind: fc.constantFrom<Kind>('start', 'stop', 'crash', 'restart'),
      who: fc.integer({ min: 0, max: 5 }),
    }),
    { maxLength: 8 },
  ),
});

const SETTLE_MS = 10 * 60_000;

function runScenario(s: Scenario): void {
  const h = virtualHarness();
  const topics = new Map(s.topics.map((n, i) => [`t${i}`, n]));
  const model = new ClassicClientModel(h, {
    assignor: s.cooperative ? testCooperativeAssignor() : testRangeAssignor,
    topics,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    heartbeatIntervalMs: 3000,
    latencyMs: 5,
  });
  const instance = (i: number): string | null => (s.staticMembers ? `instance-${i}` : null);
  const live = new Set<number>();
  const generations: number[] = [];
  const sample = (): void => {
    generations.push(h.coordinator.describe('group-id').groupEpoch);
  };

  for (let i = 0; i < s.initial; i++) {
    model.start(`c${i}`, instance(i));
    live.add(i);
  }
  for (const a of s.actions) {
    h.timers.runUntil(h.timers.now() + a.afterMs);
    sample();
    const id = `c${a.who}`;
    switch (a.kind) {
      case 'start':
        if (!live.has(a.who)) {
          model.start(id, instance(a.who));
          live.add(a.who);
        }
        break;
      case 'stop':
        model.stop(id);
        live.delete(a.who);
        break;
      case 'crash':
        model.crash(id);
        live.delete(a.who);
        break;
      case 'restart':
        // The process stops without leaving and comes back 2 s later (a rolling restart).
        model.crash(id);
        live.delete(a.who);
        h.timers.schedule(2000, () => model.start(id, instance(a.who)));
        live.add(a.who);
        break;
    }
  }
  if (live.size === 0) {
    model.start('c9', instance(9));
    live.add(9);
  }
  for (let t = 0; t < SETTLE_MS; t += 5000) {
    h.timers.runUntil(h.timers.now() + 5000);
    sample();
  }

  assert.deepEqual(model.violations, [], 'a partition had two owners');
  assert.deepEqual(model.failures, []);

  const completed = eventsOf(h.events, 'join-completed').map((e) => e.generation);
  for (let i = 1; i < completed.length; i++)
    assert.ok(completed[i] > completed[i - 1], `generations ${completed.join(', ')}`);
  for (let i = 1; i < generations.length; i++) assert.ok(generations[i] >= generations[i - 1]);

  const snap = h.coordinator.describe('group-id');
  const liveClients = model.liveClients();
  assert.equal(snap.state, 'Stable', describeFailure(h.events));
  assert.deepEqual(
    snap.members.map((m) => m.memberId).sort(),
    liveClients.map((c) => model.memberId(c)).sort(),
  );
  const owners = new Map<string, string[]>();
  for (const c of liveClients) {
    assert.ok(model.isStable(c), `${c} is not stable`);
    for (const tp of toPartitions(model.owned(c))) {
      const k = `${tp.topic}-${tp.partition}`;
      owners.set(k, [...(owners.get(k) ?? []), c]);
    }
    const member = snap.members.find((m) => m.memberId === model.memberId(c));
    assert.deepEqual(member?.assignment, model.owned(c), `${c} owns what the coordinator assigned`);
  }
  const total = s.topics.reduce((a, b) => a + b, 0);
  assert.equal(owners.size, total, 'every partition is owned');
  for (const [k, who] of owners) assert.equal(who.length, 1, `${k} owned by ${who.join(', ')}`);
  assert.equal(
    liveClients.reduce((n, c) => n + partitionCount(model.owned(c)), 0),
    total,
  );
}

function describeFailure(events: readonly GroupEvent[]): string {
  return events
    .slice(-12)
    .map((e) => `${e.timeMs} ${e.type} ${JSON.stringify(e)}`)
    .join('\n');
}

describe('classic protocol properties', () => {
  it('cooperative and eager: single ownership, monotonic generations, convergence to Stable', function () {
    this.timeout(60_000);
    // KGD_PROPERTY_RUNS raises the number of runs for a deeper local search.
    fc.assert(fc.property(scenarioArb, runScenario), {
      numRuns: Number(process.env.KGD_PROPERTY_RUNS ?? 80),
    });
  });

  it('is deterministic: the same run gives a byte-identical event trace', () => {
    const trace = (): string => {
      const h = virtualHarness(undefined, 42);
      const model = new ClassicClientModel(h, {
        assignor: testCooperativeAssignor(),
        topics: new Map([['orders', 5]]),
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 30_000,
        heartbeatIntervalMs: 3000,
        latencyMs: 5,
      });
      for (const c of ['c0', 'c1', 'c2']) model.start(c);
      h.timers.runUntil(20_000);
      model.crash('c1');
      h.timers.runUntil(60_000);
      return JSON.stringify(h.events);
    };
    const first = trace();
    assert.equal(trace(), first);
    assert.ok(first.includes('"reason":"session-timeout"'));
  });

  it('cooperative with three members and a scale-out: the second rebalance hands over the revoked partitions', () => {
    const h = virtualHarness();
    const model = new ClassicClientModel(h, {
      assignor: testCooperativeAssignor(),
      topics: new Map([['orders', 6]]),
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 30_000,
      heartbeatIntervalMs: 3000,
      latencyMs: 5,
    });
    model.start('c0');
    model.start('c1');
    h.timers.runUntil(30_000);
    assert.deepEqual(
      ['c0', 'c1'].map((c) => partitionCount(model.owned(c))),
      [3, 3],
    );
    const before = eventsOf(h.events, 'join-completed').length;
    model.start('c2');
    h.timers.runUntil(60_000);
    // Two rebalances: one where c0 and c1 give up a partition each, one that hands them to c2.
    assert.equal(eventsOf(h.events, 'join-completed').length - before, 2);
    assert.deepEqual(
      ['c0', 'c1', 'c2'].map((c) => partitionCount(model.owned(c))),
      [2, 2, 2],
    );
    assert.deepEqual(model.violations, []);
    const reasons = eventsOf(h.events, 'rebalance-started').map((e) => e.reason);
    assert.equal(reasons.at(-2), 'c2 joined');
    assert.match(reasons.at(-1) ?? '', /^c[01] re-joined with different owned partitions$/);
  });
});

/**
 * Several classic consumer clients against the simulator's real classic group coordinator, on the
 * virtual clock, through the simulation engine (the built-in scenarios and small ones written
 * here), under eager and cooperative rebalancing. Deterministic: every run is seeded.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  type Assignment,
  type GroupEvent,
  type GroupSnapshot,
  partitionCount,
  toPartitions,
} from '../../../src/model';
import { Simulation } from '../../../src/simulator/engine/simulation';
import { builtinScenario } from '../../../src/simulator/scenario/builtins';
import { parseScenario } from '../../../src/simulator/scenario/parse';
import type { ProtocolVariant, Scenario } from '../../../src/simulator/scenario/schema';
import { classicParts, eventsOf } from './classic-client-harness';

const VARIANTS: readonly ProtocolVariant[] = ['eager', 'cooperative'];
const GROUP_ID = 'orders-app';

function builtin(name: string): Scenario {
  const s = builtinScenario(name);
  if (s === undefined) throw new Error(`no built-in scenario "${name}"`);
  return s;
}

function scenario(doc: Record<string, unknown>): Scenario {
  return parseScenario(doc, { source: 'test scenario' });
}

/**
 * Replays the ownership events and fails at the first instant a partition has two owners (a
 * crashed consumer's partitions are released at the crash, as the engine does).
 */
class OwnershipChecker {
  private readonly owner = new Map<string, string>();
  readonly violations: string[] = [];

  constructor(private readonly sim: Simulation) {
    sim.onEvent((e) => this.onEvent(e));
  }

  private name(memberId: string): string {
    return this.sim.memberName(memberId) ?? memberId;
  }

  private onEvent(e: GroupEvent): void {
    switch (e.type) {
      case 'partitions-assigned':
        for (const tp of toPartitions(e.partitions)) {
          const k = `${tp.topic}-${tp.partition}`;
          const current = this.owner.get(k);
          const who = this.name(e.memberId);
          if (current !== undefined && current !== who) {
            this.violations.push(`${k} assigned to ${who} at ${e.timeMs} while ${current} owns it`);
          }
          this.owner.set(k, who);
        }
        break;
      case 'partitions-revoked':
      case 'partitions-lost':
        for (const tp of toPartitions(e.partitions)) {
          const k = `${tp.topic}-${tp.partition}`;
          if (this.owner.get(k) === this.name(e.memberId)) this.owner.delete(k);
        }
        break;
      case 'action':
        if (e.action === 'crash' && e.target !== null) {
          for (const [k, v] of [...this.owner]) if (v === e.target) this.owner.delete(k);
        }
        break;
      default:
        break;
    }
  }
}

function run(
  s: Scenario,
  variant: ProtocolVariant,
  untilMs?: number,
): { sim: Simulation; check: OwnershipChecker } {
  const sim = new Simulation(s, classicParts(), { variant });
  const check = new OwnershipChecker(sim);
  sim.run(untilMs);
  return { sim, check };
}

/** Every subscribed partition is owned by exactly one running client, which the coordinator agrees with. */
function assertExactlyOnce(snap: GroupSnapshot, partitions: Readonly<Record<string, number>>): void {
  assert.equal(snap.state, 'Stable');
  const seen = new Map<string, string>();
  for (const m of snap.members) {
    const owned: Assignment = m.client?.owned ?? {};
    assert.deepEqual(owned, m.assignment, `${m.memberId} owns what the coordinator assigned it`);
    for (const tp of toPartitions(owned)) {
      const k = `${tp.topic}-${tp.partition}`;
      assert.ok(!seen.has(k), `${k} owned by ${seen.get(k)} and ${m.memberId}`);
      seen.set(k, m.memberId);
    }
  }
  const expected = Object.values(partitions).reduce((a, b) => a + b, 0);
  assert.equal(seen.size, expected, 'every partition is owned');
}

function memberIdOf(sim: Simulation, name: string): string {
  const id = sim.members().find((m) => m.name === name)?.memberId;
  if (id === null || id === undefined) throw new Error(`${name} has no member id`);
  return id;
}

describe('ClassicConsumerClient with the real classic coordinator', () => {
  for (const variant of VARIANTS) {
    describe(`${variant}`, () => {
      it('scale-out settles with every partition owned exactly once, never by two at a time', () => {
        const { sim, check } = run(builtin('scale-out'), variant);
        assert.deepEqual(check.violations, []);
        const m = sim.metrics(GROUP_ID);
        assert.equal(m.doubleOwnership, 0);
        assert.equal(m.settled, true);
        assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
        const snap = sim.snapshot(GROUP_ID);
        assert.equal(snap.members.length, 6);
        for (const member of snap.members) assert.equal(partitionCount(member.assignment), 2);
        if (variant === 'cooperative') {
          // Each join is two rebalances (revoke, then assign); the first three members formed generation 1.
          assert.equal(snap.groupEpoch, 7);
          assert.ok(eventsOf(sim.trace, 'partitions-revoked').every((e) => partitionCount(e.partitions) < 4));
        } else {
          assert.equal(snap.groupEpoch, 4);
        }
      });

      it('a crash is noticed through session.timeout.ms, then the partitions move', () => {
        const { sim, check } = run(builtin('crash'), variant);
        assert.deepEqual(check.violations, []);
        const left = eventsOf(sim.trace, 'member-left');
        assert.equal(left.length, 1);
        assert.equal(left[0].reason, 'session-timeout');
        // Crashed at 60 s; its last heartbeat was at most heartbeat.interval.ms before.
        assert.ok(left[0].timeMs > 60_000 + 45_000 - 3_000 && left[0].timeMs <= 60_000 + 45_000 + 10);
        const crashedId = left[0].memberId;
        const lostPartitions = eventsOf(sim.trace, 'partitions-assigned').filter(
          (e) => e.memberId === crashedId,
        );
        assert.equal(lostPartitions.length, 1);
        const reassigned = eventsOf(sim.trace, 'partitions-assigned').filter(
          (e) => e.timeMs > left[0].timeMs,
        );
        assert.ok(reassigned.length > 0 && reassigned[0].timeMs - left[0].timeMs < 5_000);
        assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
      });

      it('a max.poll.interval.ms breach makes the dynamic member leave, and it re-joins when its batch ends', () => {
        const { sim, check } = run(builtin('max-poll-breach'), variant);
        assert.deepEqual(check.violations, []);
        const timeout = eventsOf(sim.trace, 'client-timeout').filter(
          (e) => e.timeout === 'max.poll.interval.ms',
        );
        assert.equal(timeout.length, 1);
        assert.equal(sim.memberName(timeout[0].memberId), 'consumer-3');
        // The slow pace starts at the first poll after 60 s; max.poll.interval.ms is 300 s.
        assert.ok(timeout[0].timeMs >= 360_000 && timeout[0].timeMs <= 360_200);
        const left = eventsOf(sim.trace, 'member-left');
        assert.equal(left.length, 1);
        assert.equal(left[0].reason, 'leave-group');
        assert.ok(left[0].timeMs - timeout[0].timeMs <= 2);
        const lost = eventsOf(sim.trace, 'partitions-lost');
        assert.equal(lost.length, 1);
        assert.equal(lost[0].timeMs, timeout[0].timeMs);
        // Back with its old pace at 420 s: the stuck batch ends then and it joins again.
        const rejoined = eventsOf(sim.trace, 'member-joined').filter(
          (e) => e.timeMs > 400_000 && sim.memberName(e.memberId) === 'consumer-3',
        );
        assert.equal(rejoined.length, 1);
        assert.ok(rejoined[0].timeMs >= 420_000 && rejoined[0].timeMs < 420_500);
        assert.equal(sim.metrics(GROUP_ID).settled, true);
        assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
      });

      it('a static member restarting within session.timeout.ms gets its partitions back without a rebalance', () => {
        const { sim, check } = run(builtin('rolling-restart-static'), variant);
        assert.deepEqual(check.violations, []);
        assert.equal(eventsOf(sim.trace, 'join-completed').length, 1, 'only the first generation');
        assert.equal(eventsOf(sim.trace, 'rebalance-started').length, 1);
        const replaced = eventsOf(sim.trace, 'static-member-replaced');
        assert.equal(replaced.length, 4);
        assert.ok(replaced.every((r) => !r.rebalance));
        // Every consumer gets back exactly what it had.
        const byName = new Map<string, Assignment[]>();
        for (const e of eventsOf(sim.trace, 'partitions-assigned')) {
          const name = sim.memberName(e.memberId) ?? e.memberId;
          byName.set(name, [...(byName.get(name) ?? []), e.partitions]);
        }
        for (const [name, grants] of byName) {
          assert.equal(grants.length, 2, `${name}: assigned at start and after its restart`);
          assert.deepEqual(grants[1], grants[0]);
        }
        assert.equal(sim.metrics(GROUP_ID).partitionMoves, 0);
        assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
      });

      it('a dynamic rolling restart costs two rebalances per consumer and settles', () => {
        const { sim, check } = run(builtin('rolling-restart'), variant);
        assert.deepEqual(check.violations, []);
        const left = eventsOf(sim.trace, 'member-left');
        assert.equal(left.length, 4);
        assert.ok(
          left.every((e) => e.reason === 'leave-group'),
          'close() sends LeaveGroup',
        );
        assert.equal(sim.metrics(GROUP_ID).doubleOwnership, 0);
        assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
      });

      it('a subscription change re-joins one consumer at a time and ends with both topics assigned', () => {
        const { sim, check } = run(builtin('subscription-change'), variant);
        assert.deepEqual(check.violations, []);
        assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12, payments: 6 });
      });

      it('a flapping member (crash loop) never causes double ownership, and the group settles', () => {
        const { sim, check } = run(builtin('flapping-member'), variant);
        assert.deepEqual(check.violations, []);
        assert.equal(sim.metrics(GROUP_ID).doubleOwnership, 0);
        assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
      });

      it('the same scenario and seed give the same trace', () => {
        const a = run(builtin('scale-out'), variant).sim.trace;
        const b = run(builtin('scale-out'), variant).sim.trace;
        assert.equal(JSON.stringify(a), JSON.stringify(b));
        const c = new Simulation(builtin('scale-out'), classicParts(), { variant, seed: 99 });
        c.run();
        assert.notEqual(JSON.stringify(c.trace), JSON.stringify(a), 'another seed, other member ids');
      });
    });
  }

  it('eager: a slow onPartitionsRevoked holds the whole group in PreparingRebalance', () => {
    const slow = run(builtin('slow-revoker'), 'eager').sim;
    const started = eventsOf(slow.trace, 'rebalance-started').find((e) => e.timeMs >= 60_000);
    const completed = eventsOf(slow.trace, 'join-completed').find((e) => e.timeMs >= 60_000);
    assert.ok(started !== undefined && completed !== undefined);
    const waited = completed.timeMs - started.timeMs;
    assert.ok(
      waited >= 40_000 && waited < 41_000,
      `the join phase waited for the 40 s callback (${waited} ms)`,
    );
    // Everyone else revoked at once: their partitions sat unowned meanwhile.
    const revoked = eventsOf(slow.trace, 'partitions-revoked').filter((e) => e.timeMs >= 60_000);
    assert.equal(revoked.length, 4);
    const slowRevoke = revoked.find((e) => slow.memberName(e.memberId) === 'consumer-2');
    assert.ok(slowRevoke !== undefined && slowRevoke.timeMs - started.timeMs >= 40_000);

    const fast = scenario({
      name: 'fast-revoker',
      duration: '3m',
      topics: [{ name: 'orders', partitions: 12 }],
      groups: [{ id: GROUP_ID, subscription: ['orders'], members: [{ name: 'consumer-{i}', count: 4 }] }],
      timeline: [{ at: '60s', do: 'add-member', group: GROUP_ID, member: { name: 'consumer-5' } }],
    });
    const quick = run(fast, 'eager').sim;
    const s2 = eventsOf(quick.trace, 'rebalance-started').find((e) => e.timeMs >= 60_000);
    const c2 = eventsOf(quick.trace, 'join-completed').find((e) => e.timeMs >= 60_000);
    assert.ok(s2 !== undefined && c2 !== undefined);
    assert.ok(c2.timeMs - s2.timeMs < 4_000, `without the slow callback: ${c2.timeMs - s2.timeMs} ms`);
    assert.ok(
      slow.metrics(GROUP_ID).unownedPartitionSeconds > quick.metrics(GROUP_ID).unownedPartitionSeconds + 300,
    );
  });

  it('cooperative: a slow onPartitionsRevoked delays only the second rebalance, the others keep consuming', () => {
    const { sim, check } = run(
      scenario({
        name: 'slow-revoker-leader',
        duration: '3m',
        topics: [{ name: 'orders', partitions: 12 }],
        groups: [
          {
            id: GROUP_ID,
            subscription: ['orders'],
            members: [{ name: 'consumer-{i}', count: 4, behaviour: { onPartitionsRevoked: '40s' } }],
          },
        ],
        timeline: [{ at: '60s', do: 'add-member', group: GROUP_ID, member: { name: 'consumer-5' } }],
      }),
      'cooperative',
    );
    assert.deepEqual(check.violations, []);
    const joins = eventsOf(sim.trace, 'join-completed').filter((e) => e.timeMs >= 60_000);
    assert.equal(joins.length, 2);
    assert.ok(joins[0].timeMs - 60_000 < 4_000, 'the first rebalance does not wait for callbacks');
    assert.ok(joins[1].timeMs - joins[0].timeMs >= 40_000, 'the second waits for the revocations');
    // Nobody revoked everything: members kept what the assignor let them keep.
    const revoked = eventsOf(sim.trace, 'partitions-revoked');
    assert.ok(revoked.length > 0 && revoked.every((e) => partitionCount(e.partitions) === 1));
    assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
  });

  it('the leader notices a partition increase at its next metadata refresh (metadata.max.age.ms) and re-joins', () => {
    for (const variant of VARIANTS) {
      const s = builtin('partition-increase');
      const { sim, check } = run(s, variant, 10 * 60_000);
      assert.deepEqual(check.violations, []);
      const rejoin = eventsOf(sim.trace, 'rebalance-started').find((e) => e.timeMs > 60_000);
      assert.ok(rejoin !== undefined);
      assert.match(rejoin.reason, /cached metadata has changed/);
      // The metadata was fetched at start and is refreshed every 300 s.
      assert.ok(rejoin.timeMs >= 300_000 && rejoin.timeMs < 301_000, `${rejoin.timeMs}`);
      assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 12 });
    }
    const quicker = scenario({
      name: 'partition-increase-fast-metadata',
      duration: '3m',
      topics: [{ name: 'orders', partitions: 6 }],
      groups: [
        {
          id: GROUP_ID,
          subscription: ['orders'],
          members: [{ name: 'consumer-{i}', count: 3 }],
        },
      ],
      timeline: [{ at: '60s', do: 'add-partitions', topic: 'orders', partitions: 12 }],
    });
    // metadata.max.age.ms is not a scenario setting (yet): set it on the members directly.
    const withAge: Scenario = {
      ...quicker,
      groups: quicker.groups.map((g) => ({
        ...g,
        members: g.members.map((m) => ({ ...m, config: { ...m.config, metadataMaxAgeMs: 30_000 } })),
      })),
    };
    const { sim } = run(withAge, 'eager');
    const rejoin = eventsOf(sim.trace, 'rebalance-started').find((e) => e.timeMs > 60_000);
    assert.ok(
      rejoin !== undefined && rejoin.timeMs >= 60_000 && rejoin.timeMs <= 90_500,
      `${rejoin?.timeMs}`,
    );
  });

  it('a consumer cut off longer than the session timeout is a zombie until it reconnects, then loses its partitions', () => {
    const s = scenario({
      name: 'cut-off',
      duration: '4m',
      topics: [{ name: 'orders', partitions: 6 }],
      groups: [
        {
          id: GROUP_ID,
          subscription: ['orders'],
          config: { 'session.timeout.ms': 10_000 },
          members: [{ name: 'consumer-{i}', count: 3 }],
        },
      ],
      timeline: [{ at: '60s', do: 'network-partition', member: 'consumer-1', for: '40s' }],
    });
    const { sim } = run(s, 'cooperative');
    const id = memberIdOf(sim, 'consumer-2');
    assert.ok(id.length > 0);
    const expired = eventsOf(sim.trace, 'member-left').find(
      (e) => sim.memberName(e.memberId) === 'consumer-1',
    );
    assert.ok(expired !== undefined && expired.reason === 'session-timeout');
    assert.ok(expired.timeMs < 75_000);
    const sessionTimeout = eventsOf(sim.trace, 'client-timeout').find(
      (e) => e.timeout === 'session.timeout.ms' && sim.memberName(e.memberId) === 'consumer-1',
    );
    assert.ok(
      sessionTimeout !== undefined,
      'the client notices no heartbeat succeeded for session.timeout.ms',
    );
    const lost = eventsOf(sim.trace, 'partitions-lost').find(
      (e) => sim.memberName(e.memberId) === 'consumer-1',
    );
    assert.ok(
      lost !== undefined && lost.timeMs >= 100_000,
      'it learns it is out only when it reaches the broker again',
    );
    // Meanwhile the group gave its partitions to others: two owners, as with a real zombie consumer.
    assert.ok(sim.metrics(GROUP_ID).doubleOwnership > 0);
    assert.equal(sim.metrics(GROUP_ID).settled, true);
    assertExactlyOnce(sim.snapshot(GROUP_ID), { orders: 6 });
  });

  describe('property: random joins, shutdowns, crashes and restarts', () => {
    const actionArb = fc.record({
      atS: fc.integer({ min: 5, max: 120 }),
      kind: fc.constantFrom('add', 'shutdown', 'crash', 'restart', 'restart-crash'),
      who: fc.integer({ min: 1, max: 4 }),
    });
    const scenarioArb = fc.record({
      variant: fc.constantFrom<ProtocolVariant>('eager', 'cooperative'),
      staticMembers: fc.boolean(),
      initial: fc.integer({ min: 1, max: 4 }),
      partitions: fc.integer({ min: 1, max: 10 }),
      actions: fc.array(actionArb, { maxLength: 6 }),
    });

    it('no partition ever has two owners; generations never go backwards; the healthy ones settle exactly once', function () {
      this.timeout(60_000);
      fc.assert(
        fc.property(scenarioArb, (p) => {
          let added = 0;
          const timeline = [...p.actions]
            .sort((a, b) => a.atS - b.atS)
            .map((a) => {
              const names = [
                ...Array.from({ length: p.initial }, (_, i) => `consumer-${i + 1}`),
                ...Array.from({ length: added }, (_, i) => `extra-${i + 1}`),
              ];
              const member = names[(a.who - 1) % names.length];
              const at = `${a.atS}s`;
              switch (a.kind) {
                case 'add': {
                  added++;
                  const config = p.staticMembers ? { 'group.instance.id': `extra-instance-${added}` } : {};
                  return {
                    at,
                    do: 'add-member',
                    group: GROUP_ID,
                    member: { name: `extra-${added}`, config },
                  };
                }
                case 'shutdown':
                  return { at, do: 'shutdown', member };
                case 'crash':
                  return { at, do: 'crash', member };
                case 'restart':
                  return { at, do: 'restart', member, downFor: '5s' };
                default:
                  return { at, do: 'restart', member, downFor: '5s', crash: true };
              }
            });
          const s = scenario({
            name: 'random',
            duration: '10m',
            topics: [{ name: 'orders', partitions: p.partitions }],
            groups: [
              {
                id: GROUP_ID,
                subscription: ['orders'],
                config: {
                  'session.timeout.ms': 10_000,
                  ...(p.staticMembers ? { 'group.instance.id': 'instance-{i}' } : {}),
                },
                members: [{ name: 'consumer-{i}', count: 5 }].map((m) => ({ ...m, count: p.initial })),
              },
            ],
            timeline,
          });
          const sim = new Simulation(s, classicParts(), { variant: p.variant });
          const check = new OwnershipChecker(sim);
          let generation = 0;
          sim.onEvent((e) => {
            if (e.type === 'join-completed') {
              assert.ok(e.generation > generation, `generation ${e.generation} after ${generation}`);
              generation = e.generation;
            }
          });
          sim.run();
          assert.deepEqual(check.violations, []);
          assert.equal(sim.metrics(GROUP_ID).doubleOwnership, 0);
          const snap = sim.snapshot(GROUP_ID);
          const running = sim.members().filter((m) => m.alive);
          assert.equal(snap.members.length, running.length, 'crashed members are gone, running ones are in');
          if (running.length === 0) return;
          assertExactlyOnce(snap, { orders: p.partitions });
        }),
        { numRuns: 40, seed: 20261125 },
      );
    });
  });
});

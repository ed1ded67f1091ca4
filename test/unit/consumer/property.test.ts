/**
 * Property tests over random heartbeat sequences (fast-check), under every supported release:
 *
 * - replaying the coordinator's record log into a fresh coordinator rebuilds identical state;
 * - no partition is ever held (assigned or pending revocation) by two members at once;
 * - group epochs, assignment epochs and a present member's epoch never go backwards (a static
 *   member's temporary leave to -2 is the one documented exception);
 * - once every member is healthy, the group reaches Stable with every partition of the subscribed
 *   topics assigned exactly once, and each client owns exactly what the coordinator assigned it.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { assignmentOf, type GroupSnapshot } from '../../../src/model';
import { KAFKA_VERSIONS, type KafkaVersion } from '../../../src/simulator/engine/world';
import { GROUP, makeContext, type TestContext } from './helpers';
import { ModelClient, RoundRobinTestAssignor } from './model';

const TOPICS = [
  ['orders', 'ordersId', 4],
  ['payments', 'paymentsId', 3],
  ['audit', 'auditId', 2],
] as const;
const NAMES = TOPICS.map(([n]) => n);

type Op =
  | { kind: 'join'; client: number; topics: string[] | null; regex: string | null; isStatic: boolean }
  | { kind: 'heartbeat'; client: number; slow: boolean }
  | { kind: 'leave'; client: number; temporary: boolean }
  | { kind: 'restart'; client: number }
  | { kind: 'crash'; client: number }
  | { kind: 'subscribe'; client: number; topics: string[] | null; regex: string | null }
  | { kind: 'advance'; ms: number }
  | { kind: 'grow'; topic: number; by: number };

const client = fc.integer({ min: 0, max: 5 });
const subscription = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .subarray(NAMES, { minLength: 1 })
      .map((topics) => ({ topics, regex: null as string | null })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('orders|payments', '.*s', 'a.*')
      .map((regex) => ({ topics: null as string[] | null, regex })),
  },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ client, sub: subscription, isStatic: fc.boolean() })
      .map(({ client, sub, isStatic }) => ({ kind: 'join' as const, client, ...sub, isStatic })),
  },
  {
    weight: 12,
    arbitrary: fc.record({ client, slow: fc.boolean() }).map((o) => ({ kind: 'heartbeat' as const, ...o })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ client, temporary: fc.boolean() }).map((o) => ({ kind: 'leave' as const, ...o })),
  },
  { weight: 1, arbitrary: client.map((c) => ({ kind: 'restart' as const, client: c })) },
  { weight: 1, arbitrary: client.map((c) => ({ kind: 'crash' as const, client: c })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ client, sub: subscription })
      .map(({ client, sub }) => ({ kind: 'subscribe' as const, client, ...sub })),
  },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 1, max: 20_000 }).map((ms) => ({ kind: 'advance' as const, ms })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ topic: fc.integer({ min: 0, max: TOPICS.length - 1 }), by: fc.integer({ min: 1, max: 3 }) })
      .map((o) => ({ kind: 'grow' as const, ...o })),
  },
);

class Run {
  readonly ctx: TestContext;
  readonly clients: (ModelClient | undefined)[] = [];
  private groupEpoch = -1;
  private assignmentEpoch = -1;
  private readonly memberEpochs = new Map<string, number>();

  constructor(readonly version: KafkaVersion) {
    this.ctx = makeContext({ version, topics: TOPICS, assignors: [new RoundRobinTestAssignor('uniform')] });
  }

  apply(o: Op): void {
    const c = 'client' in o ? this.clients[o.client] : undefined;
    switch (o.kind) {
      case 'join':
        if (c === undefined || c.left) {
          const instance = o.isStatic ? `instance-${o.client}` : null;
          const fresh = c ?? new ModelClient(`client-${o.client}`, o.topics, o.regex, instance);
          if (c !== undefined) {
            c.restart();
            c.changeSubscription(o.topics, o.regex);
          }
          this.clients[o.client] = fresh;
          fresh.heartbeat(this.ctx.coordinator);
        }
        break;
      case 'heartbeat':
        if (c?.active === true) c.heartbeat(this.ctx.coordinator, o.slow);
        break;
      case 'leave':
        if (c?.active === true && c.joined) c.leave(this.ctx.coordinator, o.temporary);
        break;
      case 'restart':
        if (c !== undefined && (c.crashed || c.left)) {
          c.restart();
          c.heartbeat(this.ctx.coordinator);
        }
        break;
      case 'crash':
        if (c !== undefined) c.crashed = true;
        break;
      case 'subscribe':
        if (c?.active === true) {
          c.changeSubscription(o.topics, o.regex);
          c.heartbeat(this.ctx.coordinator);
        }
        break;
      case 'advance':
        this.advance(o.ms);
        break;
      case 'grow': {
        const [name] = TOPICS[o.topic];
        const t = this.ctx.metadata.topic(name);
        if (t !== undefined) this.ctx.metadata.setPartitions(name, t.numPartitions + o.by);
        break;
      }
    }
    this.check();
  }

  /** Advances virtual time in steps, so that timers fire between the checks. */
  advance(ms: number): void {
    const until = this.ctx.timers.now() + ms;
    for (;;) {
      const next = this.ctx.timers.peek();
      if (next === undefined || next > until) break;
      this.ctx.timers.runNext();
      this.check();
    }
    this.ctx.timers.runUntil(until);
  }

  snapshot(): GroupSnapshot | undefined {
    return this.ctx.coordinator.describe(GROUP);
  }

  check(): void {
    const s = this.snapshot();
    if (s === undefined) return;
    // One holder per partition, over assigned ∪ pending revocation.
    const holder = new Map<string, string>();
    for (const m of s.members) {
      for (const a of [m.assignment, m.pendingRevocation]) {
        for (const [topic, parts] of Object.entries(a)) {
          for (const p of parts) {
            const key = `${topic}-${p}`;
            const other = holder.get(key);
            assert.ok(other === undefined, `${key} is held by ${other} and ${m.memberId} (${this.version})`);
            holder.set(key, m.memberId);
          }
        }
      }
    }
    // Epochs never go backwards.
    assert.ok(s.groupEpoch >= this.groupEpoch, `group epoch went from ${this.groupEpoch} to ${s.groupEpoch}`);
    this.groupEpoch = s.groupEpoch;
    const target = s.targetAssignmentEpoch ?? -1;
    assert.ok(
      target >= this.assignmentEpoch,
      `assignment epoch went from ${this.assignmentEpoch} to ${target}`,
    );
    assert.ok(target <= s.groupEpoch, 'the assignment epoch never passes the group epoch');
    this.assignmentEpoch = target;
    const present = new Set<string>();
    for (const m of s.members) {
      present.add(m.memberId);
      const before = this.memberEpochs.get(m.memberId);
      if (before !== undefined && m.memberEpoch !== -2) {
        assert.ok(m.memberEpoch >= before, `${m.memberId} went from epoch ${before} to ${m.memberEpoch}`);
      }
      if (m.memberEpoch !== -2) this.memberEpochs.set(m.memberId, m.memberEpoch);
    }
    for (const id of [...this.memberEpochs.keys()]) if (!present.has(id)) this.memberEpochs.delete(id);
  }

  /** Healthy from now on: every live client heartbeats each second and revokes at once. */
  settle(): void {
    for (const c of this.clients)
      if (c !== undefined && (c.crashed || (c.left && c.instanceId !== null))) c.crashed = true;
    for (let round = 0; round < 200; round++) {
      for (const c of this.clients) if (c?.active === true) c.heartbeat(this.ctx.coordinator);
      this.check();
      if (round > 60 && this.converged(this.snapshot())) return;
      this.advance(1000);
    }
    assert.fail(
      `did not converge (${this.version}): ${JSON.stringify(this.snapshot()?.members.map((m) => [m.memberId, m.memberEpoch, m.reconciliation]))}`,
    );
  }

  converged(s: GroupSnapshot | undefined): boolean {
    if (s === undefined) return this.clients.every((c) => c?.active !== true);
    if (s.members.length === 0) return s.state === 'Empty';
    return s.state === 'Stable';
  }

  assertEveryPartitionOnce(): void {
    const s = this.snapshot();
    if (s === undefined || s.members.length === 0) return;
    const subscribed = new Set<string>();
    for (const m of s.members) {
      for (const t of m.subscribedTopicNames) subscribed.add(t);
      if (m.subscribedTopicRegex !== null) {
        const re = new RegExp(`^(?:${m.subscribedTopicRegex})$`);
        for (const t of NAMES) if (re.test(t)) subscribed.add(t);
      }
    }
    const count = new Map<string, number>();
    for (const m of s.members) {
      assert.deepEqual(m.pendingRevocation, {});
      assert.deepEqual(m.assignment, m.targetAssignment, `${m.memberId} reconciled to its target`);
      for (const [topic, parts] of Object.entries(m.assignment))
        for (const p of parts) count.set(`${topic}-${p}`, (count.get(`${topic}-${p}`) ?? 0) + 1);
    }
    for (const t of subscribed) {
      const n = this.ctx.metadata.topic(t)?.numPartitions ?? 0;
      for (let p = 0; p < n; p++)
        assert.equal(count.get(`${t}-${p}`), 1, `${t}-${p} assigned exactly once (${this.version})`);
    }
    // Each live client owns what the coordinator assigned to it.
    for (const c of this.clients) {
      if (c?.active !== true) continue;
      const m: GroupSnapshot['members'][number] | undefined = s.members.find(
        (x) => x.memberId === c.memberId,
      );
      assert.ok(m !== undefined, `${c.memberId} is a member`);
      const owned = assignmentOf(
        [...c.owned].map(([t, ps]) => [this.ctx.metadata.topicById(t)?.name ?? t, ps] as const),
      );
      assert.deepEqual(owned, m.assignment, `${c.memberId} owns its assignment`);
    }
  }
}

describe('consumer coordinator properties (fast-check)', () => {
  const versions = fc.constantFrom<KafkaVersion>(...KAFKA_VERSIONS);

  it('replaying the record log into a fresh coordinator gives identical state', () => {
    fc.assert(
      fc.property(versions, fc.array(op, { minLength: 1, maxLength: 40 }), (version, ops) => {
        const run = new Run(version);
        for (const o of ops) run.apply(o);
        const fresh = run.ctx.newCoordinator();
        fresh.replay(run.ctx.coordinator.records());
        assert.deepEqual(fresh.dumpState(GROUP), run.ctx.coordinator.dumpState(GROUP));
        assert.deepEqual(fresh.describe(GROUP), run.ctx.coordinator.describe(GROUP));
      }),
      { numRuns: 150 },
    );
  });

  it('never two holders per partition, epochs never go backwards, healthy groups converge', () => {
    fc.assert(
      fc.property(versions, fc.array(op, { minLength: 1, maxLength: 40 }), (version, ops) => {
        const run = new Run(version);
        for (const o of ops) run.apply(o);
        run.settle();
        run.assertEveryPartitionOnce();
      }),
      { numRuns: 150 },
    );
  });

  it('a coordinator that takes over (replay + onLoaded) keeps reconciling the group to Stable', () => {
    fc.assert(
      fc.property(versions, fc.array(op, { minLength: 5, maxLength: 30 }), (version, ops) => {
        const run = new Run(version);
        for (const o of ops) run.apply(o);
        const successor = run.ctx.newCoordinator();
        successor.replay(run.ctx.coordinator.records());
        successor.onLoaded();
        (run.ctx as { coordinator: typeof successor }).coordinator = successor;
        run.settle();
        run.assertEveryPartitionOnce();
      }),
      { numRuns: 60 },
    );
  });
});

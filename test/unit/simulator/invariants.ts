/**
 * Invariants of a whole simulation run, checked from the outside: the real parts (coordinators,
 * clients, assignors) run unchanged; the monitor only watches what the consumers own at every
 * instant and the event trace.
 *
 * (a) No partition has two owners at the same instant: checked on the clients themselves at the
 *     end of every instant, independently of the engine's own `metrics().doubleOwnership`.
 * (b) Epochs and generations never go backwards: group epochs, member epochs (per member id, with
 *     the resets the protocol defines) and classic generations, from the trace.
 * (c) After the calm period: Stable, every subscribed partition owned by exactly one running
 *     consumer, which the coordinator agrees with (`assertSettled`).
 */
import { strict as assert } from 'node:assert';
import { type GroupEvent, toPartitions } from '../../../src/model';
import { defaultParts } from '../../../src/simulator/engine/parts';
import { Simulation, type SimulationOptions } from '../../../src/simulator/engine/simulation';
import type { SimulatedConsumer } from '../../../src/simulator/members/consumer';
import type { Scenario } from '../../../src/simulator/scenario/schema';

/** KIP-848: the epoch a static member leaves with (it keeps its assignment for a while). */
const STATIC_LEAVE_EPOCH = -2;

/** More timers than this in one virtual instant means the simulation no longer advances. */
const MAX_STEPS_PER_INSTANT = 100_000;

export class InvariantMonitor {
  readonly sim: Simulation;
  /** Every consumer the engine created (restarts create new ones), in creation order. */
  readonly clients: SimulatedConsumer[] = [];
  /** (a) and (b) violations, in plain words, with the time they happened. */
  readonly violations: string[] = [];
  /** Instants at which two running consumers owned the same partition (zombies included). */
  doubleOwnedInstants = 0;
  private readonly groupEpoch = new Map<string, number>();
  private readonly memberEpoch = new Map<string, number>();
  private readonly generation = new Map<string, number>();

  constructor(scenario: Scenario, options: SimulationOptions) {
    const base = defaultParts();
    this.sim = new Simulation(
      scenario,
      {
        ...base,
        createConsumer: (world, name, config, behaviour) => {
          const c = base.createConsumer(world, name, config, behaviour);
          this.clients.push(c);
          return c;
        },
      },
      options,
    );
    this.sim.onEvent((e) => this.onEvent(e));
  }

  /** Runs to `untilMs` (default: the scenario's end), checking ownership at the end of every instant. */
  run(untilMs = this.sim.scenario.durationMs): this {
    let sameInstant = 0;
    for (;;) {
      const next = this.sim.nextEventAt();
      if (next === undefined || next > untilMs) break;
      if (next > this.sim.now()) {
        this.checkOwnership();
        sameInstant = 0;
      } else if (++sameInstant > MAX_STEPS_PER_INSTANT) {
        throw new Error(
          `virtual time stopped at ${this.sim.now()} ms: ${sameInstant} timers ran in that instant`,
        );
      }
      this.sim.step();
    }
    this.sim.runUntil(untilMs);
    this.checkOwnership();
    return this;
  }

  /** Consumers that run (not crashed, not closed). */
  running(): SimulatedConsumer[] {
    return this.clients.filter((c) => c.alive);
  }

  /**
   * Running consumers that have not failed. A consumer that hit a fatal error (e.g. a KIP-848
   * static member restarted within its session timeout gets UNRELEASED_INSTANCE_ID, as in Kafka
   * 4.3.1) stays up in the simulator but no longer takes part in the group.
   */
  healthy(): SimulatedConsumer[] {
    return this.running().filter((c) => !failed(c));
  }

  private checkOwnership(): void {
    const owner = new Map<string, string>();
    let doubled = false;
    for (const c of this.clients) {
      if (!c.alive) continue;
      for (const tp of toPartitions(c.owned())) {
        const k = `${tp.topic}-${tp.partition}`;
        const other = owner.get(k);
        if (other !== undefined) {
          doubled = true;
          if (this.violations.length < 20)
            this.violations.push(`at ${this.sim.now()} ms ${k} is owned by both ${other} and ${c.name}`);
        }
        owner.set(k, c.name);
      }
    }
    if (doubled) this.doubleOwnedInstants++;
  }

  private fail(e: GroupEvent, message: string): void {
    if (this.violations.length < 20) this.violations.push(`at ${e.timeMs} ms (${e.groupId}): ${message}`);
  }

  private onEvent(e: GroupEvent): void {
    switch (e.type) {
      case 'group-epoch-bumped': {
        const last = this.groupEpoch.get(e.groupId);
        if (e.to <= e.from) this.fail(e, `group epoch bumped from ${e.from} to ${e.to}`);
        if (last !== undefined && e.from !== last)
          this.fail(e, `group epoch bumped from ${e.from}, but it was ${last}`);
        this.groupEpoch.set(e.groupId, e.to);
        break;
      }
      case 'member-epoch': {
        const key = `${e.groupId}\u0000${e.memberId}`;
        const last = this.memberEpoch.get(key);
        // A member that left (or was fenced and removed) starts again from epoch 0.
        const from = last ?? 0;
        if (e.from !== from)
          this.fail(e, `member ${e.memberId}'s epoch moved from ${e.from}, but it was ${from}`);
        if (e.to < e.from && e.to !== STATIC_LEAVE_EPOCH)
          this.fail(e, `member ${e.memberId}'s epoch went back from ${e.from} to ${e.to}`);
        const group = this.groupEpoch.get(e.groupId) ?? 0;
        if (e.to > group)
          this.fail(e, `member ${e.memberId}'s epoch ${e.to} is ahead of the group's ${group}`);
        this.memberEpoch.set(key, e.to);
        break;
      }
      case 'member-left':
        // A KIP-848 static member that leaves stays in the group (epoch -2, event to follow) until
        // its session expires; every other leave removes the member.
        if (e.reason !== 'static-leave') this.memberEpoch.delete(`${e.groupId}\u0000${e.memberId}`);
        break;
      case 'join-completed': {
        const last = this.generation.get(e.groupId) ?? 0;
        if (e.generation <= last) this.fail(e, `generation ${e.generation} completed after ${last}`);
        this.generation.set(e.groupId, e.generation);
        break;
      }
      case 'rebalance-started':
      case 'sync-completed': {
        const last = this.generation.get(e.groupId) ?? 0;
        if (e.generation < last) this.fail(e, `${e.type} for generation ${e.generation} after ${last}`);
        break;
      }
      default:
        break;
    }
  }
}

/** Topic → partition count for every topic some running consumer of the group subscribes to. */
export function subscribedPartitions(m: InvariantMonitor, groupId: string): Map<string, number> {
  const counts = new Map(m.sim.topics().map((t) => [t.name, t.partitions]));
  const out = new Map<string, number>();
  for (const c of m.healthy()) {
    if (c.config.groupId !== groupId) continue;
    // The engine keeps the current subscription (a consumer's config is the one it started with).
    const sub = c.config.subscription;
    const names =
      'topics' in sub
        ? m.sim.memberSubscription(c.name)
        : [...counts.keys()].filter((n) => new RegExp(`^(?:${sub.pattern})$`).test(n));
    for (const n of names) {
      const p = counts.get(n);
      if (p !== undefined) out.set(n, p);
    }
  }
  return out;
}

/** How far `assertSettled` could check a group. */
export type Settled = 'settled' | 'empty' | 'settled-without-failed';

/**
 * (c) The group has settled: Stable, every partition the healthy consumers subscribe to owned by
 * exactly one of them, every coordinator member a healthy consumer that owns exactly what it was
 * assigned, and the engine's metrics agree (`settled`) — unless a failed consumer still wants
 * partitions nobody consumes, which the metrics rightly count as unsettled.
 */
export function assertSettled(m: InvariantMonitor, groupId: string): Settled {
  const snap = m.sim.snapshot(groupId);
  const anyFailed = m.running().some((c) => c.config.groupId === groupId && failed(c));
  const running = m.healthy().filter((c) => c.config.groupId === groupId);
  const at = `at ${m.sim.now()} ms`;
  if (running.length === 0) {
    assert.equal(snap.members.length, 0, `${at}: no consumer runs, so the group has no members`);
    // Dead: the group never existed (its only members stopped before they joined); the admin
    // client describes a group the coordinator does not know as Dead, too.
    const neverJoined = !m.sim.trace.some((e) => e.groupId === groupId && e.type === 'member-joined');
    assert.equal(
      snap.state,
      neverJoined ? 'Dead' : 'Empty',
      `${at}: a group without members is ${neverJoined ? 'Dead (it never had any)' : 'Empty'}`,
    );
    return 'empty';
  }
  assert.equal(snap.state, 'Stable', `${at}: the group is Stable`);
  if (!anyFailed) assert.equal(m.sim.metrics(groupId).settled, true, `${at}: metrics().settled`);
  const byId = new Map(running.map((c) => [c.memberId(), c]));
  assert.equal(snap.members.length, running.length, `${at}: one member per running consumer`);
  const owner = new Map<string, string>();
  for (const member of snap.members) {
    const c = byId.get(member.memberId);
    assert.ok(c !== undefined, `${at}: member ${member.memberId} is a running consumer`);
    const owned = c.owned();
    assert.deepEqual(sorted(owned), sorted(member.assignment), `${at}: ${c.name} owns what it was assigned`);
    if (member.memberType === 'consumer') {
      assert.equal(member.reconciliation, 'STABLE', `${at}: ${c.name} is reconciled`);
      assert.equal(member.memberEpoch, snap.groupEpoch, `${at}: ${c.name} is at the group epoch`);
      assert.deepEqual(member.pendingRevocation, {}, `${at}: ${c.name} has nothing left to revoke`);
    } else {
      assert.equal(member.memberEpoch, snap.groupEpoch, `${at}: ${c.name} is in the current generation`);
    }
    for (const tp of toPartitions(owned)) {
      const k = `${tp.topic}-${tp.partition}`;
      const other = owner.get(k);
      assert.equal(other, undefined, `${at}: ${k} is owned by ${other} and ${c.name}`);
      owner.set(k, c.name);
    }
  }
  const expected: string[] = [];
  for (const [topic, n] of subscribedPartitions(m, groupId))
    for (let p = 0; p < n; p++) expected.push(`${topic}-${p}`);
  assert.deepEqual(
    [...owner.keys()].sort(),
    expected.sort(),
    `${at}: every subscribed partition is owned once`,
  );
  return anyFailed ? 'settled-without-failed' : 'settled';
}

function failed(c: SimulatedConsumer): boolean {
  return c.details().condition?.startsWith('failed:') === true;
}

function sorted(a: Readonly<Record<string, readonly number[]>>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of Object.keys(a).sort())
    if ((a[t] ?? []).length > 0) out[t] = [...(a[t] ?? [])].sort((x, y) => x - y);
  return out;
}

/**
 * Per-group run metrics, kept incrementally from the event stream so that large groups stay cheap:
 * time to Stable, partition-seconds with no owner, partition moves, and epoch bumps / generations.
 * It also counts safety violations (a partition owned by two consumers at the same instant),
 * which must always be zero.
 */
import type { Assignment, GroupEvent, GroupState } from '../../model';

export interface GroupRunMetrics {
  readonly groupId: string;
  /**
   * From the first disruption (the first timeline step, or the start when there is none) until the
   * group last became Stable with every subscribed partition owned; null if it never settled.
   */
  readonly timeToStableMs: number | null;
  /** Σ over time of the number of subscribed partitions that no running consumer owned, in seconds. */
  readonly unownedPartitionSeconds: number;
  /** Partitions that ended up with a different consumer than the one that had them before. */
  readonly partitionMoves: number;
  /** KIP-848: group-epoch bumps. Classic: generations completed. */
  readonly epochBumps: number;
  /** Instants at which a partition had two owners (must be 0). */
  readonly doubleOwnership: number;
  readonly settled: boolean;
}

export class GroupMetrics {
  /** topic → partition → consumer name. */
  private readonly owner = new Map<string, Map<number, string>>();
  /** The consumer that last owned a partition (survives revocation), to count moves. */
  private readonly lastOwner = new Map<string, Map<number, string>>();
  private ownedInScope = 0;
  private expected = 0;
  private scope = new Set<string>();
  private lastMs: number;
  private unownedMs = 0;
  private moves = 0;
  private bumps = 0;
  private violations = 0;
  private state: GroupState = 'Empty';
  private settledNow = false;
  private settledAtMs: number | null = null;

  constructor(
    readonly groupId: string,
    startMs: number,
    private readonly disruptionMs: number,
  ) {
    this.lastMs = startMs;
  }

  /** Feeds one event; `nameOf` maps a member id to the consumer's scenario name. */
  onEvent(event: GroupEvent, nameOf: (memberId: string) => string | undefined): void {
    this.tick(event.timeMs);
    switch (event.type) {
      case 'group-epoch-bumped':
        this.bumps++;
        break;
      case 'join-completed':
        this.bumps++;
        break;
      case 'group-state':
        this.state = event.to;
        break;
      case 'partitions-assigned': {
        const name = nameOf(event.memberId) ?? event.memberId;
        this.assign(name, event.partitions);
        break;
      }
      case 'partitions-revoked':
      case 'partitions-lost': {
        const name = nameOf(event.memberId) ?? event.memberId;
        this.release(name, event.partitions);
        break;
      }
      default:
        break;
    }
    this.evaluate(event.timeMs);
  }

  /** The group's state when the run starts from a described group (no event says it). */
  startIn(nowMs: number, state: GroupState): void {
    this.tick(nowMs);
    this.state = state;
    this.evaluate(nowMs);
  }

  /** A consumer stopped owning everything without callbacks (it crashed or was closed). */
  consumerGone(nowMs: number, name: string, owned: Assignment): void {
    this.tick(nowMs);
    this.release(name, owned);
    this.evaluate(nowMs);
  }

  /** The set of topic partitions the group should consume changed (subscriptions, partition counts). */
  setScope(nowMs: number, partitionsByTopic: ReadonlyMap<string, number>): void {
    this.tick(nowMs);
    const scope = new Set<string>();
    let expected = 0;
    for (const [topic, n] of partitionsByTopic) {
      scope.add(topic);
      expected += n;
    }
    this.scope = scope;
    this.expected = expected;
    let owned = 0;
    for (const [topic, parts] of this.owner) if (scope.has(topic)) owned += parts.size;
    this.ownedInScope = owned;
    this.evaluate(nowMs);
  }

  /** Closes the books at `nowMs`. */
  result(nowMs: number): GroupRunMetrics {
    this.tick(nowMs);
    const settled = this.settledNow;
    return {
      groupId: this.groupId,
      timeToStableMs:
        settled && this.settledAtMs !== null ? Math.max(0, this.settledAtMs - this.disruptionMs) : null,
      unownedPartitionSeconds: this.unownedMs / 1000,
      partitionMoves: this.moves,
      epochBumps: this.bumps,
      doubleOwnership: this.violations,
      settled,
    };
  }

  /** Unowned subscribed partitions right now. */
  get unowned(): number {
    return Math.max(0, this.expected - this.ownedInScope);
  }

  private assign(name: string, partitions: Assignment): void {
    for (const [topic, parts] of Object.entries(partitions)) {
      const owners = topicMap(this.owner, topic);
      const last = topicMap(this.lastOwner, topic);
      const inScope = this.scope.has(topic);
      for (const p of parts) {
        const current = owners.get(p);
        if (current !== undefined && current !== name) this.violations++;
        if (current === undefined && inScope) this.ownedInScope++;
        const previous = last.get(p);
        if (previous !== undefined && previous !== name) this.moves++;
        owners.set(p, name);
        last.set(p, name);
      }
    }
  }

  private release(name: string, partitions: Assignment): void {
    for (const [topic, parts] of Object.entries(partitions)) {
      const owners = this.owner.get(topic);
      if (owners === undefined) continue;
      for (const p of parts) {
        if (owners.get(p) !== name) continue;
        owners.delete(p);
        if (this.scope.has(topic)) this.ownedInScope--;
      }
      if (owners.size === 0) this.owner.delete(topic);
    }
  }

  private tick(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.unownedMs += this.unowned * (nowMs - this.lastMs);
      this.lastMs = nowMs;
    }
  }

  private evaluate(nowMs: number): void {
    const settled = this.state === 'Stable' && this.unowned === 0 && this.expected > 0;
    if (settled && !this.settledNow) this.settledAtMs = nowMs;
    this.settledNow = settled;
  }
}

function topicMap(m: Map<string, Map<number, string>>, topic: string): Map<number, string> {
  let t = m.get(topic);
  if (t === undefined) {
    t = new Map();
    m.set(topic, t);
  }
  return t;
}

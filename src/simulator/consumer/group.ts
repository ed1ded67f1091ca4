/**
 * One consumer group's state on the coordinator (Kafka's `ConsumerGroup` and `ModernGroup`).
 * It only changes through `ConsumerGroupState.apply(record)` — the coordinator writes records and
 * applies them, and a coordinator taking over replays the same records — so live state and
 * replayed state cannot drift apart.
 */
import type { ConsumerGroupState as GroupStateName } from '../../model';
import type { SubscriptionType, TopicId } from '../assignors/api';
import { JavaHashMap } from '../java/hashmap';
import { JAVA_STRING } from '../java/keys';
import { TimelineHashOrder } from '../java/timeline';
import type { ConsumerProtocolFeatures } from './features';
import {
  assignmentFromRecord,
  type AssignmentWithEpochs,
  type ConsumerGroupMember,
  EMPTY_TARGET,
  isReconciledTo,
  newMember,
  regexOrNull,
  type TargetAssignment,
  targetFromRecord,
} from './member';
import type { ConsumerGroupRecord, MemberMetadataValue } from './records';

export interface SubscriptionCount {
  readonly byName: number;
  readonly byRegex: number;
}

export interface ResolvedRegularExpression {
  readonly topics: ReadonlySet<string>;
  readonly version: number;
  readonly timestamp: number;
}

export interface TopicMetadataEntry {
  readonly topicId: TopicId;
  readonly name: string;
  readonly numPartitions: number;
}

/** A bug in the coordinator: a record that contradicts the state (Kafka's IllegalStateException). */
export class IllegalStateError extends Error {
  override readonly name = 'IllegalStateError';
}

const EMPTY_RESOLVED: ResolvedRegularExpression = { topics: new Set(), version: -1, timestamp: -1 };

export class ConsumerGroup {
  groupEpoch: number;
  /** KIP-1101 metadata hash (4.1+). */
  metadataHash = 0n;
  /** 4.0: the subscription metadata (topics the group subscribes to that exist). */
  subscriptionMetadata: ReadonlyMap<string, TopicMetadataEntry> = new Map();
  /** 4.1+: a 4.0-style ConsumerGroupPartitionMetadata record is still in the log. */
  hasSubscriptionMetadataRecord = false;
  assignmentEpoch: number;
  assignmentTimestamp = 0;

  readonly members = new Map<string, ConsumerGroupMember>();
  /** The members map's iteration order in Kafka (a TimelineHashMap). */
  readonly memberOrder = new TimelineHashOrder(JAVA_STRING);
  readonly staticMembers = new Map<string, string>();
  readonly serverAssignors = new Map<string, number>();
  readonly serverAssignorOrder = new TimelineHashOrder(JAVA_STRING);
  readonly subscribedTopicNames = new Map<string, SubscriptionCount>();
  readonly subscribedRegularExpressions = new Map<string, number>();
  readonly resolvedRegularExpressions = new Map<string, ResolvedRegularExpression>();
  readonly resolvedRegexOrder = new TimelineHashOrder(JAVA_STRING);
  readonly targetAssignment = new Map<string, TargetAssignment>();
  readonly invertedTargetAssignment = new Map<TopicId, Map<number, string>>();
  private readonly partitionEpochs = new Map<TopicId, Map<number, number>>();

  subscriptionType: SubscriptionType = 'HOMOGENEOUS';
  state: GroupStateName = 'Empty';
  /** Soft state (not in records): when the subscribed topics' metadata must be looked at again. */
  metadataRefreshDeadline = { deadlineMs: 0, epoch: 0 };

  /**
   * Subscribed-topic lists by content, so members with the same subscription share one frozen
   * array (and the coordinator's per-subscription caches stay small in large groups).
   */
  private readonly subscriptions = new Map<string, readonly string[]>();
  /** The same, by list identity (records often share one list). */
  private readonly internedBy = new WeakMap<readonly string[], readonly string[]>();

  /** Members not reconciled to the assignment epoch (keeps the state O(1) per update). */
  private unreconciled = 0;
  private countsVersion = 0;
  private typeVersion = -1;

  constructor(
    readonly groupId: string,
    private readonly features: ConsumerProtocolFeatures,
  ) {
    this.groupEpoch = features.initialEpoch;
    this.assignmentEpoch = features.initialEpoch;
  }

  get numMembers(): number {
    return this.members.size;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  staticMemberId(instanceId: string | null): string | undefined {
    return instanceId === null ? undefined : this.staticMembers.get(instanceId);
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const id = this.staticMembers.get(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  hasStaticMember(instanceId: string | null): boolean {
    return instanceId !== null && this.staticMembers.has(instanceId);
  }

  /** The target of a member, or of the member its instance id maps to (`targetAssignment(id, instanceId)`). */
  targetOf(memberId: string, instanceId: string | null = null): TargetAssignment {
    if (instanceId === null) return this.targetAssignment.get(memberId) ?? EMPTY_TARGET;
    const previous = this.staticMembers.get(instanceId);
    return previous === undefined ? EMPTY_TARGET : (this.targetAssignment.get(previous) ?? EMPTY_TARGET);
  }

  /** Epoch of the member holding the partition (assigned or pending revocation), or -1. */
  currentPartitionEpoch(topicId: TopicId, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  /** Every partition currently held: topic id → partition → holder's epoch (read-only view). */
  heldPartitions(): ReadonlyMap<TopicId, ReadonlyMap<number, number>> {
    return this.partitionEpochs;
  }

  numSubscribedMembers(regex: string): number {
    return this.subscribedRegularExpressions.get(regex) ?? 0;
  }

  /** The timestamp of the first resolved regex in Kafka's iteration order (all refresh together). */
  lastResolvedRegularExpressionRefreshTimeMs(): number {
    const first = this.resolvedRegexOrder.first();
    return first === undefined
      ? Number.MIN_SAFE_INTEGER
      : (this.resolvedRegularExpressions.get(first)?.timestamp ?? 0);
  }

  lastResolvedRegularExpressionVersion(): number {
    const first = this.resolvedRegexOrder.first();
    return first === undefined ? 0 : (this.resolvedRegularExpressions.get(first)?.version ?? 0);
  }

  hasMetadataExpired(nowMs: number): boolean {
    return (
      nowMs >= this.metadataRefreshDeadline.deadlineMs || this.groupEpoch < this.metadataRefreshDeadline.epoch
    );
  }

  requestMetadataRefresh(): void {
    this.metadataRefreshDeadline = { deadlineMs: 0, epoch: 0 };
  }

  /** Members in the iteration order of Kafka's members TimelineHashMap. */
  membersInKafkaOrder(): ConsumerGroupMember[] {
    const out: ConsumerGroupMember[] = [];
    for (const id of this.memberOrder.keys()) {
      const m = this.members.get(id);
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  /** The server assignor names with their member counts, in Kafka's TimelineHashMap order. */
  serverAssignorsInKafkaOrder(): [string, number][] {
    return this.serverAssignorOrder.keys().map((n) => [n, this.serverAssignors.get(n) ?? 0]);
  }

  // ---------------------------------------------------------------------------------------------
  // Subscription counts

  /** `computeSubscribedTopicNames(old, new)` (with the regex part of ConsumerGroup). */
  computeSubscribedTopicNames(
    oldMember: ConsumerGroupMember | undefined,
    updated: ConsumerGroupMember | undefined,
  ): Map<string, SubscriptionCount> {
    const counts = new Map(this.subscribedTopicNames);
    updateNameCounts(counts, oldMember, updated);
    const oldRegex = regexOrNull(oldMember);
    if (oldRegex !== null) {
      const newRegex = regexOrNull(updated);
      if (oldRegex !== newRegex && this.numSubscribedMembers(oldRegex) === 1) {
        const resolved = this.resolvedRegularExpressions.get(oldRegex);
        if (resolved !== undefined) for (const t of resolved.topics) decRegexCount(counts, t);
      }
    }
    return counts;
  }

  computeSubscribedRegularExpressions(
    oldMember: ConsumerGroupMember | undefined,
    updated: ConsumerGroupMember | undefined,
  ): Map<string, number> {
    const oldRegex = regexOrNull(oldMember);
    const newRegex = regexOrNull(updated);
    const out = new Map(this.subscribedRegularExpressions);
    if (oldRegex !== newRegex) {
      if (oldRegex !== null) decValue(out, oldRegex);
      if (newRegex !== null) out.set(newRegex, (out.get(newRegex) ?? 0) + 1);
    }
    return out;
  }

  /** `computeSubscribedTopicNamesWithoutDeletedMembers`. */
  computeSubscribedTopicNamesWithout(
    removed: readonly ConsumerGroupMember[],
    removedRegexes: ReadonlySet<string>,
  ): Map<string, SubscriptionCount> {
    const counts = new Map(this.subscribedTopicNames);
    for (const m of removed) updateNameCounts(counts, m, undefined);
    for (const regex of removedRegexes) {
      const resolved = this.resolvedRegularExpressions.get(regex);
      if (resolved !== undefined) for (const t of resolved.topics) decRegexCount(counts, t);
    }
    return counts;
  }

  /**
   * `computePreferredServerAssignor(old, new)`: the most used assignor, ties to the first in the
   * iteration order of Kafka's `new HashMap<>(serverAssignors)` (filled in TimelineHashMap order)
   * after `compute(name, decValue)` for the old member's assignor and `compute(name, incValue)`
   * for the new one's (a key `compute` adds goes to the head of its bucket).
   */
  computePreferredServerAssignor(
    oldMember: ConsumerGroupMember | undefined,
    updated: ConsumerGroupMember | undefined,
  ): string | undefined {
    const entries = this.serverAssignorsInKafkaOrder();
    const counts = JavaHashMap.copyOf<string, number>(JAVA_STRING, entries, entries.length);
    const oldName = oldMember?.serverAssignorName ?? null;
    const newName = updated?.serverAssignorName ?? null;
    if (oldName !== null) counts.compute(oldName, (_, v) => (v === undefined || v === 1 ? undefined : v - 1));
    if (newName !== null) counts.compute(newName, (_, v) => (v === undefined ? 1 : v + 1));
    // Stream.max keeps the first of equal maxima.
    let best: string | undefined;
    let bestCount = -1;
    for (const [name, c] of counts) {
      if (c > bestCount) {
        best = name;
        bestCount = c;
      }
    }
    return best;
  }

  /** `preferredServerAssignor()` as ConsumerGroupDescribe reports it (TimelineHashMap order). */
  preferredServerAssignor(): string | undefined {
    let best: string | undefined;
    let bestCount = -1;
    for (const [name, c] of this.serverAssignorsInKafkaOrder()) {
      if (c > bestCount) {
        best = name;
        bestCount = c;
      }
    }
    return best;
  }

  /** `ConsumerGroup.subscriptionType(regexes, counts, n)`. */
  static subscriptionTypeOf(
    regexes: ReadonlyMap<string, number>,
    counts: ReadonlyMap<string, SubscriptionCount>,
    numMembers: number,
  ): SubscriptionType {
    if (regexes.size === 0) {
      for (const c of counts.values()) if (c.byName !== numMembers) return 'HETEROGENEOUS';
      return 'HOMOGENEOUS';
    }
    const first = regexes.values().next().value ?? 0;
    if (first !== numMembers) return 'HETEROGENEOUS';
    for (const c of counts.values()) if (c.byRegex !== 1 || c.byName > 0) return 'HETEROGENEOUS';
    return 'HOMOGENEOUS';
  }

  // ---------------------------------------------------------------------------------------------
  // Mutations (only through records)

  private updateMember(updated: ConsumerGroupMember): void {
    const old = this.members.get(updated.memberId);
    this.members.set(updated.memberId, updated);
    this.memberOrder.add(updated.memberId);
    if (old === undefined || old.subscribedTopicNames !== updated.subscribedTopicNames) {
      updateNameCounts(this.subscribedTopicNames, old, updated);
      this.countsVersion++;
    }
    if (old?.serverAssignorName !== updated.serverAssignorName) {
      this.updateAssignorCounts(old?.serverAssignorName ?? null, -1);
      this.updateAssignorCounts(updated.serverAssignorName, +1);
    }
    this.removePartitionEpochs(old);
    this.addPartitionEpochs(updated.assignedPartitions, updated.memberEpoch);
    this.addPartitionEpochs(updated.partitionsPendingRevocation, updated.memberEpoch);
    if (regexOrNull(old) !== regexOrNull(updated)) {
      const oldRegex = regexOrNull(old);
      const newRegex = regexOrNull(updated);
      if (oldRegex !== null) decValue(this.subscribedRegularExpressions, oldRegex);
      if (newRegex !== null)
        this.subscribedRegularExpressions.set(newRegex, this.numSubscribedMembers(newRegex) + 1);
      this.countsVersion++;
    }
    if (updated.instanceId !== null) this.staticMembers.set(updated.instanceId, updated.memberId);
    if (old === undefined) this.countsVersion++;
    this.unreconciled +=
      (isReconciledTo(updated, this.assignmentEpoch) ? 0 : 1) -
      (old === undefined || isReconciledTo(old, this.assignmentEpoch) ? 0 : 1);
    this.updateState();
    this.updateSubscriptionType();
  }

  private removeMember(memberId: string): void {
    const old = this.members.get(memberId);
    if (old === undefined) return;
    this.members.delete(memberId);
    this.memberOrder.delete(memberId);
    updateNameCounts(this.subscribedTopicNames, old, undefined);
    this.updateAssignorCounts(old.serverAssignorName, -1);
    this.removePartitionEpochs(old);
    const regex = regexOrNull(old);
    if (regex !== null) decValue(this.subscribedRegularExpressions, regex);
    if (old.instanceId !== null) this.staticMembers.delete(old.instanceId);
    this.countsVersion++;
    if (!isReconciledTo(old, this.assignmentEpoch)) this.unreconciled--;
    this.updateState();
    this.updateSubscriptionType();
  }

  private updateAssignorCounts(name: string | null, delta: number): void {
    if (name === null) return;
    const v = (this.serverAssignors.get(name) ?? 0) + delta;
    if (v <= 0) {
      this.serverAssignors.delete(name);
      this.serverAssignorOrder.delete(name);
    } else {
      this.serverAssignors.set(name, v);
      this.serverAssignorOrder.add(name);
    }
  }

  private removePartitionEpochs(old: ConsumerGroupMember | undefined): void {
    if (old === undefined) return;
    this.removeEpochs(old.assignedPartitions, old.memberEpoch);
    this.removeEpochs(old.partitionsPendingRevocation, old.memberEpoch);
  }

  private removeEpochs(assignment: AssignmentWithEpochs, expected: number): void {
    for (const [topicId, parts] of assignment) {
      const held = this.partitionEpochs.get(topicId);
      if (held === undefined) {
        if (this.features.lenientPartitionEpochs) continue;
        throw new IllegalStateError(
          `Cannot remove the epoch ${expected} from ${topicId} because it does not have any epoch`,
        );
      }
      for (const p of parts.keys()) {
        const prev = held.get(p);
        if (prev === expected) held.delete(p);
        else if (!this.features.lenientPartitionEpochs) {
          throw new IllegalStateError(
            `Cannot remove the epoch ${expected} from ${topicId}-${p} because the partition is still owned at a different epoch ${prev}`,
          );
        }
      }
      if (held.size === 0) this.partitionEpochs.delete(topicId);
    }
  }

  private addPartitionEpochs(assignment: AssignmentWithEpochs, epoch: number): void {
    for (const [topicId, parts] of assignment) {
      let held = this.partitionEpochs.get(topicId);
      if (held === undefined) {
        held = new Map();
        this.partitionEpochs.set(topicId, held);
      }
      for (const p of parts.keys()) {
        const prev = held.get(p);
        if (prev === undefined || (this.features.lenientPartitionEpochs && prev < epoch)) {
          held.set(p, epoch);
        } else {
          throw new IllegalStateError(
            `Cannot set the epoch of ${topicId}-${p} to ${epoch} because the partition is still owned at epoch ${prev}`,
          );
        }
      }
    }
  }

  private updateTarget(memberId: string, next: TargetAssignment): void {
    const old = this.targetAssignment.get(memberId) ?? EMPTY_TARGET;
    const topics = new Set<TopicId>([...old.keys(), ...next.keys()]);
    for (const topicId of topics) {
      const oldParts = old.get(topicId);
      const newParts = next.get(topicId);
      let inverted = this.invertedTargetAssignment.get(topicId);
      if (inverted === undefined) {
        inverted = new Map();
        this.invertedTargetAssignment.set(topicId, inverted);
      }
      if (oldParts !== undefined) {
        for (const p of oldParts) {
          if ((newParts === undefined || !newParts.has(p)) && inverted.get(p) === memberId)
            inverted.delete(p);
        }
      }
      if (newParts !== undefined) {
        for (const p of newParts) if (oldParts === undefined || !oldParts.has(p)) inverted.set(p, memberId);
      }
      if (inverted.size === 0) this.invertedTargetAssignment.delete(topicId);
    }
  }

  private setAssignmentEpoch(epoch: number, timestamp: number): void {
    const changed = epoch !== this.assignmentEpoch;
    this.assignmentEpoch = epoch;
    this.assignmentTimestamp = timestamp;
    if (changed) {
      this.unreconciled = 0;
      for (const m of this.members.values()) if (!isReconciledTo(m, epoch)) this.unreconciled++;
    }
    this.updateState();
  }

  private updateState(): void {
    if (this.members.size === 0) this.state = 'Empty';
    else if (this.groupEpoch > this.assignmentEpoch) this.state = 'Assigning';
    else if (this.unreconciled > 0) this.state = 'Reconciling';
    else this.state = 'Stable';
  }

  private updateSubscriptionType(): void {
    if (this.typeVersion === this.countsVersion) return;
    this.typeVersion = this.countsVersion;
    this.subscriptionType = ConsumerGroup.subscriptionTypeOf(
      this.subscribedRegularExpressions,
      this.subscribedTopicNames,
      this.members.size,
    );
  }

  private updateResolvedRegex(regex: string, next: ResolvedRegularExpression | null): void {
    const old = this.resolvedRegularExpressions.get(regex);
    if (old !== undefined) {
      this.resolvedRegularExpressions.delete(regex);
      this.resolvedRegexOrder.delete(regex);
      for (const t of old.topics) decRegexCount(this.subscribedTopicNames, t);
    }
    if (next !== null) {
      this.resolvedRegularExpressions.set(regex, next);
      this.resolvedRegexOrder.add(regex);
      for (const t of next.topics) incRegexCount(this.subscribedTopicNames, t);
    }
    this.countsVersion++;
  }

  /**
   * Applies one record of this group (`GroupMetadataManager.replay`). Returns false when the
   * record deletes the group (a ConsumerGroupMetadata tombstone).
   */
  apply(record: ConsumerGroupRecord): boolean {
    switch (record.type) {
      case 'ConsumerGroupMemberMetadata': {
        const { memberId } = record.key;
        if (record.value !== null) {
          const old = this.members.get(memberId) ?? newMember(memberId);
          this.updateMember(withMetadata(old, record.value, (names) => this.intern(names)));
        } else {
          const old = this.members.get(memberId);
          if (old === undefined) return true;
          if (old.memberEpoch !== -1) {
            throw new IllegalStateError(
              `Received a tombstone record to delete member ${memberId} but did not receive ConsumerGroupCurrentMemberAssignmentValue tombstone.`,
            );
          }
          if (this.targetAssignment.has(memberId)) {
            throw new IllegalStateError(
              `Received a tombstone record to delete member ${memberId} but did not receive ConsumerGroupTargetAssignmentMetadataValue tombstone.`,
            );
          }
          this.removeMember(memberId);
        }
        return true;
      }
      case 'ConsumerGroupMetadata':
        if (record.value !== null) {
          this.groupEpoch = record.value.epoch;
          this.metadataHash = BigInt(record.value.metadataHash ?? '0');
          this.updateState();
          return true;
        }
        if (this.members.size > 0) {
          throw new IllegalStateError(
            `Received a tombstone record to delete group ${this.groupId} but the group still has ${this.members.size} members.`,
          );
        }
        if (this.targetAssignment.size > 0 || this.assignmentEpoch !== -1) {
          throw new IllegalStateError(
            `Received a tombstone record to delete group ${this.groupId} but did not receive ConsumerGroupTargetAssignmentMetadataValue tombstone.`,
          );
        }
        return false;
      case 'ConsumerGroupPartitionMetadata':
        if (this.features.metadataHash) {
          this.hasSubscriptionMetadataRecord = record.value !== null;
        } else {
          this.subscriptionMetadata = new Map(
            (record.value?.topics ?? []).map((t) => [
              t.topicName,
              { topicId: t.topicId, name: t.topicName, numPartitions: t.numPartitions },
            ]),
          );
        }
        return true;
      case 'ConsumerGroupTargetAssignmentMember': {
        const { memberId } = record.key;
        if (record.value !== null) {
          const next = targetFromRecord(record.value.topicPartitions);
          this.updateTarget(memberId, next);
          this.targetAssignment.set(memberId, next);
        } else if (this.targetAssignment.has(memberId)) {
          this.updateTarget(memberId, EMPTY_TARGET);
          this.targetAssignment.delete(memberId);
        }
        return true;
      }
      case 'ConsumerGroupTargetAssignmentMetadata':
        if (record.value !== null) {
          this.setAssignmentEpoch(record.value.assignmentEpoch, record.value.assignmentTimestamp ?? 0);
        } else {
          if (this.targetAssignment.size > 0) {
            throw new IllegalStateError(
              `Received a tombstone record to delete target assignment of ${this.groupId} but the assignment still has ${this.targetAssignment.size} members.`,
            );
          }
          this.setAssignmentEpoch(-1, 0);
        }
        return true;
      case 'ConsumerGroupCurrentMemberAssignment': {
        const { memberId } = record.key;
        const v = record.value;
        if (v !== null) {
          const old = this.members.get(memberId) ?? newMember(memberId);
          this.updateMember({
            ...old,
            memberEpoch: v.memberEpoch,
            previousMemberEpoch: v.previousMemberEpoch,
            state: v.state,
            assignedPartitions: assignmentFromRecord(v.assignedPartitions, v.memberEpoch),
            partitionsPendingRevocation: assignmentFromRecord(v.partitionsPendingRevocation, v.memberEpoch),
          });
        } else {
          const old = this.members.get(memberId);
          if (old === undefined) return true;
          this.updateMember({
            ...old,
            memberEpoch: -1,
            previousMemberEpoch: -1,
            assignedPartitions: new Map(),
            partitionsPendingRevocation: new Map(),
          });
        }
        return true;
      }
      case 'ConsumerGroupRegularExpression': {
        const v = record.value;
        this.updateResolvedRegex(
          record.key.regularExpression,
          v === null ? null : { topics: new Set(v.topics), version: v.version, timestamp: v.timestamp },
        );
        return true;
      }
    }
  }

  /** The shared frozen copy of a subscribed-topic list (same names in the same order). */
  intern(names: readonly string[]): readonly string[] {
    const known = this.internedBy.get(names);
    if (known !== undefined) return known;
    const key = names.join('\u0000');
    let shared = this.subscriptions.get(key);
    if (shared === undefined) {
      shared = Object.freeze([...names]);
      this.subscriptions.set(key, shared);
    }
    this.internedBy.set(names, shared);
    return shared;
  }

  /** The resolved topics of a regex, or an empty resolution. */
  resolved(regex: string): ResolvedRegularExpression {
    return this.resolvedRegularExpressions.get(regex) ?? EMPTY_RESOLVED;
  }
}

function withMetadata(
  m: ConsumerGroupMember,
  v: MemberMetadataValue,
  intern: (names: readonly string[]) => readonly string[],
): ConsumerGroupMember {
  return {
    ...m,
    instanceId: v.instanceId,
    rackId: v.rackId,
    clientId: v.clientId,
    clientHost: v.clientHost,
    subscribedTopicNames: sameOrder(m.subscribedTopicNames, v.subscribedTopicNames, intern),
    subscribedTopicRegex: v.subscribedTopicRegex,
    serverAssignorName: v.serverAssignor,
    rebalanceTimeoutMs: v.rebalanceTimeoutMs,
  };
}

/** Keeps the old array (and so the identity the counters key on) when the list is unchanged. */
function sameOrder(
  old: readonly string[],
  next: readonly string[],
  intern: (names: readonly string[]) => readonly string[],
): readonly string[] {
  if (old.length === next.length && old.every((x, i) => x === next[i])) return old;
  return intern(next);
}

function updateNameCounts(
  counts: Map<string, SubscriptionCount>,
  oldMember: ConsumerGroupMember | undefined,
  updated: ConsumerGroupMember | undefined,
): void {
  if (oldMember !== undefined) {
    for (const t of oldMember.subscribedTopicNames) {
      const c = counts.get(t);
      if (c === undefined || (c.byName === 1 && c.byRegex === 0)) counts.delete(t);
      else counts.set(t, { byName: c.byName - 1, byRegex: c.byRegex });
    }
  }
  if (updated !== undefined) {
    for (const t of updated.subscribedTopicNames) {
      const c = counts.get(t);
      counts.set(
        t,
        c === undefined ? { byName: 1, byRegex: 0 } : { byName: c.byName + 1, byRegex: c.byRegex },
      );
    }
  }
}

export function incRegexCount(counts: Map<string, SubscriptionCount>, t: string): void {
  const c = counts.get(t);
  counts.set(t, c === undefined ? { byName: 0, byRegex: 1 } : { byName: c.byName, byRegex: c.byRegex + 1 });
}

export function decRegexCount(counts: Map<string, SubscriptionCount>, t: string): void {
  const c = counts.get(t);
  if (c === undefined || (c.byRegex === 1 && c.byName === 0)) counts.delete(t);
  else counts.set(t, { byName: c.byName, byRegex: c.byRegex - 1 });
}

function decValue(m: Map<string, number>, key: string): void {
  const v = m.get(key);
  if (v === undefined || v <= 1) m.delete(key);
  else m.set(key, v - 1);
}

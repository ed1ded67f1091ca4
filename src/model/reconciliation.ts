import {
  type Assignment,
  EMPTY_ASSIGNMENT,
  assignmentFromPartitions,
  intersectAssignments,
  isEmptyAssignment,
  partitionCount,
  subtractAssignment,
  toPartitions,
} from './assignment';
import { formatDuration, formatPartitionList, memberLabels, shortMemberId } from './describe';
import type { GroupSnapshot, MemberSnapshot } from './snapshot';

/**
 * Where each member stands in the current rebalance, in plain words. Derived from one snapshot
 * (plus, for "how long so far", the snapshots before it). Pure: the dashboard, the tree tooltips
 * and the CLI all call it.
 */

/** Who holds partitions a member waits for. */
export interface Holder {
  readonly memberId: string;
  readonly label: string;
  readonly partitions: Assignment;
}

export interface MemberStep {
  readonly memberId: string;
  readonly label: string;
  readonly memberType: MemberSnapshot['memberType'];
  /** KIP-848: member epoch. Classic: the member's generation. */
  readonly epoch: number;
  /** KIP-848: the target-assignment epoch. Classic: the group's generation. */
  readonly targetEpoch: number | null;
  /** KIP-848 reconciliation state, or the classic phase of this member (e.g. `JOINED`, `AWAITING_SYNC`). */
  readonly state: string;
  readonly reconciled: boolean;
  /** Partitions the member holds and keeps. */
  readonly kept: Assignment;
  /** Partitions the member must still give up. */
  readonly revoking: Assignment;
  /** Partitions the member is to get but does not have yet. */
  readonly awaiting: Assignment;
  /** The part of `awaiting` still held by other members (waiting for release), per holder. */
  readonly holders: readonly Holder[];
  /** One sentence for the step the member is at. */
  readonly sentence: string;
  /** When the member entered this step, or null when unknown or not relevant. */
  readonly sinceMs: number | null;
}

export interface GroupStep {
  readonly reconciling: boolean;
  readonly reconciledMembers: number;
  readonly totalMembers: number;
  readonly sentence: string;
  readonly members: readonly MemberStep[];
}

/** Where a partition key is needed: `topic␀partition` (a NUL cannot occur in a topic name). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Identity of a member's step: it is "the same step" while this string stays the same. */
export function stepKey(
  m: MemberSnapshot,
  group: Pick<GroupSnapshot, 'state' | 'groupEpoch' | 'targetAssignmentEpoch'>,
): string {
  if (m.reconciliation !== null) {
    // A reconciled member behind a new target has a new step: "gets its new assignment" counts
    // from the target, not from when the member reached its epoch.
    const target = group.targetAssignmentEpoch;
    const behind = target !== null && m.memberEpoch >= 0 && m.memberEpoch < target ? `>${target}` : '';
    return `${m.reconciliation}|${m.memberEpoch}${behind}`;
  }
  const c = m.classic;
  return `${group.state}|${group.groupEpoch}|${c?.awaitingJoin === true ? 'j' : ''}${c?.awaitingSync === true ? 's' : ''}`;
}

const memberIndexCache = new WeakMap<GroupSnapshot, Map<string, MemberSnapshot>>();

function memberIndex(s: GroupSnapshot): Map<string, MemberSnapshot> {
  let idx = memberIndexCache.get(s);
  if (idx === undefined) {
    idx = new Map(s.members.map((m) => [m.memberId, m]));
    memberIndexCache.set(s, idx);
  }
  return idx;
}

/**
 * When each member entered the step it is at in `history[index]`: walks back through the history
 * while the member's step stays the same. Members not in that snapshot are absent from the result.
 */
export function stepSince(
  history: readonly GroupSnapshot[],
  index: number,
  only?: (m: MemberSnapshot, s: GroupSnapshot) => boolean,
): Map<string, number> {
  const out = new Map<string, number>();
  const current = history[index];
  if (current === undefined) return out;
  for (const m of current.members) {
    if (only !== undefined && !only(m, current)) continue;
    const key = stepKey(m, current);
    let since = current.timeMs;
    for (let j = index - 1; j >= 0; j--) {
      const s = history[j];
      if (s === undefined) break;
      const pm = memberIndex(s).get(m.memberId);
      if (pm === undefined || stepKey(pm, s) !== key) break;
      since = s.timeMs;
    }
    out.set(m.memberId, since);
  }
  return out;
}

export interface SinceEntry {
  readonly key: string;
  readonly sinceMs: number;
}

/**
 * The incremental form of `stepSince`: given each member's step as of the previous snapshot,
 * returns it as of `s` (members that left are dropped, a changed step restarts at `s.timeMs`).
 */
export function advanceSince(
  prev: ReadonlyMap<string, SinceEntry>,
  s: GroupSnapshot,
): Map<string, SinceEntry> {
  const out = new Map<string, SinceEntry>();
  for (const m of s.members) {
    const key = stepKey(m, s);
    const p = prev.get(m.memberId);
    out.set(m.memberId, p !== undefined && p.key === key ? p : { key, sinceMs: s.timeMs });
  }
  return out;
}

/** True when a member is not settled, so "how long so far" matters for it. */
export function isMemberMoving(
  m: MemberSnapshot,
  s: Pick<GroupSnapshot, 'state' | 'targetAssignmentEpoch'>,
): boolean {
  if (m.reconciliation !== null) {
    return (
      m.reconciliation !== 'STABLE' ||
      (s.targetAssignmentEpoch !== null && m.memberEpoch !== s.targetAssignmentEpoch)
    );
  }
  return s.state !== 'Stable' || (m.client !== null && !assignmentsEqualLoose(m.client.owned, m.assignment));
}

function assignmentsEqualLoose(a: Assignment, b: Assignment): boolean {
  return isEmptyAssignment(subtractAssignment(a, b)) && isEmptyAssignment(subtractAssignment(b, a));
}

/** Describes every member's step and the group's, for `snapshot` (usually the last of its history). */
export function describeReconciliation(
  snapshot: GroupSnapshot,
  since: ReadonlyMap<string, number> = new Map(),
): GroupStep {
  const labels = memberLabels(snapshot);
  const label = (id: string): string => labels.get(id) ?? shortMemberId(id);
  const members =
    snapshot.protocol === 'consumer'
      ? describeConsumerMembers(snapshot, label, since)
      : describeClassicMembers(snapshot, label, since);
  const reconciledMembers = members.filter((m) => m.reconciled).length;
  const reconciling = reconciledMembers < members.length || snapshot.state !== 'Stable';
  return {
    reconciling,
    reconciledMembers,
    totalMembers: members.length,
    sentence: groupSentence(snapshot, members, label),
    members,
  };
}

function soFar(snapshot: GroupSnapshot, sinceMs: number | undefined): string {
  if (sinceMs === undefined) return '';
  return ` (${formatDuration(snapshot.timeMs - sinceMs)} so far)`;
}

/** The parts of a member's assignment; they depend on the member alone, so they are cached per member object. */
interface MemberParts {
  readonly kept: Assignment;
  readonly awaiting: Assignment;
}

const partsCache = new WeakMap<MemberSnapshot, MemberParts>();

function consumerParts(m: MemberSnapshot): MemberParts {
  let p = partsCache.get(m);
  if (p === undefined) {
    const target = m.targetAssignment ?? m.assignment;
    p =
      target === m.assignment
        ? { kept: m.assignment, awaiting: EMPTY_ASSIGNMENT }
        : {
            kept: intersectAssignments(m.assignment, target),
            awaiting: subtractAssignment(target, m.assignment),
          };
    partsCache.set(m, p);
  }
  return p;
}

/**
 * Who holds each of the wanted partitions (assigned or pending revocation). Only the wanted
 * partitions are indexed, so a large group waiting for a handful of partitions stays cheap.
 */
function holdersOfWanted(snapshot: GroupSnapshot, wanted: readonly Assignment[]): Map<string, string> {
  const want = new Map<string, Set<number>>();
  for (const a of wanted) {
    for (const [t, parts] of Object.entries(a)) {
      let set = want.get(t);
      if (set === undefined) want.set(t, (set = new Set()));
      for (const p of parts) set.add(p);
    }
  }
  const out = new Map<string, string>();
  if (want.size === 0) return out;
  for (const m of snapshot.members) {
    for (const a of [m.assignment, m.pendingRevocation]) {
      for (const [t, set] of want) {
        const parts = a[t];
        if (parts !== undefined)
          for (const p of parts) if (set.has(p)) out.set(partitionKey(t, p), m.memberId);
      }
    }
  }
  return out;
}

function holdersOf(
  awaiting: Assignment,
  self: string,
  holderIndex: ReadonlyMap<string, string>,
  label: (id: string) => string,
): Holder[] {
  if (isEmptyAssignment(awaiting)) return [];
  const byHolder = new Map<string, { topic: string; partition: number }[]>();
  for (const tp of toPartitions(awaiting)) {
    const h = holderIndex.get(partitionKey(tp.topic, tp.partition));
    if (h === undefined || h === self) continue;
    let list = byHolder.get(h);
    if (list === undefined) byHolder.set(h, (list = []));
    list.push(tp);
  }
  return [...byHolder.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([memberId, tps]) => ({
      memberId,
      label: label(memberId),
      partitions: assignmentFromPartitions(tps),
    }));
}

function describeConsumerMembers(
  snapshot: GroupSnapshot,
  label: (id: string) => string,
  since: ReadonlyMap<string, number>,
): MemberStep[] {
  const parts = snapshot.members.map(consumerParts);
  const holderIndex = holdersOfWanted(
    snapshot,
    parts.map((p) => p.awaiting),
  );
  const targetEpoch = snapshot.targetAssignmentEpoch;
  const assigning = targetEpoch !== null && snapshot.groupEpoch > targetEpoch;
  return snapshot.members.map((m, i): MemberStep => {
    const { kept, awaiting } = parts[i] ?? consumerParts(m);
    const revoking = m.pendingRevocation;
    const holders = holdersOf(awaiting, m.memberId, holderIndex, label);
    const state = m.reconciliation ?? 'UNKNOWN';
    const reconciled = state === 'STABLE' && (targetEpoch === null || m.memberEpoch === targetEpoch);
    const sinceMs = since.get(m.memberId);
    const tail = soFar(snapshot, sinceMs);
    let sentence: string;
    if (m.memberEpoch < 0) {
      sentence = 'has left the group';
    } else if (state === 'UNREVOKED_PARTITIONS') {
      sentence = `epoch ${m.memberEpoch} waits for ${label(m.memberId)} to revoke ${formatPartitionList(revoking)}${
        targetEpoch !== null ? ` before it moves towards epoch ${targetEpoch}` : ''
      }${tail}`;
    } else if (state === 'UNRELEASED_PARTITIONS') {
      if (holders.length > 0) {
        const parts = holders.map((h) => `${h.label} to revoke ${formatPartitionList(h.partitions)}`);
        sentence = `epoch ${m.memberEpoch} waits for ${joinWords(parts)}${tail}`;
      } else {
        sentence = `epoch ${m.memberEpoch}: ${formatPartitionList(awaiting)} released, assigned on the next heartbeat${tail}`;
      }
    } else if (state === 'UNKNOWN') {
      sentence = `epoch ${m.memberEpoch}: state unknown to the coordinator; the member must re-join with epoch 0`;
    } else if (targetEpoch !== null && m.memberEpoch < targetEpoch) {
      sentence = `epoch ${m.memberEpoch} → ${targetEpoch}: gets its new assignment on its next heartbeat${tail}`;
    } else if (assigning) {
      sentence = `reconciled at epoch ${m.memberEpoch}; group epoch ${snapshot.groupEpoch} awaits a new target assignment`;
    } else {
      sentence = `reconciled at epoch ${m.memberEpoch}, owns ${countWords(partitionCount(m.assignment), 'partition')}`;
    }
    return {
      memberId: m.memberId,
      label: label(m.memberId),
      memberType: m.memberType,
      epoch: m.memberEpoch,
      targetEpoch,
      state,
      reconciled,
      kept,
      revoking,
      awaiting,
      holders,
      sentence,
      sinceMs: reconciled ? null : (sinceMs ?? null),
    };
  });
}

function describeClassicMembers(
  snapshot: GroupSnapshot,
  label: (id: string) => string,
  since: ReadonlyMap<string, number>,
): MemberStep[] {
  const generation = snapshot.groupEpoch;
  const eager = snapshot.rebalanceProtocol === 'eager';
  const notJoined = snapshot.members.filter((m) => m.classic !== null && !m.classic.awaitingJoin);
  const leader = snapshot.leaderId;
  const leaderSynced = snapshot.members.some(
    (m) => m.memberId === leader && m.classic?.awaitingSync === true,
  );
  return snapshot.members.map((m): MemberStep => {
    const c = m.classic;
    const owned = m.client?.owned ?? c?.ownedPartitions ?? m.assignment;
    const kept = m.client !== null ? intersectAssignments(m.assignment, owned) : m.assignment;
    const revoking = m.client !== null ? subtractAssignment(owned, m.assignment) : EMPTY_ASSIGNMENT;
    const awaiting = m.client !== null ? subtractAssignment(m.assignment, owned) : EMPTY_ASSIGNMENT;
    const sinceMs = since.get(m.memberId);
    const tail = soFar(snapshot, sinceMs);
    const isLeader = m.memberId === leader;
    let state: string;
    let sentence: string;
    let reconciled = false;
    switch (snapshot.state) {
      case 'PreparingRebalance': {
        if (c?.awaitingJoin === true) {
          state = 'JOINED';
          const others = notJoined.filter((o) => o.memberId !== m.memberId).map((o) => label(o.memberId));
          sentence =
            others.length > 0
              ? `joined for generation ${generation + 1}; waits for ${joinWords(limitNames(others))} to re-join${tail}`
              : `joined for generation ${generation + 1}; the join phase completes now${tail}`;
        } else {
          state = 'REJOINING';
          const keep = eager
            ? 'revokes all its partitions first (eager)'
            : `keeps ${countWords(partitionCount(owned), 'partition')} while re-joining (cooperative)`;
          sentence = `generation ${generation + 1} waits for ${label(m.memberId)} to send JoinGroup; it ${keep}${tail}`;
        }
        break;
      }
      case 'CompletingRebalance': {
        if (isLeader && c?.awaitingSync !== true) {
          state = 'ASSIGNING';
          sentence = `generation ${generation}: leader ${label(m.memberId)} computes the assignment${
            snapshot.assignor !== null ? ` with ${snapshot.assignor}` : ''
          } and sends it with SyncGroup${tail}`;
        } else if (c?.awaitingSync === true) {
          state = 'AWAITING_SYNC';
          sentence =
            leader !== null && !leaderSynced
              ? `generation ${generation}: waits for leader ${label(leader)} to send the assignment (SyncGroup)${tail}`
              : `generation ${generation}: SyncGroup sent, waits for its assignment${tail}`;
        } else {
          state = 'SYNC_PENDING';
          sentence = `generation ${generation}: the group waits for ${label(m.memberId)} to send SyncGroup${tail}`;
        }
        break;
      }
      case 'Stable': {
        if (!isEmptyAssignment(revoking)) {
          state = 'REVOKING';
          sentence = `generation ${generation}: ${label(m.memberId)} revokes ${formatPartitionList(revoking)}; a follow-up rebalance will hand them out${tail}`;
        } else if (!isEmptyAssignment(awaiting)) {
          state = 'ASSIGNING';
          sentence = `generation ${generation}: ${label(m.memberId)} takes ${formatPartitionList(awaiting)}${tail}`;
        } else {
          state = 'STABLE';
          reconciled = true;
          sentence = `stable in generation ${generation}${isLeader ? ' (leader)' : ''}, owns ${countWords(
            partitionCount(m.assignment),
            'partition',
          )}`;
        }
        break;
      }
      default:
        state = snapshot.state.toUpperCase();
        sentence = `group is ${snapshot.state}`;
    }
    return {
      memberId: m.memberId,
      label: label(m.memberId),
      memberType: m.memberType,
      epoch: m.memberEpoch,
      targetEpoch: generation,
      state,
      reconciled,
      kept,
      revoking,
      awaiting,
      holders: [],
      sentence,
      sinceMs: reconciled ? null : (sinceMs ?? null),
    };
  });
}

function groupSentence(
  snapshot: GroupSnapshot,
  members: readonly MemberStep[],
  label: (id: string) => string,
): string {
  if (snapshot.members.length === 0) return `${snapshot.state}: no members`;
  if (snapshot.protocol === 'consumer') {
    const target = snapshot.targetAssignmentEpoch;
    if (target !== null && snapshot.groupEpoch > target) {
      return `group epoch ${snapshot.groupEpoch} is ahead of the target assignment (epoch ${target}): a new assignment is being computed`;
    }
    const pending = members.filter((m) => !m.reconciled);
    if (pending.length === 0)
      return `stable at epoch ${target ?? snapshot.groupEpoch}: all ${members.length} members reconciled`;
    const oldest = [...pending].sort((a, b) => (a.sinceMs ?? Infinity) - (b.sinceMs ?? Infinity))[0];
    const blocking = pending.find((m) => m.state === 'UNREVOKED_PARTITIONS');
    const head = `epoch ${target ?? snapshot.groupEpoch} reconciling: ${members.length - pending.length} of ${members.length} members done`;
    if (blocking !== undefined) {
      return `${head}; waits for ${label(blocking.memberId)} to revoke ${formatPartitionList(blocking.revoking)}${soFar(
        snapshot,
        blocking.sinceMs ?? undefined,
      )}`;
    }
    return oldest !== undefined ? `${head}; longest: ${oldest.sentence}` : head;
  }
  switch (snapshot.state) {
    case 'PreparingRebalance': {
      const missing = members.filter((m) => m.state === 'REJOINING').map((m) => m.label);
      return `JoinGroup phase for generation ${snapshot.groupEpoch + 1}: ${
        missing.length === 0 ? 'every member has joined' : `waiting for ${joinWords(limitNames(missing))}`
      }`;
    }
    case 'CompletingRebalance':
      return `SyncGroup phase of generation ${snapshot.groupEpoch}: waiting for leader ${
        snapshot.leaderId !== null ? label(snapshot.leaderId) : '(unknown)'
      } to hand out the assignment`;
    case 'Stable': {
      const moving = members.filter((m) => !m.reconciled);
      return moving.length === 0
        ? `stable in generation ${snapshot.groupEpoch}`
        : `generation ${snapshot.groupEpoch}: ${moving.length} member${moving.length === 1 ? '' : 's'} still moving partitions`;
    }
    default:
      return `group is ${snapshot.state}`;
  }
}

function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

function limitNames(names: readonly string[], max = 3): string[] {
  return names.length <= max ? [...names] : [...names.slice(0, max), `${names.length - max} more`];
}

function countWords(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

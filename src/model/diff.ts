import { assignmentsEqual, partitionCount, subtractAssignment, type Assignment } from './assignment';
import type { GroupEvent } from './events';
import type { GroupSnapshot, MemberSnapshot } from './snapshot';

/**
 * The events that explain how `prev` became `next` — what a poller can tell from two consecutive
 * snapshots of one group (so: no fencing, no timeouts, no request errors). Pure and deterministic:
 * events come in a fixed order (group, then members by id, then topics), all at `next.timeMs`.
 *
 * - state changes, group epoch bumps, new target assignments (KIP-848);
 * - members that joined, left (a KIP-848 static member at epoch −2 has left temporarily), and
 *   static members replaced by a new member id;
 * - member epoch changes, partitions revoked and assigned, subscription changes;
 * - partition count changes of the group's topics.
 */
export function diffSnapshots(prev: GroupSnapshot, next: GroupSnapshot): GroupEvent[] {
  const t = next.timeMs;
  const groupId = next.groupId;
  const out: GroupEvent[] = [];

  if (prev.state !== next.state)
    out.push({ type: 'group-state', timeMs: t, groupId, from: prev.state, to: next.state });

  const prevById = new Map(prev.members.map((m) => [m.memberId, m]));
  const nextById = new Map(next.members.map((m) => [m.memberId, m]));
  const joined = next.members.filter((m) => !prevById.has(m.memberId));
  const left = prev.members.filter((m) => !nextById.has(m.memberId));

  if (next.groupEpoch !== prev.groupEpoch && next.groupEpoch >= 0 && prev.groupEpoch >= 0) {
    out.push({
      type: 'group-epoch-bumped',
      timeMs: t,
      groupId,
      from: prev.groupEpoch,
      to: next.groupEpoch,
      reason: epochReason(prev, next, joined, left),
    });
  }

  if (next.targetAssignmentEpoch !== null && next.targetAssignmentEpoch !== prev.targetAssignmentEpoch) {
    out.push({
      type: 'target-assignment',
      timeMs: t,
      groupId,
      epoch: next.targetAssignmentEpoch,
      assignor: next.assignor ?? '',
      moved: movedTargets(prev, next),
    });
  }

  // Static members replaced: the instance id survives under a new member id.
  const replacedOld = new Set<string>();
  const replacedNew = new Set<string>();
  for (const n of joined) {
    if (n.instanceId === null) continue;
    const o = left.find((m) => m.instanceId === n.instanceId && !replacedOld.has(m.memberId));
    if (o === undefined) continue;
    replacedOld.add(o.memberId);
    replacedNew.add(n.memberId);
    out.push({
      type: 'static-member-replaced',
      timeMs: t,
      groupId,
      instanceId: n.instanceId,
      oldMemberId: o.memberId,
      newMemberId: n.memberId,
      rebalance: next.groupEpoch !== prev.groupEpoch,
    });
  }

  for (const m of sortById(left)) {
    if (replacedOld.has(m.memberId)) continue;
    out.push({
      type: 'member-left',
      timeMs: t,
      groupId,
      memberId: m.memberId,
      instanceId: m.instanceId,
      reason: 'disappeared',
    });
  }
  for (const m of sortById(joined)) {
    if (replacedNew.has(m.memberId)) continue;
    out.push({
      type: 'member-joined',
      timeMs: t,
      groupId,
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      memberType: m.memberType,
    });
  }

  for (const n of sortById(next.members)) {
    const p = prevById.get(n.memberId);
    const before: MemberSnapshot | undefined =
      p ?? left.find((o) => o.instanceId !== null && o.instanceId === n.instanceId);
    if (before === undefined) {
      if (partitionCount(n.assignment) > 0) out.push(assigned(t, groupId, n.memberId, n.assignment));
      continue;
    }
    if (p !== undefined && n.memberEpoch !== p.memberEpoch) {
      if (n.memberEpoch === -2 && n.instanceId !== null) {
        out.push({
          type: 'member-left',
          timeMs: t,
          groupId,
          memberId: n.memberId,
          instanceId: n.instanceId,
          reason: 'static-leave',
        });
      }
      out.push({
        type: 'member-epoch',
        timeMs: t,
        groupId,
        memberId: n.memberId,
        from: p.memberEpoch,
        to: n.memberEpoch,
        state: n.reconciliation,
      });
    }
    const revoked = subtractAssignment(before.assignment, n.assignment);
    if (partitionCount(revoked) > 0 && p !== undefined) {
      out.push({ type: 'partitions-revoked', timeMs: t, groupId, memberId: n.memberId, partitions: revoked });
    }
    const added = subtractAssignment(n.assignment, before.assignment);
    if (partitionCount(added) > 0) out.push(assigned(t, groupId, n.memberId, added));
    if (p !== undefined && !sameTopics(p, n)) {
      out.push({
        type: 'subscription-changed',
        timeMs: t,
        groupId,
        memberId: n.memberId,
        topics: [...n.subscribedTopicNames],
      });
    }
  }

  const prevTopics = new Map(prev.topics.map((x) => [x.name, x.partitions]));
  for (const topic of next.topics) {
    const before = prevTopics.get(topic.name);
    if (before !== undefined && before !== topic.partitions) {
      out.push({
        type: 'topic-partitions',
        timeMs: t,
        groupId,
        topic: topic.name,
        from: before,
        to: topic.partitions,
      });
    }
  }
  return out;
}

function assigned(timeMs: number, groupId: string, memberId: string, partitions: Assignment): GroupEvent {
  return { type: 'partitions-assigned', timeMs, groupId, memberId, partitions };
}

function sortById(ms: readonly MemberSnapshot[]): MemberSnapshot[] {
  return [...ms].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

function sameTopics(a: MemberSnapshot, b: MemberSnapshot): boolean {
  const x = [...a.subscribedTopicNames].sort();
  const y = [...b.subscribedTopicNames].sort();
  return (
    x.length === y.length &&
    x.every((v, i) => v === y[i]) &&
    a.subscribedTopicRegex === b.subscribedTopicRegex
  );
}

function epochReason(
  prev: GroupSnapshot,
  next: GroupSnapshot,
  joined: readonly MemberSnapshot[],
  left: readonly MemberSnapshot[],
): string {
  const reasons: string[] = [];
  if (joined.length > 0) reasons.push(`${joined.length} member(s) joined`);
  if (left.length > 0) reasons.push(`${left.length} member(s) left`);
  const prevById = new Map(prev.members.map((m) => [m.memberId, m]));
  if (
    next.members.some(
      (m) => prevById.has(m.memberId) && !sameTopics(prevById.get(m.memberId) as MemberSnapshot, m),
    )
  ) {
    reasons.push('subscriptions changed');
  }
  const prevParts = new Map(prev.topics.map((x) => [x.name, x.partitions]));
  if (next.topics.some((x) => prevParts.has(x.name) && prevParts.get(x.name) !== x.partitions)) {
    reasons.push('partitions added');
  }
  return reasons.length > 0 ? reasons.join(', ') : 'observed (cause not visible between polls)';
}

/** Partitions whose target owner differs between the two snapshots (KIP-848). */
function movedTargets(prev: GroupSnapshot, next: GroupSnapshot): number {
  const owners = (s: GroupSnapshot): Map<string, string> => {
    const m = new Map<string, string>();
    for (const member of s.members) {
      for (const [topic, parts] of Object.entries(member.targetAssignment ?? {})) {
        for (const p of parts) m.set(`${topic}\u0000${p}`, member.memberId);
      }
    }
    return m;
  };
  const a = owners(prev);
  const b = owners(next);
  let moved = 0;
  for (const [k, owner] of b) if (a.get(k) !== owner) moved++;
  for (const k of a.keys()) if (!b.has(k)) moved++;
  return moved;
}

/** True when two snapshots would draw the same group (ignoring time, lag and staleness). */
export function sameGroupShape(a: GroupSnapshot, b: GroupSnapshot): boolean {
  if (a.state !== b.state || a.groupEpoch !== b.groupEpoch || a.members.length !== b.members.length)
    return false;
  return a.members.every((m, i) => {
    const o = b.members[i];
    return (
      o.memberId === m.memberId &&
      o.memberEpoch === m.memberEpoch &&
      assignmentsEqual(o.assignment, m.assignment) &&
      assignmentsEqual(o.targetAssignment ?? {}, m.targetAssignment ?? {})
    );
  });
}

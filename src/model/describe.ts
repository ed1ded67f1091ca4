import { type Assignment, formatPartition, toPartitions } from './assignment';
import type { GroupEvent } from './events';
import type { GroupSnapshot, MemberSnapshot } from './snapshot';

/**
 * Plain-words formatting shared by every view (dashboard, tree tooltips, CLI): durations,
 * partition lists, member labels and one sentence per timeline event. Pure; no I/O.
 */

/** "850 ms", "18 s", "2 min 5 s", "1 h 3 min". Negative durations print as 0 ms. */
export function formatDuration(ms: number): string {
  const v = Math.max(0, Math.round(ms));
  if (v < 1000) return `${v} ms`;
  const s = Math.floor(v / 1000);
  if (s < 60) return v < 10_000 && v % 1000 !== 0 ? `${(v / 1000).toFixed(1)} s` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** A virtual-clock time as `mm:ss.mmm` (or `h:mm:ss.mmm` past an hour). */
export function formatClock(ms: number): string {
  const v = Math.max(0, Math.floor(ms));
  const msPart = String(v % 1000).padStart(3, '0');
  const totalS = Math.floor(v / 1000);
  const s = String(totalS % 60).padStart(2, '0');
  const totalM = Math.floor(totalS / 60);
  const h = Math.floor(totalM / 60);
  const m = String(totalM % 60).padStart(2, '0');
  return h > 0 ? `${h}:${m}:${s}.${msPart}` : `${m}:${s}.${msPart}`;
}

/** 1234567 → "1,234,567" (fast, locale-independent; used for offsets and lag on every tick). */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const digits = String(Math.trunc(Math.abs(v)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i] ?? '';
  }
  return v < 0 ? `-${out}` : out;
}

/** `orders-4, orders-5 and 3 more`; `none` when empty. */
export function formatPartitionList(a: Assignment, max = 3): string {
  const all = toPartitions(a);
  if (all.length === 0) return 'none';
  const shown = all.slice(0, max).map(formatPartition);
  const rest = all.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length === 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1] ?? ''}`;
}

/** A short form of a member id for display when nothing better is known. */
export function shortMemberId(memberId: string): string {
  return memberId.length > 12 ? `${memberId.slice(0, 8)}…` : memberId;
}

/**
 * Display labels for a snapshot's members: the client id, or the instance id for static members;
 * when several members would share a label the member id's start is appended to tell them apart.
 */
export function memberLabels(snapshot: Pick<GroupSnapshot, 'members'>): Map<string, string> {
  const base = (m: MemberSnapshot): string => m.instanceId ?? (m.clientId !== '' ? m.clientId : m.memberId);
  const counts = new Map<string, number>();
  for (const m of snapshot.members) counts.set(base(m), (counts.get(base(m)) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const m of snapshot.members) {
    const b = base(m);
    out.set(m.memberId, (counts.get(b) ?? 0) > 1 ? `${b} (${shortMemberId(m.memberId)})` : b);
  }
  return out;
}

export type MemberLabeler = (memberId: string) => string;

/** One sentence for a timeline event, e.g. "consumer-3 revoked orders-4 and orders-5". */
export function describeEvent(e: GroupEvent, label: MemberLabeler): string {
  switch (e.type) {
    case 'member-joined':
      return `${label(e.memberId)} joined (${e.memberType} protocol${e.instanceId !== null ? `, static ${e.instanceId}` : ''})`;
    case 'member-left':
      return `${label(e.memberId)} left: ${leaveReasonText(e.reason)}`;
    case 'member-fenced':
      return `${label(e.memberId)} was fenced (${e.error})`;
    case 'group-epoch-bumped':
      return `group epoch ${e.from} → ${e.to}: ${e.reason}`;
    case 'target-assignment':
      return `target assignment for epoch ${e.epoch} by ${e.assignor}: ${e.moved} partition${e.moved === 1 ? '' : 's'} move`;
    case 'member-epoch':
      return `${label(e.memberId)} epoch ${e.from} → ${e.to}${e.state !== null ? ` (${e.state})` : ''}`;
    case 'partitions-revoked':
      return `${label(e.memberId)} revoked ${formatPartitionList(e.partitions)}`;
    case 'partitions-assigned':
      return `${label(e.memberId)} was assigned ${formatPartitionList(e.partitions)}`;
    case 'partitions-lost':
      return `${label(e.memberId)} lost ${formatPartitionList(e.partitions)}`;
    case 'group-state':
      return `group state ${e.from} → ${e.to}`;
    case 'rebalance-started':
      return `rebalance started after generation ${e.generation}: ${e.reason}`;
    case 'join-completed':
      return `generation ${e.generation} formed with ${e.memberCount} member${e.memberCount === 1 ? '' : 's'}${e.leaderId !== null ? `, leader ${label(e.leaderId)}` : ''}${e.protocolName !== null ? `, ${e.protocolName}` : ''}`;
    case 'sync-completed':
      return `generation ${e.generation}: leader's assignment handed out (SyncGroup)`;
    case 'static-member-replaced':
      return `static member ${e.instanceId} came back as a new member${e.rebalance ? ' (rebalance)' : ', no rebalance'}`;
    case 'topic-partitions':
      return `topic ${e.topic}: ${e.from} → ${e.to} partitions`;
    case 'subscription-changed':
      return `${label(e.memberId)} subscribes to ${e.topics.length === 0 ? 'nothing' : e.topics.join(', ')}`;
    case 'request-error':
      return `${label(e.memberId)}: ${e.api} failed with ${e.error}`;
    case 'client-timeout':
      return `${label(e.memberId)}: ${e.timeout} expired`;
    case 'action':
      return `${e.action}${e.target !== null ? ` ${e.target}` : ''}${e.detail !== null ? `: ${e.detail}` : ''}`;
  }
}

function leaveReasonText(reason: string): string {
  switch (reason) {
    case 'leave-group':
      return 'sent LeaveGroup';
    case 'static-leave':
      return 'static member left temporarily (keeps its assignment)';
    case 'session-timeout':
      return 'session.timeout.ms expired';
    case 'rebalance-timeout':
      return 'rebalance timeout expired';
    case 'join-timeout':
      return 'never completed its JoinGroup';
    case 'sync-timeout':
      return 'never sent SyncGroup';
    case 'admin-removal':
      return 'removed by an administrator';
    case 'replaced':
      return 'replaced by a new member with the same instance id';
    case 'group-max-size':
      return 'removed: the group is at group.max.size';
    default:
      return 'gone (reason unknown)';
  }
}

/** Which lane of the timeline an event belongs to. */
export type EventCategory = 'epoch' | 'join' | 'leave' | 'fence' | 'revoke' | 'assign' | 'timeout' | 'other';

export function eventCategory(e: GroupEvent): EventCategory {
  switch (e.type) {
    case 'group-epoch-bumped':
    case 'target-assignment':
    case 'member-epoch':
    case 'rebalance-started':
    case 'join-completed':
    case 'sync-completed':
      return 'epoch';
    case 'member-joined':
    case 'static-member-replaced':
      return 'join';
    case 'member-left':
      return 'leave';
    case 'member-fenced':
    case 'partitions-lost':
      return 'fence';
    case 'partitions-revoked':
      return 'revoke';
    case 'partitions-assigned':
      return 'assign';
    case 'client-timeout':
    case 'request-error':
      return 'timeout';
    case 'group-state':
    case 'topic-partitions':
    case 'subscription-changed':
    case 'action':
      return 'other';
  }
}

/** The member an event is about, if any. */
export function eventMemberId(e: GroupEvent): string | null {
  return 'memberId' in e ? e.memberId : null;
}

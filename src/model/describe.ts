/**
 * Plain-words descriptions of events, shared by the CLI timeline, the dashboard timeline and the
 * diagnostics. `label` turns a member id into what the user knows it by (client id or the
 * simulator's member name).
 */
import { formatAssignment, partitionCount, type Assignment } from './assignment';
import type { GroupEvent, LeaveReason } from './events';

export type MemberLabel = (memberId: string) => string;

const LEAVE_REASONS: Record<LeaveReason, string> = {
  'leave-group': 'left the group',
  'static-leave': 'left temporarily (static member, keeps its assignment)',
  'session-timeout': 'was removed: session.timeout.ms expired',
  'rebalance-timeout': 'was removed: rebalance timeout expired',
  'join-timeout': 'was removed: it never completed its join',
  'sync-timeout': 'was removed: it never sent SyncGroup',
  'admin-removal': 'was removed by an administrator',
  replaced: 'was replaced by a new instance with the same group.instance.id',
  disappeared: 'is gone',
  'group-max-size': 'was removed: the group is at group.max.size',
};

function parts(a: Assignment): string {
  const n = partitionCount(a);
  return n > 8 ? `${n} partitions` : formatAssignment(a);
}

export function describeEvent(e: GroupEvent, label: MemberLabel = (id) => id): string {
  switch (e.type) {
    case 'member-joined':
      return `${label(e.memberId)} joined${e.instanceId !== null ? ` (static, ${e.instanceId})` : ''}`;
    case 'member-left':
      return `${label(e.memberId)} ${LEAVE_REASONS[e.reason]}`;
    case 'member-fenced':
      return `${label(e.memberId)} was fenced (${e.error}); it must rejoin`;
    case 'group-epoch-bumped':
      return `group epoch ${e.from} → ${e.to}: ${e.reason}`;
    case 'target-assignment':
      return `target assignment for epoch ${e.epoch} computed by ${e.assignor} (${e.moved} partition${e.moved === 1 ? '' : 's'} move)`;
    case 'member-epoch':
      return `${label(e.memberId)} epoch ${e.from} → ${e.to}${e.state !== null ? ` (${e.state})` : ''}`;
    case 'partitions-revoked':
      return `${label(e.memberId)} revoked ${parts(e.partitions)}`;
    case 'partitions-assigned':
      return `${label(e.memberId)} was assigned ${parts(e.partitions)}`;
    case 'partitions-lost':
      return `${label(e.memberId)} lost ${parts(e.partitions)}`;
    case 'group-state':
      return `group ${e.from} → ${e.to}`;
    case 'rebalance-started':
      return `rebalance started (generation ${e.generation}): ${e.reason}`;
    case 'join-completed':
      return `generation ${e.generation}: ${e.memberCount} member${e.memberCount === 1 ? '' : 's'}, leader ${e.leaderId === null ? 'none' : label(e.leaderId)}, protocol ${e.protocolName ?? 'none'}`;
    case 'sync-completed':
      return `generation ${e.generation} synced: assignments handed out`;
    case 'static-member-replaced':
      return `${e.instanceId} restarted as ${label(e.newMemberId)}${e.rebalance ? ' (rebalance)' : ', no rebalance'}`;
    case 'topic-partitions':
      return `${e.topic} now has ${e.to} partitions (was ${e.from})`;
    case 'subscription-changed':
      return `${label(e.memberId)} subscribes to ${e.topics.join(', ') || 'nothing'}`;
    case 'request-error':
      return `${label(e.memberId)}: ${e.api} failed with ${e.error}`;
    case 'client-timeout':
      return `${label(e.memberId)} exceeded ${e.timeout}`;
    case 'action':
      return `${e.action}${e.target !== null ? ` ${e.target}` : ''}${e.detail !== null ? `: ${e.detail}` : ''}`;
  }
}

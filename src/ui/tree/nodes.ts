/**
 * What the Groups tree shows, computed from snapshots without touching the VS Code API (so it is
 * unit-tested in plain Node). `provider.ts` turns these descriptors into TreeItems.
 *
 * Ids are derived from content (`source/<id>/group/<groupId>/member/<memberId>/...`), never from
 * positions, so expansion and selection survive refreshes. Strings from the network (group ids,
 * client ids, hosts) stay plain text: labels are not HTML, and tooltip values are appended as
 * escaped text by the provider.
 */
import {
  formatAssignment,
  hasPartition,
  partitionCount,
  subtractAssignment,
  type Assignment,
  type GroupSnapshot,
  type GroupState,
  type MemberSnapshot,
} from '../../model';
import type { GroupSummary, SourceStatus } from '../../sources/source';

/** The simulator's source id: its groups and members get `:simulated` contextValues (simulator actions). */
const SIMULATOR_SOURCE_ID = 'simulator';

export type NodeKind = 'source' | 'group' | 'member' | 'partition' | 'unassigned';

/** Codicon id plus an optional theme colour id. */
export interface NodeIcon {
  readonly id: string;
  readonly color: string | null;
}

export interface TooltipLine {
  readonly label: string;
  /** Plain text (escaped by the provider). */
  readonly value: string;
}

export interface NodeDescriptor {
  readonly kind: NodeKind;
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly tooltipTitle: string;
  readonly tooltip: readonly TooltipLine[];
  readonly contextValue: string;
  readonly icon: NodeIcon;
  /** Sources start expanded (a user who starts the simulator wants to see its groups); the rest collapsed. */
  readonly collapsible: 'expanded' | 'collapsed' | 'none';
  /** Where the node points, for commands run on it. */
  readonly ref: NodeRef;
}

export interface NodeRef {
  readonly sourceId: string;
  readonly groupId?: string;
  readonly memberId?: string;
  readonly topic?: string;
  readonly partition?: number;
}

export type PartitionStatus = 'owned' | 'pending-revocation' | 'pending-assignment' | 'unassigned';

const PARTITION_STATUS_TEXT: Record<PartitionStatus, string> = {
  owned: 'owned',
  'pending-revocation': 'pending revocation',
  'pending-assignment': 'pending assignment',
  unassigned: 'unassigned',
};

export function sourceNode(source: {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  status(): SourceStatus;
}): NodeDescriptor {
  const st = source.status();
  const icon: NodeIcon =
    st.state === 'error'
      ? { id: 'error', color: 'errorForeground' }
      : st.state === 'stale'
        ? { id: 'warning', color: 'list.warningForeground' }
        : source.kind === 'simulator'
          ? { id: 'beaker', color: null }
          : source.kind === 'file'
            ? { id: 'file', color: null }
            : { id: 'server', color: null };
  const tooltip: TooltipLine[] = [
    { label: 'Source', value: source.kind },
    { label: 'Status', value: st.state },
    { label: 'Detail', value: st.detail },
  ];
  if (st.error !== null) tooltip.push({ label: 'Problem', value: st.error });
  return {
    kind: 'source',
    id: `source/${source.id}`,
    label: source.label,
    description: st.detail,
    tooltipTitle: source.label,
    tooltip,
    contextValue: `source:${source.kind}:${st.state}`,
    icon,
    // A cluster connects when its row is expanded: start collapsed, so a configured cluster costs
    // nothing until the user opens it (VS Code then remembers the row's expansion).
    collapsible: source.kind === 'cluster' ? 'collapsed' : 'expanded',
    ref: { sourceId: source.id },
  };
}

const TRANSITIONAL: ReadonlySet<GroupState> = new Set([
  'Assigning',
  'Reconciling',
  'PreparingRebalance',
  'CompletingRebalance',
]);

export function groupIcon(state: GroupState, stale: boolean): NodeIcon {
  if (stale) return { id: 'warning', color: 'list.warningForeground' };
  if (state === 'Stable') return { id: 'pass-filled', color: 'testing.iconPassed' };
  if (TRANSITIONAL.has(state)) return { id: 'sync', color: 'charts.yellow' };
  if (state === 'Empty') return { id: 'circle-large-outline', color: null };
  if (state === 'Dead') return { id: 'circle-slash', color: 'disabledForeground' };
  return { id: 'question', color: null };
}

function formatLag(n: number | null): string {
  if (n === null) return 'lag ?';
  if (n >= 1_000_000) return `lag ${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `lag ${Math.round(n / 1000)}k`;
  return `lag ${n}`;
}

/** A group row from the cheap summary; the tooltip is filled from the snapshot when there is one. */
export function groupNode(
  sourceId: string,
  g: GroupSummary,
  snapshot: GroupSnapshot | undefined,
): NodeDescriptor {
  const stale = snapshot?.stale !== null && snapshot?.stale !== undefined;
  const members = `${g.memberCount} member${g.memberCount === 1 ? '' : 's'}`;
  const tooltip: TooltipLine[] = [
    { label: 'State', value: g.state + (stale ? ' (stale)' : '') },
    { label: 'Protocol', value: g.protocol === 'consumer' ? 'consumer (KIP-848)' : 'classic' },
  ];
  if (snapshot !== undefined) {
    if (snapshot.protocol === 'consumer') {
      tooltip.push({ label: 'Group epoch', value: String(snapshot.groupEpoch) });
      tooltip.push({
        label: 'Target assignment epoch',
        value: String(snapshot.targetAssignmentEpoch ?? '—'),
      });
    } else {
      tooltip.push({ label: 'Generation', value: String(snapshot.groupEpoch) });
      if (snapshot.leaderId !== null) {
        const leader = snapshot.members.find((m) => m.memberId === snapshot.leaderId);
        tooltip.push({
          label: 'Leader',
          value: leader !== undefined ? memberLabel(leader) : snapshot.leaderId,
        });
      }
      if (snapshot.rebalanceProtocol !== null)
        tooltip.push({ label: 'Rebalance', value: snapshot.rebalanceProtocol });
    }
    tooltip.push({ label: 'Assignor', value: snapshot.assignor ?? '—' });
    if (snapshot.coordinator !== null) {
      const c = snapshot.coordinator;
      tooltip.push({ label: 'Coordinator', value: `${c.host}:${c.port} (node ${c.nodeId})` });
    }
    if (stale) tooltip.push({ label: 'Stale', value: snapshot.stale.reason });
  }
  tooltip.push({ label: 'Members', value: String(g.memberCount) });
  tooltip.push({ label: 'Total lag', value: g.totalLag === null ? 'unknown' : String(g.totalLag) });
  if (g.lagStatus !== null) tooltip.push({ label: 'Lag status', value: g.lagStatus });
  return {
    kind: 'group',
    id: `source/${sourceId}/group/${g.groupId}`,
    label: g.groupId,
    description: `${g.state} · ${g.protocol} · ${members} · ${formatLag(g.totalLag)}`,
    tooltipTitle: g.groupId,
    tooltip,
    contextValue: `group:${g.protocol}:${g.state}${sourceId === SIMULATOR_SOURCE_ID ? ':simulated' : sourceSuffix(sourceId)}`,
    icon: groupIcon(g.state, stale),
    collapsible: 'collapsed',
    ref: { sourceId, groupId: g.groupId },
  };
}

/** Context-value suffix that lets menus tell a real cluster's nodes (actions) and a file's apart. */
function sourceSuffix(sourceId: string): string {
  return sourceId.startsWith('cluster/') ? ':cluster' : sourceId.startsWith('file/') ? ':file' : '';
}

export function memberLabel(m: MemberSnapshot): string {
  return `${m.clientId} @ ${m.clientHost.replace(/^\//, '')}`;
}

/** True when the member's epoch has caught up with the group's target and nothing is pending. */
export function isReconciled(m: MemberSnapshot, s: GroupSnapshot): boolean {
  if (s.protocol === 'consumer') {
    return (
      m.reconciliation === 'STABLE' &&
      s.targetAssignmentEpoch !== null &&
      m.memberEpoch === s.targetAssignmentEpoch
    );
  }
  return s.state === 'Stable' && m.memberEpoch === s.groupEpoch;
}

export function memberNode(sourceId: string, s: GroupSnapshot, m: MemberSnapshot): NodeDescriptor {
  const reconciled = isReconciled(m, s);
  const staticTag = m.instanceId !== null ? `instance ${m.instanceId} · ` : '';
  const target = s.protocol === 'consumer' ? s.targetAssignmentEpoch : s.groupEpoch;
  const epoch =
    s.protocol === 'consumer'
      ? reconciled
        ? `epoch ${m.memberEpoch} ✓`
        : `epoch ${m.memberEpoch} → ${target ?? '?'} (${(m.reconciliation ?? 'reconciling').toLowerCase().replace(/_/g, ' ')})`
      : reconciled
        ? `generation ${m.memberEpoch} ✓`
        : `generation ${m.memberEpoch} → ${s.groupEpoch}`;
  const tooltip: TooltipLine[] = [
    { label: 'Member id', value: m.memberId },
    { label: 'Client id', value: m.clientId },
    { label: 'Host', value: m.clientHost },
  ];
  if (m.instanceId !== null) tooltip.push({ label: 'Instance id (static)', value: m.instanceId });
  if (m.rackId !== null) tooltip.push({ label: 'Rack', value: m.rackId });
  tooltip.push({
    label: s.protocol === 'consumer' ? 'Member epoch' : 'Generation',
    value: String(m.memberEpoch),
  });
  if (m.reconciliation !== null) tooltip.push({ label: 'Reconciliation', value: m.reconciliation });
  tooltip.push({ label: 'Assigned', value: formatAssignment(m.assignment) });
  if (partitionCount(m.pendingRevocation) > 0) {
    tooltip.push({ label: 'Pending revocation', value: formatAssignment(m.pendingRevocation) });
  }
  if (m.targetAssignment !== null)
    tooltip.push({ label: 'Target', value: formatAssignment(m.targetAssignment) });
  if (m.subscribedTopicRegex !== null)
    tooltip.push({ label: 'Subscription (regex)', value: m.subscribedTopicRegex });
  else tooltip.push({ label: 'Subscription', value: m.subscribedTopicNames.join(', ') || '—' });
  if (m.client !== null) {
    tooltip.push({ label: 'Client state', value: m.client.state });
    if (m.client.condition !== null) tooltip.push({ label: 'Condition', value: m.client.condition });
  }
  if (m.classic?.isLeader === true) tooltip.push({ label: 'Role', value: 'group leader' });
  return {
    kind: 'member',
    id: `source/${sourceId}/group/${s.groupId}/member/${m.memberId}`,
    label: memberLabel(m),
    description: `${staticTag}${epoch}`,
    tooltipTitle: memberLabel(m),
    tooltip,
    contextValue: `member:${m.memberType}:${m.instanceId !== null ? 'static' : 'dynamic'}:${reconciled ? 'reconciled' : 'reconciling'}${sourceId === SIMULATOR_SOURCE_ID ? ':simulated' : sourceSuffix(sourceId)}`,
    icon: reconciled ? { id: 'account', color: null } : { id: 'sync', color: 'charts.yellow' },
    collapsible: 'collapsed',
    ref: { sourceId, groupId: s.groupId, memberId: m.memberId },
  };
}

/**
 * The member's partitions with their status: owned (assigned, kept), pending revocation (it must
 * give them up), pending assignment (in its target, waiting for the previous owner to release them).
 */
export function memberPartitions(
  m: MemberSnapshot,
): { topic: string; partition: number; status: PartitionStatus }[] {
  const out: { topic: string; partition: number; status: PartitionStatus }[] = [];
  const add = (a: Assignment, status: PartitionStatus): void => {
    for (const topic of Object.keys(a).sort())
      for (const partition of a[topic] ?? []) out.push({ topic, partition, status });
  };
  add(m.assignment, 'owned');
  add(m.pendingRevocation, 'pending-revocation');
  if (m.targetAssignment !== null) {
    add(
      subtractAssignment(subtractAssignment(m.targetAssignment, m.assignment), m.pendingRevocation),
      'pending-assignment',
    );
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/** Subscribed partitions no member holds, is revoking, or targets. */
export function unassignedPartitions(s: GroupSnapshot): { topic: string; partition: number }[] {
  const subscribed = new Set<string>();
  for (const m of s.members) for (const t of m.subscribedTopicNames) subscribed.add(t);
  const out: { topic: string; partition: number }[] = [];
  for (const t of s.topics) {
    if (!subscribed.has(t.name)) continue;
    for (let p = 0; p < t.partitions; p++) {
      const held = s.members.some(
        (m) =>
          hasPartition(m.assignment, t.name, p) ||
          hasPartition(m.pendingRevocation, t.name, p) ||
          (m.targetAssignment !== null && hasPartition(m.targetAssignment, t.name, p)),
      );
      if (!held) out.push({ topic: t.name, partition: p });
    }
  }
  return out;
}

const PARTITION_ICON: Record<PartitionStatus, NodeIcon> = {
  owned: { id: 'circle-filled', color: 'charts.green' },
  'pending-revocation': { id: 'arrow-circle-right', color: 'charts.orange' },
  'pending-assignment': { id: 'arrow-circle-left', color: 'charts.blue' },
  unassigned: { id: 'circle-outline', color: 'errorForeground' },
};

export function partitionNode(
  sourceId: string,
  groupId: string,
  parent: string,
  p: { topic: string; partition: number; status: PartitionStatus },
  lag: number | null | undefined,
): NodeDescriptor {
  const status = PARTITION_STATUS_TEXT[p.status];
  const lagText = lag === undefined ? '' : lag === null ? ' · no commit' : ` · lag ${lag}`;
  return {
    kind: 'partition',
    id: `${parent}/partition/${p.topic}/${p.partition}`,
    label: `${p.topic}-${p.partition}`,
    description: `${status}${lagText}`,
    tooltipTitle: `${p.topic}-${p.partition}`,
    tooltip: [
      { label: 'Status', value: status },
      {
        label: 'Lag',
        value: lag === undefined ? 'unknown' : lag === null ? 'no committed offset' : String(lag),
      },
    ],
    contextValue: `partition:${p.status}`,
    icon: PARTITION_ICON[p.status],
    collapsible: 'none',
    ref: { sourceId, groupId, topic: p.topic, partition: p.partition },
  };
}

export function unassignedNode(sourceId: string, s: GroupSnapshot, count: number): NodeDescriptor {
  return {
    kind: 'unassigned',
    id: `source/${sourceId}/group/${s.groupId}/unassigned`,
    label: 'Unassigned partitions',
    description: String(count),
    tooltipTitle: 'Unassigned partitions',
    tooltip: [{ label: 'Partitions', value: `${count} subscribed partitions have no owner and no target` }],
    contextValue: 'unassigned',
    icon: { id: 'warning', color: 'list.warningForeground' },
    collapsible: 'collapsed',
    ref: { sourceId, groupId: s.groupId },
  };
}

import {
  type GroupEvent,
  type GroupSnapshot,
  describeEvent,
  describeReconciliation,
  eventMemberId,
  hasPartition,
  memberLabels,
} from '../../model';
import type { DetailsTarget } from '../../protocol/dashboard';
import { buildSnapshotFile, serializeSnapshotFile } from '../../sources/snapshot-file';

/** The snapshot at or before `timeMs` (the latest when null). */
export function snapshotAt(
  history: readonly GroupSnapshot[],
  latest: GroupSnapshot | undefined,
  timeMs: number | null,
): GroupSnapshot | undefined {
  if (timeMs === null) return latest ?? history[history.length - 1];
  let found: GroupSnapshot | undefined;
  for (const s of history) {
    if (s.timeMs <= timeMs) found = s;
    else break;
  }
  return found ?? history[0] ?? latest;
}

/**
 * The file a user saves with "Export snapshot": the shown snapshot and the events that led to it,
 * in the snapshot-file format that "Open Snapshot File…" and `kgd` read back.
 */
export function snapshotExport(snapshot: GroupSnapshot, events: readonly GroupEvent[], now: Date): string {
  return serializeSnapshotFile(
    buildSnapshotFile(
      [{ snapshot, history: [], events: events.filter((e) => e.timeMs <= snapshot.timeMs) }],
      'Kafka Group Debugger dashboard',
      now,
    ),
  );
}

/** A read-only JSON document describing one member or partition, for "open details". */
export function detailsDocument(
  snapshot: GroupSnapshot,
  events: readonly GroupEvent[],
  target: DetailsTarget,
): string | undefined {
  const labels = memberLabels(snapshot);
  const label = (id: string): string => labels.get(id) ?? id;
  const upTo = events.filter((e) => e.timeMs <= snapshot.timeMs);
  if (target.kind === 'member') {
    const member = snapshot.members.find((m) => m.memberId === target.memberId);
    if (member === undefined) return undefined;
    const step = describeReconciliation(snapshot).members.find((m) => m.memberId === target.memberId);
    const recent = upTo
      .filter((e) => eventMemberId(e) === target.memberId)
      .slice(-50)
      .map((e) => ({ timeMs: e.timeMs, what: describeEvent(e, label), event: e }));
    return `${JSON.stringify(
      {
        group: snapshot.groupId,
        atTimeMs: snapshot.timeMs,
        step: step?.sentence ?? null,
        member,
        recentEvents: recent,
      },
      null,
      2,
    )}\n`;
  }
  const { topic, partition } = target;
  const holders = snapshot.members.filter((m) => hasPartition(m.assignment, topic, partition));
  const revoking = snapshot.members.filter((m) => hasPartition(m.pendingRevocation, topic, partition));
  const targets = snapshot.members.filter(
    (m) => m.targetAssignment !== null && hasPartition(m.targetAssignment, topic, partition),
  );
  const lag = snapshot.lag?.partitions.find((p) => p.topic === topic && p.partition === partition) ?? null;
  const known = snapshot.topics.some((t) => t.name === topic && partition < t.partitions);
  if (!known && holders.length === 0 && revoking.length === 0 && targets.length === 0 && lag === null)
    return undefined;
  const mentions = upTo
    .filter((e) => 'partitions' in e && hasPartition(e.partitions, topic, partition))
    .slice(-50)
    .map((e) => ({ timeMs: e.timeMs, what: describeEvent(e, label) }));
  const who = (ms: readonly GroupSnapshot['members'][number][]): { memberId: string; label: string }[] =>
    ms.map((m) => ({ memberId: m.memberId, label: label(m.memberId) }));
  return `${JSON.stringify(
    {
      group: snapshot.groupId,
      atTimeMs: snapshot.timeMs,
      partition: `${topic}-${partition}`,
      assignedTo: who(holders),
      pendingRevocationBy: who(revoking),
      targetOwner: who(targets),
      lag,
      recentEvents: mentions,
    },
    null,
    2,
  )}\n`;
}

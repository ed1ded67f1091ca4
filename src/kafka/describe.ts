/**
 * One call that turns group ids into GroupSnapshots: describe (with the KIP-848 → classic
 * fallback), committed offsets, log offsets — all batched: one ConsumerGroupDescribe and/or
 * DescribeGroups and one OffsetFetch per coordinator, two ListOffsets per partition leader.
 */
import type { GroupSnapshot } from '../model';
import type { Deadline, KafkaClient } from './client';
import { describeGroups, type DescribedGroup } from './groups';
import {
  fetchCommittedOffsets,
  fetchLogOffsets,
  type CommittedOffset,
  type LogOffsetsResult,
} from './offsets';
import { toGroupSnapshot } from './snapshot';

export interface DescribeOptions {
  /** Fetch committed and log offsets to compute lag (default true). */
  readonly lag?: boolean;
  /** `cluster/<name>`. */
  readonly sourceId: string;
  readonly now?: () => number;
}

export type GroupDescription =
  | { readonly ok: true; readonly snapshot: GroupSnapshot; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly groupId: string; readonly notFound: boolean; readonly message: string };

export async function describeGroupSnapshots(
  client: KafkaClient,
  groupIds: readonly string[],
  d: Deadline,
  options: DescribeOptions,
): Promise<Map<string, GroupDescription>> {
  const now = options.now ?? Date.now;
  const wantLag = options.lag ?? true;
  const [described, committed] = await Promise.all([
    describeGroups(client, groupIds, d),
    wantLag ? fetchCommittedOffsets(client, groupIds, d) : Promise.resolve(null),
  ]);
  const timeMs = now();
  const found: Array<DescribedGroup & { kind: 'consumer' | 'classic' }> = [];
  const out = new Map<string, GroupDescription>();
  for (const g of groupIds) {
    const dg = described.get(g);
    if (dg === undefined) continue;
    if (dg.kind === 'consumer' || dg.kind === 'classic') found.push(dg);
    else if (dg.kind === 'not-found')
      out.set(g, { ok: false, groupId: g, notFound: true, message: dg.message });
    else out.set(g, { ok: false, groupId: g, notFound: false, message: dg.error.message });
  }
  let logOffsets: LogOffsetsResult | null = null;
  const commitsOf = new Map<string, readonly CommittedOffset[]>();
  const warningsOf = new Map<string, string[]>();
  if (wantLag && committed !== null) {
    const partitions = new Map<string, { topic: string; partition: number }>();
    const add = (topic: string, partition: number): void => {
      partitions.set(`${topic}\u0000${partition}`, { topic, partition });
    };
    for (const dg of found) {
      const c = committed.get(dg.groupId);
      if (c?.ok === true) {
        commitsOf.set(dg.groupId, c.offsets);
        for (const o of c.offsets) add(o.topic, o.partition);
      } else if (c?.ok === false) {
        warningsOf.set(dg.groupId, [`committed offsets unavailable: ${c.error.message}`]);
      }
      if (dg.kind === 'consumer') {
        for (const m of dg.group.Members)
          for (const t of m.Assignment.TopicPartitions) for (const p of t.Partitions) add(t.TopicName, p);
      } else {
        for (const m of dg.members)
          for (const t of m.assignment?.AssignedPartitions ?? [])
            for (const p of t.Partitions) add(t.Topic, p);
      }
    }
    logOffsets = await fetchLogOffsets(client, [...partitions.values()], d);
    for (const dg of found) {
      const errs = [...(logOffsets?.errors ?? new Map<string, string>()).entries()]
        .filter(([k]) =>
          (commitsOf.get(dg.groupId) ?? []).some((c) => `${c.topic}\u0000${c.partition}` === k),
        )
        .map(([k, why]) => `${k.replace('\u0000', '-')}: log offsets unavailable (${why})`);
      if (errs.length > 0) warningsOf.set(dg.groupId, [...(warningsOf.get(dg.groupId) ?? []), ...errs]);
    }
  }
  for (const dg of found) {
    const snapshot = toGroupSnapshot({
      sourceId: options.sourceId,
      timeMs,
      described: dg,
      committed: wantLag ? (commitsOf.get(dg.groupId) ?? []) : null,
      logOffsets: logOffsets?.offsets ?? null,
      metadata: logOffsets?.metadata ?? null,
    });
    out.set(dg.groupId, { ok: true, snapshot, warnings: warningsOf.get(dg.groupId) ?? [] });
  }
  return out;
}

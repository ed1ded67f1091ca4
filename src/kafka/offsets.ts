/**
 * Committed offsets (OffsetFetch, many groups per request from v8 on) and log offsets (ListOffsets,
 * one request per partition leader and offset kind). Both retry what Kafka's clients retry:
 * coordinator moves for OffsetFetch, leader moves for ListOffsets.
 */
import { type BrokerInfo, type ClusterMetadata, type Deadline, type KafkaClient } from './client';
import { KafkaConnectionError } from './connection';
import { ErrorCode, KafkaProtocolError, errorName, isStaleMetadataError } from './wire/errors';
import { ListOffsets, OffsetFetch } from './wire/messages';

export interface TopicPartitionKey {
  readonly topic: string;
  readonly partition: number;
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
}

export type CommittedResult =
  | { readonly ok: true; readonly offsets: readonly CommittedOffset[] }
  | { readonly ok: false; readonly error: Error };

/**
 * Fetches every committed offset of each group. A partition without a commit is simply absent.
 * Groups whose coordinator cannot be found or which fail get an error entry of their own.
 */
export async function fetchCommittedOffsets(
  client: KafkaClient,
  groupIds: readonly string[],
  d: Deadline,
): Promise<Map<string, CommittedResult>> {
  const out = new Map<string, CommittedResult>();
  await client.forEachCoordinator(groupIds, d, {
    isSettled: (g) => out.has(g),
    onLookupError: (g, error) => out.set(g, { ok: false, error }),
    handle: (broker, groups, retry) => offsetFetchFrom(client, broker, groups, d, out, retry),
  });
  return out;
}

async function offsetFetchFrom(
  client: KafkaClient,
  broker: BrokerInfo,
  groups: readonly string[],
  d: Deadline,
  out: Map<string, CommittedResult>,
  retry: (groupId: string) => void,
): Promise<void> {
  const versions = await client.apiVersions(broker);
  const max = versions.get(OffsetFetch.apiKey)?.max ?? 0;
  const batches: string[][] = max >= 8 ? [groups.slice()] : groups.map((g) => [g]);
  await Promise.all(
    batches.map(async (batch) => {
      const { version, response } = await client.request(
        OffsetFetch,
        broker,
        (v) =>
          v >= 8
            ? {
                GroupId: '',
                Topics: [],
                Groups: batch.map((g) => ({ GroupId: g, MemberId: null, MemberEpoch: -1, Topics: null })),
                RequireStable: false,
              }
            : { GroupId: batch[0], Topics: null, Groups: [], RequireStable: false },
        d,
      );
      const perGroup =
        version >= 8
          ? response.Groups.map((g) => ({ groupId: g.GroupId, errorCode: g.ErrorCode, topics: g.Topics }))
          : [{ groupId: batch[0], errorCode: response.ErrorCode, topics: response.Topics }];
      for (const g of perGroup) {
        const outcome = client.coordinatorErrorOutcome(g.groupId, g.errorCode, d, 'OffsetFetch', null);
        if (outcome === 'retry') {
          retry(g.groupId);
          continue;
        }
        if (outcome === 'fail') {
          out.set(g.groupId, {
            ok: false,
            error: new KafkaProtocolError('OffsetFetch', g.errorCode, `group "${g.groupId}"`),
          });
          continue;
        }
        const offsets: CommittedOffset[] = [];
        for (const t of g.topics) {
          for (const p of t.Partitions) {
            if (p.ErrorCode !== ErrorCode.NONE || p.CommittedOffset < 0) continue;
            offsets.push({
              topic: t.Name,
              partition: p.PartitionIndex,
              offset: p.CommittedOffset,
              leaderEpoch: p.CommittedLeaderEpoch,
              metadata: p.Metadata,
            });
          }
        }
        offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
        out.set(g.groupId, { ok: true, offsets });
      }
    }),
  );
}

// ───────────────────────────── ListOffsets ─────────────────────────────

export const LATEST = -1;
export const EARLIEST = -2;

export interface LogOffsets {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
}

export interface LogOffsetsResult {
  /** By tpKey(topic, partition). */
  readonly offsets: ReadonlyMap<string, LogOffsets>;
  /** Partitions that could not be read, with why (unknown topic, no leader, ...). */
  readonly errors: ReadonlyMap<string, string>;
  readonly metadata: ClusterMetadata;
}

/**
 * Reads log-start and log-end offsets (READ_UNCOMMITTED: the high watermark, as Kafka's
 * kafka-consumer-groups does) of `partitions`, one ListOffsets request per leader and kind.
 */
export async function fetchLogOffsets(
  client: KafkaClient,
  partitions: readonly TopicPartitionKey[],
  d: Deadline,
): Promise<LogOffsetsResult> {
  const r = await listOffsetsByLeader(client, partitions, [EARLIEST, LATEST], d, null);
  const [starts, ends] = r.byTimestamp;
  const offsets = new Map<string, LogOffsets>();
  for (const tp of partitions) {
    const key = tpKey(tp.topic, tp.partition);
    const s = starts.get(key);
    const e = ends.get(key);
    if (s !== undefined && e !== undefined) offsets.set(key, { logStartOffset: s, logEndOffset: e });
  }
  return { offsets, errors: r.errors, metadata: r.metadata };
}

/**
 * The offset of the first record at or after `timestamp` per partition (−1 when there is none),
 * as ListOffsets answers it. Partitions it cannot read are missing from the map.
 */
export async function listOffsetsAt(
  client: KafkaClient,
  partitions: readonly TopicPartitionKey[],
  timestamp: number,
  d: Deadline,
  metadata: ClusterMetadata | null = null,
): Promise<Map<string, number>> {
  const r = await listOffsetsByLeader(client, partitions, [timestamp], d, metadata);
  return r.byTimestamp[0];
}

/**
 * One ListOffsets per partition leader and timestamp (a request cannot name a partition twice),
 * refreshing metadata and retrying when leaders move, until the deadline.
 */
async function listOffsetsByLeader(
  client: KafkaClient,
  partitions: readonly TopicPartitionKey[],
  timestamps: readonly number[],
  d: Deadline,
  knownMetadata: ClusterMetadata | null,
): Promise<{ byTimestamp: Map<string, number>[]; errors: Map<string, string>; metadata: ClusterMetadata }> {
  const results = timestamps.map(() => new Map<string, number>());
  const errors = new Map<string, string>();
  const wanted = new Map<string, TopicPartitionKey>();
  for (const tp of partitions) wanted.set(tpKey(tp.topic, tp.partition), tp);
  const topics = [...new Set(partitions.map((p) => p.topic))].sort();
  let metadata = knownMetadata ?? (await client.metadata(topics, d));
  let pending = [...wanted.keys()];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const byLeader = new Map<number, TopicPartitionKey[]>();
    const retry: string[] = [];
    for (const key of pending) {
      const tp = wanted.get(key);
      if (tp === undefined) continue;
      const t = metadata.topics.get(tp.topic);
      if (t === undefined || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        errors.set(key, 'topic does not exist');
        continue;
      }
      const p = t.partitions.find((x) => x.partition === tp.partition);
      if (p === undefined) {
        errors.set(key, 'partition does not exist');
        continue;
      }
      if (p.leaderId < 0) {
        retry.push(key);
        continue;
      }
      const list = byLeader.get(p.leaderId) ?? [];
      list.push(tp);
      byLeader.set(p.leaderId, list);
    }
    await Promise.all(
      [...byLeader.entries()].map(async ([leaderId, tps]) => {
        const broker = metadata.brokers.find((b) => b.nodeId === leaderId);
        if (broker === undefined) {
          for (const tp of tps) retry.push(tpKey(tp.topic, tp.partition));
          return;
        }
        try {
          await Promise.all(
            timestamps.map((ts, i) => listOffsetsFrom(client, broker, tps, ts, d, results[i], errors, retry)),
          );
        } catch (e) {
          if (e instanceof KafkaConnectionError && e.kind !== 'auth') {
            d.lastError = e;
            for (const tp of tps) retry.push(tpKey(tp.topic, tp.partition));
            await client.dropConnection(broker);
            return;
          }
          throw e;
        }
      }),
    );
    pending = [...new Set(retry)].filter((k) => !errors.has(k) && !results.every((m) => m.has(k)));
    if (pending.length > 0) {
      if (d.remaining() < 200) {
        for (const k of pending) errors.set(k, 'no leader available');
        break;
      }
      await d.sleep(Math.min(1000, 100 * 2 ** attempt));
      metadata = await client.metadata(topics, d);
    }
  }
  return { byTimestamp: results, errors, metadata };
}

async function listOffsetsFrom(
  client: KafkaClient,
  broker: BrokerInfo,
  tps: readonly TopicPartitionKey[],
  timestamp: number,
  d: Deadline,
  into: Map<string, number>,
  errors: Map<string, string>,
  retry: string[],
): Promise<void> {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(tp.partition);
    byTopic.set(tp.topic, list);
  }
  const { response } = await client.request(
    ListOffsets,
    broker,
    () => ({
      ReplicaId: -1,
      IsolationLevel: 0,
      Topics: [...byTopic.entries()].map(([name, parts]) => ({
        Name: name,
        Partitions: parts.map((p) => ({ PartitionIndex: p, CurrentLeaderEpoch: -1, Timestamp: timestamp })),
      })),
      TimeoutMs: 0,
    }),
    d,
  );
  for (const t of response.Topics) {
    for (const p of t.Partitions) {
      const key = tpKey(t.Name, p.PartitionIndex);
      if (p.ErrorCode === ErrorCode.NONE) into.set(key, p.Offset);
      else if (isStaleMetadataError(p.ErrorCode) || p.ErrorCode === 78 /* OFFSET_NOT_AVAILABLE */)
        retry.push(key);
      else errors.set(key, errorName(p.ErrorCode));
    }
  }
}

/**
 * Offset reset, as Kafka's kafka-consumer-groups --reset-offsets does it (OffsetsUtils in
 * kafka-tools 4.3.1): plan first (the dry run), execute only on an inactive group (Empty, or no
 * group yet), by committing as an admin (OffsetCommit with generation −1 and no member id).
 *
 * Scenarios: earliest, latest, current, a specific offset, shift-by, a date-time, a duration back.
 * Scopes: all topics the group has committed, or given topics (all partitions, or some).
 * Like Kafka: an explicit offset or a shift is clamped into [log start, log end]; a timestamp with
 * no later record falls back to the log end; "current" for a partition without a commit is the
 * log end; shift-by needs a current commit.
 */
import type { BrokerInfo, Deadline, KafkaClient } from './client';
import { describeGroups } from './groups';
import { fetchCommittedOffsets, fetchLogOffsets, listOffsetsAt, tpKey } from './offsets';
import { ErrorCode, KafkaProtocolError, errorName } from './wire/errors';
import { OffsetCommit } from './wire/messages';

export type ResetSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'current' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'shift-by'; readonly by: number }
  | { readonly kind: 'datetime'; readonly timestampMs: number }
  | { readonly kind: 'duration'; readonly backMs: number };

export type ResetScope =
  | { readonly kind: 'all-topics' }
  | {
      readonly kind: 'topics';
      readonly topics: readonly { readonly topic: string; readonly partitions: readonly number[] | null }[];
    };

export interface ResetRow {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset now, or null (no commit). */
  readonly current: number | null;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly newOffset: number;
  /** Why the new offset is not what was asked, if it is not. */
  readonly note: string | null;
}

export interface ResetPlan {
  readonly groupId: string;
  /** The group's state when planned; "Dead" when the group does not exist (yet). */
  readonly state: string;
  readonly spec: ResetSpec;
  /** Sorted by topic, then partition. */
  readonly rows: readonly ResetRow[];
  /** Non-null when the plan cannot be executed (the group is active), in Kafka's words. */
  readonly refusal: string | null;
}

export class ResetError extends Error {
  override readonly name = 'ResetError';
}

const INACTIVE = new Set(['Empty', 'Dead']);

/** Parses Kafka's topic scope syntax: "orders" or "orders:0,1,2". */
export function parseTopicScope(arg: string): { topic: string; partitions: number[] | null } {
  const i = arg.lastIndexOf(':');
  if (i < 0) return { topic: arg, partitions: null };
  const topic = arg.slice(0, i);
  const partitions = arg
    .slice(i + 1)
    .split(',')
    .map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 0 || p.trim() === '') {
        throw new ResetError(`Invalid partition '${p}' specified in topic arg '${arg}'`);
      }
      return n;
    });
  if (topic === '') throw new ResetError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  return { topic, partitions };
}

/** Kafka's --to-datetime: ISO-8601 local date-time with milliseconds, "Z" assumed when no zone. */
export function parseResetDateTime(text: string): number {
  if (!/T/.test(text))
    throw new ResetError(`"${text}" is not a date-time like 2026-11-25T10:00:00.000 (ISO 8601)`);
  const [, time] = text.split('T');
  const zoned = /[+-]\d\d(:?\d\d)?$|Z$/.test(time ?? '') ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms))
    throw new ResetError(`"${text}" is not a date-time like 2026-11-25T10:00:00.000 (ISO 8601)`);
  return ms;
}

/** Kafka's --by-duration: an ISO-8601 duration PnDTnHnMnS (days, hours, minutes, seconds). */
export function parseIsoDuration(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (m === null || text.trim() === 'P' || text.trim().endsWith('T')) {
    throw new ResetError(`"${text}" is not a duration like PT1H30M or P1DT12H (ISO 8601 PnDTnHnMnS)`);
  }
  const [, d, h, min, s] = m;
  return (
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * 3_600_000 +
    Number(min ?? 0) * 60_000 +
    Math.round(Number(s ?? 0) * 1000)
  );
}

/** Works out the new offsets (the dry run). Nothing is changed. */
export async function planReset(
  client: KafkaClient,
  groupId: string,
  spec: ResetSpec,
  scope: ResetScope,
  d: Deadline,
  now: () => number = Date.now,
): Promise<ResetPlan> {
  const [described, committed] = await Promise.all([
    describeGroups(client, [groupId], d),
    fetchCommittedOffsets(client, [groupId], d),
  ]);
  const dg = described.get(groupId);
  if (dg?.kind === 'error') throw dg.error;
  const state = dg === undefined || dg.kind === 'not-found' ? 'Dead' : dg.group.GroupState;
  const c = committed.get(groupId);
  if (c !== undefined && !c.ok) throw c.error;
  const currentOf = new Map(
    (c?.ok === true ? c.offsets : []).map((o) => [tpKey(o.topic, o.partition), o.offset]),
  );

  // Which partitions.
  let partitions: Array<{ topic: string; partition: number }>;
  if (scope.kind === 'all-topics') {
    partitions = (c?.ok === true ? c.offsets : []).map((o) => ({ topic: o.topic, partition: o.partition }));
  } else {
    const md = await client.metadata(
      scope.topics.map((t) => t.topic),
      d,
    );
    partitions = [];
    for (const t of scope.topics) {
      const tm = md.topics.get(t.topic);
      if (tm === undefined || tm.errorCode !== 0) throw new ResetError(`topic "${t.topic}" does not exist`);
      const known = new Set(tm.partitions.map((p) => p.partition));
      for (const p of t.partitions ?? [...known]) {
        if (!known.has(p))
          throw new ResetError(`topic "${t.topic}" has no partition ${p} (it has ${known.size})`);
        partitions.push({ topic: t.topic, partition: p });
      }
    }
  }
  const unique = new Map(partitions.map((p) => [tpKey(p.topic, p.partition), p]));
  partitions = [...unique.values()].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );

  const log = await fetchLogOffsets(client, partitions, d);
  for (const p of partitions) {
    const why = log.errors.get(tpKey(p.topic, p.partition));
    if (why !== undefined)
      throw new ResetError(`cannot read the offsets of ${p.topic}-${p.partition}: ${why}`);
  }
  let byTime: ReadonlyMap<string, number> | null = null;
  if (spec.kind === 'datetime' || spec.kind === 'duration') {
    const ts = spec.kind === 'datetime' ? spec.timestampMs : now() - spec.backMs;
    byTime = await listOffsetsAt(client, partitions, ts, d, log.metadata);
  }

  const rows: ResetRow[] = partitions.map((p) => {
    const key = tpKey(p.topic, p.partition);
    const lo = log.offsets.get(key);
    if (lo === undefined) throw new ResetError(`cannot read the offsets of ${p.topic}-${p.partition}`);
    const current = currentOf.get(key) ?? null;
    const clamp = (wanted: number): { offset: number; note: string | null } => {
      if (wanted > lo.logEndOffset)
        return { offset: lo.logEndOffset, note: `${wanted} is past the log end; set to ${lo.logEndOffset}` };
      if (wanted < lo.logStartOffset)
        return {
          offset: lo.logStartOffset,
          note: `${wanted} is before the log start; set to ${lo.logStartOffset}`,
        };
      return { offset: wanted, note: null };
    };
    let r: { offset: number; note: string | null };
    switch (spec.kind) {
      case 'earliest':
        r = { offset: lo.logStartOffset, note: null };
        break;
      case 'latest':
        r = { offset: lo.logEndOffset, note: null };
        break;
      case 'current':
        r =
          current === null
            ? { offset: lo.logEndOffset, note: 'no commit: the log end' }
            : { offset: current, note: null };
        break;
      case 'offset':
        r = clamp(spec.offset);
        break;
      case 'shift-by':
        if (current === null) {
          throw new ResetError(
            `Cannot shift offset for partition ${p.topic}-${p.partition} since there is no current committed offset`,
          );
        }
        r = clamp(current + spec.by);
        break;
      case 'datetime':
      case 'duration': {
        const at = byTime?.get(key);
        r =
          at === undefined || at < 0
            ? { offset: lo.logEndOffset, note: 'no record at or after that time: the log end' }
            : { offset: at, note: null };
        break;
      }
    }
    return {
      topic: p.topic,
      partition: p.partition,
      current,
      logStartOffset: lo.logStartOffset,
      logEndOffset: lo.logEndOffset,
      newOffset: r.offset,
      note: r.note,
    };
  });
  return {
    groupId,
    state,
    spec,
    rows,
    refusal: INACTIVE.has(state)
      ? null
      : `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state}.`,
  };
}

export interface ResetResult {
  readonly committed: number;
  /** Partitions the broker refused, with the error name. */
  readonly failed: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly code: number;
    readonly error: string;
  }[];
}

/**
 * Commits a plan. Checks again, right before, that the group is still inactive; the broker also
 * refuses an admin commit to a group with members.
 */
export async function executeReset(client: KafkaClient, plan: ResetPlan, d: Deadline): Promise<ResetResult> {
  if (plan.refusal !== null) throw new ResetError(plan.refusal);
  const again = (await describeGroups(client, [plan.groupId], d)).get(plan.groupId);
  if (again?.kind === 'error') throw again.error;
  const state = again === undefined || again.kind === 'not-found' ? 'Dead' : again.group.GroupState;
  if (!INACTIVE.has(state)) {
    throw new ResetError(
      `Assignments can only be reset if the group '${plan.groupId}' is inactive, but the current state is ${state}.`,
    );
  }
  const byTopic = new Map<string, ResetRow[]>();
  for (const r of plan.rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  const failed: Array<{ topic: string; partition: number; code: number; error: string }> = [];
  let committed = 0;
  await client.forEachCoordinator([plan.groupId], d, {
    isSettled: () => committed > 0 || failed.length > 0,
    onLookupError: (_g, error) => {
      throw error;
    },
    handle: async (broker: BrokerInfo, _groups, retry) => {
      const { response } = await client.request(
        OffsetCommit,
        broker,
        () => ({
          GroupId: plan.groupId,
          GenerationIdOrMemberEpoch: -1,
          MemberId: '',
          GroupInstanceId: null,
          RetentionTimeMs: -1,
          Topics: [...byTopic.entries()].map(([name, rows]) => ({
            Name: name,
            Partitions: rows.map((r) => ({
              PartitionIndex: r.partition,
              CommittedOffset: r.newOffset,
              CommittedLeaderEpoch: -1,
              CommittedMetadata: '',
            })),
          })),
        }),
        d,
      );
      const codes = response.Topics.flatMap((t) =>
        t.Partitions.map((p) => ({ topic: t.Name, partition: p.PartitionIndex, code: p.ErrorCode })),
      );
      const coordinatorTrouble = codes.find(
        (x) => client.coordinatorErrorOutcome(plan.groupId, x.code, d, 'OffsetCommit', null) === 'retry',
      );
      if (coordinatorTrouble !== undefined) {
        retry(plan.groupId);
        return;
      }
      for (const x of codes) {
        if (x.code === ErrorCode.NONE) committed++;
        else failed.push({ topic: x.topic, partition: x.partition, code: x.code, error: errorName(x.code) });
      }
    },
  });
  if (committed === 0 && failed.length > 0 && failed.every((f) => f.error === failed[0].error)) {
    const name = failed[0].error;
    if (name === 'UNKNOWN_MEMBER_ID' || name === 'ILLEGAL_GENERATION' || name === 'STALE_MEMBER_EPOCH') {
      throw new ResetError(
        `the broker refused the reset (${name}): the group has active members again; stop its consumers first`,
      );
    }
    throw new KafkaProtocolError('OffsetCommit', failed[0].code, `group "${plan.groupId}"`);
  }
  return { committed, failed };
}

/** The dry-run as CSV in the columns of kafka-consumer-groups --export: topic,partition,offset (group first for several groups). */
export function resetPlanCsv(plans: readonly ResetPlan[]): string {
  const withGroup = plans.length > 1;
  return plans
    .flatMap((p) =>
      p.rows.map((r) =>
        withGroup
          ? `${p.groupId},${r.topic},${r.partition},${r.newOffset}`
          : `${r.topic},${r.partition},${r.newOffset}`,
      ),
    )
    .map((l) => `${l}\n`)
    .join('');
}

/**
 * `kgd assign`: what would Kafka's assignor do with this group? Reads a group (topics and
 * members, docs/assign.md) and prints the assignment as JSON.
 */
import { readFile } from 'node:fs/promises';
import type { TopicPartition } from '../../model';
import {
  DEFAULT_KAFKA_VERSION,
  PartitionAssignorError,
  type ClientSubscription,
  type KafkaVersion,
  type MemberSubscriptionAndAssignment,
  type OrderingMode,
  type TopicId,
} from '../../simulator/assignors/api';
import { StickyAssignorFailure } from '../../simulator/assignors/client/sticky';
import {
  CLIENT_ASSIGNOR_NAMES,
  clientAssignor,
  isClientAssignorName,
  isServerAssignorName,
  serverAssignor,
  SERVER_ASSIGNOR_NAMES,
} from '../../simulator/assignors/registry';
import {
  coordinatorMemberOrder,
  kafkaSubscribedTopicIds,
  kafkaSubscriptionType,
} from '../../simulator/assignors/server/kafka-order';
import { UsageError, UserError, type CliCommand, type CliIo } from '../io';
import { parseAssignSpec, type AssignSpec } from './assign-spec';

const VERSIONS: readonly KafkaVersion[] = ['4.0', '4.1', '4.2', '4.3'];

const USAGE = `Usage: kgd assign --assignor NAME [--side server|client] [--exact] [--kafka-version V] [--compact] [FILE]

Prints the assignment Kafka's assignor would compute for a group, as JSON.
The group (topics and members) is read from FILE, or from standard input when FILE is
omitted or "-". The format is described in docs/assign.md.

Options:
  --assignor NAME      uniform | range | roundrobin | sticky | cooperative-sticky
  --side server|client server: the broker-side assignors of the consumer protocol (KIP-848,
                       group.remote.assignor): uniform, range.
                       client: the consumer-side assignors of the classic protocol
                       (partition.assignment.strategy): range, roundrobin, sticky,
                       cooperative-sticky.
                       Default: server for uniform and range, client for the others.
                       "range" exists on both sides; say --side client for the classic one.
  --exact              Reproduce Kafka bit for bit by emulating Java's HashMap iteration order.
                       Without it the output is "canonical": members and topics are taken in
                       sorted order, which is easier to follow and just as balanced.
  --kafka-version V    4.0 | 4.1 | 4.2 | 4.3 (default ${DEFAULT_KAFKA_VERSION}). Only uniform differs: before 4.1
                       the extra partitions go to the first members, moving partitions even
                       when the previous assignment was balanced (KAFKA-18688).
  --compact            One line of JSON instead of indented JSON.

Exit codes: 0 ok, 1 bad input or the assignor fails (as Kafka would), 2 bad usage.`;

interface Options {
  assignor: string;
  side: 'server' | 'client';
  ordering: OrderingMode;
  kafkaVersion: KafkaVersion;
  compact: boolean;
  file: string | null;
}

function parseArgs(args: readonly string[]): Options {
  let assignor: string | undefined;
  let side: string | undefined;
  let exact = false;
  let kafkaVersion: string = DEFAULT_KAFKA_VERSION;
  let compact = false;
  let file: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (flag: string): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--assignor' || a.startsWith('--assignor=')) assignor = value('--assignor');
    else if (a === '--side' || a.startsWith('--side=')) side = value('--side');
    else if (a === '--kafka-version' || a.startsWith('--kafka-version='))
      kafkaVersion = value('--kafka-version');
    else if (a === '--exact') exact = true;
    else if (a === '--compact') compact = true;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else if (file !== null)
      throw new UsageError(`only one input file can be given (got "${file}" and "${a}")`);
    else file = a === '-' ? null : a;
  }
  if (assignor === undefined) throw new UsageError('--assignor is required');
  if (!isServerAssignorName(assignor) && !isClientAssignorName(assignor)) {
    throw new UsageError(
      `unknown assignor "${assignor}"; server side: ${SERVER_ASSIGNOR_NAMES.join(', ')}; client side: ${CLIENT_ASSIGNOR_NAMES.join(', ')}`,
    );
  }
  if (side !== undefined && side !== 'server' && side !== 'client') {
    throw new UsageError(`--side must be "server" or "client", got "${side}"`);
  }
  const resolvedSide: 'server' | 'client' = side ?? (isServerAssignorName(assignor) ? 'server' : 'client');
  if (resolvedSide === 'server' && !isServerAssignorName(assignor)) {
    throw new UsageError(
      `"${assignor}" is a client-side (classic protocol) assignor; use --side client or leave --side out`,
    );
  }
  if (resolvedSide === 'client' && !isClientAssignorName(assignor)) {
    throw new UsageError(
      `"${assignor}" is a server-side (consumer protocol) assignor; use --side server or leave --side out`,
    );
  }
  if (!(VERSIONS as readonly string[]).includes(kafkaVersion)) {
    throw new UsageError(`--kafka-version must be one of ${VERSIONS.join(', ')}, got "${kafkaVersion}"`);
  }
  return {
    assignor,
    side: resolvedSide,
    ordering: exact ? 'exact' : 'canonical',
    kafkaVersion: kafkaVersion as KafkaVersion,
    compact,
    file,
  };
}

type TopicAssignment = Record<string, number[]>;

interface MemberOutput {
  assignment: TopicAssignment;
  added: TopicAssignment;
  revoked: TopicAssignment;
}

function diff(
  from: ReadonlyMap<string, readonly number[]>,
  to: ReadonlyMap<string, readonly number[]>,
): TopicAssignment {
  const out: TopicAssignment = {};
  for (const [t, ps] of from) {
    const keep = new Set(to.get(t) ?? []);
    const gone = ps.filter((p) => !keep.has(p)).sort((a, b) => a - b);
    if (gone.length > 0) out[t] = gone;
  }
  return out;
}

/** The assignment as JSON: in the assignor's order (exact), or topics sorted and partitions ascending. */
function toRecord(m: ReadonlyMap<string, readonly number[]>, sorted: boolean): TopicAssignment {
  const out: TopicAssignment = {};
  const topics = sorted ? [...m.keys()].sort() : [...m.keys()];
  for (const t of topics) {
    const ps = m.get(t) ?? [];
    if (ps.length > 0) out[t] = sorted ? [...ps].sort((a, b) => a - b) : [...ps];
  }
  return out;
}

function memberOutput(
  current: ReadonlyMap<string, readonly number[]>,
  next: ReadonlyMap<string, readonly number[]>,
  sorted: boolean,
): MemberOutput {
  return { assignment: toRecord(next, sorted), added: diff(next, current), revoked: diff(current, next) };
}

function runServer(spec: AssignSpec, o: Options, warnings: string[]): Record<string, unknown> {
  const idOf = new Map(spec.topics.map((t) => [t.name, t.id]));
  const nameOf = new Map(spec.topics.map((t) => [t.id, t.name]));
  const countOf = new Map(spec.topics.map((t) => [t.id, t.partitions]));
  const byId = new Map(spec.members.map((m) => [m.id, m]));
  for (const m of spec.members) {
    for (const s of m.subscriptions) {
      if (!idOf.has(s))
        warnings.push(
          `member "${m.id}" subscribes to "${s}", which is not in topics: ignored, as Kafka ignores topics it cannot resolve`,
        );
    }
  }
  // Members as the coordinator hands them over: its TimelineHashMap order (exact) or as listed.
  const order =
    o.ordering === 'exact'
      ? coordinatorMemberOrder(spec.members.map((m) => m.id))
      : spec.members.map((m) => m.id);
  const members = new Map<string, MemberSubscriptionAndAssignment>();
  const assigned = new Set<string>();
  for (const id of order) {
    const m = byId.get(id);
    if (m === undefined) continue;
    const assignment = new Map<TopicId, ReadonlySet<number>>();
    for (const [name, ps] of m.assignment) {
      const tid = idOf.get(name) as TopicId;
      assignment.set(tid, new Set(ps));
      for (const p of ps) assigned.add(`${tid}:${p}`);
    }
    const subscribed =
      o.ordering === 'exact'
        ? kafkaSubscribedTopicIds(m.subscriptions, (n) => idOf.get(n))
        : m.subscriptions.flatMap((n) => idOf.get(n) ?? []);
    members.set(id, {
      rackId: m.rack,
      instanceId: m.instanceId,
      subscribedTopicIds: new Set(subscribed),
      assignment,
    });
  }
  const subscriptionType = kafkaSubscriptionType(spec.members.map((m) => m.subscriptions));
  const assignor = serverAssignor(o.assignor);
  if (assignor === undefined) throw new UsageError(`unknown server assignor "${o.assignor}"`);
  let result;
  try {
    result = assignor.assign(
      { members, subscriptionType, isPartitionAssigned: (t, p) => assigned.has(`${t}:${p}`) },
      { numPartitions: (t) => countOf.get(t) ?? -1 },
      { ordering: o.ordering, kafkaVersion: o.kafkaVersion },
    );
  } catch (err) {
    if (err instanceof PartitionAssignorError) {
      throw new UserError(
        `Kafka's ${o.assignor} assignor would fail: ${err.message} (the coordinator answers UNKNOWN_SERVER_ERROR)`,
      );
    }
    throw err;
  }
  const out: Record<string, MemberOutput> = {};
  for (const m of spec.members) {
    const current = new Map(m.assignment.map(([t, ps]) => [t, ps]));
    const next = new Map<string, number[]>();
    for (const [tid, ps] of result.get(m.id) ?? new Map<TopicId, Set<number>>()) {
      next.set(nameOf.get(tid) ?? tid, [...ps]);
    }
    out[m.id] = memberOutput(current, next, o.ordering === 'canonical');
  }
  return { subscriptionType, members: out };
}

function runClient(spec: AssignSpec, o: Options, warnings: string[]): Record<string, unknown> {
  const partitionsPerTopic = new Map(spec.topics.map((t) => [t.name, t.partitions]));
  const subscriptions = new Map<string, ClientSubscription>();
  for (const m of spec.members) {
    for (const s of m.subscriptions) {
      if (!partitionsPerTopic.has(s))
        warnings.push(
          `member "${m.id}" subscribes to "${s}", which is not in topics: the leader has no metadata for it and skips it`,
        );
    }
    const owned: TopicPartition[] = m.assignment.flatMap(([topic, ps]) =>
      ps.map((partition) => ({ topic, partition })),
    );
    subscriptions.set(m.id, {
      memberId: m.id,
      instanceId: m.instanceId,
      rackId: m.rack,
      topics: m.subscriptions,
      ownedPartitions: owned,
      generationId: m.generation,
    });
    if (
      owned.length > 0 &&
      m.generation === null &&
      (o.assignor === 'sticky' || o.assignor === 'cooperative-sticky')
    ) {
      warnings.push(
        `member "${m.id}" owns partitions but has no generation: ${o.assignor === 'sticky' ? 'sticky ignores them (no user data)' : 'they count as generation -1'}`,
      );
    }
  }
  const assignor = clientAssignor(o.assignor);
  if (assignor === undefined) throw new UsageError(`unknown client assignor "${o.assignor}"`);
  let result;
  try {
    result = assignor.assign(partitionsPerTopic, subscriptions, { ordering: o.ordering });
  } catch (err) {
    if (err instanceof StickyAssignorFailure) {
      throw new UserError(`Kafka's ${o.assignor} assignor would fail on this input: ${err.message}`);
    }
    throw err;
  }
  const out: Record<string, MemberOutput> = {};
  for (const m of spec.members) {
    const next = new Map<string, number[]>();
    for (const tp of result.get(m.id) ?? [])
      next.set(tp.topic, [...(next.get(tp.topic) ?? []), tp.partition]);
    out[m.id] = memberOutput(
      new Map(m.assignment.map(([t, ps]) => [t, ps])),
      next,
      o.ordering === 'canonical',
    );
  }
  const extra: Record<string, unknown> = {};
  if (o.assignor === 'cooperative-sticky') {
    extra.note =
      'Partitions moving to a new owner are withheld from it until their old owner has revoked them; a second rebalance hands them over.';
  }
  return { ...extra, members: out };
}

/** Indented JSON with lists of partition numbers kept on one line. */
function readableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\n\s*(-?\d+(?:,\n\s*-?\d+)*)\n\s*\]/g,
    (_m, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`,
  );
}

async function readInput(o: Options, io: CliIo): Promise<[string, string]> {
  if (o.file === null) return [await io.readStdin(), 'stdin'];
  try {
    return [await readFile(o.file, 'utf8'), o.file];
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot read ${o.file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
}

export const assignCommand: CliCommand = {
  name: 'assign',
  summary: "Compute the assignment Kafka's assignors would give a group (JSON in, JSON out)",
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const o = parseArgs(args);
    const [text, source] = await readInput(o, io);
    if (text.trim().length === 0) {
      throw new UserError(
        `${source} is empty: expected a group as JSON (see docs/assign.md), e.g. kgd assign --assignor ${o.assignor} < group.json`,
      );
    }
    const spec = parseAssignSpec(text, source, o.side);
    const warnings: string[] = [];
    const body = o.side === 'server' ? runServer(spec, o, warnings) : runClient(spec, o, warnings);
    const output = {
      assignor: o.assignor,
      side: o.side,
      ordering: o.ordering,
      ...(o.side === 'server' ? { kafkaVersion: o.kafkaVersion } : {}),
      ...body,
      warnings,
    };
    io.stdout(`${o.compact ? JSON.stringify(output) : readableJson(output)}\n`);
    return 0;
  },
};

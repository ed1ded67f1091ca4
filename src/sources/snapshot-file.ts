/**
 * Snapshot files: everything a user sees for a group, exported as JSON and reopened later (in the
 * dashboard, the CLI or the simulator). The file is untrusted input — someone attached it to a bug
 * report — so reading it validates every field and reports the first problems with their paths.
 *
 * Format (`kgd-snapshot`, version 1):
 *   { "format": "kgd-snapshot", "version": 1, "exportedAt": "<ISO time>", "producer": "...",
 *     "groups": [ { "snapshot": GroupSnapshot, "history": GroupSnapshot[], "events": GroupEvent[] } ] }
 *
 * Nothing secret is ever written: snapshots carry no credentials by construction, and the source
 * id of a cluster is only its display name.
 */
import type {
  Assignment,
  GroupEvent,
  GroupLag,
  GroupSnapshot,
  MemberSnapshot,
  PartitionLag,
  TopicInfo,
} from '../model';

export const SNAPSHOT_FORMAT = 'kgd-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotFileGroup {
  readonly snapshot: GroupSnapshot;
  readonly history: readonly GroupSnapshot[];
  readonly events: readonly GroupEvent[];
}

export interface SnapshotFile {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  readonly exportedAt: string;
  readonly producer: string;
  readonly groups: readonly SnapshotFileGroup[];
}

export class SnapshotFileError extends Error {
  override readonly name = 'SnapshotFileError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a usable snapshot file:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export function buildSnapshotFile(
  groups: readonly SnapshotFileGroup[],
  producer: string,
  now: Date,
): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    exportedAt: now.toISOString(),
    producer,
    groups,
  };
}

export function serializeSnapshotFile(file: SnapshotFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Limits that keep a hostile file from exhausting memory in the extension host. */
const MAX_STRING = 4096;
const MAX_LIST = 1_000_000;

class V {
  readonly problems: string[] = [];
  fail(path: string, msg: string): void {
    if (this.problems.length < 20) this.problems.push(`${path}: ${msg}`);
  }
  obj(v: unknown, path: string): Record<string, unknown> | null {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    this.fail(path, 'must be an object');
    return null;
  }
  list(v: unknown, path: string): unknown[] | null {
    if (Array.isArray(v) && v.length <= MAX_LIST) return v as unknown[];
    this.fail(path, Array.isArray(v) ? `has more than ${MAX_LIST} entries` : 'must be a list');
    return null;
  }
  str(v: unknown, path: string): string {
    if (typeof v === 'string' && v.length <= MAX_STRING) return v;
    this.fail(path, typeof v === 'string' ? `is longer than ${MAX_STRING} characters` : 'must be a string');
    return '';
  }
  strOrNull(v: unknown, path: string): string | null {
    return v === null || v === undefined ? null : this.str(v, path);
  }
  int(v: unknown, path: string): number {
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
    this.fail(path, 'must be a whole number');
    return 0;
  }
  intOrNull(v: unknown, path: string): number | null {
    return v === null || v === undefined ? null : this.int(v, path);
  }
  num(v: unknown, path: string): number {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.fail(path, 'must be a number');
    return 0;
  }
  bool(v: unknown, path: string): boolean {
    if (typeof v === 'boolean') return v;
    this.fail(path, 'must be true or false');
    return false;
  }
  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
    this.fail(path, `must be one of ${options.join(', ')}`);
    return options[0];
  }
  oneOfOrNull<T extends string>(v: unknown, path: string, options: readonly T[]): T | null {
    return v === null || v === undefined ? null : this.oneOf(v, path, options);
  }
  assignment(v: unknown, path: string): Assignment {
    const o = this.obj(v, path);
    if (o === null) return {};
    const out: Record<string, number[]> = {};
    for (const [topic, parts] of Object.entries(o)) {
      const l = this.list(parts, `${path}[${JSON.stringify(topic)}]`);
      if (l === null) continue;
      const ps = l.map((p, i) => this.int(p, `${path}[${JSON.stringify(topic)}][${i}]`));
      if (ps.length > 0) out[this.str(topic, path)] = [...new Set(ps)].sort((a, b) => a - b);
    }
    return out;
  }
}

const GROUP_STATES = [
  'Empty',
  'Assigning',
  'Reconciling',
  'Stable',
  'Dead',
  'PreparingRebalance',
  'CompletingRebalance',
  'Unknown',
] as const;
const RECONCILIATION = ['STABLE', 'UNREVOKED_PARTITIONS', 'UNRELEASED_PARTITIONS', 'UNKNOWN'] as const;
const PROTOCOLS = ['consumer', 'classic'] as const;

function readMember(v: V, raw: unknown, path: string): MemberSnapshot | null {
  const o = v.obj(raw, path);
  if (o === null) return null;
  const classicRaw =
    o.classic === null || o.classic === undefined ? null : v.obj(o.classic, `${path}.classic`);
  const clientRaw = o.client === null || o.client === undefined ? null : v.obj(o.client, `${path}.client`);
  return {
    memberId: v.str(o.memberId, `${path}.memberId`),
    instanceId: v.strOrNull(o.instanceId, `${path}.instanceId`),
    clientId: v.str(o.clientId, `${path}.clientId`),
    clientHost: v.str(o.clientHost, `${path}.clientHost`),
    rackId: v.strOrNull(o.rackId, `${path}.rackId`),
    memberType: v.oneOf(o.memberType, `${path}.memberType`, PROTOCOLS),
    memberEpoch: v.int(o.memberEpoch, `${path}.memberEpoch`),
    previousMemberEpoch: v.intOrNull(o.previousMemberEpoch, `${path}.previousMemberEpoch`),
    reconciliation: v.oneOfOrNull(o.reconciliation, `${path}.reconciliation`, RECONCILIATION),
    subscribedTopicNames: (v.list(o.subscribedTopicNames, `${path}.subscribedTopicNames`) ?? []).map((t, i) =>
      v.str(t, `${path}.subscribedTopicNames[${i}]`),
    ),
    subscribedTopicRegex: v.strOrNull(o.subscribedTopicRegex, `${path}.subscribedTopicRegex`),
    serverAssignor: v.strOrNull(o.serverAssignor, `${path}.serverAssignor`),
    assignment: v.assignment(o.assignment, `${path}.assignment`),
    pendingRevocation: v.assignment(o.pendingRevocation ?? {}, `${path}.pendingRevocation`),
    targetAssignment:
      o.targetAssignment === null || o.targetAssignment === undefined
        ? null
        : v.assignment(o.targetAssignment, `${path}.targetAssignment`),
    classic:
      classicRaw === null
        ? null
        : {
            protocols: (v.list(classicRaw.protocols, `${path}.classic.protocols`) ?? []).map((p, i) =>
              v.str(p, `${path}.classic.protocols[${i}]`),
            ),
            isLeader: v.bool(classicRaw.isLeader, `${path}.classic.isLeader`),
            awaitingJoin: v.bool(classicRaw.awaitingJoin, `${path}.classic.awaitingJoin`),
            awaitingSync: v.bool(classicRaw.awaitingSync, `${path}.classic.awaitingSync`),
            ownedPartitions: v.assignment(
              classicRaw.ownedPartitions ?? {},
              `${path}.classic.ownedPartitions`,
            ),
            reportedGeneration: v.intOrNull(
              classicRaw.reportedGeneration,
              `${path}.classic.reportedGeneration`,
            ),
            sessionTimeoutMs: v.int(classicRaw.sessionTimeoutMs, `${path}.classic.sessionTimeoutMs`),
            rebalanceTimeoutMs: v.int(classicRaw.rebalanceTimeoutMs, `${path}.classic.rebalanceTimeoutMs`),
          },
    client:
      clientRaw === null
        ? null
        : {
            state: v.str(clientRaw.state, `${path}.client.state`),
            owned: v.assignment(clientRaw.owned ?? {}, `${path}.client.owned`),
            condition: v.strOrNull(clientRaw.condition, `${path}.client.condition`),
            groupProtocol: v.oneOf(clientRaw.groupProtocol, `${path}.client.groupProtocol`, PROTOCOLS),
            assignor: v.strOrNull(clientRaw.assignor, `${path}.client.assignor`),
          },
  };
}

function readLag(v: V, raw: unknown, path: string): GroupLag | null {
  if (raw === null || raw === undefined) return null;
  const o = v.obj(raw, path);
  if (o === null) return null;
  const partitions: PartitionLag[] = (v.list(o.partitions, `${path}.partitions`) ?? []).flatMap((p, i) => {
    const po = v.obj(p, `${path}.partitions[${i}]`);
    if (po === null) return [];
    const pp = `${path}.partitions[${i}]`;
    return [
      {
        topic: v.str(po.topic, `${pp}.topic`),
        partition: v.int(po.partition, `${pp}.partition`),
        committedOffset: v.intOrNull(po.committedOffset, `${pp}.committedOffset`),
        logStartOffset: v.int(po.logStartOffset, `${pp}.logStartOffset`),
        logEndOffset: v.int(po.logEndOffset, `${pp}.logEndOffset`),
        lag: v.intOrNull(po.lag, `${pp}.lag`),
        ownerMemberId: v.strOrNull(po.ownerMemberId, `${pp}.ownerMemberId`),
        belowLogStart: v.bool(po.belowLogStart ?? false, `${pp}.belowLogStart`),
        status: v.oneOfOrNull(po.status, `${pp}.status`, ['OK', 'WARN', 'STOP', 'STALL', 'REWIND'] as const),
      },
    ];
  });
  return {
    totalLag: v.int(o.totalLag, `${path}.totalLag`),
    partitionsWithoutCommit: v.int(o.partitionsWithoutCommit, `${path}.partitionsWithoutCommit`),
    status: v.oneOfOrNull(o.status, `${path}.status`, ['OK', 'WARN', 'ERR'] as const),
    partitions,
  };
}

export function readSnapshot(v: V, raw: unknown, path: string): GroupSnapshot | null {
  const o = v.obj(raw, path);
  if (o === null) return null;
  const topics: TopicInfo[] = (v.list(o.topics, `${path}.topics`) ?? []).flatMap((t, i) => {
    const to = v.obj(t, `${path}.topics[${i}]`);
    if (to === null) return [];
    return [
      {
        name: v.str(to.name, `${path}.topics[${i}].name`),
        topicId: v.str(to.topicId, `${path}.topics[${i}].topicId`),
        partitions: v.int(to.partitions, `${path}.topics[${i}].partitions`),
      },
    ];
  });
  const coord =
    o.coordinator === null || o.coordinator === undefined
      ? null
      : v.obj(o.coordinator, `${path}.coordinator`);
  const stale = o.stale === null || o.stale === undefined ? null : v.obj(o.stale, `${path}.stale`);
  const members = (v.list(o.members, `${path}.members`) ?? [])
    .map((m, i) => readMember(v, m, `${path}.members[${i}]`))
    .filter((m): m is MemberSnapshot => m !== null);
  return {
    sourceId: v.str(o.sourceId, `${path}.sourceId`),
    groupId: v.str(o.groupId, `${path}.groupId`),
    protocol: v.oneOf(o.protocol, `${path}.protocol`, PROTOCOLS),
    state: v.oneOf(o.state, `${path}.state`, GROUP_STATES),
    timeMs: v.num(o.timeMs, `${path}.timeMs`),
    groupEpoch: v.int(o.groupEpoch, `${path}.groupEpoch`),
    targetAssignmentEpoch: v.intOrNull(o.targetAssignmentEpoch, `${path}.targetAssignmentEpoch`),
    assignor: v.strOrNull(o.assignor, `${path}.assignor`),
    rebalanceProtocol: v.oneOfOrNull(o.rebalanceProtocol, `${path}.rebalanceProtocol`, [
      'eager',
      'cooperative',
    ] as const),
    leaderId: v.strOrNull(o.leaderId, `${path}.leaderId`),
    coordinator:
      coord === null
        ? null
        : {
            nodeId: v.int(coord.nodeId, `${path}.coordinator.nodeId`),
            host: v.str(coord.host, `${path}.coordinator.host`),
            port: v.int(coord.port, `${path}.coordinator.port`),
          },
    members,
    topics,
    lag: readLag(v, o.lag, `${path}.lag`),
    stale:
      stale === null
        ? null
        : {
            sinceMs: v.num(stale.sinceMs, `${path}.stale.sinceMs`),
            reason: v.str(stale.reason, `${path}.stale.reason`),
          },
  };
}

const EVENT_TYPES: readonly GroupEvent['type'][] = [
  'member-joined',
  'member-left',
  'member-fenced',
  'group-epoch-bumped',
  'target-assignment',
  'member-epoch',
  'partitions-revoked',
  'partitions-assigned',
  'partitions-lost',
  'group-state',
  'rebalance-started',
  'join-completed',
  'sync-completed',
  'static-member-replaced',
  'topic-partitions',
  'subscription-changed',
  'request-error',
  'client-timeout',
  'action',
];

/**
 * Events are checked for their common fields and type, and every string field for length; their
 * variant fields are kept as they are (views only read them as text and numbers).
 */
function readEvent(v: V, raw: unknown, path: string): GroupEvent | null {
  const o = v.obj(raw, path);
  if (o === null) return null;
  v.oneOf(o.type, `${path}.type`, EVENT_TYPES);
  v.num(o.timeMs, `${path}.timeMs`);
  v.str(o.groupId, `${path}.groupId`);
  for (const [k, val] of Object.entries(o)) {
    if (typeof val === 'string') v.str(val, `${path}.${k}`);
    else if (typeof val === 'object' && val !== null && (k === 'partitions' || k === 'topics')) {
      if (k === 'partitions') v.assignment(val, `${path}.${k}`);
    } else if (typeof val !== 'number' && typeof val !== 'boolean' && val !== null) {
      v.fail(`${path}.${k}`, 'has an unexpected value');
    }
  }
  return o as unknown as GroupEvent;
}

/** Parses and validates a snapshot file. Throws SnapshotFileError naming the problems. */
export function parseSnapshotFile(text: string, source: string): SnapshotFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SnapshotFileError(source, [
      `not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    ]);
  }
  const v = new V();
  const o = v.obj(raw, '(file)');
  if (o === null) throw new SnapshotFileError(source, v.problems);
  if (o.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotFileError(source, [
      `format: expected "${SNAPSHOT_FORMAT}" — this does not look like a file exported by Kafka Group Debugger`,
    ]);
  }
  if (o.version !== SNAPSHOT_VERSION) {
    throw new SnapshotFileError(source, [
      `version: this build reads version ${SNAPSHOT_VERSION} files, the file is version ${JSON.stringify(o.version)}; update the extension`,
    ]);
  }
  const groups: SnapshotFileGroup[] = (v.list(o.groups, 'groups') ?? []).flatMap((g, i) => {
    const go = v.obj(g, `groups[${i}]`);
    if (go === null) return [];
    const snapshot = readSnapshot(v, go.snapshot, `groups[${i}].snapshot`);
    const history = (v.list(go.history ?? [], `groups[${i}].history`) ?? [])
      .map((h, j) => readSnapshot(v, h, `groups[${i}].history[${j}]`))
      .filter((h): h is GroupSnapshot => h !== null);
    const events = (v.list(go.events ?? [], `groups[${i}].events`) ?? [])
      .map((e, j) => readEvent(v, e, `groups[${i}].events[${j}]`))
      .filter((e): e is GroupEvent => e !== null);
    return snapshot === null ? [] : [{ snapshot, history, events }];
  });
  if (groups.length === 0 && v.problems.length === 0) v.fail('groups', 'holds no group');
  if (v.problems.length > 0) throw new SnapshotFileError(source, v.problems);
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    exportedAt: typeof o.exportedAt === 'string' ? o.exportedAt.slice(0, 64) : '',
    producer: typeof o.producer === 'string' ? o.producer.slice(0, 200) : '',
    groups,
  };
}

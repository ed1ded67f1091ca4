/**
 * The one protocol between the dashboard host (src/ui/dashboard) and its webview (src/webview).
 *
 * - The webview speaks first: it posts `ready`; the host answers with `init` and only then sends
 *   `update`s. A webview that was reloaded (hidden and shown again) simply says `ready` again.
 * - Requests from the webview carry an `id`; the host answers every one with a `reply` of the
 *   same id, `ok: false` with an error message when it refused or failed.
 * - Everything the webview sends is untrusted. `parseWebviewMessage` validates shape, types,
 *   lengths and enum values, rejects unknown keys, and is the only way the host reads a message.
 * - Snapshots travel as a base plus `SnapshotDelta`s (only changed members, partitions, offsets),
 *   so a tick of a 1,000-member group costs what changed, not the whole group.
 */
import type {
  Finding,
  FindingEvidence,
  GroupEvent,
  GroupLag,
  GroupProtocol,
  GroupSnapshot,
  MemberSnapshot,
  PartitionLag,
  SimulatorCommand,
  SimulatorControlState,
  TopicInfo,
} from '../model';
import { MAX_SIMULATOR_SPEED, MIN_SIMULATOR_SPEED, SIMULATOR_VARIANTS } from '../model';

export const PROTOCOL_VERSION = 1;
/** The webview panel type; the serializer is registered for it. */
export const DASHBOARD_VIEW_TYPE = 'kafkaGroups.dashboard';

// ────────────────────────────────────────────────────────────────────────────────────────────────
// Limits for what the webview may send (the webview is untrusted input).

export const LIMITS = {
  /** Member, group and client ids. */
  idLength: 1024,
  /** Kafka's limit for topic names and group.instance.id. */
  kafkaNameLength: 249,
  /** Scenario ids and assignor names. */
  nameLength: 128,
  subscriptionTopics: 1000,
  partition: 2_147_483_647,
  addPartitions: 10_000,
  slowDelayMs: 3_600_000,
  requestId: 2_147_483_647,
  /** Larger than any epoch-ms time we will see; rejects absurd values. */
  timeMs: 8_640_000_000_000_000,
  /** Snapshots per load-history request. */
  historyChunk: 1000,
  tabLength: 32,
  filterLength: 256,
} as const;

/** Characters Kafka allows in topic names and group.instance.id. */
const KAFKA_NAME = /^[a-zA-Z0-9._-]+$/;
/** Control characters (C0, DEL, C1) and bidi overrides are never legitimate in an id we act on. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

// ────────────────────────────────────────────────────────────────────────────────────────────────
// Deltas

/**
 * A change to a keyed list. Applying it to the old list gives the new list:
 * 1. drop the `removed` keys; replace items whose key is in `changed`;
 * 2. if `order` is present, arrange by it (it lists every key of the new list, `added` included);
 *    otherwise insert `added` items at their index in the new list, the rest keep their relative order.
 * `replace` (when present) is the whole new list and everything else is ignored.
 */
export interface ListDelta<T> {
  readonly replace?: readonly T[];
  readonly removed?: readonly string[];
  readonly changed?: readonly T[];
  readonly added?: readonly (readonly [number, T])[];
  readonly order?: readonly string[];
}

/**
 * A change to the per-partition lag. Partitions whose owner or status changed, or that came or
 * went, travel in `partitions`; partitions where only offsets moved travel compactly in `offsets`
 * as flat groups of five: index in the new list, committed offset, log-start, log-end, lag.
 */
export interface LagDelta {
  readonly totalLag: number;
  readonly partitionsWithoutCommit: number;
  readonly status: GroupLag['status'];
  readonly partitions: ListDelta<PartitionLag>;
  readonly offsets: readonly (number | null)[];
  /** Partitions replaced whole, by index in the new list (when the list kept its shape). */
  readonly replaced?: readonly (readonly [number, PartitionLag])[];
  /** True when every partition has exactly the PartitionLag fields (lets the receiver build them directly). */
  readonly plain?: boolean;
}

export type SnapshotHeader = Omit<GroupSnapshot, 'members' | 'topics' | 'lag'>;

/** The difference between two snapshots of the same group. Only what changed is present. */
export interface SnapshotDelta {
  readonly header?: Partial<SnapshotHeader>;
  readonly members?: ListDelta<MemberSnapshot>;
  readonly topics?: readonly TopicInfo[];
  readonly lag?: { readonly set: WireLag | null } | { readonly patch: LagDelta };
}

/**
 * Per-partition lag as columns: one array per field instead of an object per partition, so a
 * 10,000-partition group crosses into the webview as a dozen arrays (structured clone is far
 * cheaper for them than for 10,000 objects). Owners, topics and statuses are dictionary-coded;
 * -1 stands for null.
 */
export interface LagColumns {
  readonly topics: readonly string[];
  readonly topic: readonly number[];
  readonly partition: readonly number[];
  readonly committed: readonly (number | null)[];
  readonly logStart: readonly number[];
  readonly logEnd: readonly number[];
  readonly lag: readonly (number | null)[];
  readonly owners: readonly string[];
  readonly owner: readonly number[];
  readonly belowLogStart: readonly number[];
  readonly statuses: readonly string[];
  readonly status: readonly number[];
}

/** GroupLag on the wire: columns when every partition has exactly the PartitionLag fields, else objects. */
export type WireLag = Omit<GroupLag, 'partitions'> &
  ({ readonly columns: LagColumns } | { readonly partitions: readonly PartitionLag[] });

/** A full snapshot on the wire (its lag in columns). */
export type WireSnapshot = Omit<GroupSnapshot, 'lag'> & { readonly lag: WireLag | null };

/** A run of consecutive snapshots: a full `base` (or, when null, the receiver's latest) and deltas. */
export interface SnapshotChain {
  readonly base: WireSnapshot | null;
  readonly deltas: readonly SnapshotDelta[];
}

const HEADER_KEYS: readonly (keyof SnapshotHeader)[] = [
  'sourceId',
  'groupId',
  'protocol',
  'state',
  'timeMs',
  'groupEpoch',
  'targetAssignmentEpoch',
  'assignor',
  'rebalanceProtocol',
  'leaderId',
  'coordinator',
  'stale',
];

/** Structural equality of JSON-like values (objects by own keys, arrays by items). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !jsonEqual(ra[k], rb[k])) return false;
  }
  return true;
}

/**
 * Computes the ListDelta from `a` to `b`. `onChanged` may claim a changed pair (return true) to
 * send it some other way (lag offsets); claimed items are left unchanged by the ListDelta.
 */
export function diffList<T>(
  a: readonly T[],
  b: readonly T[],
  key: (t: T) => string,
  onChanged?: (before: T, after: T, indexInB: number) => boolean,
): ListDelta<T> {
  const aByKey = new Map<string, T>();
  for (const x of a) aByKey.set(key(x), x);
  const bKeys = new Set<string>();
  for (const y of b) bKeys.add(key(y));
  if (aByKey.size !== a.length || bKeys.size !== b.length) return { replace: b }; // duplicate keys
  const removed: string[] = [];
  for (const x of a) if (!bKeys.has(key(x))) removed.push(key(x));
  const changed: T[] = [];
  const added: [number, T][] = [];
  const keptInB: string[] = [];
  for (let i = 0; i < b.length; i++) {
    const y = b[i];
    const k = key(y);
    const x = aByKey.get(k);
    if (x === undefined) {
      added.push([i, y]);
      continue;
    }
    keptInB.push(k);
    if (x !== y && !jsonEqual(x, y) && !(onChanged?.(x, y, i) ?? false)) changed.push(y);
  }
  if (changed.length + added.length > 0 && changed.length + added.length >= b.length) return { replace: b };
  let sameOrder = true;
  let j = 0;
  for (const x of a) {
    const k = key(x);
    if (!bKeys.has(k)) continue;
    if (keptInB[j++] !== k) {
      sameOrder = false;
      break;
    }
  }
  const d: { -readonly [K in keyof ListDelta<T>]: ListDelta<T>[K] } = {};
  if (removed.length > 0) d.removed = removed;
  if (changed.length > 0) d.changed = changed;
  if (added.length > 0) d.added = added;
  if (!sameOrder) d.order = b.map(key);
  return d;
}

/** Applies a ListDelta; throws DeltaError when the delta does not fit the list. */
export function applyListDelta<T>(a: readonly T[], d: ListDelta<T>, key: (t: T) => string): T[] {
  if (d.replace !== undefined) return [...d.replace];
  const added = d.added ?? [];
  let kept: T[];
  if ((d.removed?.length ?? 0) === 0 && (d.changed?.length ?? 0) === 0) {
    if (added.length === 0 && d.order === undefined) return a.slice(); // the common tick: nothing structural
    kept = a.slice();
  } else {
    const removed = new Set(d.removed ?? []);
    const changed = new Map<string, T>();
    for (const y of d.changed ?? []) changed.set(key(y), y);
    kept = [];
    for (const x of a) {
      const k = key(x);
      if (removed.has(k)) continue;
      kept.push(changed.get(k) ?? x);
    }
  }
  if (d.order !== undefined) {
    const byKey = new Map<string, T>();
    for (const x of kept) byKey.set(key(x), x);
    for (const [, y] of added) byKey.set(key(y), y);
    if (byKey.size !== d.order.length) throw new DeltaError('list order does not match its items');
    return d.order.map((k) => {
      const v = byKey.get(k);
      if (v === undefined) throw new DeltaError(`list order names an unknown key`);
      return v;
    });
  }
  if (added.length === 0) return kept;
  const out: T[] = [];
  let ki = 0;
  for (const [index, y] of added) {
    if (index < out.length) throw new DeltaError('list insertions are out of order');
    while (out.length < index) {
      if (ki >= kept.length) throw new DeltaError('list insertion index beyond the end');
      out.push(kept[ki++]);
    }
    out.push(y);
  }
  while (ki < kept.length) out.push(kept[ki++]);
  return out;
}

export class DeltaError extends Error {
  constructor(message: string) {
    super(`cannot apply snapshot delta: ${message}`);
    this.name = 'DeltaError';
  }
}

const memberKey = (m: MemberSnapshot): string => m.memberId;
const lagKey = (p: PartitionLag): string => `${p.topic}\u0000${p.partition}`;

/** Same partition, same owner and status, same fields: only offsets may differ. */
function sameLagShape(x: PartitionLag, y: PartitionLag): boolean {
  return (
    x.topic === y.topic &&
    x.partition === y.partition &&
    x.ownerMemberId === y.ownerMemberId &&
    x.belowLogStart === y.belowLogStart &&
    x.status === y.status
  );
}

const LAG_FIELDS = 9;

/**
 * The common case, in O(partitions) with no allocation per partition: the same partitions in the
 * same order, only offsets moving. Returns null when the lists differ in any other way.
 */
function alignedLagDelta(a: GroupLag, b: GroupLag): LagDelta | null {
  const pa = a.partitions;
  const pb = b.partitions;
  if (pa.length !== pb.length) return null;
  const offsets: (number | null)[] = [];
  const replaced: [number, PartitionLag][] = [];
  for (let i = 0; i < pb.length; i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (x.topic !== y.topic || x.partition !== y.partition) return null;
    if (!sameLagShape(x, y) || Object.keys(y).length !== LAG_FIELDS || Object.keys(x).length !== LAG_FIELDS) {
      replaced.push([i, y]);
      continue;
    }
    if (
      x.committedOffset !== y.committedOffset ||
      x.logStartOffset !== y.logStartOffset ||
      x.logEndOffset !== y.logEndOffset ||
      x.lag !== y.lag
    ) {
      offsets.push(i, y.committedOffset, y.logStartOffset, y.logEndOffset, y.lag);
    }
  }
  return {
    totalLag: b.totalLag,
    partitionsWithoutCommit: b.partitionsWithoutCommit,
    status: b.status,
    partitions: {},
    offsets,
    plain: true,
    ...(replaced.length > 0 ? { replaced } : {}),
  };
}

function computeLagDelta(a: GroupLag, b: GroupLag): LagDelta {
  const aligned = alignedLagDelta(a, b);
  if (aligned !== null) return aligned;
  const offsets: (number | null)[] = [];
  const partitions = diffList(a.partitions, b.partitions, lagKey, (x, y, i) => {
    if (!sameLagShape(x, y) || !jsonEqual(Object.keys(x).sort(), Object.keys(y).sort())) return false;
    offsets.push(i, y.committedOffset, y.logStartOffset, y.logEndOffset, y.lag);
    return true;
  });
  // When the whole list is replaced anyway, the offset patches are redundant.
  return {
    totalLag: b.totalLag,
    partitionsWithoutCommit: b.partitionsWithoutCommit,
    status: b.status,
    partitions,
    offsets: partitions.replace !== undefined ? [] : offsets,
  };
}

function applyLagDelta(a: GroupLag, d: LagDelta): GroupLag {
  const partitions = applyListDelta(a.partitions, d.partitions, lagKey);
  if (d.offsets.length % 5 !== 0) throw new DeltaError('lag offsets are not groups of five');
  for (let i = 0; i < d.offsets.length; i += 5) {
    const index = d.offsets[i];
    const committed = d.offsets[i + 1];
    const logStart = d.offsets[i + 2];
    const logEnd = d.offsets[i + 3];
    const lag = d.offsets[i + 4];
    if (typeof index !== 'number' || typeof logStart !== 'number' || typeof logEnd !== 'number') {
      throw new DeltaError('lag offsets are malformed');
    }
    const p = partitions[index];
    if (p === undefined) throw new DeltaError('lag offsets name a partition that does not exist');
    partitions[index] =
      d.plain === true
        ? {
            topic: p.topic,
            partition: p.partition,
            committedOffset: committed ?? null,
            logStartOffset: logStart,
            logEndOffset: logEnd,
            lag: lag ?? null,
            ownerMemberId: p.ownerMemberId,
            belowLogStart: p.belowLogStart,
            status: p.status,
          }
        : {
            ...p,
            committedOffset: committed ?? null,
            logStartOffset: logStart,
            logEndOffset: logEnd,
            lag: lag ?? null,
          };
  }
  for (const [index, p] of d.replaced ?? []) {
    if (partitions[index] === undefined) throw new DeltaError('a replaced lag entry does not exist');
    partitions[index] = p;
  }
  return {
    totalLag: d.totalLag,
    partitionsWithoutCommit: d.partitionsWithoutCommit,
    status: d.status,
    partitions,
  };
}

const PLAIN_LAG_KEYS = [
  'topic',
  'partition',
  'committedOffset',
  'logStartOffset',
  'logEndOffset',
  'lag',
  'ownerMemberId',
  'belowLogStart',
  'status',
] as const;

function isPlainLag(p: PartitionLag): boolean {
  const keys = Object.keys(p);
  if (keys.length !== PLAIN_LAG_KEYS.length) return false;
  for (const k of PLAIN_LAG_KEYS) if (!Object.prototype.hasOwnProperty.call(p, k)) return false;
  return (
    typeof p.topic === 'string' &&
    typeof p.belowLogStart === 'boolean' &&
    (p.ownerMemberId === null || typeof p.ownerMemberId === 'string') &&
    (p.status === null || typeof p.status === 'string')
  );
}

function dictionary(): { readonly values: string[]; code(v: string | null): number } {
  const values: string[] = [];
  const index = new Map<string, number>();
  return {
    values,
    code(v) {
      if (v === null) return -1;
      let i = index.get(v);
      if (i === undefined) {
        i = values.length;
        values.push(v);
        index.set(v, i);
      }
      return i;
    },
  };
}

export function encodeLag(lag: GroupLag): WireLag {
  const { partitions, ...rest } = lag;
  if (!partitions.every(isPlainLag)) return lag;
  const topics = dictionary();
  const owners = dictionary();
  const statuses = dictionary();
  const c = {
    topic: [] as number[],
    partition: [] as number[],
    committed: [] as (number | null)[],
    logStart: [] as number[],
    logEnd: [] as number[],
    lag: [] as (number | null)[],
    owner: [] as number[],
    belowLogStart: [] as number[],
    status: [] as number[],
  };
  for (const p of partitions) {
    c.topic.push(topics.code(p.topic));
    c.partition.push(p.partition);
    c.committed.push(p.committedOffset);
    c.logStart.push(p.logStartOffset);
    c.logEnd.push(p.logEndOffset);
    c.lag.push(p.lag);
    c.owner.push(owners.code(p.ownerMemberId));
    c.belowLogStart.push(p.belowLogStart ? 1 : 0);
    c.status.push(statuses.code(p.status));
  }
  return {
    ...rest,
    columns: { ...c, topics: topics.values, owners: owners.values, statuses: statuses.values },
  };
}

export function decodeLag(w: WireLag): GroupLag {
  if (!('columns' in w)) return w;
  const { columns: c, ...rest } = w;
  const n = c.partition.length;
  for (const col of [c.topic, c.committed, c.logStart, c.logEnd, c.lag, c.owner, c.belowLogStart, c.status]) {
    if (col.length !== n) throw new DeltaError('lag columns differ in length');
  }
  const partitions: PartitionLag[] = new Array<PartitionLag>(n);
  for (let i = 0; i < n; i++) {
    const owner = c.owner[i] ?? -1;
    const status = c.status[i] ?? -1;
    partitions[i] = {
      topic: c.topics[c.topic[i] ?? -1] ?? '',
      partition: c.partition[i] ?? 0,
      committedOffset: c.committed[i] ?? null,
      logStartOffset: c.logStart[i] ?? 0,
      logEndOffset: c.logEnd[i] ?? 0,
      lag: c.lag[i] ?? null,
      ownerMemberId: owner < 0 ? null : (c.owners[owner] ?? null),
      belowLogStart: c.belowLogStart[i] === 1,
      status: status < 0 ? null : ((c.statuses[status] ?? null) as PartitionLag['status']),
    };
  }
  return { ...rest, partitions };
}

export function encodeSnapshot(s: GroupSnapshot): WireSnapshot {
  return { ...s, lag: s.lag === null ? null : encodeLag(s.lag) };
}

export function decodeSnapshot(w: WireSnapshot): GroupSnapshot {
  return { ...w, lag: w.lag === null ? null : decodeLag(w.lag) };
}

/** The delta that turns `a` into `b`: `applyDelta(a, computeDelta(a, b))` equals `b`. */
export function computeDelta(a: GroupSnapshot, b: GroupSnapshot): SnapshotDelta {
  const header: Record<string, unknown> = {};
  let headerChanged = false;
  for (const k of HEADER_KEYS) {
    if (!jsonEqual(a[k], b[k])) {
      header[k] = b[k];
      headerChanged = true;
    }
  }
  const d: { -readonly [K in keyof SnapshotDelta]: SnapshotDelta[K] } = {};
  if (headerChanged) d.header = header;
  if (a.members !== b.members) {
    const members = diffList(a.members, b.members, memberKey);
    if (Object.keys(members).length > 0) d.members = members;
  }
  if (!jsonEqual(a.topics, b.topics)) d.topics = b.topics;
  if (a.lag !== b.lag) {
    if (a.lag === null || b.lag === null) d.lag = { set: b.lag === null ? null : encodeLag(b.lag) };
    else if (!jsonEqual(a.lag, b.lag)) d.lag = { patch: computeLagDelta(a.lag, b.lag) };
  }
  return d;
}

/**
 * Applies a delta. Members, topics and partitions that did not change are shared with `a`
 * (never mutated), so a long history of snapshots costs little memory.
 */
export function applyDelta(a: GroupSnapshot, d: SnapshotDelta): GroupSnapshot {
  const out: Record<string, unknown> = { ...a };
  if (d.header !== undefined) {
    for (const k of HEADER_KEYS) {
      if (Object.prototype.hasOwnProperty.call(d.header, k)) out[k] = d.header[k];
    }
  }
  if (d.members !== undefined) out['members'] = applyListDelta(a.members, d.members, memberKey);
  if (d.topics !== undefined) out['topics'] = d.topics;
  if (d.lag !== undefined) {
    if ('set' in d.lag) out['lag'] = d.lag.set === null ? null : decodeLag(d.lag.set);
    else {
      if (a.lag === null) throw new DeltaError('a lag patch needs lag to patch');
      out['lag'] = applyLagDelta(a.lag, d.lag.patch);
    }
  }
  return out as unknown as GroupSnapshot;
}

/** True when a delta changes nothing. */
export function isEmptyDelta(d: SnapshotDelta): boolean {
  return Object.keys(d).length === 0;
}

/** Expands a chain into its snapshots, continuing from `latest` when the chain has no base. */
export function expandChain(chain: SnapshotChain, latest: GroupSnapshot | null): GroupSnapshot[] {
  const out: GroupSnapshot[] = [];
  const base = chain.base !== null ? decodeSnapshot(chain.base) : null;
  let cur = base ?? latest;
  if (base !== null) out.push(base);
  for (const d of chain.deltas) {
    if (cur === null) throw new DeltaError('a delta arrived before any snapshot');
    cur = applyDelta(cur, d);
    out.push(cur);
  }
  return out;
}

/**
 * Builds the chain a host sends: the snapshots of `history` newer than `lastSent` (all of them
 * when null), at most `maxSnapshots` of them (evenly thinned, always keeping the newest), as
 * deltas from `lastSent` or from a full base.
 */
export function buildChain(
  lastSent: GroupSnapshot | null,
  history: readonly GroupSnapshot[],
  maxSnapshots: number,
): SnapshotChain {
  let fresh: readonly GroupSnapshot[];
  if (lastSent === null) fresh = history;
  else {
    const at = history.lastIndexOf(lastSent);
    if (at >= 0) fresh = history.slice(at + 1);
    else {
      fresh = history.filter((s) => s.timeMs > lastSent.timeMs);
      const latest = history[history.length - 1];
      if (fresh.length === 0 && latest !== undefined && !jsonEqual(latest, lastSent)) fresh = [latest];
    }
  }
  const picked = thin(fresh, Math.max(1, maxSnapshots));
  if (picked.length === 0) return { base: null, deltas: [] };
  const deltas: SnapshotDelta[] = [];
  let prev = lastSent;
  let base: WireSnapshot | null = null;
  for (const s of picked) {
    if (prev === null) base = encodeSnapshot(s);
    else deltas.push(computeDelta(prev, s));
    prev = s;
  }
  return { base, deltas };
}

/**
 * How much history a dashboard keeps and how much of it the first message carries, by group size:
 * every kept snapshot can hold a member and a lag entry per partition, so a 1,000-member,
 * 10,000-partition group keeps fewer snapshots than a small one, and its init stays small enough
 * to paint quickly (older snapshots are not sent; the window fills up from the updates).
 */
export function historyWindow(snapshot: GroupSnapshot | undefined): {
  keep: number;
  init: number;
  chunk: number;
} {
  if (snapshot === undefined) return { keep: 300, init: 30, chunk: 100 };
  let partitions = 0;
  for (const t of snapshot.topics) partitions += t.partitions;
  const cells = snapshot.members.length + Math.max(partitions, snapshot.lag?.partitions.length ?? 0) + 1;
  const keep = Math.max(20, Math.min(300, Math.floor(600_000 / cells)));
  const init = Math.max(2, Math.min(keep, Math.floor(30_000 / cells)));
  const chunk = Math.max(2, Math.min(keep, Math.floor(200_000 / cells)));
  return { keep, init, chunk };
}

function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  for (let i = 0; i < max; i++) {
    const idx = Math.round(((i + 1) * items.length) / max) - 1;
    out.push(items[idx]);
  }
  return out;
}

// ────────────────────────────────────────────────────────────────────────────────────────────────
// Host → webview

export type SourceKindWire = 'simulator' | 'cluster' | 'file';
export type SourceStateWire = 'idle' | 'connecting' | 'running' | 'paused' | 'stale' | 'error';

export interface SourceStatusWire {
  readonly state: SourceStateWire;
  readonly detail: string;
  readonly clockMs: number | null;
  readonly error: string | null;
}

export interface DashboardInit {
  readonly protocolVersion: number;
  readonly groupId: string;
  readonly sourceId: string;
  readonly sourceLabel: string;
  readonly sourceKind: SourceKindWire;
  readonly status: SourceStatusWire;
  /** Past snapshots, oldest first, ending with the latest (base null and no deltas: no data yet). */
  readonly history: SnapshotChain;
  readonly events: readonly GroupEvent[];
  readonly findings: readonly Finding[];
  /** Present when the source is the simulator. */
  readonly controls: SimulatorControlState | null;
  /** How many snapshots and events the webview should keep. */
  readonly window: { readonly snapshots: number; readonly events: number };
  /** Shown instead of the dashboard when the group cannot be shown (source gone, group unknown). */
  readonly unavailable: string | null;
  /**
   * True when the source has snapshots older than `history`. The init carries only a recent few,
   * so the first paint is quick; the webview then asks for the rest with `load-history`.
   */
  readonly moreHistory: boolean;
}

export interface InitMessage {
  readonly type: 'init';
  readonly seq: number;
  readonly init: DashboardInit;
}

export interface UpdateMessage {
  readonly type: 'update';
  /** One more than the previous init/update's seq; a gap means the webview must say `ready` again. */
  readonly seq: number;
  readonly history: SnapshotChain;
  readonly events: readonly GroupEvent[];
  readonly findings?: readonly Finding[];
  readonly status?: SourceStatusWire;
  readonly controls?: SimulatorControlState | null;
  readonly unavailable?: string | null;
}

/** Answers `load-history`: the snapshots just before the webview's oldest, oldest first. */
export interface HistoryMessage {
  readonly type: 'history';
  readonly id: number;
  readonly history: SnapshotChain;
  /** True when there are older snapshots still. */
  readonly more: boolean;
}

export interface ReplyMessage {
  readonly type: 'reply';
  readonly id: number;
  readonly ok: boolean;
  /** Why the request failed or was refused (ok: false), or a short confirmation. */
  readonly message: string | null;
}

export type HostMessage = InitMessage | UpdateMessage | HistoryMessage | ReplyMessage;

function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isChain(v: unknown): v is SnapshotChain {
  return isRecord(v) && (v['base'] === null || isRecord(v['base'])) && Array.isArray(v['deltas']);
}

/** Host messages are trusted; these guards only make sure the webview reads what it expects. */
export function isInitMessage(m: unknown): m is InitMessage {
  if (!isRecord(m) || m['type'] !== 'init' || typeof m['seq'] !== 'number') return false;
  const init = m['init'];
  return (
    isRecord(init) &&
    init['protocolVersion'] === PROTOCOL_VERSION &&
    typeof init['groupId'] === 'string' &&
    isChain(init['history']) &&
    Array.isArray(init['events']) &&
    Array.isArray(init['findings'])
  );
}

export function isUpdateMessage(m: unknown): m is UpdateMessage {
  return (
    isRecord(m) &&
    m['type'] === 'update' &&
    typeof m['seq'] === 'number' &&
    isChain(m['history']) &&
    Array.isArray(m['events'])
  );
}

export function isHistoryMessage(m: unknown): m is HistoryMessage {
  return (
    isRecord(m) &&
    m['type'] === 'history' &&
    typeof m['id'] === 'number' &&
    isChain(m['history']) &&
    typeof m['more'] === 'boolean'
  );
}

export function isReplyMessage(m: unknown): m is ReplyMessage {
  return isRecord(m) && m['type'] === 'reply' && typeof m['id'] === 'number' && typeof m['ok'] === 'boolean';
}

// ────────────────────────────────────────────────────────────────────────────────────────────────
// Webview → host (untrusted)

export type DashboardTab = 'reconciliation' | 'assignment' | 'lag' | 'diagnostics';
export const DASHBOARD_TABS: readonly DashboardTab[] = ['reconciliation', 'assignment', 'lag', 'diagnostics'];

export interface ReadyMessage {
  readonly type: 'ready';
  readonly protocolVersion: number;
}

/** The scrubber moved: `timeMs` of the snapshot shown, or null when following live. */
export interface SelectTimeMessage {
  readonly type: 'select-time';
  readonly timeMs: number | null;
}

export interface ControlRequest {
  readonly type: 'control';
  readonly id: number;
  readonly command: SimulatorCommand;
}

/** Save the snapshot at `timeMs` (or the latest when null) to a JSON file the user picks. */
export interface ExportSnapshotRequest {
  readonly type: 'export-snapshot';
  readonly id: number;
  readonly timeMs: number | null;
}

export type DetailsTarget =
  | { readonly kind: 'member'; readonly memberId: string }
  | { readonly kind: 'partition'; readonly topic: string; readonly partition: number };

/** Show a member's or partition's full details (as of `timeMs`, or the latest when null). */
export interface OpenDetailsRequest {
  readonly type: 'open-details';
  readonly id: number;
  readonly target: DetailsTarget;
  readonly timeMs: number | null;
}

/** Asks for up to `max` snapshots older than `beforeTimeMs` (answered by a `history` message). */
export interface LoadHistoryRequest {
  readonly type: 'load-history';
  readonly id: number;
  readonly beforeTimeMs: number;
  readonly max: number;
}

export type WebviewRequest = ControlRequest | ExportSnapshotRequest | OpenDetailsRequest | LoadHistoryRequest;
export type WebviewMessage = ReadyMessage | SelectTimeMessage | WebviewRequest;
export type WebviewMessageType = WebviewMessage['type'];

/** What the webview keeps in `setState`; VS Code hands it to the serializer after a reload. */
export interface PersistedDashboardState {
  readonly v: 1;
  readonly groupId: string;
  readonly sourceId: string;
  readonly tab: DashboardTab;
  /** The scrubbed time, or null when following live. */
  readonly timeMs: number | null;
  readonly filter: string;
}

// Validation toolkit. Each check is exact: no extra keys, no coercion.

function hasExactKeys(o: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  if (own.length !== keys.length) return false;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= LIMITS.idLength && !CONTROL_CHARS.test(v);
}

function isKafkaName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= LIMITS.kafkaNameLength && KAFKA_NAME.test(v);
}

function isShortName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= LIMITS.nameLength && KAFKA_NAME.test(v);
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isTime(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= LIMITS.timeMs);
}

function isProtocol(v: unknown): v is GroupProtocol {
  return v === 'consumer' || v === 'classic';
}

function isRequestId(v: unknown): v is number {
  return isIntIn(v, 1, LIMITS.requestId);
}

/** Validates a simulator command from the webview. */
export function isSimulatorCommand(v: unknown): v is SimulatorCommand {
  if (!isRecord(v)) return false;
  switch (v['kind']) {
    case 'play':
    case 'pause':
    case 'step':
      return hasExactKeys(v, ['kind']);
    case 'set-speed':
      return (
        hasExactKeys(v, ['kind', 'speed']) && isIntIn(v['speed'], MIN_SIMULATOR_SPEED, MAX_SIMULATOR_SPEED)
      );
    case 'choose-scenario':
      return hasExactKeys(v, ['kind', 'scenarioId']) && isShortName(v['scenarioId']);
    case 'add-member':
      return (
        hasExactKeys(v, ['kind', 'groupId', 'protocol', 'assignor', 'instanceId']) &&
        isId(v['groupId']) &&
        isProtocol(v['protocol']) &&
        (v['assignor'] === null || isShortName(v['assignor'])) &&
        (v['instanceId'] === null || isKafkaName(v['instanceId']))
      );
    case 'crash-member':
    case 'restart-static-member':
      return hasExactKeys(v, ['kind', 'groupId', 'memberId']) && isId(v['groupId']) && isId(v['memberId']);
    case 'slow-member':
      return (
        hasExactKeys(v, ['kind', 'groupId', 'memberId', 'delayMs']) &&
        isId(v['groupId']) &&
        isId(v['memberId']) &&
        isIntIn(v['delayMs'], 0, LIMITS.slowDelayMs)
      );
    case 'add-partitions':
      return (
        hasExactKeys(v, ['kind', 'topic', 'count']) &&
        isKafkaName(v['topic']) &&
        isIntIn(v['count'], 1, LIMITS.addPartitions)
      );
    case 'change-subscription': {
      const topics = v['topics'];
      return (
        hasExactKeys(v, ['kind', 'groupId', 'memberId', 'topics']) &&
        isId(v['groupId']) &&
        isId(v['memberId']) &&
        Array.isArray(topics) &&
        topics.length <= LIMITS.subscriptionTopics &&
        topics.every(isKafkaName) &&
        new Set(topics).size === topics.length
      );
    }
    case 'switch-protocol':
      return (
        hasExactKeys(v, ['kind', 'variant']) &&
        typeof v['variant'] === 'string' &&
        (SIMULATOR_VARIANTS as readonly string[]).includes(v['variant'])
      );
    default:
      return false;
  }
}

export function isReadyMessage(m: unknown): m is ReadyMessage {
  return (
    isRecord(m) &&
    hasExactKeys(m, ['type', 'protocolVersion']) &&
    m['type'] === 'ready' &&
    isIntIn(m['protocolVersion'], 0, 1_000_000)
  );
}

export function isSelectTimeMessage(m: unknown): m is SelectTimeMessage {
  return (
    isRecord(m) && hasExactKeys(m, ['type', 'timeMs']) && m['type'] === 'select-time' && isTime(m['timeMs'])
  );
}

export function isControlRequest(m: unknown): m is ControlRequest {
  return (
    isRecord(m) &&
    hasExactKeys(m, ['type', 'id', 'command']) &&
    m['type'] === 'control' &&
    isRequestId(m['id']) &&
    isSimulatorCommand(m['command'])
  );
}

export function isExportSnapshotRequest(m: unknown): m is ExportSnapshotRequest {
  return (
    isRecord(m) &&
    hasExactKeys(m, ['type', 'id', 'timeMs']) &&
    m['type'] === 'export-snapshot' &&
    isRequestId(m['id']) &&
    isTime(m['timeMs'])
  );
}

function isDetailsTarget(v: unknown): v is DetailsTarget {
  if (!isRecord(v)) return false;
  if (v['kind'] === 'member') return hasExactKeys(v, ['kind', 'memberId']) && isId(v['memberId']);
  if (v['kind'] === 'partition') {
    return (
      hasExactKeys(v, ['kind', 'topic', 'partition']) &&
      isKafkaName(v['topic']) &&
      isIntIn(v['partition'], 0, LIMITS.partition)
    );
  }
  return false;
}

export function isOpenDetailsRequest(m: unknown): m is OpenDetailsRequest {
  return (
    isRecord(m) &&
    hasExactKeys(m, ['type', 'id', 'target', 'timeMs']) &&
    m['type'] === 'open-details' &&
    isRequestId(m['id']) &&
    isDetailsTarget(m['target']) &&
    isTime(m['timeMs'])
  );
}

export function isLoadHistoryRequest(m: unknown): m is LoadHistoryRequest {
  return (
    isRecord(m) &&
    hasExactKeys(m, ['type', 'id', 'beforeTimeMs', 'max']) &&
    m['type'] === 'load-history' &&
    isRequestId(m['id']) &&
    m['beforeTimeMs'] !== null &&
    isTime(m['beforeTimeMs']) &&
    isIntIn(m['max'], 1, LIMITS.historyChunk)
  );
}

export type ParseResult =
  | { readonly ok: true; readonly message: WebviewMessage }
  | { readonly ok: false; readonly error: string; readonly id: number | null };

/**
 * The host's only way to read a message from the webview. `id` is returned on failure when the
 * message at least carried a valid request id, so the host can answer the request with an error.
 */
export function parseWebviewMessage(m: unknown): ParseResult {
  if (isReadyMessage(m) || isSelectTimeMessage(m) || isControlRequest(m)) return { ok: true, message: m };
  if (isExportSnapshotRequest(m) || isOpenDetailsRequest(m) || isLoadHistoryRequest(m))
    return { ok: true, message: m };
  const id = isRecord(m) && isRequestId(m['id']) ? m['id'] : null;
  const type = isRecord(m) && typeof m['type'] === 'string' ? m['type'].slice(0, 40) : null;
  return {
    ok: false,
    id,
    error:
      type === null
        ? 'message is not an object with a type'
        : `malformed or unknown message ${JSON.stringify(type)}`,
  };
}

export function isPersistedDashboardState(v: unknown): v is PersistedDashboardState {
  return (
    isRecord(v) &&
    hasExactKeys(v, ['v', 'groupId', 'sourceId', 'tab', 'timeMs', 'filter']) &&
    v['v'] === 1 &&
    isId(v['groupId']) &&
    isId(v['sourceId']) &&
    typeof v['tab'] === 'string' &&
    (DASHBOARD_TABS as readonly string[]).includes(v['tab']) &&
    isTime(v['timeMs']) &&
    typeof v['filter'] === 'string' &&
    v['filter'].length <= LIMITS.filterLength
  );
}

// Re-exported so the webview needs only this module for the types it receives.
export type { Finding, FindingEvidence, GroupEvent, GroupSnapshot, SimulatorCommand, SimulatorControlState };

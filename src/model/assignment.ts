/**
 * Partition assignments keyed by topic name. Partition lists are sorted ascending and contain no
 * duplicates; topics with no partitions are omitted. Every helper here returns a normalised value,
 * so two equal assignments are also equal as JSON.
 */
export type Assignment = Readonly<Record<string, readonly number[]>>;

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export const EMPTY_ASSIGNMENT: Assignment = Object.freeze({});

/** Builds a normalised assignment from any topic → partitions mapping (iterables are accepted). */
export function assignmentOf(
  entries: Iterable<readonly [string, Iterable<number>]> | Readonly<Record<string, Iterable<number>>>,
): Assignment {
  const pairs: Iterable<readonly [string, Iterable<number>]> =
    Symbol.iterator in entries ? entries : Object.entries(entries as Record<string, Iterable<number>>);
  const out = new Map<string, Set<number>>();
  for (const [topic, parts] of pairs) {
    let set = out.get(topic);
    for (const p of parts) {
      if (set === undefined) {
        set = new Set<number>();
        out.set(topic, set);
      }
      set.add(p);
    }
  }
  return fromMap(out);
}

function fromMap(map: ReadonlyMap<string, ReadonlySet<number> | readonly number[]>): Assignment {
  const topics = [...map.keys()].sort();
  const result: Record<string, number[]> = {};
  for (const t of topics) {
    const parts = [...(map.get(t) ?? [])].sort((a, b) => a - b);
    if (parts.length > 0) result[t] = parts;
  }
  return result;
}

export function assignmentFromPartitions(partitions: Iterable<TopicPartition>): Assignment {
  const map = new Map<string, Set<number>>();
  for (const { topic, partition } of partitions) {
    let set = map.get(topic);
    if (set === undefined) {
      set = new Set<number>();
      map.set(topic, set);
    }
    set.add(partition);
  }
  return fromMap(map);
}

export function toPartitions(a: Assignment): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const topic of Object.keys(a).sort()) {
    for (const partition of a[topic] ?? []) out.push({ topic, partition });
  }
  return out;
}

export function partitionCount(a: Assignment): number {
  let n = 0;
  for (const parts of Object.values(a)) n += parts.length;
  return n;
}

export function isEmptyAssignment(a: Assignment): boolean {
  for (const parts of Object.values(a)) if (parts.length > 0) return false;
  return true;
}

export function hasPartition(a: Assignment, topic: string, partition: number): boolean {
  const parts = a[topic];
  if (parts === undefined) return false;
  // Sorted: binary search keeps this cheap for large assignments.
  let lo = 0;
  let hi = parts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = parts[mid];
    if (v === partition) return true;
    if (v < partition) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function unionAssignments(...as: readonly Assignment[]): Assignment {
  const map = new Map<string, Set<number>>();
  for (const a of as) {
    for (const [t, parts] of Object.entries(a)) {
      let set = map.get(t);
      if (set === undefined) {
        set = new Set<number>();
        map.set(t, set);
      }
      for (const p of parts) set.add(p);
    }
  }
  return fromMap(map);
}

/** Partitions in `a` that are not in `b`. */
export function subtractAssignment(a: Assignment, b: Assignment): Assignment {
  const map = new Map<string, number[]>();
  for (const [t, parts] of Object.entries(a)) {
    const other = b[t];
    if (other === undefined || other.length === 0) {
      map.set(t, [...parts]);
      continue;
    }
    const drop = new Set(other);
    map.set(
      t,
      parts.filter((p) => !drop.has(p)),
    );
  }
  return fromMap(map);
}

/** Partitions present in both `a` and `b`. */
export function intersectAssignments(a: Assignment, b: Assignment): Assignment {
  const map = new Map<string, number[]>();
  for (const [t, parts] of Object.entries(a)) {
    const other = b[t];
    if (other === undefined) continue;
    const keep = new Set(other);
    map.set(
      t,
      parts.filter((p) => keep.has(p)),
    );
  }
  return fromMap(map);
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  const ka = Object.keys(a).filter((k) => (a[k]?.length ?? 0) > 0);
  const kb = Object.keys(b).filter((k) => (b[k]?.length ?? 0) > 0);
  if (ka.length !== kb.length) return false;
  for (const t of ka) {
    const pa = a[t];
    const pb = b[t];
    if (pb === undefined || pa.length !== pb.length) return false;
    const sa = [...pa].sort((x, y) => x - y);
    const sb = [...pb].sort((x, y) => x - y);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return false;
  }
  return true;
}

/** Kafka's CLI style: `orders:0,1,2;payments:4`. Empty assignments print as `-`. */
export function formatAssignment(a: Assignment): string {
  const topics = Object.keys(a).sort();
  if (topics.length === 0) return '-';
  return topics.map((t) => `${t}:${(a[t] ?? []).join(',')}`).join(';');
}

export function formatPartition(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

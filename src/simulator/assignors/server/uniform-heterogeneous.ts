/**
 * Kafka's UniformHeterogeneousAssignmentBuilder (KAFKA-17710 rework), for groups whose members
 * subscribe to different topics. Steps: keep each member's previous target restricted to its
 * subscriptions; give unowned partitions, topic by topic, to the least loaded subscribers; then
 * move partitions from the most to the least loaded subscribers of each topic, for at most 16
 * passes over the topics. Topics are handled in a fixed order (most partitions per subscriber
 * first, then fewest subscribers, then topic id), members are ranked by (load, index), so only
 * the member index order depends on Java's HashMap iteration.
 */
import { capacityFor } from '../../java/hash-order-sim';
import { compareUuidStrings } from '../../java/uuid';
import {
  PartitionAssignorError,
  type GroupAssignment,
  type GroupSpec,
  type OrderingMode,
  type SubscribedTopicDescriber,
  type TopicId,
} from '../api';
import { AssignmentTable } from '../assignment-view';
import { orderedMembers, TopicTable, unchangedOutput } from './common';
import { EditLog } from './edit-log';

const MAX_ITERATION_COUNT = 16;

/** The builder's state: topics numbered 0…T-1, members 0…M-1, partitions in typed arrays. */
interface State {
  readonly numPartitions: Int32Array;
  /** Topic t's partition owners are owners[base[t] + p], -1 for none. */
  readonly base: Int32Array;
  readonly owners: Int32Array;
  /** Topic t's subscribers (ascending member index) are subscribers[subStart[t] … subStart[t + 1]). */
  readonly subStart: Int32Array;
  readonly subscribers: Int32Array;
  readonly sizes: Int32Array;
  /** Exact mode: Kafka's edits; canonical mode: null, and `changed` marks the members to rebuild. */
  readonly log: EditLog | null;
  readonly changed: Uint8Array;
  /** Exact mode: the capacity of a topic's new HashSet in a member's assignment. */
  readonly setCapacity: Int32Array;
}

export function assignUniformHeterogeneous(
  spec: GroupSpec,
  describer: SubscribedTopicDescriber,
  ordering: OrderingMode,
): GroupAssignment {
  const { ids: memberIds, specs } = orderedMembers(spec, ordering);
  const memberCount = memberIds.length;
  const result: GroupAssignment = new Map();
  if (memberCount === 0) return result;

  // Topics in the order first subscribed, each subscription as topic numbers (shared sets once).
  const table = new TopicTable();
  let counts = new Int32Array(64);
  const memberTopics = new Array<Int32Array>(memberCount);
  const bySubscription = new Map<ReadonlySet<TopicId>, Int32Array>();
  for (let i = 0; i < memberCount; i++) {
    const subs = specs[i].subscribedTopicIds;
    let list = bySubscription.get(subs);
    if (list === undefined) {
      list = new Int32Array(subs.size);
      let k = 0;
      for (const id of subs) {
        let t = table.indexOf(id);
        if (t === undefined) {
          const n = describer.numPartitions(id);
          if (n === -1) {
            throw new PartitionAssignorError(
              `Members are subscribed to topic ${id} which doesn't exist in the topic metadata.`,
            );
          }
          t = table.intern(id);
          if (t >= counts.length) {
            const c = new Int32Array(counts.length * 2);
            c.set(counts);
            counts = c;
          }
          counts[t] = n;
        }
        list[k++] = t;
      }
      bySubscription.set(subs, list);
    }
    memberTopics[i] = list;
  }
  const topicCount = table.size;
  if (topicCount === 0) return result;
  const numPartitions = counts.slice(0, topicCount);

  const subStart = new Int32Array(topicCount + 1);
  for (let i = 0; i < memberCount; i++) for (const t of memberTopics[i]) subStart[t + 1]++;
  for (let t = 0; t < topicCount; t++) subStart[t + 1] += subStart[t];
  const subscribers = new Int32Array(subStart[topicCount]);
  const fill = subStart.slice(0, topicCount);
  for (let i = 0; i < memberCount; i++) for (const t of memberTopics[i]) subscribers[fill[t]++] = i;
  const base = new Int32Array(topicCount + 1);
  for (let t = 0; t < topicCount; t++) base[t + 1] = base[t] + numPartitions[t];
  const owners = new Int32Array(base[topicCount]).fill(-1);

  const exact = ordering === 'exact';
  const setCapacity = new Int32Array(exact ? topicCount : 0);
  if (exact) {
    for (let t = 0; t < topicCount; t++) {
      const subscriberCount = subStart[t + 1] - subStart[t];
      const estimate = Math.trunc((numPartitions[t] + subscriberCount - 1) / subscriberCount);
      setCapacity[t] = capacityFor(estimate);
    }
  }
  const state: State = {
    numPartitions,
    base,
    owners,
    subStart,
    subscribers,
    sizes: new Int32Array(memberCount),
    log: exact ? new EditLog(memberCount, table, base[topicCount]) : null,
    changed: new Uint8Array(memberCount),
    setCapacity,
  };
  const { sizes, log, changed } = state;

  // 1. Keep the previous target, restricted to each member's subscriptions.
  for (let i = 0; i < memberCount; i++) {
    const old = specs[i].assignment;
    if (old.size === 0) continue;
    const subs = specs[i].subscribedTopicIds;
    for (const [id, ps] of old) {
      if (subs.has(id)) {
        sizes[i] += ps.size;
        const t = table.indexOf(id) as number;
        const n = numPartitions[t];
        const b = base[t];
        for (const p of ps) {
          if (!(p >= 0 && p < n)) {
            throw new PartitionAssignorError(
              `Member ${memberIds[i]} is assigned partition ${p} of topic ${id}, which has ${n} partitions.`,
            );
          }
          owners[b + p] = i;
        }
      } else if (log !== null) log.removeTopic(i, table.intern(id));
      else changed[i] = 1;
    }
  }

  const compareTopics = (a: number, b: number): number => {
    const sa = subStart[a + 1] - subStart[a];
    const sb = subStart[b + 1] - subStart[b];
    const ra = numPartitions[a] / sa;
    const rb = numPartitions[b] / sb;
    if (ra !== rb) return rb < ra ? -1 : 1;
    if (sa !== sb) return sa - sb;
    return compareUuidStrings(table.ids[a], table.ids[b]);
  };

  const balancer = new Balancer(sizes);

  // 2. Unowned partitions go to the least loaded subscribers, topic by topic.
  const withUnassigned: number[] = [];
  for (let t = 0; t < topicCount; t++) {
    const end = base[t + 1];
    for (let k = base[t]; k < end; k++) {
      if (owners[k] === -1) {
        withUnassigned.push(t);
        break;
      }
    }
  }
  withUnassigned.sort(compareTopics);
  for (const t of withUnassigned) {
    balancer.initialize(subscribers, subStart[t], subStart[t + 1]);
    const b = base[t];
    for (let p = 0; p < numPartitions[t]; p++) {
      if (owners[b + p] === -1) assignPartition(state, t, p, balancer.nextLeastLoaded());
    }
  }

  // 3. Balance topics with two or more subscribers.
  const balanceable: number[] = [];
  for (let t = 0; t < topicCount; t++) if (subStart[t + 1] - subStart[t] >= 2) balanceable.push(t);
  balanceable.sort(compareTopics);
  if (balanceable.length > 0) {
    let maxPartitions = 0;
    for (const t of balanceable) maxPartitions = Math.max(maxPartitions, numPartitions[t]);
    const scratch: BalanceScratch = {
      start: new Int32Array(memberCount),
      end: new Int32Array(memberCount).fill(-1), // -1: the member owns none of this topic
      order: new Int32Array(maxPartitions),
      touched: new Int32Array(Math.min(memberCount, maxPartitions)),
    };
    let lastRebalanced = -1;
    outer: for (let pass = 0; pass < MAX_ITERATION_COUNT; pass++) {
      for (let k = 0; k < balanceable.length; k++) {
        if (k === lastRebalanced) break outer;
        const moved = balanceTopic(state, balanceable[k], balancer, scratch);
        if (moved > 0 || lastRebalanced === -1) lastRebalanced = k;
      }
    }
  }

  if (log === null) return canonicalOutputs(state, table, memberIds, specs, result);
  const out = new AssignmentTable(table.ids, new Int32Array(base[topicCount]), 0, base[topicCount]);
  for (let i = 0; i < memberCount; i++) {
    const old = specs[i].assignment;
    result.set(memberIds[i], log.isCopied(i) ? log.output(i, old, out) : unchangedOutput(old));
  }
  return result;
}

/** Moves partition p of topic t to member `to` (from its owner, if any). */
function assignPartition(state: State, t: number, p: number, to: number): void {
  const k = state.base[t] + p;
  const from = state.owners[k];
  const log = state.log;
  if (from !== -1) {
    if (log !== null) log.removePartition(from, t, p);
    else state.changed[from] = 1;
    state.sizes[from]--;
  }
  if (log !== null) log.addPartition(to, t, p, state.setCapacity[t]);
  else state.changed[to] = 1;
  state.owners[k] = to;
  state.sizes[to]++;
}

/**
 * Canonical outputs: members that changed get their partitions topic by topic (sorted by id),
 * ascending, as views of one array filled by a counting sort on the owner; the others keep theirs.
 */
function canonicalOutputs(
  state: State,
  table: TopicTable,
  memberIds: readonly string[],
  specs: readonly { readonly assignment: ReadonlyMap<TopicId, ReadonlySet<number>> }[],
  result: GroupAssignment,
): GroupAssignment {
  const { owners, base, numPartitions, changed } = state;
  const memberCount = memberIds.length;
  const topicCount = numPartitions.length;
  const sortedTopics = Array.from({ length: topicCount }, (_, t) => t).sort((a, b) =>
    table.ids[a] < table.ids[b] ? -1 : table.ids[a] > table.ids[b] ? 1 : 0,
  );
  const start = new Int32Array(memberCount + 1);
  for (let k = 0; k < owners.length; k++) {
    const o = owners[k];
    if (o >= 0 && changed[o] === 1) start[o + 1]++;
  }
  for (let i = 0; i < memberCount; i++) start[i + 1] += start[i];
  const partitions = new Int32Array(start[memberCount]);
  const topicOf = new Int32Array(start[memberCount]);
  const fill = start.slice(0, memberCount);
  for (const t of sortedTopics) {
    const b = base[t];
    for (let p = 0; p < numPartitions[t]; p++) {
      const o = owners[b + p];
      if (o < 0 || changed[o] === 0) continue;
      const at = fill[o]++;
      partitions[at] = p;
      topicOf[at] = t;
    }
  }
  const out = new AssignmentTable(table.ids, partitions);
  for (let i = 0; i < memberCount; i++) {
    if (changed[i] === 0) {
      result.set(memberIds[i], unchangedOutput(specs[i].assignment));
      continue;
    }
    const first = out.count;
    const end = start[i + 1];
    for (let k = start[i]; k < end;) {
      const t = topicOf[k];
      let e = k + 1;
      while (e < end && topicOf[e] === t) e++;
      out.add(t, k, e);
      k = e;
    }
    result.set(memberIds[i], out.view(first));
  }
  return result;
}

interface BalanceScratch {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly order: Int32Array;
  readonly touched: Int32Array;
}

function balanceTopic(state: State, t: number, balancer: Balancer, scratch: BalanceScratch): number {
  // Kafka sorts the subscribers first, but only to find them balanced most of the time.
  const { subscribers, sizes } = state;
  const from = state.subStart[t];
  const to = state.subStart[t + 1];
  let min = sizes[subscribers[from]];
  let max = min;
  for (let k = from + 1; k < to; k++) {
    const size = sizes[subscribers[k]];
    if (size < min) min = size;
    else if (size > max) max = size;
  }
  if (max - min <= 1) return 0;
  balancer.initialize(subscribers, from, to);
  const n = state.numPartitions[t];
  const owners = state.owners;
  const b = state.base[t];
  const { start, end, order, touched } = scratch;
  // Partitions sorted by (owner, partition): a counting sort by owner (partitions ascending within).
  let distinct = 0;
  for (let p = 0; p < n; p++) {
    const o = owners[b + p];
    if (end[o] === -1) {
      end[o] = 0;
      touched[distinct++] = o;
    }
    end[o]++; // the count, for now
  }
  const sortedOwners = touched.subarray(0, distinct).sort();
  let offset = 0;
  for (let k = 0; k < distinct; k++) {
    const o = sortedOwners[k];
    start[o] = offset;
    offset += end[o];
    end[o] = start[o]; // the next free slot while placing
  }
  for (let p = 0; p < n; p++) order[end[owners[b + p]]++] = p;
  let moved = 0;
  while (!balancer.isBalanced()) {
    let most: number;
    for (;;) {
      most = balancer.nextMostLoaded();
      if (most === -1) break;
      if (end[most] === -1 || end[most] - start[most] <= 0) {
        balancer.excludeMostLoaded();
        continue;
      }
      break;
    }
    if (most === -1) break;
    const p = order[end[most] - 1];
    end[most]--;
    const least = balancer.nextLeastLoaded();
    if (balancer.isBalanced()) break;
    assignPartition(state, t, p, least);
    moved++;
  }
  for (let k = 0; k < distinct; k++) end[touched[k]] = -1;
  return moved;
}

/**
 * Kafka's MemberAssignmentBalancer: subscribers sorted once by (load, index); hands out the next
 * least loaded and next most loaded member while tracking the load ranges, without re-sorting.
 */
class Balancer {
  private sorted: Int32Array = new Int32Array(0);
  private keys: Float64Array = new Float64Array(0);
  private counts: Int32Array = new Int32Array(0);
  private len = 0;
  private llEnd = 0;
  private llCount = -1;
  private nextLL = 0;
  private mlStart = 0;
  private mlEnd = 0;
  private mlCount = 1;
  private nextML = -1;

  constructor(private readonly sizes: Int32Array) {}

  /** Sorts members[from, to). */
  initialize(list: Int32Array, from: number, to: number): number {
    const sizes = this.sizes;
    const members = list.subarray(from, to);
    const len = (this.len = members.length);
    if (this.sorted.length < len) {
      this.sorted = new Int32Array(Math.max(len, this.sorted.length * 2));
      this.keys = new Float64Array(this.sorted.length);
    }
    const view = this.sorted.subarray(0, len);
    // Sort by (size, index). Subscriber lists are in ascending index order, so a stable counting
    // sort by size does it when the sizes span a small range; otherwise sort size · 2^21 + index.
    let min = Infinity;
    let max = -Infinity;
    let ascending = true;
    for (let i = 0; i < len; i++) {
      const sz = sizes[members[i]];
      if (sz < min) min = sz;
      if (sz > max) max = sz;
      if (i > 0 && members[i] <= members[i - 1]) ascending = false;
    }
    const range = max - min + 1;
    if (ascending && range <= 4 * len + 64) {
      if (this.counts.length < range + 1)
        this.counts = new Int32Array(Math.max(range + 1, this.counts.length * 2));
      const counts = this.counts;
      counts.fill(0, 0, range + 1);
      for (let i = 0; i < len; i++) counts[sizes[members[i]] - min + 1]++;
      for (let b = 0; b < range; b++) counts[b + 1] += counts[b];
      for (let i = 0; i < len; i++) view[counts[sizes[members[i]] - min]++] = members[i];
    } else {
      const keys = this.keys.subarray(0, len);
      for (let i = 0; i < len; i++) keys[i] = sizes[members[i]] * 2097152 + members[i];
      keys.sort();
      for (let i = 0; i < len; i++) view[i] = keys[i] % 2097152;
    }
    this.llEnd = 0;
    this.llCount = sizes[view[0]] - 1;
    this.nextLL = 0;
    this.mlStart = this.len;
    this.mlEnd = this.len;
    this.mlCount = sizes[view[this.len - 1]] + 1;
    this.nextML = this.len - 1;
    return sizes[view[this.len - 1]] - sizes[view[0]];
  }

  nextLeastLoaded(): number {
    const sizes = this.sizes;
    const sorted = this.sorted;
    if (this.nextLL >= this.llEnd) {
      this.llCount++;
      while (this.llEnd < this.len && sizes[sorted[this.llEnd]] === this.llCount) this.llEnd++;
      this.nextLL = 0;
    }
    return sorted[this.nextLL++];
  }

  nextMostLoaded(): number {
    const sizes = this.sizes;
    const sorted = this.sorted;
    if (this.nextML < this.mlStart) {
      if (this.mlEnd <= this.mlStart && this.mlStart > 0) this.mlCount = sizes[sorted[this.mlStart - 1]];
      else this.mlCount--;
      while (this.mlStart > 0 && sizes[sorted[this.mlStart - 1]] === this.mlCount) this.mlStart--;
      this.nextML = this.mlEnd - 1;
    }
    if (this.nextML < 0) return -1;
    return sorted[this.nextML--];
  }

  excludeMostLoaded(): void {
    const sorted = this.sorted;
    const m = sorted[this.nextML + 1];
    sorted[this.nextML + 1] = sorted[this.mlEnd - 1];
    sorted[this.mlEnd - 1] = m;
    this.mlEnd--;
  }

  isBalanced(): boolean {
    return this.mlCount - this.llCount <= 1;
  }
}

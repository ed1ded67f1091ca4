/**
 * Kafka's UniformHeterogeneousAssignmentBuilder (KAFKA-17710 rework), for groups whose members
 * subscribe to different topics. Steps: keep each member's previous target restricted to its
 * subscriptions; give unowned partitions, topic by topic, to the least loaded subscribers; then
 * move partitions from the most to the least loaded subscribers of each topic, for at most 16
 * passes over the topics. Topics are handled in a fixed order (most partitions per subscriber
 * first, then fewest subscribers, then topic id), members are ranked by (load, index), so only
 * the member index order depends on Java's HashMap iteration.
 */
import { compareUuidStrings } from '../../java/uuid';
import {
  PartitionAssignorError,
  type GroupAssignment,
  type GroupSpec,
  type MemberAssignment,
  type OrderingMode,
  type SubscribedTopicDescriber,
  type TopicId,
} from '../api';
import { PartitionSet } from '../partition-set';
import {
  compareStrings,
  editableCopy,
  memberIdOrder,
  unchangedOutput,
  type AssignmentEditor,
  type ReadonlyAssignment,
} from './common';

const MAX_ITERATION_COUNT = 16;
const EMPTY: ReadonlyAssignment = new Map();

interface TopicState {
  readonly id: TopicId;
  readonly numPartitions: number;
  readonly subscribers: number[];
  readonly owners: Int32Array;
}

export function assignUniformHeterogeneous(
  spec: GroupSpec,
  describer: SubscribedTopicDescriber,
  ordering: OrderingMode,
): GroupAssignment {
  const memberIds = memberIdOrder(spec, ordering);
  const memberCount = memberIds.length;
  const result: GroupAssignment = new Map();
  if (memberCount === 0) return result;

  const topics = new Map<TopicId, TopicState>();
  const olds: ReadonlyAssignment[] = new Array<ReadonlyAssignment>(memberCount);
  const subscriptions: ReadonlySet<TopicId>[] = new Array<ReadonlySet<TopicId>>(memberCount);
  for (let i = 0; i < memberCount; i++) {
    const member = spec.members.get(memberIds[i]);
    olds[i] = member?.assignment ?? EMPTY;
    subscriptions[i] = member?.subscribedTopicIds ?? new Set();
    for (const t of subscriptions[i]) {
      let state = topics.get(t);
      if (state === undefined) {
        const n = describer.numPartitions(t);
        if (n === -1) {
          throw new PartitionAssignorError(
            `Members are subscribed to topic ${t} which doesn't exist in the topic metadata.`,
          );
        }
        state = { id: t, numPartitions: n, subscribers: [], owners: new Int32Array(n).fill(-1) };
        topics.set(t, state);
      }
      state.subscribers.push(i);
    }
  }
  if (topics.size === 0) return result;

  const sizes = new Int32Array(memberCount);
  const edits: (AssignmentEditor | undefined)[] = new Array<AssignmentEditor | undefined>(memberCount);

  // 1. Keep the previous target, restricted to each member's subscriptions.
  for (let i = 0; i < memberCount; i++) {
    const old = olds[i];
    for (const [t, ps] of old) {
      if (subscriptions[i].has(t)) {
        sizes[i] += ps.size;
        const owners = (topics.get(t) as TopicState).owners;
        for (const p of ps) {
          if (p < 0 || p >= owners.length) {
            throw new PartitionAssignorError(
              `Member ${memberIds[i]} is assigned partition ${p} of topic ${t}, which has ${owners.length} partitions.`,
            );
          }
          owners[p] = i;
        }
      } else {
        const edit = (edits[i] ??= editableCopy(old, ordering));
        edit.removeTopic(t);
      }
    }
  }

  // Exact mode replays Kafka's edits to list the result in Java's order; canonical mode only
  // notes who changed and rebuilds their assignments from the owners at the end.
  const exact = ordering === 'exact';
  const changed = new Uint8Array(memberCount);
  const editorOf = (i: number): AssignmentEditor => (edits[i] ??= editableCopy(olds[i], ordering));
  const assignPartition = (topic: TopicState, p: number, to: number): void => {
    const from = topic.owners[p];
    if (from !== -1) {
      if (exact) editorOf(from).removePartition(topic.id, p);
      else changed[from] = 1;
      sizes[from]--;
    }
    if (exact) {
      const subscriberCount = topic.subscribers.length;
      const estimate = Math.trunc((topic.numPartitions + subscriberCount - 1) / subscriberCount);
      editorOf(to).addPartition(topic.id, p, Math.trunc(Math.fround(Math.fround(estimate / 0.75) + 1)));
    } else changed[to] = 1;
    topic.owners[p] = to;
    sizes[to]++;
  };

  const compareTopics = (a: TopicState, b: TopicState): number => {
    const ra = a.numPartitions / a.subscribers.length;
    const rb = b.numPartitions / b.subscribers.length;
    if (ra !== rb) return rb < ra ? -1 : 1;
    if (a.subscribers.length !== b.subscribers.length) return a.subscribers.length - b.subscribers.length;
    return compareUuidStrings(a.id, b.id);
  };

  const balancer = new Balancer(sizes);

  // 2. Unowned partitions go to the least loaded subscribers, topic by topic.
  const withUnassigned = [...topics.values()].filter((t) => t.owners.includes(-1)).sort(compareTopics);
  for (const topic of withUnassigned) {
    balancer.initialize(topic.subscribers);
    for (let p = 0; p < topic.numPartitions; p++) {
      if (topic.owners[p] === -1) assignPartition(topic, p, balancer.nextLeastLoaded());
    }
  }

  // 3. Balance topics with two or more subscribers.
  const balanceable = [...topics.values()].filter((t) => t.subscribers.length >= 2).sort(compareTopics);
  if (balanceable.length > 0) {
    const start = new Int32Array(memberCount);
    const end = new Int32Array(memberCount).fill(-1); // -1: the member owns none of this topic
    let lastRebalanced = -1;
    outer: for (let pass = 0; pass < MAX_ITERATION_COUNT; pass++) {
      for (let k = 0; k < balanceable.length; k++) {
        if (k === lastRebalanced) break outer;
        const moved = balanceTopic(balanceable[k], balancer, start, end, assignPartition);
        if (moved > 0 || lastRebalanced === -1) lastRebalanced = k;
      }
    }
  }

  if (!exact) {
    // Members that changed: their partitions, topic by topic (sorted), ascending.
    for (let i = 0; i < memberCount; i++) if (edits[i] !== undefined) changed[i] = 1;
    const outs = new Array<Map<TopicId, number[]> | undefined>(memberCount);
    for (const topic of [...topics.values()].sort((a, b) => compareStrings(a.id, b.id))) {
      const owners = topic.owners;
      for (let p = 0; p < owners.length; p++) {
        const o = owners[p];
        if (o < 0 || changed[o] === 0) continue;
        const m = (outs[o] ??= new Map<TopicId, number[]>());
        let list = m.get(topic.id);
        if (list === undefined) m.set(topic.id, (list = []));
        list.push(p);
      }
    }
    for (let i = 0; i < memberCount; i++) {
      if (changed[i] === 0) {
        result.set(memberIds[i], unchangedOutput(olds[i]));
        continue;
      }
      const out: MemberAssignment = new Map();
      for (const [t, ps] of outs[i] ?? []) out.set(t, PartitionSet.of(ps));
      result.set(memberIds[i], out);
    }
    return result;
  }
  for (let i = 0; i < memberCount; i++) {
    const edit = edits[i];
    result.set(memberIds[i], edit !== undefined ? edit.toOutput() : unchangedOutput(olds[i]));
  }
  return result;
}

function balanceTopic(
  topic: TopicState,
  balancer: Balancer,
  start: Int32Array,
  end: Int32Array,
  assignPartition: (topic: TopicState, p: number, to: number) => void,
): number {
  if (balancer.initialize(topic.subscribers) <= 1) return 0;
  const n = topic.numPartitions;
  const owners = topic.owners;
  // Partitions sorted by (owner, partition): a counting sort by owner (partitions ascending within).
  const touched: number[] = [];
  for (let p = 0; p < n; p++) {
    const o = owners[p];
    if (end[o] === -1) {
      end[o] = 0;
      touched.push(o);
    }
    end[o]++; // the count, for now
  }
  const distinct = Int32Array.from(touched).sort();
  let offset = 0;
  for (const o of distinct) {
    start[o] = offset;
    offset += end[o];
    end[o] = start[o]; // the next free slot while placing
  }
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) order[end[owners[p]]++] = p;
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
    assignPartition(topic, p, least);
    moved++;
  }
  for (const o of touched) end[o] = -1;
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

  initialize(members: readonly number[]): number {
    const sizes = this.sizes;
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

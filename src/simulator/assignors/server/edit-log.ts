/**
 * Kafka's builders edit a member's assignment on a deep copy of it (`AssignorHelpers
 * .deepCopyAssignment`, then `remove` of topics and partitions and `computeIfAbsent(topic, new
 * HashSet<>(capacity)).add(partition)`); the `exact` output lists the result in the iteration
 * order those Java collections end with. The log records the edits of all members in typed arrays
 * as the builder makes them, and works out each edited member's output at the end with
 * HashOrderSim: no collection per member and topic while the builder runs, and one
 * AssignmentView per member after. A member whose collections would grow a tree bin is replayed
 * on the full Java collections model (JavaAssignment) instead.
 */
import { copyCapacity, DEFAULT_CAPACITY, HashOrderSim, spreadInt } from '../../java/hash-order-sim';
import type { MemberAssignment } from '../api';
import type { AssignmentTable } from '../assignment-view';
import { JavaAssignment, type ReadonlyAssignment, type TopicTable } from './common';

const EMPTY = new Int32Array(0);
const ADD = 0;
const REMOVE_PARTITION = 1;
const REMOVE_TOPIC = 2;

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Scratch of EditLog.output, shared by all logs (an output is worked out in one call): per topic
 * number, stamped with the generation of the member being listed.
 */
const scratch = {
  topicSim: new HashOrderSim(),
  setSim: new HashOrderSim(),
  gen: 0,
  stamp: new Int32Array(64),
  inOld: new Int32Array(64),
  chainHead: new Int32Array(64),
  chainTail: new Int32Array(64),
  setFrom: new Int32Array(64),
  setTo: new Int32Array(64),
  keys: new Int32Array(64),
  topicOrder: new Int32Array(64),
  touched: new Int32Array(64),
};

/**
 * The log's arrays, shared by all logs: an assign call builds one log and is done with it before
 * the next call starts (the latest log owns them; an older one refuses to be read).
 */
const buffers = {
  owner: null as EditLog | null,
  member: new Int32Array(256),
  topic: new Int32Array(256),
  partition: new Int32Array(256),
  capacity: new Int32Array(256),
  kind: new Uint8Array(256),
  copied: new Uint8Array(256),
  rows: new Int32Array(256),
  memberStart: new Int32Array(257),
  next: new Int32Array(256),
  empties: new Uint8Array(256),
};

export class EditLog {
  // One row per edit, in the order the builder made them.
  private member: Int32Array;
  private topic: Int32Array;
  private partition: Int32Array;
  /** ADD: the new set's initial capacity (DEFAULT_CAPACITY: `new HashSet<>()`); else the kind. */
  private capacity: Int32Array;
  private kind: Uint8Array;
  private count = 0;
  private readonly copied: Uint8Array;

  // Built by seal(): the rows of each member, in order, and per row its successor on its topic.
  private rows = EMPTY;
  private memberStart = EMPTY;
  private next = EMPTY;
  private empties = new Uint8Array(0);
  private sealed = false;

  /** `expectedEdits`: room to make up front. */
  constructor(
    private readonly memberCount: number,
    private readonly topics: TopicTable,
    expectedEdits = 0,
  ) {
    const b = buffers;
    b.owner = this;
    if (b.copied.length < memberCount) b.copied = new Uint8Array(Math.max(memberCount, b.copied.length * 2));
    else b.copied.fill(0, 0, memberCount);
    this.copied = b.copied;
    this.member = b.member;
    this.topic = b.topic;
    this.partition = b.partition;
    this.capacity = b.capacity;
    this.kind = b.kind;
    if (expectedEdits > this.member.length) this.allocate(expectedEdits);
  }

  private allocate(n: number): void {
    const b = buffers;
    this.member = b.member = grow(this.member, n);
    this.topic = b.topic = grow(this.topic, n);
    this.partition = b.partition = grow(this.partition, n);
    this.capacity = b.capacity = grow(this.capacity, n);
    const k = new Uint8Array(this.member.length);
    k.set(this.kind);
    this.kind = b.kind = k;
  }

  /** True once the member's assignment was copied (it has an output of its own). */
  isCopied(m: number): boolean {
    return this.copied[m] === 1;
  }

  /** `deepCopyAssignment` without edits (yet). */
  copy(m: number): void {
    this.copied[m] = 1;
  }

  /** `assignment.remove(topic)`. */
  removeTopic(m: number, t: number): void {
    this.push(m, t, 0, REMOVE_TOPIC, REMOVE_TOPIC);
  }

  /** `set.remove(partition)`, and the topic with it when the set becomes empty. */
  removePartition(m: number, t: number, p: number): void {
    this.push(m, t, p, REMOVE_PARTITION, REMOVE_PARTITION);
  }

  /** `computeIfAbsent(topic, __ -> new HashSet<>(initialCapacity)).add(partition)`. */
  addPartition(m: number, t: number, p: number, initialCapacity: number = DEFAULT_CAPACITY): void {
    this.push(m, t, p, ADD, initialCapacity);
  }

  private push(m: number, t: number, p: number, kind: number, capacity: number): void {
    const i = this.count;
    if (i === this.member.length) this.allocate(i + 1);
    this.member[i] = m;
    this.topic[i] = t;
    this.partition[i] = p;
    this.capacity[i] = capacity;
    this.kind[i] = kind;
    this.count = i + 1;
    this.copied[m] = 1;
  }

  /** Groups the rows by member (a stable counting sort); no edits after this. */
  private seal(): void {
    this.sealed = true;
    const b = buffers;
    const members = this.memberCount;
    const count = this.count;
    if (b.memberStart.length < members + 1)
      b.memberStart = new Int32Array(Math.max(members + 1, 2 * b.memberStart.length));
    if (b.rows.length < count) {
      const n = Math.max(count, 2 * b.rows.length);
      b.rows = new Int32Array(n);
      b.next = new Int32Array(n);
      b.empties = new Uint8Array(n);
    }
    const start = b.memberStart;
    start.fill(0, 0, members + 1);
    for (let i = 0; i < count; i++) start[this.member[i] + 1]++;
    for (let m = 0; m < members; m++) start[m + 1] += start[m];
    // Place each row at the end of its member's run, walking backwards (keeps the order).
    const rows = b.rows;
    for (let i = count - 1; i >= 0; i--) rows[--start[this.member[i] + 1]] = i;
    // start[m + 1] is now where member m's rows begin: shift back to start[m].
    for (let m = 0; m < members; m++) start[m] = start[m + 1];
    start[members] = count;
    this.rows = rows;
    this.memberStart = start;
    this.next = b.next;
    this.empties = b.empties;
  }

  /** Member m's assignment after its edits (it must have been copied), in Java's order. */
  output(m: number, old: ReadonlyAssignment, out: AssignmentTable): MemberAssignment {
    if (buffers.owner !== this) throw new Error('internal: an EditLog was read after another one was made');
    if (!this.sealed) this.seal();
    return this.fastOutput(m, old, out) ?? this.slowOutput(m, old);
  }

  /** The replay on the full model, for the rare member whose collections grow a tree bin. */
  private slowOutput(m: number, old: ReadonlyAssignment): MemberAssignment {
    const edit = JavaAssignment.deepCopy(old);
    const ids = this.topics.ids;
    for (let r = this.memberStart[m]; r < this.memberStart[m + 1]; r++) {
      const i = this.rows[r];
      const t = ids[this.topic[i]];
      if (this.kind[i] === REMOVE_TOPIC) edit.removeTopic(t);
      else if (this.kind[i] === REMOVE_PARTITION) edit.removePartition(t, this.partition[i]);
      else {
        const c = this.capacity[i];
        edit.addPartition(t, this.partition[i], c === DEFAULT_CAPACITY ? undefined : c);
      }
    }
    return edit.toOutput();
  }

  private fastOutput(m: number, old: ReadonlyAssignment, out: AssignmentTable): MemberAssignment | null {
    const topics = this.topics;
    const sc = scratch;
    // Old topics first (interning may number new ones), then scratch sized to the table.
    const oldCount = old.size;
    if (sc.keys.length < oldCount) sc.keys = grow(sc.keys, oldCount);
    let k = 0;
    if (oldCount > 0) for (const t of old.keys()) sc.keys[k++] = topics.intern(t);
    const topicCount = topics.size;
    if (sc.stamp.length < topicCount) growTopicScratch(topicCount);
    const gen = ++sc.gen;
    const { stamp, inOld, chainHead, chainTail, setFrom, setTo, topicSim, setSim } = sc;

    // The old map's order: Collectors.toMap put the topics in record order into a new HashMap<>().
    let oldOrder: Int32Array | null = null;
    if (oldCount > 0) {
      topicSim.begin(DEFAULT_CAPACITY);
      for (let j = 0; j < oldCount; j++) topicSim.put(sc.keys[j], topics.hash(sc.keys[j]));
      oldOrder = new Int32Array(oldCount);
      if (topicSim.finish(oldOrder, 0) < 0) return null;
      for (let j = 0; j < oldCount; j++) inOld[oldOrder[j]] = gen;
    }

    // Each topic's rows, chained in order.
    const from = this.memberStart[m];
    const to = this.memberStart[m + 1];
    if (sc.touched.length < to - from) sc.touched = grow(sc.touched, to - from);
    const touched = sc.touched;
    let touchedCount = 0;
    for (let r = from; r < to; r++) {
      const i = this.rows[r];
      const t = this.topic[i];
      this.next[i] = -1;
      this.empties[i] = 0;
      if (stamp[t] !== gen) {
        stamp[t] = gen;
        chainHead[t] = i;
        if (inOld[t] !== gen) touched[touchedCount++] = t;
      } else this.next[chainTail[t]] = i;
      chainTail[t] = i;
    }

    // Each topic's partition set: the copy of the old set (if any), then its rows.
    const ids = topics.ids;
    for (let j = 0; j < oldCount + touchedCount; j++) {
      const t = j < oldCount ? (oldOrder as Int32Array)[j] : touched[j - oldCount];
      let present = false;
      if (j < oldCount) {
        // new HashSet<>(old set): the old set's Java order is that of new HashSet<>(record list).
        const ps = old.get(ids[t]) as ReadonlySet<number>;
        const cap = copyCapacity(ps.size);
        setSim.begin(cap);
        for (const p of ps) setSim.put(p, spreadInt(p));
        if (sc.keys.length < ps.size) sc.keys = grow(sc.keys, ps.size);
        const n = setSim.finish(sc.keys, 0);
        if (n < 0) return null;
        setSim.begin(cap);
        for (let q = 0; q < n; q++) setSim.put(sc.keys[q], spreadInt(sc.keys[q]));
        present = true;
      }
      if (!present && stamp[t] === gen && this.next[chainHead[t]] === -1 && this.kind[chainHead[t]] === ADD) {
        // One partition added to a new set: nothing to order.
        const d = out.reserve(1);
        d[out.used] = this.partition[chainHead[t]];
        setFrom[t] = out.used;
        setTo[t] = ++out.used;
        continue;
      }
      if (stamp[t] === gen) {
        for (let i = chainHead[t]; i !== -1; i = this.next[i]) {
          const kind = this.kind[i];
          if (kind === ADD) {
            if (!present) {
              setSim.begin(this.capacity[i]);
              present = true;
            }
            const p = this.partition[i];
            setSim.put(p, spreadInt(p));
          } else if (kind === REMOVE_PARTITION) {
            if (!present) continue;
            setSim.remove(this.partition[i]);
            if (setSim.size === 0) {
              present = false;
              this.empties[i] = 1;
            }
          } else present = false;
        }
      }
      if (present) {
        const data = out.reserve(setSim.size);
        const n = setSim.finish(data, out.used);
        if (n < 0) return null;
        setFrom[t] = out.used;
        setTo[t] = out.used += n;
      } else setTo[t] = -1;
    }

    // The map: new HashMap<>(old.size()) filled in the old order, then the rows.
    topicSim.begin(oldCount);
    if (oldOrder !== null)
      for (let j = 0; j < oldCount; j++) topicSim.put(oldOrder[j], topics.hash(oldOrder[j]));
    for (let r = from; r < to; r++) {
      const i = this.rows[r];
      const t = this.topic[i];
      const kind = this.kind[i];
      if (kind === ADD) topicSim.computeIfAbsent(t, topics.hash(t));
      else if (kind === REMOVE_TOPIC || this.empties[i] === 1) topicSim.remove(t);
    }
    const size = topicSim.size;
    if (sc.topicOrder.length < size) sc.topicOrder = grow(sc.topicOrder, size);
    const order = sc.topicOrder;
    if (topicSim.finish(order, 0) < 0) return null;
    const first = out.count;
    for (let j = 0; j < size; j++) {
      const t = order[j];
      if (setTo[t] < 0) throw new Error(`internal: topic ${ids[t]} is in the map without a partition set`);
      out.add(t, setFrom[t], setTo[t]);
    }
    return out.view(first);
  }
}

function growTopicScratch(n: number): void {
  scratch.stamp = grow(scratch.stamp, n);
  scratch.inOld = grow(scratch.inOld, n);
  scratch.chainHead = grow(scratch.chainHead, n);
  scratch.chainTail = grow(scratch.chainTail, n);
  scratch.setFrom = grow(scratch.setFrom, n);
  scratch.setTo = grow(scratch.setTo, n);
}

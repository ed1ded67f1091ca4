/**
 * Kafka's sticky assignors ("sticky", eager; "cooperative-sticky", cooperative and eager), after
 * clients/.../internals/AbstractStickyAssignor.java, without rack awareness (the leader here knows
 * no replica racks, so Kafka would not use it either).
 *
 * Previous ownership comes from each member's subscription: for "sticky" from its user data (the
 * last assignment it received and that generation), for "cooperative-sticky" from the owned
 * partitions and generation fields. When two members claim one partition, the higher generation
 * wins and equal generations invalidate the claim. If every member subscribes to the same topics
 * the constrained builder runs (quota based), otherwise the general one (assign to the least
 * loaded, then move partitions while that improves the balance). "cooperative-sticky" then
 * withholds every partition that changes owner, so it is first revoked by its old owner.
 */
import type { TopicPartition } from '../../../model';
import { JavaHashMap, JavaHashSet } from '../../java/hashmap';
import { JAVA_STRING, JAVA_TOPIC_PARTITION } from '../../java/keys';
import type { ClientAssignor, ClientAssignorOptions, ClientSubscription, OrderingMode } from '../api';
import { compareStrings, leaderView, type LeaderView, type WireSubscription } from './common';

const DEFAULT_GENERATION = -1;

/** Kafka raised IllegalStateException or a NullPointerException inside the assignor. */
export class StickyAssignorFailure extends Error {
  override readonly name: string = 'StickyAssignorFailure';
}

/**
 * Kafka's assignor would never return: on some inputs (heterogeneous subscriptions) the balancing
 * loop of `AbstractStickyAssignor.performReassignments` moves partitions and moves them back in
 * every pass, for ever — Kafka 4.3.1's own assignor spins on the same input. The simulator stops
 * after a few such passes and says so instead of hanging.
 */
export class StickyAssignorLoop extends StickyAssignorFailure {
  override readonly name: string = 'StickyAssignorLoop';
}

/** Passes in a row that end where they began (and still moved partitions) before giving up. */
const LOOP_PASSES = 20;

type Kind = 'sticky' | 'cooperative-sticky';

interface MemberData {
  readonly partitions: readonly TopicPartition[];
  /** null: Optional.empty(). */
  readonly generation: number | null;
}

/** Interns TopicPartition objects so that identity is equality. */
class Partitions {
  private readonly table = new Map<string, TopicPartition>();

  of(topic: string, partition: number): TopicPartition {
    const key = `${partition}|${topic}`;
    let tp = this.table.get(key);
    if (tp === undefined) {
      tp = { topic, partition };
      this.table.set(key, tp);
    }
    return tp;
  }

  intern(tp: TopicPartition): TopicPartition {
    return this.of(tp.topic, tp.partition);
  }
}

/** The members' previous partitions as the assignor decodes them. */
function memberData(kind: Kind, m: WireSubscription, parts: Partitions, ordering: OrderingMode): MemberData {
  if (kind === 'cooperative-sticky') {
    // Subscription v2+: owned partitions and generation fields (a member without a generation
    // still sends the assignor's user data, which encodes -1).
    return { partitions: m.ownedPartitions.map((tp) => parts.intern(tp)), generation: m.generationId };
  }
  if (!m.hasGeneration) return { partitions: [], generation: null }; // no user data yet
  // The user data groups the last assignment by topic through a HashMap (computeIfAbsent).
  const groups = ordering === 'exact' ? new JavaHashMap<string, number[]>(JAVA_STRING) : null;
  const plain = new Map<string, number[]>();
  for (const tp of m.ownedAsHeld) {
    if (groups !== null) groups.computeIfAbsent(tp.topic, () => []).push(tp.partition);
    else {
      let list = plain.get(tp.topic);
      if (list === undefined) plain.set(tp.topic, (list = []));
      list.push(tp.partition);
    }
  }
  const entries =
    groups !== null
      ? [...groups]
      : [...plain]
          .sort((a, b) => compareStrings(a[0], b[0]))
          .map(([t, ps]) => [t, ps.slice().sort((x, y) => x - y)] as [string, number[]]);
  const partitions: TopicPartition[] = [];
  for (const [t, ps] of entries) for (const p of ps) partitions.push(parts.of(t, p));
  return { partitions, generation: m.generationId };
}

function removeFirst<T>(list: T[], x: T): boolean {
  const i = list.indexOf(x);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

export interface StickyResult {
  readonly assignment: Map<string, TopicPartition[]>;
  /** Partitions that change owner (cooperative-sticky withholds them). */
  readonly transferring: Map<TopicPartition, string>;
}

export function assignSticky(
  kind: Kind,
  partitionsPerTopic: ReadonlyMap<string, number>,
  subscriptions: ReadonlyMap<string, ClientSubscription>,
  ordering: OrderingMode,
): StickyResult {
  const view = leaderView(partitionsPerTopic, subscriptions, ordering);
  const parts = new Partitions();
  const consumerToOwned = new Map<string, TopicPartition[]>();
  const multiOwned = new Set<TopicPartition>();
  let maxGeneration = DEFAULT_GENERATION;

  // allSubscriptionsEqual, which also collects the valid owned partitions.
  let allEqual = true;
  const firstTopics = new Set<string>();
  const previousOwner = new Map<TopicPartition, string>();
  let first = true;
  for (const m of view.members) {
    // Kafka compares against the first non-empty subscription, so a member subscribed to nothing
    // that is iterated first does not make the group "unequal", and the constrained builder then
    // hands it partitions. Exact mode keeps that; canonical mode compares properly.
    const takeAsReference = ordering === 'exact' ? firstTopics.size === 0 : first;
    first = false;
    if (takeAsReference) for (const t of m.topics) firstTopics.add(t);
    else if (
      allEqual &&
      !(m.topics.length === firstTopics.size && m.topics.every((t) => firstTopics.has(t)))
    ) {
      allEqual = false;
    }
    const data = memberData(kind, m, parts, ordering);
    const generation = data.generation ?? DEFAULT_GENERATION;
    maxGeneration = Math.max(maxGeneration, generation);
    const owned: TopicPartition[] = [];
    consumerToOwned.set(m.memberId, owned);
    for (const tp of data.partitions) {
      if (!view.partitionCount.has(tp.topic)) continue;
      const other = previousOwner.get(tp);
      if (other === undefined) {
        owned.push(tp);
        previousOwner.set(tp, m.memberId);
        continue;
      }
      const otherGeneration = (view.byId.get(other) as WireSubscription).generationId;
      if (generation === otherGeneration) {
        multiOwned.add(tp);
        removeFirst(consumerToOwned.get(other) as TopicPartition[], tp);
        previousOwner.set(tp, m.memberId);
      } else if (generation > otherGeneration) {
        owned.push(tp);
        removeFirst(consumerToOwned.get(other) as TopicPartition[], tp);
        previousOwner.set(tp, m.memberId);
      }
    }
  }

  if (allEqual) {
    return constrained(view, parts, consumerToOwned, multiOwned);
  }
  const assignment = new GeneralBuilder(view, parts, consumerToOwned, kind, ordering, maxGeneration).build();
  return { assignment, transferring: computeTransferring(view, assignment) };
}

/** All partitions of `topics` (in that order), each topic's partitions ascending. */
function allPartitions(view: LeaderView, parts: Partitions, topics: readonly string[]): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const t of topics) {
    const n = view.partitionCount.get(t) as number;
    for (let p = 0; p < n; p++) out.push(parts.of(t, p));
  }
  return out;
}

function constrained(
  view: LeaderView,
  parts: Partitions,
  current: Map<string, TopicPartition[]>,
  multiOwned: ReadonlySet<TopicPartition>,
): StickyResult {
  let total = 0;
  for (const n of view.partitionCount.values()) total += n;
  const consumers = current.size;
  const transferring = new Map<TopicPartition, string>();
  const assignment = new Map<string, TopicPartition[]>();
  for (const c of current.keys()) assignment.set(c, []);
  if (consumers === 0) return { assignment, transferring };
  const minQuota = Math.floor(total / consumers);
  const maxQuota = Math.ceil(total / consumers);
  const expectedOverMin = total % consumers;
  let currentOverMin = 0;
  const maybeRevoked = new Map<TopicPartition, string>();
  let underMin: string[] = [];
  let exactlyMin: string[] = [];
  const assigned = new Set<TopicPartition>();

  for (const [consumer, ownedList] of current) {
    const owned = ownedList
      .slice()
      .sort((a, b) => a.partition - b.partition || compareStrings(a.topic, b.topic))
      .filter((tp) => !multiOwned.has(tp));
    const target = assignment.get(consumer) as TopicPartition[];
    if (owned.length < minQuota) {
      for (const tp of owned) {
        target.push(tp);
        assigned.add(tp);
      }
      underMin.push(consumer);
    } else if (owned.length >= maxQuota && currentOverMin < expectedOverMin) {
      currentOverMin++;
      if (currentOverMin === expectedOverMin) exactlyMin = [];
      for (let i = 0; i < owned.length; i++) {
        if (i < maxQuota) {
          target.push(owned[i]);
          assigned.add(owned[i]);
        } else maybeRevoked.set(owned[i], consumer);
      }
    } else {
      for (let i = 0; i < owned.length; i++) {
        if (i < minQuota) {
          target.push(owned[i]);
          assigned.add(owned[i]);
        } else maybeRevoked.set(owned[i], consumer);
      }
      if (currentOverMin < expectedOverMin) exactlyMin.push(consumer);
    }
  }

  const sortedTopics = [...view.partitionCount.keys()].sort(compareStrings);
  const unassigned = allPartitions(view, parts, sortedTopics).filter((tp) => !assigned.has(tp));
  underMin = underMin.sort(compareStrings);
  exactlyMin = exactlyMin.sort(compareStrings);

  const assignNew = (tp: TopicPartition, consumer: string): number => {
    const list = assignment.get(consumer) as TopicPartition[];
    list.push(tp);
    const previous = maybeRevoked.get(tp);
    if ((previous !== undefined && previous !== consumer) || multiOwned.has(tp))
      transferring.set(tp, consumer);
    return list.length;
  };

  // A LinkedList iterator over underMin: `cursor` is the next index, `last` the last returned.
  let cursor = 0;
  let last = -1;
  for (const tp of unassigned) {
    let consumer: string;
    if (cursor < underMin.length) {
      last = cursor;
      consumer = underMin[cursor++];
    } else if (underMin.length === 0 && exactlyMin.length === 0) {
      throw new StickyAssignorFailure('No more unfilled consumers to be assigned.');
    } else if (underMin.length === 0) {
      consumer = exactlyMin.shift() as string;
    } else {
      cursor = 0;
      last = cursor;
      consumer = underMin[cursor++];
    }
    const count = assignNew(tp, consumer);
    if (count === minQuota) {
      if (last < 0) throw new StickyAssignorFailure('IllegalStateException (iterator remove)');
      underMin.splice(last, 1);
      cursor = last;
      last = -1;
      exactlyMin.push(consumer);
    } else if (count === maxQuota) {
      currentOverMin++;
    }
  }

  if (underMin.length > 0) {
    if (currentOverMin !== expectedOverMin) {
      throw new StickyAssignorFailure(
        "We haven't reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned",
      );
    }
    for (const m of underMin) {
      if ((assignment.get(m) as TopicPartition[]).length !== minQuota) {
        throw new StickyAssignorFailure(
          `Consumer: [${m}] doesn't reach minQuota partitions, and no more partitions to be assigned`,
        );
      }
    }
  }
  return { assignment, transferring };
}

/** `TreeSet<String>` ordered by (assignment size, member id), sizes read at each operation. */
class SortedConsumers {
  readonly items: string[] = [];

  constructor(private readonly sizeOf: (consumer: string) => number) {}

  private compare(a: string, b: string): number {
    return this.sizeOf(a) - this.sizeOf(b) || compareStrings(a, b);
  }

  private search(c: string): [number, boolean] {
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = this.compare(this.items[mid], c);
      if (cmp === 0) return [mid, true];
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return [lo, false];
  }

  add(c: string): void {
    const [i, found] = this.search(c);
    if (!found) this.items.splice(i, 0, c);
  }

  remove(c: string): void {
    const [i, found] = this.search(c);
    if (found) this.items.splice(i, 1);
  }

  first(): string {
    return this.items[0];
  }

  last(): string {
    return this.items[this.items.length - 1];
  }
}

interface Move {
  readonly src: string;
  readonly dst: string;
}

/** A set of partitions whose first element is Java's HashSet iteration order (exact) or insertion order. */
interface FirstSet {
  add(tp: TopicPartition): void;
  delete(tp: TopicPartition): void;
  readonly size: number;
  first(): TopicPartition;
}

function newFirstSet(ordering: OrderingMode): FirstSet {
  if (ordering === 'exact') {
    const s = new JavaHashSet<TopicPartition>(JAVA_TOPIC_PARTITION);
    return {
      add: (tp) => void s.add(tp),
      delete: (tp) => void s.delete(tp),
      get size() {
        return s.size;
      },
      first: () => s.map.keys().next().value as TopicPartition,
    };
  }
  const s = new Set<TopicPartition>();
  return {
    add: (tp) => void s.add(tp),
    delete: (tp) => void s.delete(tp),
    get size() {
      return s.size;
    },
    first: () => s.values().next().value as TopicPartition,
  };
}

/** PartitionMovements: which partitions moved between which members, to avoid moving back and forth. */
class PartitionMovements {
  private readonly byTopic = new Map<string, Map<string, FirstSet>>();
  private readonly moves = new Map<TopicPartition, Move>();

  constructor(private readonly ordering: OrderingMode) {}

  private static key(src: string, dst: string): string {
    return `${src}\u0000${dst}`;
  }

  private removeRecord(tp: TopicPartition): Move {
    const move = this.moves.get(tp) as Move;
    this.moves.delete(tp);
    const topicMoves = this.byTopic.get(tp.topic) as Map<string, FirstSet>;
    const key = PartitionMovements.key(move.src, move.dst);
    const set = topicMoves.get(key) as FirstSet;
    set.delete(tp);
    if (set.size === 0) topicMoves.delete(key);
    if (topicMoves.size === 0) this.byTopic.delete(tp.topic);
    return move;
  }

  private addRecord(tp: TopicPartition, move: Move): void {
    this.moves.set(tp, move);
    let topicMoves = this.byTopic.get(tp.topic);
    if (topicMoves === undefined) this.byTopic.set(tp.topic, (topicMoves = new Map<string, FirstSet>()));
    const key = PartitionMovements.key(move.src, move.dst);
    let set = topicMoves.get(key);
    if (set === undefined) topicMoves.set(key, (set = newFirstSet(this.ordering)));
    set.add(tp);
  }

  movePartition(tp: TopicPartition, oldConsumer: string, newConsumer: string): void {
    if (this.moves.has(tp)) {
      const existing = this.removeRecord(tp);
      if (existing.src !== newConsumer) this.addRecord(tp, { src: existing.src, dst: newConsumer });
    } else {
      this.addRecord(tp, { src: oldConsumer, dst: newConsumer });
    }
  }

  /** The recorded movements, for telling whether a pass changed anything. */
  signature(): string {
    const out: string[] = [];
    for (const [tp, m] of this.moves)
      out.push(`${tp.topic}\u0000${tp.partition}\u0000${m.src}\u0000${m.dst}`);
    return out.sort().join('\u0001');
  }

  actualPartitionToMove(tp: TopicPartition, oldConsumer: string, newConsumer: string): TopicPartition {
    const topicMoves = this.byTopic.get(tp.topic);
    if (topicMoves === undefined) return tp;
    const moved = this.moves.get(tp);
    const from = moved !== undefined ? moved.src : oldConsumer;
    const reverse = topicMoves.get(PartitionMovements.key(newConsumer, from));
    return reverse === undefined ? tp : reverse.first();
  }
}

class GeneralBuilder {
  private readonly topicConsumers = new Map<string, string[]>();
  private readonly consumerTopics = new Map<string, string[]>();
  private readonly partitionConsumer = new Map<TopicPartition, string>();
  private sortedAllPartitions: TopicPartition[];
  private readonly sorted: SortedConsumers;
  private readonly movements: PartitionMovements;
  private readonly total: number;
  private revocationRequired = false;

  constructor(
    private readonly view: LeaderView,
    private readonly parts: Partitions,
    private current: Map<string, TopicPartition[]>,
    private readonly kind: Kind,
    private readonly ordering: OrderingMode,
    private readonly maxGeneration: number,
  ) {
    let total = 0;
    for (const t of view.topics) {
      this.topicConsumers.set(t, []);
      total += view.partitionCount.get(t) as number;
    }
    this.total = total;
    for (const m of view.members) {
      const topics: string[] = [];
      this.consumerTopics.set(m.memberId, topics);
      for (const t of m.topics) {
        const list = this.topicConsumers.get(t);
        if (list === undefined) continue;
        topics.push(t);
        list.push(m.memberId);
      }
      if (!current.has(m.memberId)) current.set(m.memberId, []);
    }
    for (const [c, list] of current) for (const tp of list) this.partitionConsumer.set(tp, c);
    const sortedTopics = [...this.topicConsumers.keys()].sort(
      (a, b) =>
        (this.topicConsumers.get(a) as string[]).length - (this.topicConsumers.get(b) as string[]).length ||
        compareStrings(a, b),
    );
    this.sortedAllPartitions = allPartitions(view, parts, sortedTopics);
    this.sorted = new SortedConsumers((c) => this.list(c).length);
    this.movements = new PartitionMovements(ordering);
  }

  /** `currentAssignment.get(c)`; Java would throw a NullPointerException for an absent member. */
  private list(c: string | undefined): TopicPartition[] {
    const l = c === undefined ? undefined : this.current.get(c);
    if (l === undefined)
      throw new StickyAssignorFailure(
        'NullPointerException: a member is missing from the current assignment',
      );
    return l;
  }

  build(): Map<string, TopicPartition[]> {
    const previous = new Map<TopicPartition, { consumer: string; generation: number }>();
    for (const m of this.view.members) {
      const data = memberData(this.kind, m, this.parts, this.ordering);
      const update = (generation: number): void => {
        for (const tp of data.partitions) {
          const p = previous.get(tp);
          if (p === undefined || generation > p.generation)
            previous.set(tp, { consumer: m.memberId, generation });
        }
      };
      if (data.generation !== null && data.generation < this.maxGeneration) update(data.generation);
      else if (data.generation === null && this.maxGeneration > DEFAULT_GENERATION)
        update(DEFAULT_GENERATION);
    }

    const assigned: TopicPartition[] = [];
    for (const [c, list] of this.current) {
      const subscription = this.view.byId.get(c) as WireSubscription;
      for (let i = 0; i < list.length;) {
        const tp = list[i];
        if (!this.topicConsumers.has(tp.topic)) {
          list.splice(i, 1);
          this.partitionConsumer.delete(tp);
        } else if (!subscription.topicSet.has(tp.topic)) {
          list.splice(i, 1);
          this.revocationRequired = true;
        } else {
          assigned.push(tp);
          i++;
        }
      }
    }

    let unassigned: TopicPartition[];
    if (assigned.length === 0) unassigned = this.sortedAllPartitions;
    else {
      const taken = new Set(assigned);
      unassigned = this.sortedAllPartitions.filter((tp) => !taken.has(tp));
    }
    for (const c of this.current.keys()) this.sorted.add(c);
    this.balance(previous, unassigned);
    return this.current;
  }

  private maxAssignmentSize(topics: readonly string[]): number {
    if (topics.length === this.view.partitionCount.size) return this.total;
    let n = 0;
    for (const t of topics) n += this.view.partitionCount.get(t) as number;
    return n;
  }

  private isBalanced(): boolean {
    const min = this.list(this.sorted.first()).length;
    const max = this.list(this.sorted.last()).length;
    if (min >= max - 1) return true;
    const owner = new Map<TopicPartition, string>();
    for (const [c, list] of this.current) for (const tp of list) owner.set(tp, c);
    for (const c of this.sorted.items) {
      const mine = this.list(c);
      const count = mine.length;
      const topics = this.consumerTopics.get(c) as string[];
      if (count === this.maxAssignmentSize(topics)) continue;
      const have = new Set(mine);
      for (const t of topics) {
        const n = this.view.partitionCount.get(t) as number;
        for (let p = 0; p < n; p++) {
          const tp = this.parts.of(t, p);
          if (have.has(tp)) continue;
          if (count + 1 < this.list(owner.get(tp)).length) return false;
        }
      }
    }
    return true;
  }

  private balanceScore(assignment: Map<string, TopicPartition[]>): number {
    const sizes = [...assignment.values()].map((l) => l.length);
    let score = 0;
    for (let i = 0; i < sizes.length; i++)
      for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i] - sizes[j]);
    return score;
  }

  private assignToLeastLoaded(tp: TopicPartition): void {
    for (const c of this.sorted.items) {
      if ((this.consumerTopics.get(c) as string[]).includes(tp.topic)) {
        this.sorted.remove(c);
        this.list(c).push(tp);
        this.partitionConsumer.set(tp, c);
        this.sorted.add(c);
        return;
      }
    }
  }

  private canTopicParticipate(topic: string): boolean {
    return (this.topicConsumers.get(topic) as string[]).length >= 2;
  }

  private canConsumerParticipate(c: string): boolean {
    const list = this.list(c);
    if (list.length < this.maxAssignmentSize(this.consumerTopics.get(c) as string[])) return true;
    return list.some((tp) => this.canTopicParticipate(tp.topic));
  }

  private balance(
    previous: Map<TopicPartition, { consumer: string; generation: number }>,
    unassigned: TopicPartition[],
  ): void {
    const initializing = this.list(this.sorted.last()).length === 0;
    for (const tp of unassigned) {
      if ((this.topicConsumers.get(tp.topic) as string[]).length === 0) continue;
      this.assignToLeastLoaded(tp);
    }

    const fixedPartitions = new Set<TopicPartition>();
    for (const t of this.topicConsumers.keys()) {
      if (!this.canTopicParticipate(t)) {
        const n = this.view.partitionCount.get(t) as number;
        for (let p = 0; p < n; p++) fixedPartitions.add(this.parts.of(t, p));
      }
    }
    const aliased = unassigned === this.sortedAllPartitions;
    this.sortedAllPartitions = this.sortedAllPartitions.filter((tp) => !fixedPartitions.has(tp));
    const reassignableUnassigned = aliased
      ? this.sortedAllPartitions
      : unassigned.filter((tp) => !fixedPartitions.has(tp));

    const fixedAssignments = new Map<string, TopicPartition[]>();
    for (const c of this.consumerTopics.keys()) {
      if (!this.canConsumerParticipate(c)) {
        this.sorted.remove(c);
        fixedAssignments.set(c, this.list(c));
        this.current.delete(c);
      }
    }

    const preBalance = new Map([...this.current].map(([c, l]) => [c, l.slice()]));
    const preBalanceOwners = new Map(this.partitionConsumer);

    if (!this.revocationRequired) this.performReassignments(reassignableUnassigned, previous);
    const performed = this.performReassignments(this.sortedAllPartitions, previous);

    if (!initializing && performed && this.balanceScore(this.current) >= this.balanceScore(preBalance)) {
      this.current.clear();
      for (const [c, l] of preBalance) this.current.set(c, l.slice());
      this.partitionConsumer.clear();
      for (const [tp, c] of preBalanceOwners) this.partitionConsumer.set(tp, c);
    }
    for (const [c, l] of fixedAssignments) {
      this.current.set(c, l);
      this.sorted.add(c);
    }
  }

  private performReassignments(
    partitions: readonly TopicPartition[],
    previous: Map<TopicPartition, { consumer: string; generation: number }>,
  ): boolean {
    let performed = false;
    let modified: boolean;
    let passes = 0;
    let repeated = 0;
    // Kafka's loop is unbounded; a generous bound backs up the detection of passes that go round.
    const maxPasses = Math.max(1_000, 10 * partitions.length);
    do {
      modified = false;
      if (++passes > maxPasses) throw this.loop(`${maxPasses} passes`);
      const start = this.loopState();
      for (let i = 0; i < partitions.length && !this.isBalanced(); i++) {
        const tp = partitions[i];
        const consumer = this.partitionConsumer.get(tp);
        const prev = previous.get(tp);
        if (
          prev !== undefined &&
          // Kafka moves a partition back to its previous owner even when that member no longer
          // subscribes to the topic; canonical mode only moves it to a subscriber.
          (this.ordering === 'exact' || (this.consumerTopics.get(prev.consumer) ?? []).includes(tp.topic)) &&
          this.list(consumer).length > this.list(prev.consumer).length + 1
        ) {
          this.reassign(tp, prev.consumer);
          performed = modified = true;
          continue;
        }
        for (const other of this.topicConsumers.get(tp.topic) as string[]) {
          if (this.list(consumer).length > this.list(other).length + 1) {
            const target = this.sorted.items.find((c) =>
              (this.consumerTopics.get(c) as string[]).includes(tp.topic),
            );
            this.reassign(tp, target as string);
            performed = modified = true;
            break;
          }
        }
      }
      if (modified && this.loopState() === start) {
        if (++repeated >= LOOP_PASSES) throw this.loop(`${repeated} passes in a row`);
      } else repeated = 0;
    } while (modified);
    return performed;
  }

  /** Who owns what, and the partition movements: what the next pass starts from. */
  private loopState(): string {
    const owners: string[] = [];
    for (const [tp, c] of this.partitionConsumer) owners.push(`${tp.topic}\u0000${tp.partition}\u0000${c}`);
    return `${owners.sort().join('\u0001')}\u0002${this.movements.signature()}`;
  }

  private loop(how: string): StickyAssignorLoop {
    return new StickyAssignorLoop(
      `it never returns: its balancing loop (AbstractStickyAssignor.performReassignments) moved partitions and moved them back for ${how} — Kafka's own assignor spins on this input for ever`,
    );
  }

  private reassign(tp: TopicPartition, newConsumer: string): void {
    const consumer = this.partitionConsumer.get(tp) as string;
    const toMove = this.movements.actualPartitionToMove(tp, consumer, newConsumer);
    const oldConsumer = this.partitionConsumer.get(toMove) as string;
    this.sorted.remove(oldConsumer);
    this.sorted.remove(newConsumer);
    this.movements.movePartition(toMove, oldConsumer, newConsumer);
    removeFirst(this.list(oldConsumer), toMove);
    this.list(newConsumer).push(toMove);
    this.partitionConsumer.set(toMove, newConsumer);
    this.sorted.add(newConsumer);
    this.sorted.add(oldConsumer);
  }
}

/** CooperativeStickyAssignor.computePartitionsTransferringOwnership (general case). */
function computeTransferring(
  view: LeaderView,
  assignment: Map<string, TopicPartition[]>,
): Map<TopicPartition, string> {
  const added = new Map<string, [TopicPartition, string]>();
  const revoked = new Set<string>();
  const key = (tp: TopicPartition): string => `${tp.partition}|${tp.topic}`;
  for (const [consumer, assigned] of assignment) {
    const owned = (view.byId.get(consumer) as WireSubscription).ownedPartitions;
    const ownedKeys = new Set(owned.map(key));
    for (const tp of assigned) if (!ownedKeys.has(key(tp))) added.set(key(tp), [tp, consumer]);
    const assignedKeys = new Set(assigned.map(key));
    for (const tp of owned) if (!assignedKeys.has(key(tp))) revoked.add(key(tp));
  }
  const out = new Map<TopicPartition, string>();
  for (const [k, [tp, consumer]] of added) if (revoked.has(k)) out.set(tp, consumer);
  return out;
}

/** Kafka's StickyAssignor ("sticky"): eager only. */
export class StickyAssignor implements ClientAssignor {
  readonly name: string = 'sticky';
  readonly supportedProtocols: readonly ('eager' | 'cooperative')[] = ['eager'];

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, ClientSubscription>,
    options: ClientAssignorOptions = { ordering: 'exact' },
  ): Map<string, TopicPartition[]> {
    return assignSticky('sticky', partitionsPerTopic, subscriptions, options.ordering).assignment;
  }
}

/**
 * Kafka's CooperativeStickyAssignor ("cooperative-sticky"): the sticky assignment minus every
 * partition that moves to a new owner (`adjustAssignment`); the next rebalance, after the old
 * owner revoked it, hands it over.
 */
export class CooperativeStickyAssignor implements ClientAssignor {
  readonly name: string = 'cooperative-sticky';
  readonly supportedProtocols: readonly ('eager' | 'cooperative')[] = ['cooperative', 'eager'];

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, ClientSubscription>,
    options: ClientAssignorOptions = { ordering: 'exact' },
  ): Map<string, TopicPartition[]> {
    const { assignment, transferring } = assignSticky(
      'cooperative-sticky',
      partitionsPerTopic,
      subscriptions,
      options.ordering,
    );
    for (const [tp, consumer] of transferring) {
      const list = assignment.get(consumer);
      if (list !== undefined) removeFirst(list, tp);
    }
    return assignment;
  }
}

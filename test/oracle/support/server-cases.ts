/**
 * Random server-side (KIP-848) assignor inputs, seeded, and their conversion to our GroupSpec and
 * to the oracle's JSON. Shapes covered: homogeneous and heterogeneous subscriptions, static
 * members, previous target assignments (from an earlier run, with members added or removed,
 * partitions added, subscriptions changed, or random), topics missing from the metadata.
 */
import { Random } from '../../../src/simulator/random';
import { Uuid } from '../../../src/simulator/java/uuid';
import type {
  GroupAssignment,
  GroupSpec,
  MemberSubscriptionAndAssignment,
  ServerAssignor,
  SubscribedTopicDescriber,
  SubscriptionType,
  TopicId,
} from '../../../src/simulator/assignors/api';

export interface ServerCaseTopic {
  readonly id: TopicId;
  readonly partitions: number;
}

export interface ServerCaseMember {
  readonly id: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** In Java iteration order. */
  readonly subscribedTopicIds: TopicId[];
  /** In record order. */
  readonly assignment: [TopicId, number[]][];
}

export interface ServerCase {
  readonly id: number;
  readonly kind: 'server';
  readonly assignor: string;
  readonly subscriptionType: SubscriptionType;
  readonly topics: ServerCaseTopic[];
  /** In the order TargetAssignmentBuilder inserts them. */
  readonly members: ServerCaseMember[];
  readonly note: string;
}

export function toGroupSpec(c: ServerCase): { spec: GroupSpec; describer: SubscribedTopicDescriber } {
  const members = new Map<string, MemberSubscriptionAndAssignment>();
  const assigned = new Map<TopicId, Set<number>>();
  for (const m of c.members) {
    const assignment = new Map<TopicId, ReadonlySet<number>>();
    for (const [t, ps] of m.assignment) {
      assignment.set(t, new Set(ps));
      let set = assigned.get(t);
      if (set === undefined) assigned.set(t, (set = new Set()));
      for (const p of ps) set.add(p);
    }
    members.set(m.id, {
      rackId: m.rackId,
      instanceId: m.instanceId,
      subscribedTopicIds: new Set(m.subscribedTopicIds),
      assignment,
    });
  }
  const counts = new Map(c.topics.map((t) => [t.id, t.partitions]));
  return {
    spec: {
      members,
      subscriptionType: c.subscriptionType,
      isPartitionAssigned: (t, p) => assigned.get(t)?.has(p) ?? false,
    },
    describer: { numPartitions: (t) => counts.get(t) ?? -1 },
  };
}

function shuffle<T>(rng: Random, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function memberId(rng: Random, style: number, i: number): string {
  if (style === 0) return Uuid.random(rng).toString(); // what Kafka consumers send
  if (style === 1) return `consumer-${i}`;
  let s = '';
  const n = rng.between(1, 6);
  for (let k = 0; k < n; k++) s += ALPHA[rng.int(ALPHA.length)];
  return `${s}${i}`;
}

function subscriptionTypeOf(members: readonly ServerCaseMember[]): SubscriptionType {
  if (members.length === 0) return 'HOMOGENEOUS';
  const first = new Set(members[0].subscribedTopicIds);
  for (const m of members) {
    if (m.subscribedTopicIds.length !== first.size || !m.subscribedTopicIds.every((t) => first.has(t))) {
      return 'HETEROGENEOUS';
    }
  }
  return 'HOMOGENEOUS';
}

/** The assignment as ordered pairs, in the output's iteration order. */
export function orderedPairs(a: ReadonlyMap<TopicId, ReadonlySet<number>>): [TopicId, number[]][] {
  return [...a].map(([t, ps]) => [t, [...ps]]);
}

/**
 * One random case for `assignor`. `previous` computes a prior target with our own exact assignor,
 * which the case then perturbs (the oracle checks only the final step).
 */
export function randomServerCase(seed: number, assignor: string, previous: ServerAssignor): ServerCase {
  const rng = new Random(seed * 7919 + 17);
  const big = rng.int(10) === 0;
  const topicCount = big ? rng.between(5, 30) : rng.between(1, 6);
  const topics: ServerCaseTopic[] = [];
  for (let i = 0; i < topicCount; i++) {
    topics.push({
      id: Uuid.random(rng).toString(),
      partitions: big ? rng.between(0, 80) : rng.between(0, 14),
    });
  }
  const memberCount = big ? rng.between(5, 60) : rng.between(1, 9);
  const style = rng.int(3);
  const staticShare = rng.int(3) === 0 ? rng.next() : 0;
  const homogeneous = rng.next() < 0.5;
  const common = shuffle(
    rng,
    topics.map((t) => t.id),
  ).slice(0, rng.between(1, topicCount));
  const makeSubscription = (): TopicId[] =>
    homogeneous
      ? shuffle(rng, common.slice())
      : shuffle(
          rng,
          topics.map((t) => t.id),
        ).slice(0, rng.int(8) === 0 ? 0 : rng.between(1, topicCount));
  let members: ServerCaseMember[] = [];
  for (let i = 0; i < memberCount; i++) {
    members.push({
      id: memberId(rng, style, i),
      instanceId: rng.next() < staticShare ? `instance-${rng.int(1000)}-${i}` : null,
      rackId: rng.int(4) === 0 ? `rack-${rng.int(3)}` : null,
      subscribedTopicIds: makeSubscription(),
      assignment: [],
    });
  }
  const notes: string[] = [homogeneous ? 'homogeneous' : 'heterogeneous'];

  const mode = rng.int(6);
  if (mode === 1 || mode === 2 || mode === 3) {
    // A previous run: fewer partitions / a different member set, then the change.
    const before = members.map((m) => ({ ...m }));
    const priorTopics = topics.map((t) => ({
      ...t,
      partitions: mode === 2 ? rng.int(t.partitions + 1) : t.partitions,
    }));
    let priorMembers = before;
    if (mode === 3 && before.length > 1) priorMembers = before.filter(() => rng.int(3) !== 0);
    const prior: ServerCase = {
      id: -1,
      kind: 'server',
      assignor,
      subscriptionType: subscriptionTypeOf(priorMembers),
      topics: priorTopics,
      members: priorMembers,
      note: '',
    };
    const { spec, describer } = toGroupSpec(prior);
    let out: GroupAssignment | undefined;
    try {
      out = previous.assign(spec, describer, { ordering: 'exact' });
    } catch {
      out = undefined;
    }
    if (out !== undefined) {
      const got = out;
      members = members.map((m) => ({ ...m, assignment: orderedPairs(got.get(m.id) ?? new Map()) }));
      // Members leave, join (already there without assignment) or change subscription.
      if (mode === 1 && members.length > 1) {
        members = members.filter(() => rng.int(4) !== 0);
        notes.push('members left');
      }
      if (rng.int(3) === 0 && !homogeneous && members.length > 0) {
        const k = rng.int(members.length);
        members[k] = { ...members[k], subscribedTopicIds: makeSubscription() };
        notes.push('subscription changed');
      }
      notes.push(mode === 2 ? 'partitions added' : mode === 3 ? 'members joined' : 'previous target');
    }
  } else if (mode === 4) {
    // A random (valid) previous target: each partition owned by at most one member.
    const owned = new Map<string, Map<TopicId, number[]>>();
    for (const t of topics) {
      for (let p = 0; p < t.partitions; p++) {
        if (rng.int(3) === 0 || members.length === 0) continue;
        const m = members[rng.int(members.length)];
        let a = owned.get(m.id);
        if (a === undefined) owned.set(m.id, (a = new Map<TopicId, number[]>()));
        let ps = a.get(t.id);
        if (ps === undefined) a.set(t.id, (ps = []));
        ps.push(p);
      }
    }
    members = members.map((m) => ({
      ...m,
      assignment: shuffle(
        rng,
        [...(owned.get(m.id) ?? new Map<TopicId, number[]>())].map(([t, ps]) => [t, shuffle(rng, ps)]),
      ),
    }));
    notes.push('random previous target');
  } else if (mode === 5) {
    notes.push('no previous target, shuffled member order');
    members = shuffle(rng, members);
  }
  // Now and then a subscription to a topic the metadata does not know (Kafka throws).
  if (rng.int(60) === 0 && members.length > 0) {
    members[0] = {
      ...members[0],
      subscribedTopicIds: [...members[0].subscribedTopicIds, Uuid.random(rng).toString()],
    };
    notes.push('unknown topic');
  }
  return {
    id: seed,
    kind: 'server',
    assignor,
    subscriptionType: subscriptionTypeOf(members),
    topics,
    members,
    note: notes.join(', '),
  };
}

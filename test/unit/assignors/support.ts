/** Small builders for assignor unit tests. */
import type {
  GroupAssignment,
  GroupSpec,
  MemberSubscriptionAndAssignment,
  SubscribedTopicDescriber,
  SubscriptionType,
  TopicId,
} from '../../../src/simulator/assignors/api';

// The reference's topic ids (group-coordinator tests), in their canonical spelling: Kafka's
// Uuid.fromString ignores the padding bits of the last character, so "…DQsa" is "…DQsQ".
export const T1 = 'T1-A4s3VTwiI5CTbEp6POw';
export const T2 = 'T2-B4s3VTwiI5YHbPp6YUQ';
export const T3 = 'T3-CU8fVTLCz5YMkLoDQsQ';
export const T4 = 'T4-Tw9fVTLCz5HbPp6YQsQ';

export interface MemberInput {
  readonly subs: readonly TopicId[];
  readonly assignment?: Readonly<Record<TopicId, readonly number[]>>;
  readonly instanceId?: string;
}

export function groupSpec(
  members: Readonly<Record<string, MemberInput>>,
  partitions: Readonly<Record<TopicId, number>>,
  type?: SubscriptionType,
): { spec: GroupSpec; topics: SubscribedTopicDescriber } {
  const map = new Map<string, MemberSubscriptionAndAssignment>();
  const owned = new Set<string>();
  for (const [id, m] of Object.entries(members)) {
    const assignment = new Map<TopicId, ReadonlySet<number>>();
    for (const [t, ps] of Object.entries(m.assignment ?? {})) {
      assignment.set(t, new Set(ps));
      for (const p of ps) owned.add(`${t}:${p}`);
    }
    map.set(id, {
      rackId: null,
      instanceId: m.instanceId ?? null,
      subscribedTopicIds: new Set(m.subs),
      assignment,
    });
  }
  const subsets = [...map.values()].map((m) => [...m.subscribedTopicIds].sort().join(','));
  const inferred: SubscriptionType = new Set(subsets).size <= 1 ? 'HOMOGENEOUS' : 'HETEROGENEOUS';
  return {
    spec: {
      members: map,
      subscriptionType: type ?? inferred,
      isPartitionAssigned: (t, p) => owned.has(`${t}:${p}`),
    },
    topics: { numPartitions: (t) => partitions[t] ?? -1 },
  };
}

/** An assignment as { member: { topic: sorted partitions } } for deepEqual. */
export function plain(out: GroupAssignment): Record<string, Record<string, number[]>> {
  const result: Record<string, Record<string, number[]>> = {};
  for (const [m, a] of out) {
    const entry: Record<string, number[]> = {};
    for (const [t, ps] of a) if (ps.size > 0) entry[t] = [...ps].sort((x, y) => x - y);
    result[m] = entry;
  }
  return result;
}

export function sizes(out: GroupAssignment): number[] {
  return [...out.values()].map((a) => [...a.values()].reduce((n, s) => n + s.size, 0));
}

/**
 * A small cooperative KIP-848 client model and a round-robin test assignor, for property tests.
 *
 * The client follows the consumer's membership manager in outline: it joins with epoch 0, applies
 * each new assignment (revoking what is gone, then adding what is new), reports what it owns,
 * re-joins with epoch 0 after being fenced, and leaves with -1 (or -2 when static). A "slow" client
 * keeps revoked partitions for a while, which is what holds up reconciliation in real groups.
 */
import type {
  GroupAssignment,
  GroupSpec,
  MemberAssignment,
  ServerAssignor,
  SubscribedTopicDescriber,
  TopicId,
} from '../../../src/simulator/assignors/api';
import type { ConsumerGroupCoordinator } from '../../../src/simulator/consumer/coordinator';
import type {
  ConsumerGroupHeartbeatResponse,
  HeartbeatTopicPartitions,
} from '../../../src/simulator/consumer/messages';
import { GROUP } from './helpers';

/** Every partition of each subscribed topic, dealt round-robin to its subscribers (sorted). */
export class RoundRobinTestAssignor implements ServerAssignor {
  constructor(readonly name: string) {}

  assign(spec: GroupSpec, topics: SubscribedTopicDescriber): GroupAssignment {
    const out: GroupAssignment = new Map();
    for (const id of spec.members.keys()) out.set(id, new Map());
    const allTopics = new Set<TopicId>();
    for (const m of spec.members.values()) for (const t of m.subscribedTopicIds) allTopics.add(t);
    let offset = 0;
    for (const t of [...allTopics].sort()) {
      const n = topics.numPartitions(t);
      if (n <= 0) continue;
      const subscribers = [...spec.members.entries()]
        .filter(([, m]) => m.subscribedTopicIds.has(t))
        .map(([id]) => id)
        .sort();
      for (let p = 0; p < n; p++) {
        const owner = subscribers[(p + offset) % subscribers.length];
        const a = out.get(owner) as MemberAssignment;
        const set = a.get(t) ?? new Set<number>();
        set.add(p);
        a.set(t, set);
      }
      offset += n;
    }
    return out;
  }
}

export class ModelClient {
  memberId: string;
  epoch = 0;
  owned = new Map<TopicId, Set<number>>();
  /** Partitions revoked by the coordinator that this (slow) client has not given up yet. */
  revoking = new Map<TopicId, Set<number>>();
  joined = false;
  left = false;
  crashed = false;
  fullRequest = true;
  private generation = 0;

  constructor(
    readonly name: string,
    public topics: string[] | null,
    public regex: string | null,
    readonly instanceId: string | null,
  ) {
    this.memberId = `${name}-g0`;
  }

  get active(): boolean {
    return !this.left && !this.crashed;
  }

  private ownedList(): HeartbeatTopicPartitions[] {
    const all = new Map<TopicId, Set<number>>();
    for (const src of [this.owned, this.revoking]) {
      for (const [t, ps] of src) {
        const s = all.get(t) ?? new Set<number>();
        for (const p of ps) s.add(p);
        all.set(t, s);
      }
    }
    return [...all]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
  }

  /** Sends one heartbeat (a join when not in the group). `slow`: keep revoked partitions this time. */
  heartbeat(coordinator: ConsumerGroupCoordinator, slow = false): ConsumerGroupHeartbeatResponse {
    if (!slow) this.revoking.clear();
    const joining = !this.joined;
    const full = joining || this.fullRequest;
    const res = coordinator.consumerGroupHeartbeat({
      groupId: GROUP,
      memberId: this.memberId,
      memberEpoch: joining ? 0 : this.epoch,
      instanceId: this.instanceId,
      rackId: null,
      rebalanceTimeoutMs: full ? 30_000 : -1,
      subscribedTopicNames: full ? (this.topics ?? (this.regex === null ? [] : null)) : null,
      subscribedTopicRegex: full ? this.regex : null,
      serverAssignor: null,
      topicPartitions: joining ? [] : this.ownedList(),
      clientId: this.name,
      clientHost: '/127.0.0.1',
    });
    this.fullRequest = false;
    if (res.errorCode === 'FENCED_MEMBER_EPOCH' || res.errorCode === 'UNKNOWN_MEMBER_ID') {
      // onPartitionsLost, then re-join with epoch 0 (same member id).
      this.owned.clear();
      this.revoking.clear();
      this.joined = false;
      return res;
    }
    if (res.errorCode === 'UNRELEASED_INSTANCE_ID') return res;
    if (res.errorCode !== 'NONE') {
      this.fullRequest = true;
      return res;
    }
    this.joined = true;
    this.epoch = res.memberEpoch;
    if (res.assignment !== null) {
      const next = new Map(res.assignment.topicPartitions.map((tp) => [tp.topicId, new Set(tp.partitions)]));
      if (slow) {
        for (const [t, ps] of this.owned) {
          for (const p of ps) {
            if (next.get(t)?.has(p) !== true) {
              const s = this.revoking.get(t) ?? new Set<number>();
              s.add(p);
              this.revoking.set(t, s);
            }
          }
        }
      }
      this.owned = next;
    }
    return res;
  }

  leave(coordinator: ConsumerGroupCoordinator, temporary: boolean): ConsumerGroupHeartbeatResponse {
    const res = coordinator.consumerGroupHeartbeat({
      groupId: GROUP,
      memberId: this.memberId,
      memberEpoch: temporary && this.instanceId !== null ? -2 : -1,
      instanceId: this.instanceId,
      rackId: null,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: null,
      clientId: this.name,
      clientHost: '/127.0.0.1',
    });
    this.owned.clear();
    this.revoking.clear();
    this.joined = false;
    this.left = true;
    return res;
  }

  /** A restart: a new member id (same instance id when static), joining from scratch. */
  restart(): void {
    this.generation++;
    this.memberId = `${this.name}-g${this.generation}`;
    this.owned.clear();
    this.revoking.clear();
    this.joined = false;
    this.left = false;
    this.crashed = false;
    this.fullRequest = true;
  }

  changeSubscription(topics: string[] | null, regex: string | null): void {
    this.topics = topics;
    this.regex = regex;
    this.fullRequest = true;
  }
}

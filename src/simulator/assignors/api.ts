/**
 * Assignor interfaces, shaped like Kafka's own so that the simulator's coordinators, the `kgd
 * assign` command and the Java-oracle tests all speak one vocabulary.
 *
 * Server side (KIP-848): `org.apache.kafka.coordinator.group.api.assignor.ConsumerGroupPartitionAssignor`
 * — assign(GroupSpec, SubscribedTopicDescriber) → GroupAssignment, with topics named by topic id.
 *
 * Client side (classic): `org.apache.kafka.clients.consumer.ConsumerPartitionAssignor` — the group
 * leader runs it over all members' subscriptions, with topics named by topic name.
 */
import type { RebalanceProtocol, TopicPartition } from '../../model';

/**
 * `canonical`: sorted iteration everywhere; readable and stable, balanced like Kafka but not
 * always the same partitions. `exact`: emulates Java's HashMap/HashSet iteration order so the
 * output matches Kafka bit for bit.
 */
export type OrderingMode = 'canonical' | 'exact';

/** A Kafka topic id, as Kafka prints it (URL-safe base64 of the 16 bytes, no padding). */
export type TopicId = string;

export type SubscriptionType = 'HOMOGENEOUS' | 'HETEROGENEOUS';

export interface MemberSubscriptionAndAssignment {
  readonly rackId: string | null;
  readonly instanceId: string | null;
  readonly subscribedTopicIds: ReadonlySet<TopicId>;
  /** The member's current *target* assignment (the stickiness input). */
  readonly assignment: ReadonlyMap<TopicId, ReadonlySet<number>>;
}

export interface GroupSpec {
  /**
   * Members by member id. The Map's insertion order is the order in which Kafka's
   * TargetAssignmentBuilder inserted them into its HashMap; in `exact` mode the assignor derives
   * Java's iteration order from it.
   */
  readonly members: ReadonlyMap<string, MemberSubscriptionAndAssignment>;
  readonly subscriptionType: SubscriptionType;
  /** True when the partition is in some member's current target assignment. */
  isPartitionAssigned(topicId: TopicId, partition: number): boolean;
}

export interface SubscribedTopicDescriber {
  /** The topic's partition count, or -1 when the topic is not in the subscription metadata. */
  numPartitions(topicId: TopicId): number;
}

export type MemberAssignment = Map<TopicId, Set<number>>;
export type GroupAssignment = Map<string, MemberAssignment>;

/**
 * Kafka versions whose assignor behaviour differs. "4.0": the uniform homogeneous builder gives the
 * extra partitions to the first members iterated. "4.1" and later (KAFKA-18688): any member may keep
 * an extra partition, so an already balanced assignment does not move. Default: "4.3".
 */
export type KafkaVersion = '4.0' | '4.1' | '4.2' | '4.3';

export const DEFAULT_KAFKA_VERSION: KafkaVersion = '4.3';

/**
 * In `exact` mode the iteration order of the inputs is read as follows (it is what Kafka 4.3.1's
 * TargetAssignmentBuilder hands the assignor):
 * - `GroupSpec.members`: insertion order into a `new HashMap<>()` (the assignor derives Java's
 *   order); the coordinator inserts its members in `TimelineHashMap` order, see
 *   `coordinatorMemberOrder` in server/kafka-order.ts;
 * - `subscribedTopicIds`: *is* Java's iteration order of the member's subscription (in Kafka a view
 *   over the member's `HashSet<String>` of topic names: see `kafkaSubscribedTopicIds`);
 * - `assignment`: the order of the target-assignment record (topics, and partitions within a
 *   topic), which Kafka replays with `Collectors.toMap` and `new HashSet<>(partitions)`.
 * The output of a member whose assignment the assignor rewrote is in Java's iteration order (the
 * order Kafka writes its record in); a member whose assignment is unchanged gets its input map back
 * (as Kafka does; a coordinator should also keep its previous map when the new one is equal, since
 * Kafka then writes no record). A member's output may be a read-only-until-written view of typed
 * arrays shared by the whole call (`AssignmentView`, a Map whose sets are `PartitionSet` views,
 * made when first read); treat outputs as owned by the caller but shared with the inputs they
 * came from.
 */
export interface ServerAssignorOptions {
  readonly ordering: OrderingMode;
  /** Defaults to DEFAULT_KAFKA_VERSION. */
  readonly kafkaVersion?: KafkaVersion;
}

export interface ServerAssignor {
  /** "uniform" or "range", as configured in `group.consumer.assignors`. */
  readonly name: string;
  assign(spec: GroupSpec, topics: SubscribedTopicDescriber, options?: ServerAssignorOptions): GroupAssignment;
}

/** Kafka's PartitionAssignorException: the coordinator maps it to UNKNOWN_SERVER_ERROR. */
export class PartitionAssignorError extends Error {
  override readonly name = 'PartitionAssignorError';
}

/** One member's subscription as the classic group leader sees it. */
export interface ClientSubscription {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly topics: readonly string[];
  /** Owned partitions (subscription v1+), used by sticky and cooperative-sticky. */
  readonly ownedPartitions: readonly TopicPartition[];
  /**
   * The member's generation (subscription v2+; also what the sticky assignor's user data carries),
   * or null when it has none yet (no assignment received: -1, and for "sticky" no user data).
   */
  readonly generationId: number | null;
}

/**
 * In `exact` mode, `subscriptions` is read as the leader's `HashMap` filled in JoinGroup-response
 * order (its insertion order), each subscription's topics and owned partitions as the member sent
 * them (the wire sorts them), and the returned lists are in the order Kafka's assignor returns.
 * `generationId` null means the member has no generation yet (-1; for `sticky` also: no user data).
 */
export interface ClientAssignorOptions {
  readonly ordering: OrderingMode;
}

export interface ClientAssignor {
  /** "range", "roundrobin", "sticky" or "cooperative-sticky". */
  readonly name: string;
  /** In order of preference; the client uses the highest protocol all its assignors support. */
  readonly supportedProtocols: readonly RebalanceProtocol[];
  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, ClientSubscription>,
    options?: ClientAssignorOptions,
  ): Map<string, TopicPartition[]>;
}

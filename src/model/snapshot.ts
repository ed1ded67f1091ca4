import type { Assignment } from './assignment';
import type { GroupLag } from './lag';

/** Which group protocol a group (or member) speaks. */
export type GroupProtocol = 'consumer' | 'classic';

/** KIP-848 consumer group states (ConsumerGroup.ConsumerGroupState, as Kafka prints them). */
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';
/** Classic group states (ClassicGroupState, as Kafka prints them). */
export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';
export type GroupState = ConsumerGroupState | ClassicGroupState | 'Unknown';

/** Coordinator-side reconciliation state of a KIP-848 member (MemberState on the broker). */
export type MemberReconciliationState =
  'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';

export type RebalanceProtocol = 'eager' | 'cooperative';

export interface TopicInfo {
  readonly name: string;
  /** Kafka topic id (base64url Uuid, as Kafka prints it). */
  readonly topicId: string;
  readonly partitions: number;
}

export interface CoordinatorInfo {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** Classic-protocol details of a member, from DescribeGroups or the simulated coordinator. */
export interface ClassicMemberDetails {
  /** Assignor (protocol) names the member supports, in its order of preference. */
  readonly protocols: readonly string[];
  readonly isLeader: boolean;
  readonly awaitingJoin: boolean;
  readonly awaitingSync: boolean;
  /** Owned partitions the member reported in its subscription (cooperative protocol). */
  readonly ownedPartitions: Assignment;
  /** Generation the member reported in its subscription, or null when absent. */
  readonly reportedGeneration: number | null;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
}

/**
 * What the member itself believes and does. Only the simulator knows this (a real cluster cannot
 * see inside its clients); it is absent for cluster snapshots.
 */
export interface ClientDetails {
  /** Client-side membership state, e.g. JOINING, RECONCILING, ACKNOWLEDGING, STABLE, FENCED. */
  readonly state: string;
  /** Partitions the client currently owns (has been assigned and not yet revoked). */
  readonly owned: Assignment;
  /** A behaviour that currently applies, e.g. "crashed", "partitioned", "slow poll", "revoking". */
  readonly condition: string | null;
  readonly groupProtocol: GroupProtocol;
  /** Configured assignor: `group.remote.assignor` or the first of `partition.assignment.strategy`. */
  readonly assignor: string | null;
}

export interface MemberSnapshot {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rackId: string | null;
  /** The protocol this member speaks (a consumer group can hold classic members during migration). */
  readonly memberType: GroupProtocol;
  /** KIP-848: the member epoch. Classic: the generation the member belongs to (or -1). */
  readonly memberEpoch: number;
  /** KIP-848 only: previous member epoch, or null. */
  readonly previousMemberEpoch: number | null;
  /** KIP-848 only: reconciliation state on the coordinator, or null. */
  readonly reconciliation: MemberReconciliationState | null;
  readonly subscribedTopicNames: readonly string[];
  readonly subscribedTopicRegex: string | null;
  /** KIP-848 only: the server assignor the member asked for, or null. */
  readonly serverAssignor: string | null;
  /** Partitions the coordinator considers assigned to the member now. */
  readonly assignment: Assignment;
  /** KIP-848: partitions the member must still revoke. Classic: empty. */
  readonly pendingRevocation: Assignment;
  /** KIP-848: the member's target assignment. Classic: null. */
  readonly targetAssignment: Assignment | null;
  readonly classic: ClassicMemberDetails | null;
  readonly client: ClientDetails | null;
}

export interface StaleInfo {
  /** Time of the last successful observation. */
  readonly sinceMs: number;
  readonly reason: string;
}

/**
 * Everything a view needs to draw one consumer group at one instant. Produced by the simulator,
 * by polling a real cluster, or read from a snapshot file; consumed by every view.
 */
export interface GroupSnapshot {
  /** Stable id of the producing source: `simulator`, `cluster/<name>`, `file/<path>`. */
  readonly sourceId: string;
  readonly groupId: string;
  readonly protocol: GroupProtocol;
  readonly state: GroupState;
  /** Milliseconds: virtual time for the simulator, wall-clock epoch ms for clusters. */
  readonly timeMs: number;
  /** KIP-848: group epoch. Classic: generation id. */
  readonly groupEpoch: number;
  /** KIP-848: target-assignment epoch. Classic: null. */
  readonly targetAssignmentEpoch: number | null;
  /** KIP-848: the server assignor in use. Classic: the selected protocol (assignor) name. */
  readonly assignor: string | null;
  /** Classic only: eager or cooperative, when known. */
  readonly rebalanceProtocol: RebalanceProtocol | null;
  /** Classic only: the leader's member id. */
  readonly leaderId: string | null;
  readonly coordinator: CoordinatorInfo | null;
  /** Members sorted by member id. */
  readonly members: readonly MemberSnapshot[];
  /** Topics the group subscribes to or has offsets for, sorted by name. */
  readonly topics: readonly TopicInfo[];
  readonly lag: GroupLag | null;
  readonly stale: StaleInfo | null;
}

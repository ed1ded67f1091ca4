/**
 * A consumer group as it stands at one instant — what a described group (ConsumerGroupDescribe,
 * or a snapshot file) says — in the terms the coordinator's records use. The coordinator turns it
 * into the records Kafka would have in `__consumer_offsets` for that state and loads them
 * (`ConsumerGroupCoordinator.seedGroup`), so a simulation can start from a real group instead of
 * forming it again.
 */
import type { Assignment } from '../../model';

export interface SeededConsumerMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Topic names (empty with a regex subscription). */
  readonly subscribedTopicNames: readonly string[];
  /** The regex, or null. */
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly memberEpoch: number;
  /** Null: the member epoch for a member revoking partitions, else the member epoch − 1. */
  readonly previousMemberEpoch: number | null;
  /** Partitions the coordinator has assigned to the member (without those pending revocation). */
  readonly assigned: Assignment;
  /** Partitions the member still has to revoke. */
  readonly pendingRevocation: Assignment;
  /** The member's target assignment at the group's assignment epoch. */
  readonly target: Assignment;
}

export interface SeededConsumerGroup {
  readonly groupId: string;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly members: readonly SeededConsumerMember[];
}

/**
 * The consumer-group records the coordinator writes to `__consumer_offsets`, mirroring Kafka's
 * `group-coordinator/src/main/resources/common/message/ConsumerGroup*{Key,Value}.json`. A record
 * is a key and a value; a null value is a tombstone. Records are plain JSON, so a log is a stable,
 * comparable artifact, and replaying it rebuilds the group exactly like a coordinator that takes
 * over the partition after a failover.
 */
import type { MemberReconciliationState } from '../../model';
import type { TopicId } from '../assignors/api';

/** One topic's partitions in a record; `assignmentEpochs` (4.3+) is parallel to `partitions`. */
export interface RecordTopicPartitions {
  readonly topicId: TopicId;
  readonly partitions: readonly number[];
}

export interface RecordTopicPartitionsWithEpochs extends RecordTopicPartitions {
  /** Kafka 4.3+: the epoch at which each partition was assigned to the member. */
  readonly assignmentEpochs?: readonly number[];
}

/** ConsumerGroupMemberMetadataValue: the member's subscription and client metadata. */
export interface MemberMetadataValue {
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly subscribedTopicNames: readonly string[];
  /** "" when the member does not subscribe with a regex. */
  readonly subscribedTopicRegex: string;
  readonly serverAssignor: string | null;
  readonly rebalanceTimeoutMs: number;
}

/** ConsumerGroupMetadataValue: the group epoch (and, from 4.1, the metadata hash). */
export interface GroupMetadataValue {
  readonly epoch: number;
  /** 4.1+: the KIP-1101 metadata hash, as a signed 64-bit decimal string. */
  readonly metadataHash?: string;
}

/** ConsumerGroupPartitionMetadataValue (4.0): the subscribed topics' metadata. */
export interface PartitionMetadataValue {
  readonly topics: readonly {
    readonly topicId: TopicId;
    readonly topicName: string;
    readonly numPartitions: number;
  }[];
}

export interface TargetAssignmentMemberValue {
  readonly topicPartitions: readonly RecordTopicPartitions[];
}

export interface TargetAssignmentMetadataValue {
  readonly assignmentEpoch: number;
  /** 4.3+: when the target was computed (drives `group.consumer.assignment.interval.ms`). */
  readonly assignmentTimestamp?: number;
}

export interface CurrentMemberAssignmentValue {
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberReconciliationState;
  readonly assignedPartitions: readonly RecordTopicPartitionsWithEpochs[];
  readonly partitionsPendingRevocation: readonly RecordTopicPartitionsWithEpochs[];
}

export interface RegularExpressionValue {
  /** Topics the regex resolved to, sorted. */
  readonly topics: readonly string[];
  /** Version of the metadata image the regex was resolved against. */
  readonly version: number;
  readonly timestamp: number;
}

export type ConsumerGroupRecord =
  | {
      readonly type: 'ConsumerGroupMemberMetadata';
      readonly key: { readonly groupId: string; readonly memberId: string };
      readonly value: MemberMetadataValue | null;
    }
  | {
      readonly type: 'ConsumerGroupMetadata';
      readonly key: { readonly groupId: string };
      readonly value: GroupMetadataValue | null;
    }
  | {
      readonly type: 'ConsumerGroupPartitionMetadata';
      readonly key: { readonly groupId: string };
      readonly value: PartitionMetadataValue | null;
    }
  | {
      readonly type: 'ConsumerGroupTargetAssignmentMember';
      readonly key: { readonly groupId: string; readonly memberId: string };
      readonly value: TargetAssignmentMemberValue | null;
    }
  | {
      readonly type: 'ConsumerGroupTargetAssignmentMetadata';
      readonly key: { readonly groupId: string };
      readonly value: TargetAssignmentMetadataValue | null;
    }
  | {
      readonly type: 'ConsumerGroupCurrentMemberAssignment';
      readonly key: { readonly groupId: string; readonly memberId: string };
      readonly value: CurrentMemberAssignmentValue | null;
    }
  | {
      readonly type: 'ConsumerGroupRegularExpression';
      readonly key: { readonly groupId: string; readonly regularExpression: string };
      readonly value: RegularExpressionValue | null;
    };

export type ConsumerGroupRecordType = ConsumerGroupRecord['type'];

/** A short, stable one-line rendering for traces and test failure messages. */
export function formatRecord(r: ConsumerGroupRecord): string {
  const key = Object.values(r.key).join('/');
  return `${r.type}(${key})${r.value === null ? ' tombstone' : ` ${JSON.stringify(r.value)}`}`;
}

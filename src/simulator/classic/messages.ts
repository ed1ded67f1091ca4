/**
 * Classic group APIs as the simulated coordinator receives and answers them: JoinGroup (v9),
 * SyncGroup (v5), Heartbeat (v4), LeaveGroup (v5). Field names follow Kafka's message schemas in
 * camelCase. Consumer-protocol metadata and assignments travel decoded (not as bytes): the
 * simulator's client and coordinator agree on the structures below.
 */
import type { TopicPartition } from '../../model';
import type { ErrorName } from '../errors';

/** ConsumerProtocolSubscription (v3): what a consumer puts in JoinGroup protocol metadata. */
export interface ConsumerProtocolSubscription {
  readonly topics: readonly string[];
  /**
   * Assignor-specific user data, decoded: cooperative-sticky sends its generation; the eager sticky
   * assignor sends the partitions it was last assigned and that generation.
   */
  readonly userData: {
    readonly generation?: number;
    readonly partitions?: readonly TopicPartition[];
  } | null;
  readonly ownedPartitions: readonly TopicPartition[];
  /** -1 when absent. */
  readonly generationId: number;
  readonly rackId: string | null;
}

/** ConsumerProtocolAssignment: what the leader hands each member through SyncGroup. */
export interface ConsumerProtocolAssignment {
  readonly assignedPartitions: readonly TopicPartition[];
  readonly userData: null;
}

export interface JoinGroupProtocol {
  /** The assignor name, e.g. "range" or "cooperative-sticky". */
  readonly name: string;
  readonly metadata: ConsumerProtocolSubscription;
}

export interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  /** "" on the first join of a dynamic member. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly JoinGroupProtocol[];
  readonly reason: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /**
   * The JoinGroup version the client speaks (default 9, what Kafka 4.x consumers send). Below 4
   * the coordinator adds a new dynamic member at once instead of answering MEMBER_ID_REQUIRED;
   * below 9 a returning static leader is not told to skip the assignment.
   */
  readonly apiVersion?: number;
}

export interface JoinGroupResponseMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: ConsumerProtocolSubscription;
}

export interface JoinGroupResponse {
  readonly errorCode: ErrorName;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly skipAssignment: boolean;
  readonly memberId: string;
  /** Only the leader receives the members (with their metadata for the selected protocol). */
  readonly members: readonly JoinGroupResponseMember[];
}

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** Only the leader sends assignments. */
  readonly assignments: readonly {
    readonly memberId: string;
    readonly assignment: ConsumerProtocolAssignment;
  }[];
}

export interface SyncGroupResponse {
  readonly errorCode: ErrorName;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: ConsumerProtocolAssignment;
}

export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  readonly errorCode: ErrorName;
}

export interface LeaveGroupRequest {
  readonly groupId: string;
  readonly members: readonly {
    /** "" together with an instance id removes that static member (an admin removal). */
    readonly memberId: string;
    readonly groupInstanceId: string | null;
    readonly reason: string | null;
  }[];
}

export interface LeaveGroupResponse {
  readonly errorCode: ErrorName;
  readonly members: readonly {
    readonly memberId: string;
    readonly groupInstanceId: string | null;
    readonly errorCode: ErrorName;
  }[];
}

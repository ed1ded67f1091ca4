/**
 * ConsumerGroupHeartbeat (API 68, v1) as the simulated coordinator receives and answers it. Field
 * names follow Kafka's message schema (ConsumerGroupHeartbeatRequest.json) in camelCase; topics are
 * named by topic id, exactly as on the wire.
 */
import type { TopicId } from '../assignors/api';
import type { ErrorName } from '../errors';

export interface HeartbeatTopicPartitions {
  readonly topicId: TopicId;
  readonly partitions: readonly number[];
}

export interface ConsumerGroupHeartbeatRequest {
  readonly groupId: string;
  /** From v1 the client generates its member id (a Uuid string) and sends it even at epoch 0. */
  readonly memberId: string;
  /** 0 to join, -1 to leave, -2 for a static member's temporary leave, else the current epoch. */
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** -1 when unchanged since the last heartbeat. */
  readonly rebalanceTimeoutMs: number;
  /** null when unchanged since the last heartbeat. */
  readonly subscribedTopicNames: readonly string[] | null;
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  /** Owned partitions; null when unchanged since the last heartbeat. */
  readonly topicPartitions: readonly HeartbeatTopicPartitions[] | null;
  /** Not on the wire: the broker takes them from the request context. */
  readonly clientId: string;
  readonly clientHost: string;
  /**
   * The ConsumerGroupHeartbeat API version (request header), 1 when absent. Only v0 lets a
   * joining member send an empty member id and have the coordinator generate one.
   */
  readonly apiVersion?: number;
}

export interface ConsumerGroupHeartbeatResponse {
  readonly errorCode: ErrorName;
  readonly errorMessage: string | null;
  readonly memberId: string | null;
  readonly memberEpoch: number;
  readonly heartbeatIntervalMs: number;
  /** null when the assignment did not change (and the request was not a full one). */
  readonly assignment: { readonly topicPartitions: readonly HeartbeatTopicPartitions[] } | null;
}

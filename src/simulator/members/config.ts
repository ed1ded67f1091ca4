/**
 * A simulated consumer's configuration (the Java consumer's settings that matter to group
 * membership) and its behaviour (how its application code spends time). Defaults are the Java
 * client's (ConsumerConfig, Kafka 4.x).
 */
import type { GroupProtocol } from '../../model';

export type AutoOffsetReset = 'earliest' | 'latest';

export interface ConsumerConfig {
  readonly groupId: string;
  /** client.id */
  readonly clientId: string;
  /** The address the broker sees, e.g. "/10.0.0.7". */
  readonly clientHost: string;
  /** group.protocol */
  readonly groupProtocol: GroupProtocol;
  /** group.remote.assignor (consumer protocol); null lets the broker choose. */
  readonly groupRemoteAssignor: string | null;
  /** partition.assignment.strategy (classic protocol), assignor names in preference order. */
  readonly partitionAssignmentStrategy: readonly string[];
  /** session.timeout.ms (classic protocol only; the consumer protocol uses the broker's). */
  readonly sessionTimeoutMs: number;
  /** heartbeat.interval.ms (classic protocol only; the consumer protocol uses the broker's). */
  readonly heartbeatIntervalMs: number;
  /** max.poll.interval.ms (also the rebalance timeout the client sends). */
  readonly maxPollIntervalMs: number;
  /** group.instance.id, for static membership. */
  readonly groupInstanceId: string | null;
  /** client.rack */
  readonly rackId: string | null;
  /** request.timeout.ms */
  readonly requestTimeoutMs: number;
  /** retry.backoff.ms */
  readonly retryBackoffMs: number;
  /** retry.backoff.max.ms */
  readonly retryBackoffMaxMs: number;
  /** enable.auto.commit */
  readonly enableAutoCommit: boolean;
  /** auto.commit.interval.ms */
  readonly autoCommitIntervalMs: number;
  /** auto.offset.reset */
  readonly autoOffsetReset: AutoOffsetReset;
  /** max.poll.records */
  readonly maxPollRecords: number;
  /** metadata.max.age.ms (classic protocol: how soon the group leader sees new partitions); unset = 300000. */
  readonly metadataMaxAgeMs?: number;
  /** The subscription: topic names, or a regular expression (consumer protocol: RE2J on the broker). */
  readonly subscription: { readonly topics: readonly string[] } | { readonly pattern: string };
}

export interface MemberBehaviour {
  /** Time the application spends on the records of one poll before it polls again. */
  readonly processingMs: number;
  /** Duration of onPartitionsRevoked (e.g. flushing state, committing). */
  readonly onRevokedMs: number;
  /** Duration of onPartitionsAssigned (e.g. restoring state). */
  readonly onAssignedMs: number;
  /** Duration of onPartitionsLost. */
  readonly onLostMs: number;
}

/** max.poll.records's default. */
export const DEFAULT_MAX_POLL_RECORDS = 500;

export const DEFAULT_BEHAVIOUR: MemberBehaviour = {
  processingMs: 100,
  onRevokedMs: 0,
  onAssignedMs: 0,
  onLostMs: 0,
};

export function defaultConsumerConfig(
  groupId: string,
  clientId: string,
  overrides: Partial<ConsumerConfig> = {},
): ConsumerConfig {
  return {
    groupId,
    clientId,
    clientHost: '/127.0.0.1',
    groupProtocol: 'classic',
    groupRemoteAssignor: null,
    partitionAssignmentStrategy: ['range', 'cooperative-sticky'],
    sessionTimeoutMs: 45_000,
    heartbeatIntervalMs: 3_000,
    maxPollIntervalMs: 300_000,
    groupInstanceId: null,
    rackId: null,
    requestTimeoutMs: 30_000,
    retryBackoffMs: 100,
    retryBackoffMaxMs: 1_000,
    enableAutoCommit: true,
    autoCommitIntervalMs: 5_000,
    autoOffsetReset: 'latest',
    maxPollRecords: DEFAULT_MAX_POLL_RECORDS,
    subscription: { topics: [] },
    ...overrides,
  };
}

export function subscribedTopics(config: ConsumerConfig): readonly string[] | null {
  return 'topics' in config.subscription ? config.subscription.topics : null;
}

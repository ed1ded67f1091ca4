/**
 * The simulated world every coordinator and client lives in: the virtual clock, seeded
 * randomness, the broker's configuration, the topic metadata image, the network between clients
 * and the coordinator, the partitions' logs and the committed offsets, and the event sink.
 */
import type { GroupEvent } from '../../model';
import type { OrderingMode } from '../assignors/api';
import type { Timers } from '../clock';
import type { Random } from '../random';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../classic/messages';
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../consumer/messages';
import type { ErrorName } from '../errors';
import type { LogModel } from './logs';
import type { MetadataImage } from './metadata';
import type { OffsetStore } from './offsets';

/**
 * Behaviour profile of the simulated broker and clients, by Kafka release. Where Kafka changed
 * after the reference text (its §0 table), this decides. The integration tests run 4.3.1.
 */
export type KafkaVersion = '4.0' | '4.1' | '4.2' | '4.3';
export const KAFKA_VERSIONS: readonly KafkaVersion[] = ['4.0', '4.1', '4.2', '4.3'];
export const DEFAULT_KAFKA_VERSION: KafkaVersion = '4.3';

/** Broker-side group coordinator settings (GroupCoordinatorConfig), Kafka's defaults. */
export interface BrokerConfig {
  readonly consumer: {
    /** group.consumer.session.timeout.ms */
    readonly sessionTimeoutMs: number;
    /** group.consumer.heartbeat.interval.ms */
    readonly heartbeatIntervalMs: number;
    /** group.consumer.max.size */
    readonly maxSize: number;
    /** group.consumer.assignors (names); the first is the default. */
    readonly assignors: readonly string[];
    /** group.consumer.assignment.interval.ms (Kafka 4.3+; default 1000). */
    readonly assignmentIntervalMs?: number;
    /** group.consumer.regex.refresh.interval.ms (Kafka 4.1+; default 600000). */
    readonly regexRefreshIntervalMs?: number;
  };
  readonly classic: {
    /** group.min.session.timeout.ms */
    readonly minSessionTimeoutMs: number;
    /** group.max.session.timeout.ms */
    readonly maxSessionTimeoutMs: number;
    /** group.initial.rebalance.delay.ms */
    readonly initialRebalanceDelayMs: number;
    /** group.max.size */
    readonly maxSize: number;
    /** CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS */
    readonly newMemberJoinTimeoutMs: number;
  };
}

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  consumer: {
    sessionTimeoutMs: 45_000,
    heartbeatIntervalMs: 5_000,
    maxSize: 2_147_483_647,
    assignors: ['uniform', 'range'],
  },
  classic: {
    minSessionTimeoutMs: 6_000,
    maxSessionTimeoutMs: 1_800_000,
    initialRebalanceDelayMs: 3_000,
    maxSize: 2_147_483_647,
    newMemberJoinTimeoutMs: 300_000,
  },
};

export interface OffsetCommitRequest {
  readonly groupId: string;
  readonly memberId: string;
  /** Classic: the generation id. Consumer protocol: the member epoch. -1 for a simple (admin) commit. */
  readonly generationIdOrMemberEpoch: number;
  readonly groupInstanceId: string | null;
  readonly offsets: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly offset: number;
  }[];
}

export interface OffsetCommitResponse {
  readonly errorCode: ErrorName;
}

/**
 * The broker's group coordinator as clients reach it. Classic JoinGroup and SyncGroup may park
 * their response (the coordinator answers later through `reply`); the other calls answer at once.
 */
export interface GroupCoordinatorApi {
  consumerGroupHeartbeat(request: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse;
  joinGroup(request: JoinGroupRequest, reply: (response: JoinGroupResponse) => void): void;
  syncGroup(request: SyncGroupRequest, reply: (response: SyncGroupResponse) => void): void;
  heartbeat(request: HeartbeatRequest): HeartbeatResponse;
  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse;
  offsetCommit(request: OffsetCommitRequest): OffsetCommitResponse;
}

/**
 * A client's connections: to the group coordinator (the Java client opens a connection of its own
 * to the coordinator node) and to the broker it asks FindCoordinator.
 */
export type Connection = 'coordinator' | 'broker';

/**
 * The network between one client and the coordinator, with TCP's guarantees on each connection. A
 * request reaches the coordinator after the one-way latency; the coordinator's reply reaches the
 * client after the latency again. While a client is cut off (a network partition), its requests
 * and the replies to it are held, and delivered in order once it heals; the client notices the
 * partition only through its own request timeout, and a connection it gives up (`disconnect`)
 * takes what it still carries with it.
 */
export interface Network {
  readonly latencyMs: number;
  /** Sends a request on one of the client's connections (the coordinator's unless named). */
  request<R>(
    clientKey: string,
    handle: (reply: (response: R) => void) => void,
    onResponse: (response: R) => void,
    connection?: Connection,
  ): void;
  /**
   * The client closes a connection (a request timed out, the coordinator is given up, or the
   * client closes). Responses still to come on it are never delivered, and requests a partition
   * holds on it never reach the coordinator; the next request opens a new connection.
   */
  disconnect(clientKey: string, connection: Connection): void;
  /** Cuts a client off until `untilMs` (virtual time), or heals it when `untilMs` is null. */
  partition(clientKey: string, untilMs: number | null): void;
  isPartitioned(clientKey: string): boolean;
  /**
   * Tells `listener` when the client is cut off (true) and when it is healed (false), at the
   * instant it happens. Clients use it for what fails at once when the whole network is gone
   * (fetching from partition leaders); the coordinator protocol still learns only through
   * timeouts. Returns a function that stops the notifications.
   */
  watch?(clientKey: string, listener: (cutOff: boolean) => void): () => void;
}

export interface SimWorld {
  readonly timers: Timers;
  readonly random: Random;
  readonly kafkaVersion: KafkaVersion;
  /** How assignors iterate: `exact` matches Kafka bit for bit. */
  readonly ordering: OrderingMode;
  readonly broker: BrokerConfig;
  readonly metadata: MetadataImage;
  readonly logs: LogModel;
  readonly offsets: OffsetStore;
  readonly network: Network;
  readonly coordinator: GroupCoordinatorApi;
  /** Appends to the group's event timeline (and the run's trace). */
  emit(event: GroupEvent): void;
}

/**
 * A simulated Java `KafkaConsumer` with `group.protocol=consumer`: the AsyncKafkaConsumer of Kafka
 * 4.3.1 and its background request managers (CoordinatorRequestManager,
 * ConsumerHeartbeatRequestManager, ConsumerMembershipManager, CommitRequestManager), driven by the
 * application thread model (AppThread) that calls poll() and runs the rebalance callbacks.
 *
 * What runs where, as in Kafka:
 * - The background ("network") thread finds the coordinator, sends heartbeats on the interval the
 *   broker names, sends the ack of a reconciled assignment at once, retries with backoff, and
 *   detects an expired poll timer (max.poll.interval.ms).
 * - Work that needs the application happens only inside its poll() calls: joining after
 *   subscribe(), starting a reconciliation that must commit or revoke, the auto-commit on the
 *   interval, the rebalance callbacks, and the rejoin of a stale member. A slow poll loop or a slow
 *   callback therefore delays the ack and holds up the group.
 *
 * Ownership events: `partitions-assigned` when onPartitionsAssigned is invoked (the assignment is
 * applied then), `partitions-revoked` when onPartitionsRevoked completes, `partitions-lost` at the
 * moment the client gives partitions up without revoking (it learns it was fenced, it left after
 * max.poll.interval.ms, or a fatal error) — fetching stops then, and onPartitionsLost runs later,
 * in the next poll().
 */
import {
  assignmentFromPartitions,
  EMPTY_ASSIGNMENT,
  intersectAssignments,
  isEmptyAssignment,
  subtractAssignment,
  toPartitions,
  type Assignment,
  type ClientDetails,
  type GroupEvent,
  type TopicPartition,
} from '../../model';
import type { TopicId } from '../assignors/api';
import type { TimerHandle } from '../clock';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  HeartbeatTopicPartitions,
} from '../consumer/messages';
import type { Connection, OffsetCommitRequest, OffsetCommitResponse, SimWorld } from '../engine/world';
import type { ErrorName } from '../errors';
import type { Random } from '../random';
import { AppThread } from './app-thread';
import type { ConsumerConfig, MemberBehaviour } from './config';
import type { JoinedMember, SimulatedConsumer } from './consumer';
import { Uuid } from '../java/uuid';
import { HeartbeatRequestState, RequestState } from './request-state';

/** The client-side member states (org.apache.kafka.clients.consumer.internals.MemberState). */
export type MemberState =
  | 'UNSUBSCRIBED'
  | 'JOINING'
  | 'RECONCILING'
  | 'ACKNOWLEDGING'
  | 'STABLE'
  | 'FENCED'
  | 'PREPARE_LEAVING'
  | 'LEAVING'
  | 'FATAL'
  | 'STALE';

/** MemberState's valid transitions: the states each state may be entered from. */
const PREVIOUS_VALID_STATES: Readonly<Record<MemberState, readonly MemberState[]>> = {
  STABLE: ['JOINING', 'ACKNOWLEDGING', 'RECONCILING'],
  RECONCILING: ['STABLE', 'JOINING', 'ACKNOWLEDGING', 'RECONCILING'],
  ACKNOWLEDGING: ['RECONCILING'],
  FATAL: ['JOINING', 'STABLE', 'RECONCILING', 'ACKNOWLEDGING', 'PREPARE_LEAVING', 'LEAVING', 'UNSUBSCRIBED'],
  FENCED: ['JOINING', 'STABLE', 'RECONCILING', 'ACKNOWLEDGING', 'PREPARE_LEAVING', 'LEAVING'],
  JOINING: ['FENCED', 'UNSUBSCRIBED', 'STALE'],
  PREPARE_LEAVING: ['JOINING', 'STABLE', 'RECONCILING', 'ACKNOWLEDGING', 'UNSUBSCRIBED'],
  LEAVING: ['PREPARE_LEAVING'],
  UNSUBSCRIBED: ['PREPARE_LEAVING', 'LEAVING', 'FENCED'],
  STALE: ['LEAVING'],
};

/** ConsumerGroupHeartbeatRequest.JOIN_GROUP_MEMBER_EPOCH and the two leave epochs. */
export const JOIN_GROUP_MEMBER_EPOCH = 0;
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

/** KafkaConsumer.close()'s default timeout (DEFAULT_CLOSE_TIMEOUT_MS). */
export const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;

/** An assignment by topic id, with the local epoch that tells two receipts apart (LocalAssignment). */
interface LocalAssignment {
  readonly localEpoch: number;
  readonly partitions: ReadonlyMap<TopicId, readonly number[]>;
}

const NONE: LocalAssignment = { localEpoch: -1, partitions: new Map() };

/** A request waiting for its reply, on one of the client's connections. */
interface Outstanding {
  readonly deadlineMs: number;
  readonly connection: Connection;
  /** Fails it: timed out, or its connection was closed because another request on it timed out. */
  readonly onFailure: () => void;
}

type Subscription = { readonly topics: readonly string[] } | { readonly pattern: string };

/** What ConsumerHeartbeatRequestManager.HeartbeatState.SentFields remembers. */
interface SentFields {
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string | null;
  pattern: string | null;
  serverAssignor: string | null;
  localAssignment: LocalAssignment | null;
}

/** A commit error as the client sees it: a broker error, or the request timed out (disconnect). */
type CommitError = ErrorName | 'REQUEST_TIMED_OUT';

interface OffsetEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** One OffsetCommitRequestState: an offset commit with its own backoff and deadline. */
interface PendingCommit {
  readonly kind: 'auto' | 'rebalance' | 'close';
  offsets: readonly OffsetEntry[];
  readonly deadlineMs: number;
  readonly state: RequestState;
  readonly settle: (error: CommitError | null) => void;
}

/** Errors that are RetriableExceptions in the Java client. */
const RETRIABLE_COMMIT_ERRORS: ReadonlySet<CommitError> = new Set<CommitError>([
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'REQUEST_TIMED_OUT',
]);

/** The phases of close() the client can be in, for its details. */
type ClosePhase =
  'waiting for poll' | 'committing offsets' | 'onPartitionsRevoked' | 'onPartitionsLost' | 'leaving';

export class ConsumerProtocolClient implements SimulatedConsumer {
  readonly config: ConsumerConfig;
  private readonly app: AppThread;
  private readonly random: Random;
  private readonly memberIdValue: string;
  private isAlive = false;
  /** True once it crashed or finished closing (it never runs again: a restart is a new consumer). */
  private stopped = false;
  private readonly stopListeners: (() => void)[] = [];
  private crashed = false;
  private started = false;

  // --- membership (AbstractMembershipManager / ConsumerMembershipManager) -----------------------
  private memberState: MemberState = 'UNSUBSCRIBED';
  private epoch = 0;
  private current: LocalAssignment = NONE;
  private target: LocalAssignment = NONE;
  /** subscriptions.assignedPartitions(): what the consumer is assigned (by topic name). */
  private assigned: Assignment = EMPTY_ASSIGNMENT;
  private readonly topicNames = new Map<TopicId, string>();
  private reconciliationInProgress = false;
  private rejoinedWhileReconciliationInProgress = false;
  /** Set while committing before a revocation (for details). */
  private committingBeforeRevoke = false;
  private leaveInProgress: (() => void) | null = null;
  /** Callers waiting for the release after the leave callbacks; null when no release is pending. */
  private releaseWaiters: (() => void)[] | null = null;
  private subscriptionUpdated = false;
  private isPollTimerExpired = false;
  /** A stale member released its assignment (its onPartitionsLost completed). */
  private staleReleased = true;
  private rejoinWhenStaleReleased = false;
  private subscription: Subscription | null;
  private fatal: string | null = null;
  /** consumer.subscribe() calls the application made, waiting for its thread (in order). */
  private readonly appCalls: (() => void)[] = [];
  /** The application thread is inside unsubscribe(), waiting for the leave to complete. */
  private appCallBlocked = false;

  // --- heartbeats (ConsumerHeartbeatRequestManager) ---------------------------------------------
  private readonly hb: HeartbeatRequestState;
  private sent: SentFields = emptySentFields();

  // --- coordinator discovery (CoordinatorRequestManager) ----------------------------------------
  private coordinatorKnown = false;
  private stopFindCoordinator = false;
  private readonly findCoordinator: RequestState;

  // --- commits (CommitRequestManager) -----------------------------------------------------------
  private pendingCommits: PendingCommit[] = [];
  /** memberInfo: the id and epoch commits carry (epoch null once the member is out of the group). */
  private commitMemberId = '';
  private commitEpoch: number | null = null;
  private autoCommitDeadlineMs: number;
  private autoCommitInflight = false;
  private autoCommitTimer: TimerHandle | null = null;

  // --- plumbing ---------------------------------------------------------------------------------
  private wakeTimer: TimerHandle | null = null;
  /** Requests waiting for a reply, and the one timer that times them out. */
  private readonly outstanding = new Set<Outstanding>();
  private requestTimer: TimerHandle | null = null;
  private kickPending = false;
  private pollCheckTimer: TimerHandle | null = null;
  private pollHookQueued = false;
  private closing = false;
  private closePhase: ClosePhase | null = null;
  private unwatch: (() => void) | null = null;
  /** The last error reported per API, so a streak of the same error is reported once. */
  private readonly reportedErrors = new Map<string, string>();
  /** A request timed out and no request has been answered since. */
  private inOutage = false;

  constructor(
    private readonly world: SimWorld,
    readonly name: string,
    config: ConsumerConfig,
    behaviour: MemberBehaviour,
    private readonly joined: Extract<JoinedMember, { protocol: 'consumer' }> | null = null,
  ) {
    this.config = config;
    // subscribe(empty list) is unsubscribe(): such a consumer never joins.
    const sub = config.subscription;
    this.subscription = 'topics' in sub && sub.topics.length === 0 ? null : sub;
    this.random = world.random.fork();
    const generated = Uuid.random(this.random).toString();
    this.memberIdValue = joined?.memberId ?? generated;
    this.app = new AppThread(world, config, behaviour);
    const now = world.timers.now();
    this.hb = new HeartbeatRequestState(now, config.retryBackoffMs, config.retryBackoffMaxMs, this.random);
    this.findCoordinator = new RequestState(config.retryBackoffMs, config.retryBackoffMaxMs, this.random);
    this.autoCommitDeadlineMs = now + config.autoCommitIntervalMs;
  }

  // =============================================================================================
  // SimulatedConsumer
  // =============================================================================================

  get alive(): boolean {
    return this.isAlive;
  }

  get behaviour(): MemberBehaviour {
    return this.app.behaviour;
  }

  /** The client generates its member id when it is created and keeps it for its whole life. */
  memberId(): string {
    return this.memberIdValue;
  }

  /** The client-side member state. */
  state(): MemberState {
    return this.memberState;
  }

  memberEpoch(): number {
    return this.epoch;
  }

  /** The error that made the member FATAL, if any. */
  fatalError(): string | null {
    return this.fatal;
  }

  start(): void {
    if (this.started) throw new Error(`consumer "${this.name}" was already started`);
    this.started = true;
    this.isAlive = true;
    const net = this.world.network;
    this.unwatch = net.watch?.(this.name, (cutOff) => this.app.setFetchBlocked(cutOff)) ?? null;
    this.app.setFetchBlocked(net.isPartitioned(this.name));
    // new KafkaConsumer(...); consumer.subscribe(...); then the loop's first poll().
    this.app.start();
    if (this.joined !== null && this.subscription !== null) this.resumeMembership(this.joined);
    else if (this.subscription !== null) this.subscriptionUpdated = true;
    this.requestPollHook();
    this.armAutoCommit();
    this.armPollCheck(this.app.lastPollMs() + this.config.maxPollIntervalMs);
    this.kick();
  }

  crash(): void {
    if (!this.isAlive) return;
    this.crashed = true;
    this.shutDown();
  }

  /**
   * Starts as a member that has been in the group all along (a simulation seeded from a described
   * group): it knows the coordinator, holds its member id and epoch, owns its partitions, has
   * sent its subscription and assignment before, and heartbeats on the broker's interval — the
   * first heartbeat at a point of that interval drawn from its seeded generator, as members of a
   * running group do not heartbeat in step. A member with partitions to revoke reconciles at once.
   */
  private resumeMembership(j: Extract<JoinedMember, { protocol: 'consumer' }>): void {
    const now = this.world.timers.now();
    const ids = (a: Assignment): Map<TopicId, readonly number[]> => {
      const out = new Map<TopicId, readonly number[]>();
      for (const [name, parts] of Object.entries(a)) {
        const id = this.world.metadata.topic(name)?.topicId;
        if (id === undefined || parts.length === 0) continue;
        this.topicNames.set(id, name);
        out.set(
          id,
          [...parts].sort((x, y) => x - y),
        );
      }
      return out;
    };
    this.current = { localEpoch: 0, partitions: ids(j.owned) };
    const assigned = ids(j.assigned);
    this.target = partitionsEqual(assigned, this.current.partitions)
      ? this.current
      : { localEpoch: 1, partitions: assigned };
    this.assigned = j.owned;
    this.updateMemberEpoch(j.memberEpoch);
    if (!isEmptyAssignment(j.owned)) {
      this.app.addOwned(toPartitions(j.owned));
      this.emit({ type: 'partitions-assigned', memberId: this.memberIdValue, partitions: j.owned });
    }
    this.memberState = this.target === this.current ? 'STABLE' : 'RECONCILING';
    this.coordinatorKnown = true;
    const interval = this.world.broker.consumer.heartbeatIntervalMs;
    this.hb.updateHeartbeatIntervalMs(interval, now - Math.floor(this.random.next() * interval));
    const pattern =
      this.subscription !== null && 'pattern' in this.subscription ? this.subscription.pattern : null;
    this.sent = {
      rebalanceTimeoutMs: this.config.maxPollIntervalMs,
      subscribedTopicNames: this.subscribedNames().key,
      pattern,
      serverAssignor: this.config.groupRemoteAssignor,
      localAssignment: this.current,
    };
    if (this.memberState === 'RECONCILING') this.requestReconciliation();
  }

  close(): void {
    if (!this.isAlive || this.closing) return;
    this.closing = true;
    this.closePhase = 'waiting for poll';
    // The application calls close() from its own thread: when its current batch (or the
    // callback it is running) is done, instead of polling again.
    this.app.runInPoll(null, 0, () => this.beginClose());
  }

  onStop(listener: () => void): void {
    if (this.stopped) listener();
    else this.stopListeners.push(listener);
  }

  /**
   * The application calls consumer.subscribe(topics) from its own thread, between two poll()
   * calls; successive calls apply in order.
   */
  subscribe(topics: readonly string[]): void {
    if (!this.isAlive || this.closing) return;
    const list = [...topics];
    this.appCalls.push(() => this.applySubscribe(list));
    if (this.appCalls.length === 1 && !this.appCallBlocked) {
      this.app.runInPoll(null, 0, () => this.drainAppCalls());
    }
  }

  /** Runs the application's pending consumer calls in order; unsubscribe() blocks the ones after it. */
  private drainAppCalls(): void {
    while (!this.appCallBlocked && this.isAlive && !this.closing) {
      const call = this.appCalls.shift();
      if (call === undefined) return;
      call();
    }
  }

  private applySubscribe(topics: readonly string[]): void {
    if (!this.isAlive || this.closing) return;
    if (topics.length === 0) {
      // subscribe(empty) is unsubscribe().
      this.unsubscribe(null);
      return;
    }
    const next: Subscription = { topics };
    if (this.subscription !== null && 'pattern' in this.subscription) {
      // Java refuses to switch a regex subscription to topic names without unsubscribe() first.
      this.unsubscribe(next);
      return;
    }
    this.subscription = next;
    this.onSubscriptionUpdated();
  }

  setBehaviour(patch: Partial<MemberBehaviour>): void {
    this.app.setBehaviour(patch);
  }

  owned(): Assignment {
    return this.app.owned();
  }

  details(): ClientDetails {
    return {
      state: this.memberState,
      owned: this.app.owned(),
      condition: this.condition(),
      groupProtocol: 'consumer',
      assignor: this.config.groupRemoteAssignor,
    };
  }

  // =============================================================================================
  // Background thread plumbing
  // =============================================================================================

  /** Wakes the background thread now (after the current timer callback). */
  private kick(): void {
    if (!this.isAlive || this.kickPending) return;
    this.kickPending = true;
    this.world.timers.schedule(0, this.onKick);
  }

  private readonly onKick = (): void => {
    this.kickPending = false;
    this.backgroundPoll();
  };

  private readonly onWake = (): void => {
    this.wakeTimer = null;
    this.backgroundPoll();
  };

  private wakeAt(ms: number): void {
    if (!Number.isFinite(ms)) return;
    if (this.wakeTimer !== null && this.wakeTimer.active && this.wakeTimer.dueMs <= ms) return;
    if (this.wakeTimer !== null) this.world.timers.cancel(this.wakeTimer);
    this.wakeTimer = this.world.timers.schedule(Math.max(0, ms - this.world.timers.now()), this.onWake);
  }

  /** One pass of the network thread over the request managers, in Kafka's order. */
  private backgroundPoll(): void {
    if (!this.isAlive) return;
    const now = this.world.timers.now();
    let next = this.coordinatorPoll(now);
    next = Math.min(next, this.commitPoll(now));
    next = Math.min(next, this.heartbeatPoll(now));
    this.maybeReconcile(false);
    this.wakeAt(next);
  }

  /**
   * Sends a request over the simulated network, on the coordinator's connection (FindCoordinator
   * goes to the broker's). A reply that does not come within request.timeout.ms fails it, and
   * every other request on the same connection with it (see `armRequestTimeouts`).
   */
  private send<R>(
    handle: (reply: (response: R) => void) => void,
    onResponse: (response: R) => void,
    onFailure: () => void,
    connection: Connection = 'coordinator',
  ): void {
    const request: Outstanding = {
      deadlineMs: this.world.timers.now() + this.config.requestTimeoutMs,
      connection,
      onFailure,
    };
    this.outstanding.add(request);
    this.armRequestTimeouts();
    this.world.network.request<R>(
      this.name,
      handle,
      (response) => {
        if (!this.outstanding.delete(request) || !this.isAlive) return;
        this.inOutage = false;
        onResponse(response);
      },
      connection,
    );
  }

  /**
   * One timer per client watches the requests in flight (replies normally come within
   * milliseconds, so a timer per request would mostly be cancelled): it fires at the earliest
   * deadline and re-arms for the rest. A request past its deadline makes the NetworkClient close
   * that connection (handleTimedOutRequests), which fails every request in flight on it with a
   * DisconnectException, in the order they were sent; what the network still holds on it is gone.
   */
  private armRequestTimeouts(): void {
    if (this.requestTimer !== null && this.requestTimer.active) return;
    let earliest = Infinity;
    for (const r of this.outstanding) earliest = Math.min(earliest, r.deadlineMs);
    if (!Number.isFinite(earliest)) return;
    this.requestTimer = this.world.timers.schedule(Math.max(0, earliest - this.world.timers.now()), () => {
      this.requestTimer = null;
      if (!this.isAlive) return;
      const now = this.world.timers.now();
      const expired = new Set<Connection>();
      for (const r of this.outstanding) if (r.deadlineMs <= now) expired.add(r.connection);
      for (const connection of expired) this.world.network.disconnect(this.name, connection);
      for (const r of [...this.outstanding]) {
        if (!expired.has(r.connection) || !this.outstanding.delete(r)) continue;
        r.onFailure();
      }
      this.armRequestTimeouts();
    });
  }

  // =============================================================================================
  // Coordinator discovery
  // =============================================================================================

  private coordinatorPoll(now: number): number {
    if (this.coordinatorKnown || this.stopFindCoordinator) return Infinity;
    if (!this.findCoordinator.canSendRequest(now)) {
      return this.findCoordinator.requestInFlight()
        ? Infinity
        : now + this.findCoordinator.remainingBackoffMs(now);
    }
    this.findCoordinator.onSendAttempt(now);
    // FindCoordinator: the simulated cluster has one broker, which is always the coordinator.
    this.send<{ readonly errorCode: ErrorName }>(
      (reply) => reply({ errorCode: 'NONE' }),
      () => {
        const t = this.world.timers.now();
        this.findCoordinator.onSuccessfulAttempt(t);
        this.coordinatorKnown = true;
        this.reportedErrors.delete('FindCoordinator');
        this.kick();
      },
      () => {
        this.findCoordinator.onFailedAttempt(this.world.timers.now());
        this.reportTimeout();
        this.kick();
      },
      'broker',
    );
    return Infinity;
  }

  private markCoordinatorUnknown(): void {
    this.coordinatorKnown = false;
    this.kick();
  }

  // =============================================================================================
  // Heartbeats
  // =============================================================================================

  private heartbeatPoll(now: number): number {
    if (!this.coordinatorKnown || this.shouldSkipHeartbeat()) {
      this.onHeartbeatRequestSkipped();
      return Infinity;
    }
    if (this.pollTimerExpired(now) && !this.isLeavingGroup()) {
      this.emit({ type: 'client-timeout', memberId: this.memberIdValue, timeout: 'max.poll.interval.ms' });
      this.transitionToSendingLeaveGroup(true);
      this.sendHeartbeat(now, true);
      // The leave response is ignored: the member may rejoin before or after it arrives.
      this.hb.reset();
      this.sent = emptySentFields();
      return now + this.hb.heartbeatIntervalMs;
    }
    const heartbeatNow =
      this.memberState === 'LEAVING' || (this.shouldHeartbeatNow() && !this.hb.requestInFlight());
    if (!this.hb.canSendRequest(now) && !heartbeatNow) {
      return this.hb.requestInFlight() ? Infinity : now + this.hb.timeToNextHeartbeatMs(now);
    }
    this.sendHeartbeat(now, false);
    return now + this.hb.heartbeatIntervalMs;
  }

  private sendHeartbeat(now: number, ignoreResponse: boolean): void {
    const request = this.buildHeartbeatRequest();
    this.hb.onSendAttempt(now);
    this.onHeartbeatRequestGenerated();
    this.hb.resetTimer(now);
    this.send<ConsumerGroupHeartbeatResponse>(
      (reply) => reply(this.world.coordinator.consumerGroupHeartbeat(request)),
      (response) => {
        if (ignoreResponse) {
          if (response.errorCode !== 'NONE') this.reportError('ConsumerGroupHeartbeat', response.errorCode);
          return;
        }
        this.onHeartbeatResponse(response);
      },
      () => {
        if (!ignoreResponse) this.onHeartbeatTimeout();
      },
    );
  }

  /** ConsumerHeartbeatRequestManager.HeartbeatState.buildRequestData. */
  /** The subscribed topic names, sorted and unique, and their key; computed once per subscription. */
  private subscribedNames(): { readonly names: readonly string[]; readonly key: string } {
    const sub = this.subscription;
    if (this.namesMemo?.subscription !== sub) {
      const names = sub !== null && 'topics' in sub ? [...new Set(sub.topics)].sort() : [];
      this.namesMemo = { subscription: sub, names, key: names.join('\u0000') };
    }
    return this.namesMemo;
  }

  private namesMemo: {
    readonly subscription: Subscription | null;
    readonly names: readonly string[];
    readonly key: string;
  } | null = null;

  private buildHeartbeatRequest(): ConsumerGroupHeartbeatRequest {
    const sendAllFields = this.memberState === 'JOINING';
    const rebalanceTimeoutMs = this.config.maxPollIntervalMs;
    let rebalanceTimeout = -1;
    if (sendAllFields || this.sent.rebalanceTimeoutMs !== rebalanceTimeoutMs) {
      rebalanceTimeout = rebalanceTimeoutMs;
      this.sent.rebalanceTimeoutMs = rebalanceTimeoutMs;
    }
    const { names, key: namesKey } = this.subscribedNames();
    let subscribedTopicNames: string[] | null = null;
    if (sendAllFields || namesKey !== this.sent.subscribedTopicNames) {
      subscribedTopicNames = [...names];
      this.sent.subscribedTopicNames = namesKey;
    }
    const pattern =
      this.subscription !== null && 'pattern' in this.subscription ? this.subscription.pattern : null;
    let subscribedTopicRegex: string | null = null;
    if ((sendAllFields && pattern !== null) || pattern !== this.sent.pattern) {
      // An empty string tells the broker the pattern was removed.
      subscribedTopicRegex = pattern ?? '';
      this.sent.pattern = pattern;
    }
    let serverAssignor: string | null = null;
    const assignor = this.config.groupRemoteAssignor;
    if (assignor !== null && (sendAllFields || assignor !== this.sent.serverAssignor)) {
      serverAssignor = assignor;
      this.sent.serverAssignor = assignor;
    }
    let topicPartitions: HeartbeatTopicPartitions[] | null = null;
    const local = this.current;
    if (
      sendAllFields ||
      this.sent.localAssignment === null ||
      !localEquals(local, this.sent.localAssignment)
    ) {
      topicPartitions = [...local.partitions.keys()]
        .sort()
        .map((topicId) => ({ topicId, partitions: [...local.partitions.get(topicId)!] }));
      this.sent.localAssignment = local;
    }
    return {
      groupId: this.config.groupId,
      memberId: this.memberIdValue,
      memberEpoch: this.epoch,
      instanceId: this.config.groupInstanceId,
      rackId: sendAllFields ? this.config.rackId : null,
      rebalanceTimeoutMs: rebalanceTimeout,
      subscribedTopicNames,
      subscribedTopicRegex,
      serverAssignor,
      topicPartitions,
      clientId: this.config.clientId,
      clientHost: this.config.clientHost,
    };
  }

  private onHeartbeatResponse(response: ConsumerGroupHeartbeatResponse): void {
    const now = this.world.timers.now();
    if (response.errorCode === 'NONE') {
      this.hb.updateHeartbeatIntervalMs(response.heartbeatIntervalMs, now);
      this.hb.onSuccessfulAttempt(now);
      this.reportedErrors.delete('ConsumerGroupHeartbeat');
      this.onHeartbeatSuccess(response);
    } else {
      this.onErrorResponse(response, now);
    }
    this.kick();
  }

  /** AbstractHeartbeatRequestManager.onErrorResponse with the consumer's specific errors. */
  private onErrorResponse(response: ConsumerGroupHeartbeatResponse, now: number): void {
    const error = response.errorCode;
    this.sent = emptySentFields();
    this.hb.onFailedAttempt(now);
    switch (error) {
      case 'NOT_COORDINATOR':
      case 'COORDINATOR_NOT_AVAILABLE':
        this.reportError('ConsumerGroupHeartbeat', error);
        this.markCoordinatorUnknown();
        // No backoff: the next heartbeat goes as soon as the coordinator is found again.
        this.hb.reset();
        break;
      case 'COORDINATOR_LOAD_IN_PROGRESS':
        this.reportError('ConsumerGroupHeartbeat', error);
        break;
      case 'FENCED_MEMBER_EPOCH':
      case 'UNKNOWN_MEMBER_ID':
        // The coordinator reports the fencing (member-fenced); the client gives up its partitions.
        this.transitionToFenced();
        this.hb.reset();
        break;
      case 'GROUP_ID_NOT_FOUND':
        if (this.memberState === 'UNSUBSCRIBED') this.onHeartbeatRequestSkipped();
        else this.handleFatalFailure(error, response.errorMessage);
        break;
      default:
        // GROUP_AUTHORIZATION_FAILED, INVALID_REQUEST, GROUP_MAX_SIZE_REACHED, UNSUPPORTED_ASSIGNOR,
        // INVALID_REGULAR_EXPRESSION, UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID, and any
        // unexpected error: the member fails for good.
        this.handleFatalFailure(error, response.errorMessage);
        break;
    }
    this.onHeartbeatFailure();
  }

  /** The heartbeat got no response within request.timeout.ms: a disconnect, retried with backoff. */
  private onHeartbeatTimeout(): void {
    const now = this.world.timers.now();
    this.hb.onFailedAttempt(now);
    this.sent = emptySentFields();
    this.reportTimeout();
    this.markCoordinatorUnknown();
    this.onHeartbeatFailure();
    this.kick();
  }

  private handleFatalFailure(error: ErrorName, message: string | null): void {
    this.fatal = message === null || message === '' ? error : `${error}: ${message}`;
    // FENCED_INSTANCE_ID is a fencing error: the coordinator reports it (member-fenced).
    if (error !== 'FENCED_INSTANCE_ID') this.reportError('ConsumerGroupHeartbeat', error);
    this.transitionToFatal();
  }

  /** AbstractMembershipManager.onHeartbeatFailure: a leave heartbeat completes the leave either way. */
  private onHeartbeatFailure(): void {
    if (this.memberState === 'UNSUBSCRIBED') this.maybeCompleteLeaveInProgress();
  }

  // =============================================================================================
  // Membership
  // =============================================================================================

  private transitionTo(next: MemberState): void {
    if (this.memberState !== next && !PREVIOUS_VALID_STATES[next].includes(this.memberState)) {
      throw new Error(
        `Invalid state transition from ${this.memberState} to ${next} (member ${this.memberIdValue})`,
      );
    }
    this.memberState = next;
  }

  private updateMemberEpoch(next: number): void {
    if (this.epoch === next) return;
    this.epoch = next;
    // MemberStateListener.onMemberEpochUpdated: commits carry the epoch while it is positive.
    this.commitMemberId = this.memberIdValue;
    this.commitEpoch = next > 0 ? next : null;
  }

  private isNotInGroup(): boolean {
    const s = this.memberState;
    return s === 'UNSUBSCRIBED' || s === 'FENCED' || s === 'FATAL' || s === 'STALE';
  }

  private shouldSkipHeartbeat(): boolean {
    return this.isNotInGroup();
  }

  private shouldHeartbeatNow(): boolean {
    const s = this.memberState;
    return s === 'ACKNOWLEDGING' || s === 'LEAVING' || s === 'JOINING';
  }

  private isLeavingGroup(): boolean {
    return this.memberState === 'PREPARE_LEAVING' || this.memberState === 'LEAVING';
  }

  private canHandleNewAssignment(): boolean {
    return PREVIOUS_VALID_STATES.RECONCILING.includes(this.memberState);
  }

  private leaveGroupEpoch(): number {
    return this.config.groupInstanceId !== null ? LEAVE_GROUP_STATIC_MEMBER_EPOCH : LEAVE_GROUP_MEMBER_EPOCH;
  }

  private onHeartbeatSuccess(response: ConsumerGroupHeartbeatResponse): void {
    const state = this.memberState;
    if (state === 'LEAVING') return;
    if (state === 'UNSUBSCRIBED' && response.memberEpoch < 0 && this.maybeCompleteLeaveInProgress()) return;
    if (this.isNotInGroup()) return;
    if (response.memberEpoch < 0) {
      this.maybeCompleteLeaveInProgress();
      return;
    }
    this.updateMemberEpoch(response.memberEpoch);
    if (response.assignment === null) return;
    // A member preparing to leave ignores new assignments.
    if (!this.canHandleNewAssignment()) return;
    const next = new Map<TopicId, number[]>();
    for (const tp of response.assignment.topicPartitions) {
      const merged = new Set([...(next.get(tp.topicId) ?? []), ...tp.partitions]);
      next.set(
        tp.topicId,
        [...merged].sort((a, b) => a - b),
      );
    }
    this.processAssignmentReceived(next);
  }

  private processAssignmentReceived(assignment: ReadonlyMap<TopicId, readonly number[]>): void {
    if (this.target.localEpoch === NONE.localEpoch || !partitionsEqual(assignment, this.target.partitions)) {
      this.target = { localEpoch: this.target.localEpoch + 1, partitions: assignment };
    }
    if (!this.targetAssignmentReconciled()) {
      this.transitionTo('RECONCILING');
      this.requestReconciliation();
    } else if (this.memberState === 'RECONCILING' || this.memberState === 'JOINING') {
      this.transitionTo('STABLE');
    }
  }

  private targetAssignmentReconciled(): boolean {
    return localEquals(this.current, this.target);
  }

  /**
   * A reconciliation is due: the background thread tries at once (it can only start one that
   * neither commits nor revokes), and the next poll() tries with commits allowed.
   */
  private requestReconciliation(): void {
    this.kick();
    this.requestPollHook();
  }

  /** AbstractMembershipManager.maybeReconcile. */
  private maybeReconcile(canCommit: boolean): void {
    if (this.memberState !== 'RECONCILING') return;
    if (this.targetAssignmentReconciled()) return;
    if (this.reconciliationInProgress) return;

    const resolvedIds = new Map<TopicId, readonly number[]>();
    const resolvedNamed: TopicPartition[] = [];
    for (const [topicId, partitions] of this.target.partitions) {
      const name = this.world.metadata.topicById(topicId)?.name ?? this.topicNames.get(topicId);
      if (name === undefined) continue; // Kafka requests a metadata update and reconciles the rest.
      this.topicNames.set(topicId, name);
      resolvedIds.set(topicId, partitions);
      for (const partition of partitions) resolvedNamed.push({ topic: name, partition });
    }
    const resolved: LocalAssignment = { localEpoch: this.target.localEpoch, partitions: resolvedIds };

    if (this.current !== NONE && partitionsEqual(resolvedIds, this.current.partitions)) {
      // Only unresolvable topics changed: acknowledge the resolvable part.
      this.current = resolved;
      this.transitionTo('ACKNOWLEDGING');
      this.kick();
      return;
    }

    const assignedNamed = assignmentFromPartitions(resolvedNamed);
    const added = subtractAssignment(assignedNamed, this.assigned);
    const revoked = subtractAssignment(this.assigned, assignedNamed);

    // From the background thread, a reconciliation that commits or revokes must wait for poll():
    // the application may be returning records of those partitions.
    if (!canCommit && (this.config.enableAutoCommit || !isEmptyAssignment(revoked))) return;

    this.markReconciliationInProgress();
    // Stop fetching the revoked partitions at once (pending revocation).
    this.app.pause(toPartitions(revoked));
    this.committingBeforeRevoke = this.config.enableAutoCommit;
    this.autoCommitSyncBeforeRebalance(this.world.timers.now() + this.config.maxPollIntervalMs, () => {
      this.committingBeforeRevoke = false;
      // The reconciliation proceeds whether the commit succeeded or not.
      if (!this.maybeAbortReconciliation()) this.revokeAndAssign(resolved, assignedNamed, revoked, added);
    });
  }

  private revokeAndAssign(
    resolved: LocalAssignment,
    assignedNamed: Assignment,
    revoked: Assignment,
    added: Assignment,
  ): void {
    const assign = (): void => {
      if (this.maybeAbortReconciliation()) return;
      this.assignPartitions(assignedNamed, added, () => {
        if (this.reconciliationInProgress && !this.maybeAbortReconciliation()) {
          this.current = resolved;
          // signalReconciliationCompleting: the auto-commit interval restarts now.
          this.resetAutoCommitTimer();
          this.transitionTo('ACKNOWLEDGING');
          this.markReconciliationCompleted();
          this.kick();
        }
      });
    };
    if (isEmptyAssignment(revoked)) {
      assign();
      return;
    }
    this.revokePartitions(revoked, (ok) => {
      if (ok) {
        assign();
      } else {
        // The member stays RECONCILING without an ack; the broker's rebalance timeout decides.
        this.markReconciliationCompleted();
      }
    });
  }

  /** Marks partitions pending revocation, then runs onPartitionsRevoked in the next poll(). */
  private revokePartitions(toRevoke: Assignment, done: (ok: boolean) => void): void {
    const revoked = intersectAssignments(toRevoke, this.assigned);
    this.app.pause(toPartitions(revoked));
    if (this.memberState === 'FATAL') {
      done(false);
      return;
    }
    if (isEmptyAssignment(revoked)) {
      done(true);
      return;
    }
    this.app.runInPoll('onPartitionsRevoked', this.app.behaviour.onRevokedMs, () => {
      this.dropOwnership('partitions-revoked', revoked);
      done(true);
    });
  }

  /**
   * Applies the assignment and runs onPartitionsAssigned in the next poll() (it runs even when no
   * partition was added, as the Java client does).
   */
  private assignPartitions(assignedNamed: Assignment, added: Assignment, done: () => void): void {
    this.app.runInPoll(
      'onPartitionsAssigned',
      this.app.behaviour.onAssignedMs,
      () => done(),
      () => {
        // ApplyAssignmentEvent: the subscription state takes the new assignment.
        this.assigned = assignedNamed;
        const stale = subtractAssignment(this.app.owned(), assignedNamed);
        if (!isEmptyAssignment(stale)) this.dropOwnership('partitions-revoked', stale);
        const fresh = subtractAssignment(added, this.app.owned());
        if (!isEmptyAssignment(fresh)) {
          this.app.addOwned(toPartitions(fresh));
          this.emit({ type: 'partitions-assigned', memberId: this.memberIdValue, partitions: fresh });
        }
      },
    );
  }

  private maybeAbortReconciliation(): boolean {
    const abort = this.memberState !== 'RECONCILING' || this.rejoinedWhileReconciliationInProgress;
    if (abort) this.markReconciliationCompleted();
    return abort;
  }

  private markReconciliationInProgress(): void {
    this.reconciliationInProgress = true;
    this.rejoinedWhileReconciliationInProgress = false;
  }

  private markReconciliationCompleted(): void {
    const wasInProgress = this.reconciliationInProgress;
    this.reconciliationInProgress = false;
    this.rejoinedWhileReconciliationInProgress = false;
    // A newer target may be waiting for this reconciliation to end.
    if (wasInProgress && this.memberState === 'RECONCILING') this.requestReconciliation();
  }

  private onHeartbeatRequestGenerated(): void {
    if (this.memberState === 'ACKNOWLEDGING') {
      if (this.targetAssignmentReconciled()) {
        this.transitionTo('STABLE');
      } else {
        this.transitionTo('RECONCILING');
        this.requestReconciliation();
      }
    } else if (this.memberState === 'LEAVING') {
      if (this.isPollTimerExpired) this.transitionToStale();
      else this.transitionTo('UNSUBSCRIBED');
    }
  }

  /** The coordinator is unknown: a LEAVING member gives up sending its leave heartbeat. */
  private onHeartbeatRequestSkipped(): void {
    if (this.memberState === 'LEAVING') {
      this.transitionTo('UNSUBSCRIBED');
      this.maybeCompleteLeaveInProgress();
    }
  }

  private transitionToFenced(): void {
    if (this.memberState === 'PREPARE_LEAVING') {
      this.transitionToSendingLeaveGroup(false);
      this.transitionTo('UNSUBSCRIBED');
      this.maybeCompleteLeaveInProgress();
      return;
    }
    if (this.memberState === 'LEAVING') {
      this.transitionTo('UNSUBSCRIBED');
      this.maybeCompleteLeaveInProgress();
      return;
    }
    if (this.memberState === 'UNSUBSCRIBED') return;
    this.transitionTo('FENCED');
    this.updateMemberEpoch(JOIN_GROUP_MEMBER_EPOCH);
    this.signalPartitionsLost(() => {
      // Java runs the lost callback before any later application call takes effect; here a leave
      // (unsubscribe) can release the member first, and a new subscription may already be
      // joining: only a member that is still FENCED clears its assignment and rejoins.
      if (this.memberState === 'FENCED') {
        this.clearAssignment();
        this.transitionToJoining();
      }
      this.kick();
    });
  }

  private transitionToFatal(): void {
    const previous = this.memberState;
    this.transitionTo('FATAL');
    this.commitEpoch = null;
    if (previous === 'UNSUBSCRIBED' && this.maybeCompleteLeaveInProgress()) return;
    if (previous === 'LEAVING' || previous === 'PREPARE_LEAVING') {
      this.maybeCompleteLeaveInProgress();
      return;
    }
    this.signalPartitionsLost(() => this.clearAssignment());
  }

  /**
   * The member gives up its partitions without revoking them: fetching stops and ownership ends
   * now; onPartitionsLost runs in the next poll() (skipped when nothing was assigned).
   */
  private signalPartitionsLost(released: () => void): void {
    const lost = this.assigned;
    this.dropOwnership('partitions-lost', this.app.owned());
    if (isEmptyAssignment(lost)) {
      released();
      return;
    }
    this.app.runInPoll('onPartitionsLost', this.app.behaviour.onLostMs, released);
  }

  private transitionToJoining(): void {
    if (this.memberState === 'FATAL') return;
    if (this.reconciliationInProgress) this.rejoinedWhileReconciliationInProgress = true;
    this.updateMemberEpoch(JOIN_GROUP_MEMBER_EPOCH);
    this.transitionTo('JOINING');
    this.clearPendingAssignments();
    this.kick();
  }

  private transitionToSendingLeaveGroup(dueToExpiredPollTimer: boolean): void {
    if (this.memberState === 'FATAL' || this.memberState === 'UNSUBSCRIBED') return;
    if (dueToExpiredPollTimer) {
      this.isPollTimerExpired = true;
      this.transitionTo('PREPARE_LEAVING');
    }
    this.updateMemberEpoch(this.leaveGroupEpoch());
    this.current = NONE;
    this.transitionTo('LEAVING');
    this.kick();
  }

  private transitionToStale(): void {
    this.transitionTo('STALE');
    this.staleReleased = false;
    this.rejoinWhenStaleReleased = false;
    this.signalPartitionsLost(() => {
      this.clearAssignment();
      this.staleReleased = true;
      if (this.rejoinWhenStaleReleased && this.memberState === 'STALE') this.transitionToJoining();
    });
    // The member rejoins on the application's next poll().
    this.requestPollHook();
  }

  /** The poll timer was reset by a poll(): a stale member rejoins once it has released its partitions. */
  private maybeRejoinStaleMember(): void {
    this.isPollTimerExpired = false;
    if (this.memberState !== 'STALE') return;
    if (this.staleReleased) this.transitionToJoining();
    else this.rejoinWhenStaleReleased = true;
  }

  private clearAssignment(): void {
    if (!isEmptyAssignment(this.assigned)) this.assigned = EMPTY_ASSIGNMENT;
    // Whatever the application still holds is gone with the assignment.
    const leftover = this.app.owned();
    if (!isEmptyAssignment(leftover)) this.dropOwnership('partitions-lost', leftover);
    this.current = NONE;
    this.clearPendingAssignments();
  }

  private clearPendingAssignments(): void {
    this.target = NONE;
    this.topicNames.clear();
  }

  private onSubscriptionUpdated(): void {
    this.subscriptionUpdated = true;
    // Joins on the next poll() if not in the group; otherwise the next heartbeat carries it.
    if (this.memberState === 'UNSUBSCRIBED') this.requestPollHook();
  }

  /**
   * consumer.unsubscribe(): releases the assignment (callbacks), then leaves the group; `after`
   * is subscribed once the leave completes (Java's unsubscribe() returns only then).
   */
  private unsubscribe(after: Subscription | null): void {
    this.appCallBlocked = true;
    // unsubscribe() returns once the leave completed AND the application thread finished the
    // release callbacks (they run on it); a fence can complete the leave first, and the release
    // that follows the callbacks must not clear a subscription made after it.
    let left = false;
    let released = false;
    const finish = (): void => {
      if (!left || !released) return;
      this.appCallBlocked = false;
      if (!this.isAlive || this.closing) return;
      if (after !== null) {
        this.subscription = after;
        this.onSubscriptionUpdated();
      }
      this.drainAppCalls();
    };
    this.leaveGroup(
      true,
      () => {
        left = true;
        finish();
      },
      () => {
        released = true;
        finish();
      },
    );
  }

  /**
   * AbstractMembershipManager.leaveGroup. `done` runs when the leave completes; `released` (if
   * given) once the assignment has been released after the callbacks (clearAssignmentAndLeaveGroup).
   */
  private leaveGroup(runCallbacks: boolean, done: () => void, released?: () => void): void {
    if (this.isNotInGroup()) {
      if (this.memberState === 'FENCED') {
        this.clearAssignment();
        this.transitionTo('UNSUBSCRIBED');
      }
      this.subscription = null;
      done();
      if (this.releaseWaiters === null) released?.();
      else if (released !== undefined) this.releaseWaiters.push(released);
      return;
    }
    if (this.memberState === 'PREPARE_LEAVING' || this.memberState === 'LEAVING') {
      const previous = this.leaveInProgress;
      this.leaveInProgress = () => {
        previous?.();
        done();
      };
      if (this.releaseWaiters === null) released?.();
      else if (released !== undefined) this.releaseWaiters.push(released);
      return;
    }
    this.transitionTo('PREPARE_LEAVING');
    this.leaveInProgress = done;
    this.releaseWaiters = released === undefined ? [] : [released];
    const clearAndLeave = (): void => {
      const waiters = this.releaseWaiters ?? [];
      this.releaseWaiters = null;
      this.subscription = null;
      this.clearAssignment();
      this.transitionToSendingLeaveGroup(false);
      for (const w of waiters) w();
    };
    if (!runCallbacks) {
      clearAndLeave();
      return;
    }
    // Release the assignment: onPartitionsRevoked while in the group, onPartitionsLost if not.
    const dropped = this.assigned;
    if (isEmptyAssignment(dropped)) {
      clearAndLeave();
    } else if (this.epoch > 0) {
      this.revokePartitions(dropped, () => clearAndLeave());
    } else {
      this.dropOwnership('partitions-lost', this.app.owned());
      this.app.runInPoll('onPartitionsLost', this.app.behaviour.onLostMs, () => clearAndLeave());
    }
  }

  private maybeCompleteLeaveInProgress(): boolean {
    const done = this.leaveInProgress;
    if (done === null) return false;
    this.leaveInProgress = null;
    done();
    return true;
  }

  // =============================================================================================
  // The application's poll() (AsyncPollEvent) and the poll timer
  // =============================================================================================

  /** Makes the next poll() run what the AsyncPollEvent does in the background. */
  private requestPollHook(): void {
    if (this.pollHookQueued || !this.isAlive || this.app.isHalted) return;
    this.pollHookQueued = true;
    this.app.runInPoll(null, 0, () => {
      this.pollHookQueued = false;
      this.onAppPoll();
    });
  }

  /** ApplicationEventProcessor.process(AsyncPollEvent). */
  private onAppPoll(): void {
    if (!this.isAlive) return;
    const now = this.world.timers.now();
    this.maybeReconcile(true);
    this.updateTimerAndMaybeCommit(now);
    // onConsumerPoll: a subscription made while out of the group joins now.
    if (this.subscriptionUpdated) {
      this.subscriptionUpdated = false;
      if (this.memberState === 'UNSUBSCRIBED' && this.subscription !== null) this.transitionToJoining();
    }
    // resetPollTimer: the poll timer was expired if the member went stale.
    if (this.isPollTimerExpired || this.memberState === 'STALE') this.maybeRejoinStaleMember();
    this.armPollCheck(this.app.lastPollMs() + this.config.maxPollIntervalMs);
    this.kick();
  }

  private pollTimerExpired(now: number): boolean {
    return now >= this.app.lastPollMs() + this.config.maxPollIntervalMs;
  }

  /** The background thread wakes when the poll timer may expire (an earlier wake is kept). */
  private armPollCheck(atMs: number): void {
    if (!this.isAlive || !Number.isFinite(atMs)) return;
    if (this.pollCheckTimer !== null && this.pollCheckTimer.active && this.pollCheckTimer.dueMs <= atMs)
      return;
    if (this.pollCheckTimer !== null) this.world.timers.cancel(this.pollCheckTimer);
    this.pollCheckTimer = this.world.timers.schedule(Math.max(0, atMs - this.world.timers.now()), () => {
      this.pollCheckTimer = null;
      const now = this.world.timers.now();
      if (this.pollTimerExpired(now)) {
        this.backgroundPoll();
        // The timer can expire again only after the application polls again.
        this.armPollCheck(this.app.nextPollMs() + this.config.maxPollIntervalMs);
      } else {
        this.armPollCheck(this.app.lastPollMs() + this.config.maxPollIntervalMs);
      }
    });
  }

  // =============================================================================================
  // Commits
  // =============================================================================================

  private armAutoCommit(): void {
    if (!this.config.enableAutoCommit || !this.isAlive) return;
    if (this.autoCommitTimer !== null) this.world.timers.cancel(this.autoCommitTimer);
    this.autoCommitTimer = this.world.timers.schedule(
      Math.max(0, this.autoCommitDeadlineMs - this.world.timers.now()),
      () => {
        this.autoCommitTimer = null;
        // The auto-commit is sent from the first poll() after the interval.
        this.requestPollHook();
      },
    );
  }

  private resetAutoCommitTimer(): void {
    if (!this.config.enableAutoCommit) return;
    this.autoCommitDeadlineMs = this.world.timers.now() + this.config.autoCommitIntervalMs;
    this.armAutoCommit();
  }

  /** CommitRequestManager.updateTimerAndMaybeCommit: the auto-commit on the interval. */
  private updateTimerAndMaybeCommit(now: number): void {
    if (!this.config.enableAutoCommit || now < this.autoCommitDeadlineMs || this.autoCommitInflight) return;
    const offsets = this.app.currentPositions();
    if (offsets.length > 0) {
      this.autoCommitInflight = true;
      this.enqueueCommit('auto', offsets, Number.POSITIVE_INFINITY, (error) => {
        this.autoCommitInflight = false;
        // Failed auto-commits are not retried: the next one goes on the next interval.
        void error;
        if (this.world.timers.now() >= this.autoCommitDeadlineMs) this.requestPollHook();
      });
    }
    this.resetAutoCommitTimer();
  }

  /**
   * CommitRequestManager.maybeAutoCommitSyncBeforeRebalance: commits all consumed offsets before a
   * reconciliation, retrying retriable errors and STALE_MEMBER_EPOCH (with the latest epoch) until
   * the deadline. `done` runs when it succeeds or gives up.
   */
  private autoCommitSyncBeforeRebalance(deadlineMs: number, done: () => void): void {
    if (!this.config.enableAutoCommit) {
      done();
      return;
    }
    const offsets = this.app.currentPositions();
    if (offsets.length === 0) {
      done();
      return;
    }
    this.autoCommitInflight = true;
    let commit: PendingCommit | null = null;
    commit = this.enqueueCommit('rebalance', offsets, deadlineMs, (error) => {
      this.autoCommitInflight = false;
      if (error === null) {
        done();
        return;
      }
      const retry =
        RETRIABLE_COMMIT_ERRORS.has(error) || (error === 'STALE_MEMBER_EPOCH' && this.commitEpoch !== null);
      if (retry && this.world.timers.now() < deadlineMs && commit !== null) {
        // Retried with the latest positions and the latest member epoch.
        commit.offsets = this.app.currentPositions();
        this.autoCommitInflight = true;
        this.pendingCommits.push(commit);
        this.kick();
        return;
      }
      done();
    });
  }

  private enqueueCommit(
    kind: PendingCommit['kind'],
    offsets: readonly OffsetEntry[],
    deadlineMs: number,
    settle: (error: CommitError | null) => void,
  ): PendingCommit {
    const commit: PendingCommit = {
      kind,
      offsets,
      deadlineMs,
      state: new RequestState(this.config.retryBackoffMs, this.config.retryBackoffMaxMs, this.random),
      settle,
    };
    this.pendingCommits.push(commit);
    this.kick();
    return commit;
  }

  /** CommitRequestManager.poll: sends the commits whose backoff has passed, fails expired ones. */
  private commitPoll(now: number): number {
    if (this.pendingCommits.length === 0 || !this.coordinatorKnown) return Infinity;
    const waiting: PendingCommit[] = [];
    const ready: PendingCommit[] = [];
    for (const c of this.pendingCommits) {
      if (c.state.numAttempts > 0 && now >= c.deadlineMs) {
        c.settle('REQUEST_TIMED_OUT');
        continue;
      }
      if (c.state.canSendRequest(now)) ready.push(c);
      else waiting.push(c);
    }
    this.pendingCommits = waiting;
    for (const c of ready) this.sendCommit(c, now);
    let next = Infinity;
    for (const c of this.pendingCommits) {
      if (!c.state.requestInFlight()) next = Math.min(next, now + c.state.remainingBackoffMs(now));
    }
    return next;
  }

  private sendCommit(commit: PendingCommit, now: number): void {
    commit.state.onSendAttempt(now);
    const request: OffsetCommitRequest = {
      groupId: this.config.groupId,
      memberId: this.commitMemberId,
      generationIdOrMemberEpoch: this.commitEpoch ?? -1,
      groupInstanceId: this.config.groupInstanceId,
      offsets: commit.offsets,
    };
    this.send<OffsetCommitResponse>(
      (reply) => reply(this.world.coordinator.offsetCommit(request)),
      (response) => {
        const t = this.world.timers.now();
        if (response.errorCode === 'NONE') {
          commit.state.onSuccessfulAttempt(t);
          this.reportedErrors.delete('OffsetCommit');
          commit.settle(null);
          return;
        }
        commit.state.onFailedAttempt(t);
        this.reportError('OffsetCommit', response.errorCode);
        if (response.errorCode === 'NOT_COORDINATOR' || response.errorCode === 'COORDINATOR_NOT_AVAILABLE') {
          this.markCoordinatorUnknown();
        }
        commit.settle(response.errorCode);
        this.kick();
      },
      () => {
        commit.state.onFailedAttempt(this.world.timers.now());
        this.reportTimeout();
        this.markCoordinatorUnknown();
        commit.settle('REQUEST_TIMED_OUT');
        this.kick();
      },
    );
  }

  // =============================================================================================
  // close()
  // =============================================================================================

  /** AsyncKafkaConsumer.close(): commit, callbacks, leave, then the client is gone. */
  private beginClose(): void {
    if (!this.isAlive) return;
    this.app.halt();
    this.pollHookQueued = false;
    const deadlineMs =
      this.world.timers.now() + Math.min(DEFAULT_CLOSE_TIMEOUT_MS, this.config.requestTimeoutMs);
    const afterCommit = (): void => {
      if (!this.isAlive) return;
      // stopFindCoordinatorOnClose
      this.stopFindCoordinator = true;
      this.runRebalanceCallbacksOnClose(() => this.leaveGroupOnClose(deadlineMs));
    };
    const offsets = this.app.currentPositions();
    if (!this.config.enableAutoCommit || offsets.length === 0) {
      afterCommit();
      return;
    }
    // commitSync of all consumed offsets, bounded by the close timer.
    this.closePhase = 'committing offsets';
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      afterCommit();
    };
    const giveUp = this.world.timers.schedule(Math.max(0, deadlineMs - this.world.timers.now()), finish);
    let commit: PendingCommit | null = null;
    commit = this.enqueueCommit('close', offsets, deadlineMs, (error) => {
      if (
        error !== null &&
        RETRIABLE_COMMIT_ERRORS.has(error) &&
        this.world.timers.now() < deadlineMs &&
        commit
      ) {
        this.pendingCommits.push(commit);
        this.kick();
        return;
      }
      this.world.timers.cancel(giveUp);
      finish();
    });
  }

  private runRebalanceCallbacksOnClose(done: () => void): void {
    const dropped = this.assigned;
    if (isEmptyAssignment(dropped)) {
      done();
      return;
    }
    if (this.commitEpoch !== null && this.epoch > 0) {
      this.closePhase = 'onPartitionsRevoked';
      this.app.runNow('onPartitionsRevoked', this.app.behaviour.onRevokedMs, () => {
        this.dropOwnership('partitions-revoked', dropped);
        done();
      });
    } else {
      this.closePhase = 'onPartitionsLost';
      this.dropOwnership('partitions-lost', this.app.owned());
      this.app.runNow('onPartitionsLost', this.app.behaviour.onLostMs, done);
    }
  }

  private leaveGroupOnClose(deadlineMs: number): void {
    if (!this.isAlive) return;
    this.closePhase = 'leaving';
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.shutDown();
    };
    const giveUp = this.world.timers.schedule(Math.max(0, deadlineMs - this.world.timers.now()), finish);
    this.leaveGroup(false, () => {
      this.world.timers.cancel(giveUp);
      // The network thread closes after the leave completes.
      this.world.timers.schedule(0, finish);
    });
    this.kick();
  }

  /** Stops everything at once (crash, or the end of close()). */
  private shutDown(): void {
    this.isAlive = false;
    this.app.stop();
    this.unwatch?.();
    this.unwatch = null;
    this.outstanding.clear();
    // The consumer's sockets close with it.
    this.world.network.disconnect(this.name, 'coordinator');
    this.world.network.disconnect(this.name, 'broker');
    for (const t of [this.wakeTimer, this.pollCheckTimer, this.autoCommitTimer, this.requestTimer]) {
      if (t !== null) this.world.timers.cancel(t);
    }
    this.wakeTimer = null;
    this.pollCheckTimer = null;
    this.autoCommitTimer = null;
    this.requestTimer = null;
    this.pendingCommits = [];
    this.stopped = true;
    for (const l of this.stopListeners.splice(0)) l();
  }

  // =============================================================================================
  // Events and details
  // =============================================================================================

  private emit(event: DistributiveOmit<GroupEvent, 'timeMs' | 'groupId'>): void {
    this.world.emit({
      ...event,
      timeMs: this.world.timers.now(),
      groupId: this.config.groupId,
    });
  }

  /** The application stops owning `partitions` (those it still owns), with the event that says why. */
  private dropOwnership(type: 'partitions-revoked' | 'partitions-lost', partitions: Assignment): void {
    const gone = intersectAssignments(partitions, this.app.owned());
    if (isEmptyAssignment(gone)) return;
    this.app.removeOwned(toPartitions(gone));
    this.emit({ type, memberId: this.memberIdValue, partitions: gone });
  }

  private reportError(api: string, error: string): void {
    if (this.reportedErrors.get(api) === error) return;
    this.reportedErrors.set(api, error);
    this.emit({ type: 'request-error', memberId: this.memberIdValue, api, error });
  }

  /** Reports a request timeout once per outage: any answered request ends the outage. */
  private reportTimeout(): void {
    if (this.inOutage) return;
    this.inOutage = true;
    this.emit({ type: 'client-timeout', memberId: this.memberIdValue, timeout: 'request.timeout.ms' });
  }

  private condition(): string | null {
    const now = this.world.timers.now();
    if (!this.isAlive) return this.crashed ? 'crashed' : this.started ? 'closed' : 'not started';
    const task = this.app.runningTask();
    if (this.closing && this.closePhase !== null) {
      const running = task !== null ? ` (${task.label}, ${formatSeconds(now - task.startedMs)})` : '';
      return `closing: ${this.closePhase}${running}`;
    }
    if (this.memberState === 'FATAL') return `failed: ${this.fatal ?? 'fatal error'}`;
    if (this.world.network.isPartitioned(this.name)) return 'cut off from the coordinator';
    if (!this.coordinatorKnown) return 'looking for the group coordinator';
    if (this.memberState === 'STALE') return 'stale: max.poll.interval.ms exceeded';
    if (task !== null) {
      const verb =
        task.label === 'onPartitionsRevoked'
          ? 'revoking'
          : task.label === 'onPartitionsAssigned'
            ? 'assigning'
            : task.label === 'onPartitionsLost'
              ? 'releasing lost partitions'
              : 'busy';
      return `${verb} (${task.label}, ${formatSeconds(now - task.startedMs)})`;
    }
    if (this.committingBeforeRevoke) return 'committing offsets before revoking';
    const pending = this.app.pendingTasks();
    if (pending.length > 0) {
      return `waiting for poll() to run ${pending[0]} (next poll in ${formatSeconds(this.app.nextPollMs() - now)})`;
    }
    if (this.memberState === 'RECONCILING' && !this.reconciliationInProgress) {
      return `waiting for poll() to reconcile (next poll in ${formatSeconds(this.app.nextPollMs() - now)})`;
    }
    const processing = this.app.behaviour.processingMs;
    if (processing > this.config.maxPollIntervalMs) {
      return `slow poll loop: ${formatSeconds(processing)} between polls > max.poll.interval.ms (${formatSeconds(this.config.maxPollIntervalMs)})`;
    }
    return null;
  }
}

/** SimulationParts.createConsumer for consumer-protocol members. */
export function createConsumerProtocolClient(
  world: SimWorld,
  name: string,
  config: ConsumerConfig,
  behaviour: MemberBehaviour,
  joined: JoinedMember | null = null,
): ConsumerProtocolClient {
  return new ConsumerProtocolClient(
    world,
    name,
    config,
    behaviour,
    joined?.protocol === 'consumer' ? joined : null,
  );
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function emptySentFields(): SentFields {
  return {
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    pattern: null,
    serverAssignor: null,
    localAssignment: null,
  };
}

function partitionsEqual(
  a: ReadonlyMap<TopicId, readonly number[]>,
  b: ReadonlyMap<TopicId, readonly number[]>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [topicId, pa] of a) {
    const pb = b.get(topicId);
    if (pb === undefined || pa.length !== pb.length) return false;
    for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return false;
  }
  return true;
}

function localEquals(a: LocalAssignment, b: LocalAssignment): boolean {
  if (a === b) return true;
  return a.localEpoch === b.localEpoch && partitionsEqual(a.partitions, b.partitions);
}

function formatSeconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  return `${Math.round(s)} s`;
}

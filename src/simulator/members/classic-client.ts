/**
 * A simulated Java `KafkaConsumer` with `group.protocol=classic`: Kafka 4.3.1's
 * ClassicKafkaConsumer with its ConsumerCoordinator, AbstractCoordinator and the coordinator's
 * heartbeat thread, driven by the application thread model (AppThread) that calls poll() and runs
 * the rebalance callbacks. The partition decisions of a rebalance (what onJoinPrepare revokes, the
 * JoinGroup metadata, the leader's assignment, what onJoinComplete revokes and assigns) are the
 * pure functions of `classic/client-protocol.ts`; this class adds timing, threads and errors.
 *
 * What runs where, as in Kafka:
 * - The application thread, inside poll(): the whole rebalance — onJoinPrepare with its offset
 *   commit and callbacks, JoinGroup, the handling of the JoinGroup response (the leader runs the
 *   assignor there and sends SyncGroup), onJoinComplete with its callbacks — and the auto-commit
 *   on its interval, the leader's check for metadata changes, and the subscription check. While
 *   the application processes a batch none of that happens, so a slow poll loop or a slow callback
 *   delays this member's JoinGroup and with it the whole group (the coordinator's join phase waits
 *   up to the rebalance timeout, max.poll.interval.ms). A consumer with nothing it can fetch sits
 *   inside poll() and reacts at once.
 * - The heartbeat thread, from the JoinGroup response on (COMPLETING_REBALANCE and STABLE): a
 *   heartbeat every heartbeat.interval.ms, the reactions to its errors, the SyncGroup response,
 *   the client-side session timer (no successful heartbeat within session.timeout.ms: the
 *   coordinator is marked unknown) and the poll timer (no poll() within max.poll.interval.ms: a
 *   dynamic member sends LeaveGroup, every member resets its generation).
 *
 * Ownership events: `partitions-assigned` when onPartitionsAssigned is invoked, `partitions-revoked`
 * when onPartitionsRevoked completes, `partitions-lost` at the moment the client gives partitions
 * up without revoking them (it learns its generation is gone, it left after max.poll.interval.ms,
 * or it closes in the middle of a rebalance); onPartitionsLost itself runs in the next poll().
 */
import {
  EMPTY_ASSIGNMENT,
  type Assignment,
  type ClientDetails,
  type GroupEvent,
  intersectAssignments,
  isEmptyAssignment,
  subtractAssignment,
  toPartitions,
} from '../../model';
import type { ClientAssignor } from '../assignors/api';
import { clientAssignor } from '../assignors/registry';
import {
  type ClassicClientState,
  type RebalanceCallback,
  ClassicClientConfigError,
  NO_GENERATION,
  buildJoinProtocols,
  chooseRebalanceProtocol,
  initialClientState,
  onJoinComplete,
  onJoinPrepare,
  onLeavePrepare,
  performLeaderAssignment,
  resetGeneration,
} from '../classic/client-protocol';
import type {
  ConsumerProtocolAssignment,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../classic/messages';
import type { TimerHandle } from '../clock';
import type { OffsetCommitRequest, OffsetCommitResponse, SimWorld } from '../engine/world';
import type { ErrorName } from '../errors';
import type { Random } from '../random';
import { AppThread } from './app-thread';
import type { ConsumerConfig, MemberBehaviour } from './config';
import type { JoinedMember, SimulatedConsumer } from './consumer';
import { ExponentialBackoff, RETRY_BACKOFF_EXP_BASE, RETRY_BACKOFF_JITTER } from './request-state';

/** AbstractCoordinator.MemberState. */
export type ClassicMemberState = 'UNJOINED' | 'PREPARING_REBALANCE' | 'COMPLETING_REBALANCE' | 'STABLE';

/** Finds a client-side assignor by its name (`range`, `cooperative-sticky`, ...). */
export type ClientAssignorLookup = (name: string) => ClientAssignor | undefined;

export interface ClassicConsumerOptions {
  /** close()'s timeout (KafkaConsumer.DEFAULT_CLOSE_TIMEOUT_MS = 30 s); capped by request.timeout.ms. */
  readonly closeTimeoutMs?: number;
  /** Start as a member of the group's current generation (a simulation seeded from a described group). */
  readonly joined?: Extract<JoinedMember, { protocol: 'classic' }>;
}

/** CommonClientConfigs.METADATA_MAX_AGE_CONFIG's default. */
export const DEFAULT_METADATA_MAX_AGE_MS = 300_000;
/** KafkaConsumer's DEFAULT_CLOSE_TIMEOUT_MS. */
export const CLASSIC_DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
/** AbstractCoordinator.JOIN_GROUP_TIMEOUT_LAPSE: JoinGroup may wait the rebalance timeout plus this. */
export const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5_000;
/** ConsumerProtocol.PROTOCOL_TYPE. */
const PROTOCOL_TYPE = 'consumer';
/** JoinGroupRequest.maybeTruncateReason. */
const MAX_REASON_LENGTH = 255;

/** AbstractCoordinator.Generation. */
interface Generation {
  readonly generationId: number;
  readonly memberId: string;
  readonly protocolName: string | null;
}

/** Why a request future failed, as the exception the Java client raises would say. */
type Failure =
  /** The broker's error code, raised as its ApiException. */
  | { readonly kind: 'error'; readonly error: ErrorName }
  /** DisconnectException: the request timed out or the coordinator connection was dropped. */
  | { readonly kind: 'disconnect' }
  /** CoordinatorNotAvailableException raised locally: the coordinator is not known. */
  | { readonly kind: 'coordinator-unknown' }
  /** UnjoinedGroupException: the JoinGroup response came after the member left the rebalance. */
  | { readonly kind: 'unjoined' }
  /** CommitFailedException raised locally: no generation to commit with. */
  | { readonly kind: 'commit-failed' }
  /** Any other non-retriable KafkaException. */
  | { readonly kind: 'fatal'; readonly message: string };

/** The JoinGroup + SyncGroup future of one rebalance attempt (AbstractCoordinator.joinFuture). */
interface JoinFuture {
  phase: 'joining' | 'answered' | 'syncing' | 'succeeded' | 'failed';
  /** The generation the JoinGroup went out with. */
  readonly sent: Generation;
  response: JoinGroupResponse | null;
  assignment: ConsumerProtocolAssignment | null;
  failure: Failure | null;
}

interface CommitFuture {
  status: 'pending' | 'succeeded' | 'failed';
  failure: Failure | null;
  readonly listeners: (() => void)[];
}

interface InFlight {
  readonly api: string;
  /** When the request times out (request.timeout.ms after it was sent, longer for JoinGroup). */
  readonly deadlineMs: number;
  readonly fail: (f: Failure) => void;
}

/** ConsumerCoordinator.MetadataSnapshot: partition counts of the topics the member watches. */
interface MetadataSnapshot {
  readonly version: number;
  readonly partitions: ReadonlyMap<string, number>;
}

type ClosePhase = 'waiting for poll' | 'committing offsets' | 'revoking' | 'leaving';

const INCONSISTENT_PROTOCOL: Failure = { kind: 'error', error: 'INCONSISTENT_GROUP_PROTOCOL' };

const RETRIABLE_ERRORS: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);

/** Errors after which joinGroupIfNeeded re-joins at once (no backoff, no exception to the application). */
const REJOIN_AT_ONCE: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'MEMBER_ID_REQUIRED',
]);

export class ClassicConsumerClient implements SimulatedConsumer {
  readonly config: ConsumerConfig;
  private readonly app: AppThread;
  private readonly assignors: readonly ClientAssignor[];
  private readonly backoff: ExponentialBackoff;
  private readonly closeTimeoutMs: number;
  private readonly metadataMaxAgeMs: number;
  private readonly configError: string | null;

  private isAlive = false;
  /** True once it crashed or finished closing (it never runs again: a restart is a new consumer). */
  private stopped = false;
  private readonly stopListeners: (() => void)[] = [];
  private started = false;
  private crashed = false;
  private closed = false;
  private closing = false;
  private closePhase: ClosePhase | null = null;
  private fatalError: string | null = null;
  private unwatch: (() => void) | null = null;
  private readonly timers = new Set<TimerHandle>();

  // --- AbstractCoordinator ------------------------------------------------------------------------
  private memberState: ClassicMemberState = 'UNJOINED';
  private cs: ClassicClientState;
  private protocolName: string | null = null;
  private rejoinNeeded = true;
  private rejoinReason = '';
  private needsJoinPrepare = true;
  private join: JoinFuture | null = null;
  /** Why the member is out of the group on its own initiative, for details (cleared when it re-joins). */
  private leftBecause: string | null = null;

  // --- coordinator discovery and requests ----------------------------------------------------------
  private coordinatorKnown = false;
  private discoveryTimer: TimerHandle | null = null;
  private discoveryAttempts = 0;
  private readonly inFlight = new Set<InFlight>();
  /** One timer at the earliest deadline of the requests in flight (answered ones are skipped). */
  private requestTimeoutTimer: TimerHandle | null = null;
  /** A request timed out and none has been answered since (request.timeout.ms is reported once). */
  private inOutage = false;

  // --- heartbeat thread (AbstractCoordinator.HeartbeatThread + Heartbeat) ---------------------------
  private hbEnabled = false;
  private hbClosed = false;
  private hbFailure: string | null = null;
  private hbTimer: TimerHandle | null = null;
  private heartbeatDueMs = 0;
  private heartbeatAttempts = 0;
  private sessionDeadlineMs = 0;
  /** Heartbeat.resetTimeouts also restarts the poll timer. */
  private pollTimerResetMs = 0;

  // --- ConsumerCoordinator --------------------------------------------------------------------------
  /** The subscription: topic names (from the list or the pattern), or null after unsubscribe(). */
  private subscription: readonly string[] | null;
  private pattern: RegExp | null;
  private joinedSubscription: readonly string[] | null = null;
  private groupSubscription: readonly string[] = [];
  private isLeader = false;
  private metadataSnapshot: MetadataSnapshot = { version: 0, partitions: new Map() };
  private assignmentSnapshot: MetadataSnapshot | null = null;
  private prepareCommit: CommitFuture | null = null;
  private joinPrepareDeadlineMs: number | null = null;
  private nextAutoCommitMs: number;
  private autoCommitTimer: TimerHandle | null = null;
  private asyncCommitFenced = false;
  /** The member id under which the application got the partitions it owns (for events). */
  private ownerMemberId = '';

  // --- client metadata (Metadata) -------------------------------------------------------------------
  private metadata: ReadonlyMap<string, number> = new Map();
  private metadataVersion = 0;
  private metadataTimer: TimerHandle | null = null;

  // --- application-thread plumbing --------------------------------------------------------------------
  private pollQueued = false;
  /** The application owns no partition it fetches from (all revoked, lost or paused). */
  private noPartitionToFetch = true;
  /** Since when the application has had nothing it can fetch (null while it has). */
  private emptySinceMs: number | null = null;
  /** The last moment the application thread was inside poll() running this client's work. */
  private lastInPollMs = 0;
  /** Rebalance callbacks queued in the running poll(); the step after them continues the rebalance. */
  private chainRunning = false;
  private retryTimer: TimerHandle | null = null;

  constructor(
    private readonly world: SimWorld,
    readonly name: string,
    config: ConsumerConfig,
    behaviour: MemberBehaviour,
    lookupAssignor: ClientAssignorLookup,
    options: ClassicConsumerOptions = {},
  ) {
    this.config = config;
    this.app = new AppThread(world, config, behaviour);
    const random = world.random.fork();
    this.backoffRandom = random;
    this.backoff = new ExponentialBackoff(
      config.retryBackoffMs,
      RETRY_BACKOFF_EXP_BASE,
      config.retryBackoffMaxMs,
      RETRY_BACKOFF_JITTER,
      random,
    );
    this.closeTimeoutMs = options.closeTimeoutMs ?? CLASSIC_DEFAULT_CLOSE_TIMEOUT_MS;
    this.metadataMaxAgeMs = config.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS;
    this.nextAutoCommitMs = world.timers.now() + config.autoCommitIntervalMs;

    let error: string | null = null;
    const assignors: ClientAssignor[] = [];
    for (const n of config.partitionAssignmentStrategy) {
      const a = lookupAssignor(n);
      if (a === undefined) {
        error ??= `partition.assignment.strategy names "${n}", which is not an assignor; use range, roundrobin, sticky or cooperative-sticky`;
      } else assignors.push(a);
    }
    this.assignors = assignors;
    let protocol: ClassicClientState['protocol'] = 'eager';
    if (error === null) {
      try {
        protocol = chooseRebalanceProtocol(assignors);
      } catch (e) {
        if (!(e instanceof ClassicClientConfigError)) throw e;
        error = e.message;
      }
    }
    if (error === null && config.heartbeatIntervalMs >= config.sessionTimeoutMs) {
      error = `heartbeat.interval.ms (${config.heartbeatIntervalMs}) must be lower than session.timeout.ms (${config.sessionTimeoutMs})`;
    }
    let pattern: RegExp | null = null;
    if ('pattern' in config.subscription) {
      try {
        pattern = new RegExp(`^(?:${config.subscription.pattern})$`);
      } catch {
        error ??= `the subscription pattern "${config.subscription.pattern}" is not a valid regular expression`;
      }
    }
    this.pattern = pattern;
    this.configError = error;
    this.subscription = 'topics' in config.subscription ? sortedUnique(config.subscription.topics) : [];
    this.cs = initialClientState(protocol, this.subscription);
    this.joined = options.joined ?? null;
  }

  private readonly joined: Extract<JoinedMember, { protocol: 'classic' }> | null;
  private readonly backoffRandom: Random;

  // =================================================================================================
  // SimulatedConsumer
  // =================================================================================================

  get alive(): boolean {
    return this.isAlive;
  }

  get behaviour(): MemberBehaviour {
    return this.app.behaviour;
  }

  memberId(): string | null {
    return this.cs.memberId === '' ? null : this.cs.memberId;
  }

  /** AbstractCoordinator's member state. */
  state(): ClassicMemberState {
    return this.memberState;
  }

  /** The generation the client believes it is in (-1 when it has none). */
  generationId(): number {
    return this.cs.generationId;
  }

  /** The rebalance protocol the configured assignors agree on. */
  rebalanceProtocol(): ClassicClientState['protocol'] {
    return this.cs.protocol;
  }

  /** True while the client believes it is the group leader (it ran the last assignment). */
  leader(): boolean {
    return this.isLeader;
  }

  /** The error that stopped the consumer (its poll() threw), if any. */
  failure(): string | null {
    return this.fatalError;
  }

  start(): void {
    if (this.started) throw new Error(`consumer "${this.name}" was already started`);
    this.started = true;
    if (this.configError !== null) {
      // new KafkaConsumer(...) throws: the application never gets a consumer.
      this.fatalError = this.configError;
      this.closed = true;
      this.emit({ type: 'request-error', memberId: '', api: 'KafkaConsumer', error: this.configError });
      return;
    }
    this.isAlive = true;
    const net = this.world.network;
    this.unwatch =
      net.watch?.(this.name, (cutOff) => {
        this.app.setFetchBlocked(cutOff);
        this.noteFetchable();
      }) ?? null;
    this.app.setFetchBlocked(net.isPartitioned(this.name));
    this.app.start();
    this.lastInPollMs = this.now();
    this.noteFetchable();
    // The constructor asks for a metadata update; subscribe() too.
    this.refreshMetadata();
    if (this.joined !== null) this.resumeMembership(this.joined);
    this.ensureDiscovery();
    this.armAutoCommit();
    this.schedulePoll();
  }

  crash(): void {
    if (!this.isAlive) return;
    this.crashed = true;
    this.shutDown();
  }

  /**
   * Starts as a member of the group's current generation (a simulation seeded from a described
   * group): the last JoinGroup and SyncGroup are behind it, it owns its assignment, knows the
   * coordinator, and its heartbeat thread runs — the first heartbeat at a point of the interval
   * drawn from its seeded generator, as members of a running group do not heartbeat in step. The
   * leader remembers the metadata it assigned over, so it notices when a topic grows.
   */
  private resumeMembership(j: Extract<JoinedMember, { protocol: 'classic' }>): void {
    const now = this.now();
    // A pattern subscription is matched against the metadata first (before the member id is set,
    // so it is not reported as a change).
    this.maybeUpdateSubscriptionMetadata();
    this.cs = {
      ...this.cs,
      memberId: j.memberId,
      generationId: j.generation,
      owned: j.owned,
      lastAssignment: j.owned,
      lastAssignmentGeneration: j.generation,
    };
    this.protocolName = j.protocolName;
    this.memberState = 'STABLE';
    this.rejoinNeeded = false;
    this.rejoinReason = '';
    this.joinedSubscription = this.subscription;
    this.isLeader = j.leader;
    if (j.leader) {
      this.groupSubscription = sortedUnique(j.groupSubscription);
      this.metadataSnapshot = this.buildSnapshot();
      this.assignmentSnapshot = this.metadataSnapshot;
    }
    this.startAssigned(j.owned);
    this.coordinatorKnown = true;
    this.hbEnabled = true;
    this.sessionDeadlineMs = now + this.config.sessionTimeoutMs;
    this.pollTimerResetMs = now;
    this.heartbeatDueMs = now + Math.floor(this.backoffRandom.next() * this.config.heartbeatIntervalMs);
    this.wakeHeartbeat(this.heartbeatDueMs);
  }

  close(): void {
    if (!this.isAlive || this.closing) return;
    this.closing = true;
    this.closePhase = 'waiting for poll';
    // The application calls close() from its own thread, after the batch (or callback) at hand.
    this.app.runInPoll(null, 0, () => this.beginClose());
    this.pollNowIfIdle();
  }

  onStop(listener: () => void): void {
    if (this.stopped) listener();
    else this.stopListeners.push(listener);
  }

  subscribe(topics: readonly string[]): void {
    if (!this.isAlive || this.closing) return;
    if (topics.length === 0) {
      // subscribe(empty) is unsubscribe(), run by the application thread.
      this.app.runInPoll(null, 0, () => {
        this.inPoll();
        this.unsubscribe(null);
      });
      this.pollNowIfIdle();
      return;
    }
    this.setSubscription(sortedUnique(topics));
  }

  setBehaviour(patch: Partial<MemberBehaviour>): void {
    this.app.setBehaviour(patch);
  }

  owned(): Assignment {
    return this.isAlive ? this.app.owned() : EMPTY_ASSIGNMENT;
  }

  details(): ClientDetails {
    return {
      state: this.memberState,
      owned: this.owned(),
      condition: this.condition(),
      groupProtocol: 'classic',
      assignor: this.config.partitionAssignmentStrategy[0] ?? null,
    };
  }

  // =================================================================================================
  // Plumbing
  // =================================================================================================

  private now(): number {
    return this.world.timers.now();
  }

  private emit(event: DistributiveOmit<GroupEvent, 'timeMs' | 'groupId'>): void {
    this.world.emit({ ...event, timeMs: this.now(), groupId: this.config.groupId });
  }

  private schedule(delayMs: number, fn: () => void): TimerHandle {
    const handle = this.world.timers.schedule(Math.max(0, delayMs), () => {
      this.timers.delete(handle);
      if (this.isAlive) fn();
    });
    this.timers.add(handle);
    return handle;
  }

  private cancel(handle: TimerHandle | null): void {
    if (handle === null) return;
    this.world.timers.cancel(handle);
    this.timers.delete(handle);
  }

  private generation(): Generation {
    return {
      generationId: this.cs.generationId,
      memberId: this.cs.memberId,
      protocolName: this.protocolName,
    };
  }

  /** Work the application thread may do in poll(): it is running, not closing and not failed. */
  private canRunAppWork(): boolean {
    return (
      this.isAlive && !this.closing && this.fatalError === null && this.app.isRunning && !this.app.isHalted
    );
  }

  /**
   * True when the application has nothing to fetch (no partition, all paused, or the network is
   * gone): its poll() returns nothing and is called again at once, so it is always "in poll()".
   */
  private nothingToFetch(): boolean {
    return this.noPartitionToFetch || this.world.network.isPartitioned(this.name);
  }

  /** Call after anything that changes what the application can fetch. */
  private noteFetchable(): void {
    this.noPartitionToFetch = isEmptyAssignment(subtractAssignment(this.app.owned(), this.app.paused()));
    if (!this.nothingToFetch()) this.emptySinceMs = null;
    else this.emptySinceMs ??= this.now();
  }

  /**
   * True when the application thread sits inside poll() with nothing to process: it has had
   * nothing to fetch since before its last poll() ended. (When partitions go while it processes a
   * batch, it is busy until that batch is done.)
   */
  private idleInPoll(): boolean {
    if (!this.app.isRunning || this.app.isHalted || this.app.runningTask() !== null) return false;
    if (!this.nothingToFetch()) return false;
    const since = this.emptySinceMs ?? this.now();
    return since <= Math.max(this.lastInPollMs, this.app.lastPollMs());
  }

  /** Marks that the application thread is inside poll() now. */
  private inPoll(): void {
    this.lastInPollMs = this.now();
  }

  private pollNowIfIdle(): void {
    if (this.idleInPoll()) this.app.pollNow();
  }

  /** The last poll() as the heartbeat thread's poll timer sees it. */
  private lastPollMs(): number {
    return this.idleInPoll() ? this.now() : this.app.lastPollMs();
  }

  /** Runs ConsumerCoordinator.poll in the application's next poll() (at once when it idles in poll()). */
  private schedulePoll(): void {
    if (!this.canRunAppWork()) return;
    if (!this.pollQueued) {
      this.pollQueued = true;
      this.app.runInPoll(null, 0, () => {
        this.pollQueued = false;
        this.inPoll();
        this.coordinatorPoll();
      });
    }
    this.pollNowIfIdle();
  }

  /** A retry after `delayMs`: poll() with a timer that expired returns, the next one tries again. */
  private schedulePollAfter(delayMs: number): void {
    if (this.retryTimer !== null && this.retryTimer.active) {
      if (this.retryTimer.dueMs <= this.now() + delayMs) return;
      this.cancel(this.retryTimer);
    }
    this.retryTimer = this.schedule(delayMs, () => {
      this.retryTimer = null;
      this.schedulePoll();
    });
  }

  /**
   * Sends a request to the coordinator over the simulated network. A reply that does not come
   * within `timeoutMs` disconnects the coordinator: every request in flight fails with a
   * DisconnectException (the NetworkClient drops the connection) and the coordinator is unknown.
   */
  private send<R>(
    api: string,
    timeoutMs: number,
    call: (reply: (response: R) => void) => void,
    onResponse: (response: R) => void,
    onFailure: (failure: Failure) => void,
  ): void {
    const entry: InFlight = { api, deadlineMs: this.now() + timeoutMs, fail: onFailure };
    this.inFlight.add(entry);
    this.armRequestTimeout(entry.deadlineMs);
    this.world.network.request<R>(this.name, call, (response) => {
      if (!this.isAlive || !this.inFlight.delete(entry)) return;
      this.inOutage = false;
      onResponse(response);
    });
  }

  private armRequestTimeout(deadlineMs: number): void {
    const t = this.requestTimeoutTimer;
    if (t !== null && t.active && t.dueMs <= deadlineMs) return;
    this.cancel(t);
    this.requestTimeoutTimer = this.schedule(deadlineMs - this.now(), () => this.checkRequestTimeouts());
  }

  private checkRequestTimeouts(): void {
    this.requestTimeoutTimer = null;
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.inFlight) {
      if (entry.deadlineMs <= now) {
        if (!this.inOutage) {
          this.inOutage = true;
          this.emit({ type: 'client-timeout', memberId: this.cs.memberId, timeout: 'request.timeout.ms' });
        }
        // The NetworkClient drops the connection: everything in flight fails.
        this.markCoordinatorUnknown();
        return;
      }
      next = Math.min(next, entry.deadlineMs);
    }
    if (next !== Number.POSITIVE_INFINITY) this.armRequestTimeout(next);
  }

  // =================================================================================================
  // Coordinator discovery
  // =================================================================================================

  /**
   * Looks for the coordinator until it is found: a FindCoordinator round trip to the broker, again
   * after an exponential backoff (retry.backoff.ms up to retry.backoff.max.ms, with jitter) while
   * no answer came — the Java client's application and heartbeat threads keep asking in the same
   * way while the coordinator is unknown.
   */
  private ensureDiscovery(): void {
    if (!this.isAlive || this.coordinatorKnown || this.discoveryTimer !== null) return;
    this.findCoordinator();
  }

  private findCoordinator(): void {
    this.discoveryTimer = null;
    if (!this.isAlive || this.coordinatorKnown || this.hbClosedAndLeaving()) return;
    // FindCoordinator: the simulated cluster has one broker, which is the coordinator of every group.
    this.world.network.request<null>(
      this.name,
      (reply) => reply(null),
      () => this.onCoordinatorFound(),
      'broker',
    );
    this.discoveryTimer = this.schedule(this.backoff.backoff(this.discoveryAttempts++), () =>
      this.findCoordinator(),
    );
  }

  private hbClosedAndLeaving(): boolean {
    return this.closing && this.closePhase === 'leaving';
  }

  private onCoordinatorFound(): void {
    if (!this.isAlive || this.coordinatorKnown) return;
    this.coordinatorKnown = true;
    this.inOutage = false;
    this.discoveryAttempts = 0;
    this.cancel(this.discoveryTimer);
    this.discoveryTimer = null;
    // FindCoordinatorResponseHandler: heartbeat.resetSessionTimeout().
    this.sessionDeadlineMs = this.now() + this.config.sessionTimeoutMs;
    this.wakeHeartbeat(this.now());
    this.schedulePoll();
  }

  /**
   * markCoordinatorUnknown: disconnects, so every request in flight fails with a DisconnectException,
   * and whatever the old connection still carries (a response the network holds, a request a
   * partition kept from the coordinator) is gone with it.
   */
  private markCoordinatorUnknown(): void {
    this.coordinatorKnown = false;
    this.world.network.disconnect(this.name, 'coordinator');
    const pending = [...this.inFlight];
    this.inFlight.clear();
    for (const p of pending) p.fail({ kind: 'disconnect' });
    this.ensureDiscovery();
  }

  // =================================================================================================
  // Metadata
  // =================================================================================================

  /**
   * A metadata update: the client's view of the topics becomes the cluster's. It happens at start,
   * when the subscription (or the leader's group subscription) names a topic the client has no
   * metadata for, and every metadata.max.age.ms — which is how the group leader learns that a topic
   * it assigns got more partitions. While the client is cut off the update waits.
   */
  private refreshMetadata(): void {
    if (!this.isAlive) return;
    this.cancel(this.metadataTimer);
    if (this.world.network.isPartitioned(this.name)) {
      this.metadataTimer = this.schedule(this.config.retryBackoffMaxMs, () => this.refreshMetadata());
      return;
    }
    const m = new Map<string, number>();
    for (const t of this.world.metadata.topics()) m.set(t.name, t.numPartitions);
    this.metadata = m;
    this.metadataVersion++;
    this.metadataTimer = this.schedule(this.metadataMaxAgeMs, () => this.refreshMetadata());
    // The application sees the new metadata at its next poll(): the leader compares it with what
    // it assigned, a pattern subscription is matched again.
    if (this.assignmentSnapshot !== null || this.pattern !== null) this.schedulePoll();
  }

  private metadataTopics(): string[] {
    return sortedUnique([...(this.subscription ?? []), ...this.groupSubscription]);
  }

  private buildSnapshot(): MetadataSnapshot {
    const partitions = new Map<string, number>();
    for (const t of this.metadataTopics()) {
      const n = this.metadata.get(t);
      if (n !== undefined) partitions.set(t, n);
    }
    return { version: this.metadataVersion, partitions };
  }

  /** ConsumerCoordinator.maybeUpdateSubscriptionMetadata. */
  private maybeUpdateSubscriptionMetadata(): void {
    if (this.metadataVersion <= this.metadataSnapshot.version) return;
    if (this.pattern !== null && this.subscription !== null) {
      const pattern = this.pattern;
      const matched = [...this.metadata.keys()].filter((t) => pattern.test(t)).sort(compareStrings);
      if (!sameList(matched, this.subscription)) this.changeSubscription(matched);
    }
    this.metadataSnapshot = this.buildSnapshot();
  }

  // =================================================================================================
  // Subscription
  // =================================================================================================

  private setSubscription(topics: readonly string[]): void {
    if (this.pattern !== null) {
      // A pattern subscription cannot be replaced by topic names without unsubscribe() first.
      this.app.runInPoll(null, 0, () => {
        this.inPoll();
        this.unsubscribe(() => {
          this.pattern = null;
          this.changeSubscription(topics);
          this.schedulePoll();
        });
      });
      this.pollNowIfIdle();
      return;
    }
    this.changeSubscription(topics);
    this.schedulePoll();
  }

  private changeSubscription(topics: readonly string[]): void {
    if (this.subscription !== null && sameList(this.subscription, topics)) return;
    this.subscription = topics;
    this.cs = { ...this.cs, subscription: topics };
    if (this.cs.memberId !== '') {
      this.emit({ type: 'subscription-changed', memberId: this.cs.memberId, topics: [...topics] });
    }
    // requestUpdateForNewTopics
    if (topics.some((t) => !this.metadata.has(t))) this.refreshMetadata();
  }

  /**
   * KafkaConsumer.unsubscribe(), on the application thread: onLeavePrepare, LeaveGroup (dynamic
   * members), and no subscription until the next subscribe(). `then` runs afterwards.
   */
  private unsubscribe(then: (() => void) | null): void {
    if (!this.canRunAppWork()) return;
    if (this.chainRunning) {
      // Callbacks of a rebalance run in this poll(): unsubscribe() comes after them.
      this.app.runInPoll(null, 0, () => this.unsubscribe(then));
      return;
    }
    if (this.subscription === null) {
      then?.();
      return;
    }
    const step = onLeavePrepare(this.cs, this.rebalanceInProgress());
    this.cs = step.state;
    this.runCallbacks(step.callbacks, () => {
      this.maybeLeaveGroup('the consumer unsubscribed from all topics', null);
      this.join = null;
      this.joinedSubscription = null;
      this.assignmentSnapshot = null;
      this.subscription = null;
      this.cs = { ...this.cs, subscription: [] };
      then?.();
    });
  }

  // =================================================================================================
  // ConsumerCoordinator.poll — on the application thread
  // =================================================================================================

  private coordinatorPoll(): void {
    if (!this.canRunAppWork() || this.chainRunning) return;
    if (this.raiseIfFailed()) return;
    this.maybeUpdateSubscriptionMetadata();
    if (this.subscription === null) return;
    if (!this.coordinatorKnown) {
      // ensureCoordinatorReady: poll() waits for the coordinator (and commits nothing meanwhile).
      this.ensureDiscovery();
      return;
    }
    if (this.rejoinNeededOrPending() && !this.joinGroupIfNeeded()) return;
    this.maybeAutoCommitAsync();
  }

  /** What a failure on the heartbeat thread or of an async commit makes poll() throw. */
  private raiseIfFailed(): boolean {
    if (this.hbFailure !== null) {
      this.fail('Heartbeat', this.hbFailure);
      return true;
    }
    if (this.asyncCommitFenced) {
      this.fail(
        'OffsetCommit',
        `FencedInstanceIdException: group.instance.id ${this.config.groupInstanceId ?? ''} was fenced`,
      );
      return true;
    }
    return false;
  }

  /** ConsumerCoordinator.rejoinNeededOrPending. */
  private rejoinNeededOrPending(): boolean {
    if (this.subscription === null) return false;
    if (this.assignmentSnapshot !== null && !snapshotsMatch(this.assignmentSnapshot, this.metadataSnapshot)) {
      this.requestRejoinIfNecessary('cached metadata has changed');
      return true;
    }
    if (this.joinedSubscription !== null && !sameList(this.joinedSubscription, this.subscription)) {
      this.requestRejoinIfNecessary('subscription has changed');
      return true;
    }
    return this.rejoinNeeded || this.join !== null;
  }

  /**
   * AbstractCoordinator.joinGroupIfNeeded with the zero timer poll() uses: it goes as far as it
   * can now and returns false when it must wait (for a response, a callback, a backoff).
   */
  private joinGroupIfNeeded(): boolean {
    for (;;) {
      if (!this.rejoinNeededOrPending()) return true;
      if (!this.coordinatorKnown) {
        this.ensureDiscovery();
        return false;
      }
      if (this.needsJoinPrepare) {
        this.needsJoinPrepare = false;
        const prepared = this.onJoinPrepare();
        if (prepared === 'wait') {
          this.needsJoinPrepare = true;
          return false;
        }
        if (prepared === 'callbacks') return false;
      }
      const join = this.initiateJoinGroup();
      if (join.phase === 'answered') this.handleJoinResponse(join);
      if (join.phase === 'joining' || join.phase === 'syncing' || join.phase === 'answered') return false;
      if (join.phase === 'succeeded') {
        const gen = this.generation();
        if (!hasGenerationReset(gen) && this.memberState === 'STABLE') {
          this.onJoinComplete(join, gen);
          return false;
        }
        this.resetStateAndRejoin(
          `rebalance failed since the generation/state was modified by heartbeat thread to ` +
            `generation ${gen.generationId}/${this.memberState} before the rebalance callback triggered`,
          true,
        );
        this.join = null;
        continue;
      }
      // failed
      this.join = null;
      const f = join.failure ?? { kind: 'fatal', message: 'the rebalance failed' };
      if (!(f.kind === 'error' && f.error === 'MEMBER_ID_REQUIRED')) {
        this.requestRejoin(`rebalance failed due to ${exceptionName(f)}`);
      }
      if (f.kind === 'error' && REJOIN_AT_ONCE.has(f.error)) continue;
      if (!isRetriable(f)) {
        this.fail('JoinGroup', describeFailure(f));
        return false;
      }
      this.schedulePollAfter(this.config.retryBackoffMs);
      return false;
    }
  }

  /**
   * ConsumerCoordinator.onJoinPrepare: commit (auto-commit) and wait for the commit, then revoke or
   * lose partitions with the callbacks. 'wait' = not yet (called again later); 'callbacks' = the
   * callbacks run in this poll() and the join continues after them; 'done' = join now.
   */
  private onJoinPrepare(): 'wait' | 'callbacks' | 'done' {
    const now = this.now();
    this.joinPrepareDeadlineMs ??= now + this.config.maxPollIntervalMs;
    if (this.config.enableAutoCommit && this.prepareCommit === null) {
      // maybeMarkPartitionsPendingRevocation (EAGER): no more records from partitions about to go.
      if (this.cs.protocol === 'eager') {
        this.app.pause(toPartitions(this.app.owned()));
        this.noteFetchable();
      }
      this.prepareCommit = this.commitAsync();
    }
    const commit = this.prepareCommit;
    if (commit !== null) {
      let completed = true;
      if (now >= this.joinPrepareDeadlineMs) {
        // "Asynchronous auto-commit of offsets failed: joinPrepare timeout. Will continue to join group"
      } else if (commit.status === 'pending') {
        completed = false;
        if (commit.listeners.length === 0) commit.listeners.push(() => this.schedulePoll());
      } else if (commit.status === 'failed' && commit.failure !== null && isRetriable(commit.failure)) {
        completed = false;
        this.schedulePollAfter(this.config.retryBackoffMs);
      }
      if (commit.status !== 'pending') this.prepareCommit = null;
      if (!completed) return 'wait';
    }
    const step = onJoinPrepare(this.cs);
    this.cs = step.state;
    this.isLeader = false;
    this.groupSubscription = [];
    this.joinPrepareDeadlineMs = null;
    this.prepareCommit = null;
    if (step.callbacks.length === 0) return 'done';
    this.runCallbacks(step.callbacks, () => this.continueJoin());
    return 'callbacks';
  }

  /** The rebalance goes on in the same poll() once the callbacks are done. */
  private continueJoin(): void {
    this.coordinatorPoll();
  }

  private initiateJoinGroup(): JoinFuture {
    if (this.join === null) {
      this.memberState = 'PREPARING_REBALANCE';
      this.leftBecause = null;
      this.join = this.sendJoinGroup();
    }
    return this.join;
  }

  private sendJoinGroup(): JoinFuture {
    const future: JoinFuture = {
      phase: 'joining',
      sent: this.generation(),
      response: null,
      assignment: null,
      failure: null,
    };
    if (!this.coordinatorKnown) {
      future.phase = 'failed';
      future.failure = { kind: 'coordinator-unknown' };
      return future;
    }
    const topics = this.subscription ?? [];
    this.joinedSubscription = topics;
    const request: JoinGroupRequest = {
      groupId: this.config.groupId,
      sessionTimeoutMs: this.config.sessionTimeoutMs,
      rebalanceTimeoutMs: this.config.maxPollIntervalMs,
      memberId: this.cs.memberId,
      groupInstanceId: this.config.groupInstanceId,
      protocolType: PROTOCOL_TYPE,
      protocols: buildJoinProtocols(
        { ...this.cs, subscription: topics },
        this.config.partitionAssignmentStrategy,
        this.config.rackId,
      ),
      reason: truncateReason(this.rejoinReason),
      clientId: this.config.clientId,
      clientHost: this.config.clientHost,
    };
    const timeoutMs = Math.max(
      this.config.requestTimeoutMs,
      this.config.maxPollIntervalMs + JOIN_GROUP_TIMEOUT_LAPSE_MS,
    );
    this.send<JoinGroupResponse>(
      'JoinGroup',
      timeoutMs,
      (reply) => this.world.coordinator.joinGroup(request, reply),
      (response) => {
        if (this.join !== future) return;
        // The heartbeat thread does not run before the JoinGroup response: only the application's
        // poll() reads it.
        future.phase = 'answered';
        future.response = response;
        this.schedulePoll();
      },
      (failure) => {
        if (this.join !== future) return;
        this.failFuture(future, failure);
        this.schedulePoll();
      },
    );
    return future;
  }

  private failFuture(future: JoinFuture, failure: Failure): void {
    future.phase = 'failed';
    future.failure = failure;
  }

  /** AbstractCoordinator.JoinGroupResponseHandler, run by the application thread. */
  private handleJoinResponse(future: JoinFuture): void {
    const r = future.response;
    if (r === null) return;
    const error = r.errorCode;
    switch (error) {
      case 'NONE': {
        if (isProtocolTypeInconsistent(r.protocolType)) {
          this.failFuture(future, INCONSISTENT_PROTOCOL);
          return;
        }
        if (this.memberState !== 'PREPARING_REBALANCE') {
          this.failFuture(future, { kind: 'unjoined' });
          return;
        }
        this.memberState = 'COMPLETING_REBALANCE';
        this.cs = { ...this.cs, memberId: r.memberId, generationId: r.generationId };
        this.protocolName = r.protocolName;
        this.enableHeartbeatThread();
        let assignments: SyncGroupRequest['assignments'] = [];
        if (r.leader === r.memberId) {
          const result = this.onLeaderElected(r);
          if (!result.ok) {
            this.failFuture(future, { kind: 'fatal', message: result.error });
            return;
          }
          assignments = result.assignments;
        }
        this.sendSyncGroup(future, assignments);
        return;
      }
      case 'UNKNOWN_MEMBER_ID':
        if (sameGeneration(future.sent, this.generation()))
          this.resetStateOnResponseError('JOIN_GROUP', error, true);
        break;
      case 'COORDINATOR_NOT_AVAILABLE':
      case 'NOT_COORDINATOR':
        this.markCoordinatorUnknown();
        break;
      case 'MEMBER_ID_REQUIRED':
        this.cs = { ...this.cs, memberId: r.memberId, generationId: NO_GENERATION };
        this.protocolName = null;
        this.requestRejoin(`need to re-join with the given member-id: ${r.memberId}`);
        break;
      case 'COORDINATOR_LOAD_IN_PROGRESS':
      case 'REBALANCE_IN_PROGRESS':
      case 'FENCED_INSTANCE_ID':
      case 'INCONSISTENT_GROUP_PROTOCOL':
      case 'INVALID_SESSION_TIMEOUT':
      case 'INVALID_GROUP_ID':
      case 'GROUP_AUTHORIZATION_FAILED':
      case 'GROUP_MAX_SIZE_REACHED':
        break;
      default:
        this.failFuture(future, {
          kind: 'fatal',
          message: `Unexpected error in join group response: ${error}`,
        });
        return;
    }
    this.failFuture(future, { kind: 'error', error });
  }

  /** ConsumerCoordinator.onLeaderElected: the leader's assignment (or none when told to skip it). */
  private onLeaderElected(
    r: JoinGroupResponse,
  ): { ok: true; assignments: SyncGroupRequest['assignments'] } | { ok: false; error: string } {
    const all = sortedUnique(r.members.flatMap((m) => m.metadata.topics));
    this.groupSubscription = all;
    // updateGroupSubscription: fresh metadata when the group reads topics this member does not, or
    // when its metadata is older than metadata.max.age.ms.
    const own = new Set(this.subscription ?? []);
    if (all.some((t) => !own.has(t)) || this.metadataExpired()) this.refreshMetadata();
    this.maybeUpdateSubscriptionMetadata();
    this.isLeader = true;
    const result = performLeaderAssignment({
      protocolName: r.protocolName ?? '',
      members: r.members,
      skipAssignment: r.skipAssignment,
      assignors: this.assignors,
      protocol: this.cs.protocol,
      partitionCount: (t) => this.metadata.get(t),
      ordering: this.world.ordering,
    });
    this.assignmentSnapshot = this.metadataSnapshot;
    return result;
  }

  private metadataExpired(): boolean {
    return (
      this.metadataTimer === null || !this.metadataTimer.active || this.metadataTimer.dueMs <= this.now()
    );
  }

  private sendSyncGroup(future: JoinFuture, assignments: SyncGroupRequest['assignments']): void {
    future.phase = 'syncing';
    if (!this.coordinatorKnown) {
      this.failFuture(future, { kind: 'coordinator-unknown' });
      return;
    }
    const sent = this.generation();
    const request: SyncGroupRequest = {
      groupId: this.config.groupId,
      generationId: sent.generationId,
      memberId: sent.memberId,
      groupInstanceId: this.config.groupInstanceId,
      protocolType: PROTOCOL_TYPE,
      protocolName: sent.protocolName,
      assignments,
    };
    this.send<SyncGroupResponse>(
      'SyncGroup',
      this.config.requestTimeoutMs,
      (reply) => this.world.coordinator.syncGroup(request, reply),
      (response) => {
        if (this.join !== future) return;
        this.handleSyncResponse(future, response, sent);
        this.schedulePoll();
      },
      (failure) => {
        if (this.join !== future) return;
        this.failFuture(future, failure);
        this.schedulePoll();
      },
    );
  }

  /** AbstractCoordinator.SyncGroupResponseHandler (on the heartbeat thread, as soon as it arrives). */
  private handleSyncResponse(future: JoinFuture, r: SyncGroupResponse, sent: Generation): void {
    const error = r.errorCode;
    switch (error) {
      case 'NONE': {
        if (isProtocolTypeInconsistent(r.protocolType)) {
          this.failFuture(future, INCONSISTENT_PROTOCOL);
          return;
        }
        const gen = this.generation();
        if (hasGenerationReset(gen) || this.memberState !== 'COMPLETING_REBALANCE') {
          // "Generation data was cleared by heartbeat thread": retry at once.
          this.failFuture(future, { kind: 'error', error: 'ILLEGAL_GENERATION' });
          return;
        }
        if (r.protocolName !== null && r.protocolName !== gen.protocolName) {
          this.failFuture(future, INCONSISTENT_PROTOCOL);
          return;
        }
        this.memberState = 'STABLE';
        this.rejoinReason = '';
        this.rejoinNeeded = false;
        future.phase = 'succeeded';
        future.assignment = r.assignment;
        return;
      }
      case 'UNKNOWN_MEMBER_ID':
      case 'ILLEGAL_GENERATION':
        if (sameGeneration(sent, this.generation())) {
          this.resetStateOnResponseError('SYNC_GROUP', error, error !== 'ILLEGAL_GENERATION');
        }
        break;
      case 'COORDINATOR_NOT_AVAILABLE':
      case 'NOT_COORDINATOR':
        this.markCoordinatorUnknown();
        break;
      case 'GROUP_AUTHORIZATION_FAILED':
      case 'REBALANCE_IN_PROGRESS':
      case 'FENCED_INSTANCE_ID':
        break;
      default:
        this.failFuture(future, { kind: 'fatal', message: `Unexpected error from SyncGroup: ${error}` });
        return;
    }
    this.failFuture(future, { kind: 'error', error });
  }

  /** ConsumerCoordinator.onJoinComplete, then the callbacks; the join future is done after them. */
  private onJoinComplete(future: JoinFuture, gen: Generation): void {
    if (!this.isLeader) this.assignmentSnapshot = null;
    if (gen.protocolName === null || !this.assignors.some((a) => a.name === gen.protocolName)) {
      this.join = null;
      this.fail(
        'SyncGroup',
        `Coordinator selected invalid assignment protocol: ${gen.protocolName ?? 'null'}`,
      );
      return;
    }
    const assignment = future.assignment ?? { assignedPartitions: [], userData: null };
    if (this.pattern !== null && this.subscription !== null) {
      // maybeUpdateJoinedSubscription: topics the leader assigned that match the pattern join it.
      const pattern = this.pattern;
      const extra = assignment.assignedPartitions.map((tp) => tp.topic).filter((t) => pattern.test(t));
      const merged = sortedUnique([...this.subscription, ...extra]);
      if (!sameList(merged, this.subscription)) {
        this.changeSubscription(merged);
        this.joinedSubscription = merged;
      }
    }
    const step = onJoinComplete(
      this.cs,
      { memberId: gen.memberId, generationId: gen.generationId },
      assignment,
    );
    this.cs = step.state;
    if (step.rejoinReason !== null) this.requestRejoin(step.rejoinReason);
    if (step.callbacks.length > 0 && this.config.enableAutoCommit) {
      // Reschedule the auto commit starting from now.
      this.nextAutoCommitMs = this.now() + this.config.autoCommitIntervalMs;
      this.armAutoCommit();
    }
    this.runCallbacks(step.callbacks, () => {
      if (this.join === future) this.join = null;
      this.needsJoinPrepare = true;
      this.continueJoin();
    });
  }

  // =================================================================================================
  // Rebalance callbacks and ownership
  // =================================================================================================

  /**
   * Queues the callbacks in the running poll() (ConsumerRebalanceListenerInvoker), then `then`.
   * Ownership changes with them: assigned when onPartitionsAssigned is invoked, revoked when
   * onPartitionsRevoked completes, lost (if not already) when onPartitionsLost is invoked.
   */
  private runCallbacks(callbacks: readonly RebalanceCallback[], then: () => void): void {
    this.chainRunning = true;
    const b = this.app.behaviour;
    for (const cb of callbacks) {
      switch (cb.callback) {
        case 'onPartitionsRevoked':
          this.app.runInPoll(
            'onPartitionsRevoked',
            b.onRevokedMs,
            () => {
              this.inPoll();
              this.finishRevoke(cb.partitions);
            },
            () => {
              this.inPoll();
              this.app.pause(toPartitions(cb.partitions));
              this.noteFetchable();
            },
          );
          break;
        case 'onPartitionsLost':
          this.app.runInPoll(
            'onPartitionsLost',
            b.onLostMs,
            () => this.inPoll(),
            () => {
              this.inPoll();
              this.releaseAsLost();
            },
          );
          break;
        case 'onPartitionsAssigned':
          this.app.runInPoll(
            'onPartitionsAssigned',
            b.onAssignedMs,
            () => this.inPoll(),
            () => {
              this.inPoll();
              this.startAssigned(cb.partitions);
            },
          );
          break;
      }
    }
    this.app.runInPoll(null, 0, () => {
      this.inPoll();
      this.chainRunning = false;
      then();
    });
    this.pollNowIfIdle();
  }

  /** The same callbacks, run on a thread that left its poll loop (close()). */
  private runCallbacksNow(callbacks: readonly RebalanceCallback[], then: () => void): void {
    const [cb, ...rest] = callbacks;
    if (cb === undefined) {
      then();
      return;
    }
    const next = (): void => this.runCallbacksNow(rest, then);
    const b = this.app.behaviour;
    switch (cb.callback) {
      case 'onPartitionsRevoked':
        this.app.pause(toPartitions(cb.partitions));
        this.noteFetchable();
        this.app.runNow('onPartitionsRevoked', b.onRevokedMs, () => {
          this.finishRevoke(cb.partitions);
          next();
        });
        break;
      case 'onPartitionsLost':
        this.releaseAsLost();
        this.app.runNow('onPartitionsLost', b.onLostMs, next);
        break;
      case 'onPartitionsAssigned':
        this.startAssigned(cb.partitions);
        this.app.runNow('onPartitionsAssigned', b.onAssignedMs, next);
        break;
    }
  }

  private startAssigned(partitions: Assignment): void {
    if (isEmptyAssignment(partitions)) return;
    this.app.addOwned(toPartitions(partitions));
    this.noteFetchable();
    this.ownerMemberId = this.cs.memberId;
    this.emit({ type: 'partitions-assigned', memberId: this.ownerMemberId, partitions });
  }

  private finishRevoke(partitions: Assignment): void {
    const dropped = intersectAssignments(partitions, this.app.owned());
    if (isEmptyAssignment(dropped)) return;
    this.app.removeOwned(toPartitions(dropped));
    this.noteFetchable();
    this.emit({ type: 'partitions-revoked', memberId: this.ownerMemberId, partitions: dropped });
  }

  /** The client gives up what the application still owns, without revoking it. */
  private releaseAsLost(): void {
    const owned = this.app.owned();
    if (isEmptyAssignment(owned)) return;
    this.app.removeOwned(toPartitions(owned));
    this.noteFetchable();
    this.emit({ type: 'partitions-lost', memberId: this.ownerMemberId, partitions: owned });
  }

  // =================================================================================================
  // Generation resets, rejoin requests, LeaveGroup
  // =================================================================================================

  private requestRejoin(reason: string): void {
    this.rejoinReason = reason;
    this.rejoinNeeded = true;
  }

  private requestRejoinIfNecessary(reason: string): void {
    if (!this.rejoinNeeded) this.requestRejoin(reason);
  }

  private rebalanceInProgress(): boolean {
    return this.memberState === 'PREPARING_REBALANCE' || this.memberState === 'COMPLETING_REBALANCE';
  }

  /**
   * AbstractCoordinator.resetStateAndGeneration: the member is out of its generation. What the
   * application owns is lost from now on (onPartitionsLost runs in the next poll()'s onJoinPrepare).
   */
  private resetStateAndGeneration(resetMemberId: boolean): void {
    this.memberState = 'UNJOINED';
    this.cs = resetGeneration(this.cs, resetMemberId);
    this.protocolName = null;
    this.hbEnabled = false;
    this.releaseAsLost();
  }

  private resetStateAndRejoin(reason: string, resetMemberId: boolean): void {
    this.resetStateAndGeneration(resetMemberId);
    this.requestRejoin(reason);
    this.needsJoinPrepare = true;
  }

  private resetStateOnResponseError(api: string, error: ErrorName, resetMemberId: boolean): void {
    this.resetStateAndRejoin(`encountered ${error} from ${api} response`, resetMemberId);
  }

  /**
   * AbstractCoordinator.maybeLeaveGroup: a dynamic member that is in the group sends LeaveGroup
   * (static members stay until their session times out); every member resets its generation.
   * Returns whether a LeaveGroup went out; `onDone` runs when it is answered (or fails).
   */
  private maybeLeaveGroup(reason: string, onDone: (() => void) | null): boolean {
    const gen = this.generation();
    let sent = false;
    if (
      this.coordinatorKnown &&
      this.memberState !== 'UNJOINED' &&
      gen.memberId !== '' &&
      this.config.groupInstanceId === null
    ) {
      const request = {
        groupId: this.config.groupId,
        members: [{ memberId: gen.memberId, groupInstanceId: null, reason: truncateReason(reason) }],
      };
      this.send<LeaveGroupResponse>(
        'LeaveGroup',
        this.config.requestTimeoutMs,
        (reply) => reply(this.world.coordinator.leaveGroup(request)),
        () => onDone?.(),
        () => onDone?.(),
      );
      sent = true;
    }
    this.resetStateAndRejoin('consumer pro-actively leaving the group', true);
    return sent;
  }

  // =================================================================================================
  // Heartbeat thread
  // =================================================================================================

  /** HeartbeatThread.enable + Heartbeat.resetTimeouts, when the JoinGroup response arrives. */
  private enableHeartbeatThread(): void {
    const now = this.now();
    this.hbEnabled = true;
    this.sessionDeadlineMs = now + this.config.sessionTimeoutMs;
    this.pollTimerResetMs = now;
    this.heartbeatDueMs = now + this.config.heartbeatIntervalMs;
    this.wakeHeartbeat(now);
  }

  private wakeHeartbeat(atMs: number): void {
    if (!this.isAlive || this.hbClosed) return;
    if (this.hbTimer !== null && this.hbTimer.active) {
      if (this.hbTimer.dueMs <= atMs) return;
      this.cancel(this.hbTimer);
    }
    this.hbTimer = this.schedule(atMs - this.now(), () => {
      this.hbTimer = null;
      this.heartbeatLoop();
    });
  }

  private pollDeadlineMs(): number {
    return Math.max(this.lastPollMs(), this.pollTimerResetMs) + this.config.maxPollIntervalMs;
  }

  /** One pass of HeartbeatThread.run's loop. */
  private heartbeatLoop(): void {
    if (!this.isAlive || this.hbClosed || !this.hbEnabled) return;
    if (
      this.memberState === 'UNJOINED' ||
      this.memberState === 'PREPARING_REBALANCE' ||
      this.hbFailure !== null
    ) {
      this.hbEnabled = false;
      return;
    }
    const now = this.now();
    if (!this.coordinatorKnown) {
      // The thread keeps looking for the coordinator; it is woken when one is found.
      this.ensureDiscovery();
      return;
    }
    if (now >= this.sessionDeadlineMs) {
      this.emit({ type: 'client-timeout', memberId: this.cs.memberId, timeout: 'session.timeout.ms' });
      // "session timed out without receiving a heartbeat response"
      this.markCoordinatorUnknown();
      return;
    }
    if (now >= this.pollDeadlineMs()) {
      this.handlePollTimeoutExpiry();
      return;
    }
    if (now >= this.heartbeatDueMs) {
      this.heartbeatDueMs = now + this.config.heartbeatIntervalMs;
      this.sendHeartbeat();
    }
    this.wakeHeartbeat(Math.min(this.heartbeatDueMs, this.sessionDeadlineMs, this.pollDeadlineMs()));
  }

  /** AbstractCoordinator.handlePollTimeoutExpiry. */
  private handlePollTimeoutExpiry(): void {
    this.emit({ type: 'client-timeout', memberId: this.cs.memberId, timeout: 'max.poll.interval.ms' });
    this.leftBecause = 'max.poll.interval.ms exceeded';
    this.maybeLeaveGroup('consumer poll timeout has expired.', null);
    // The application re-joins in its next poll(), when the batch it is stuck on is done.
    this.schedulePoll();
  }

  private sendHeartbeat(): void {
    const sent = this.generation();
    const request = {
      groupId: this.config.groupId,
      generationId: sent.generationId,
      memberId: sent.memberId,
      groupInstanceId: this.config.groupInstanceId,
    };
    this.send<HeartbeatResponse>(
      'Heartbeat',
      this.config.requestTimeoutMs,
      (reply) => reply(this.world.coordinator.heartbeat(request)),
      (r) => this.onHeartbeatResponse(r.errorCode, sent),
      () => this.failHeartbeat(),
    );
  }

  /** HeartbeatResponseHandler and the listener HeartbeatThread adds to each heartbeat. */
  private onHeartbeatResponse(error: ErrorName, sent: Generation): void {
    switch (error) {
      case 'NONE':
        this.receiveHeartbeat();
        return;
      case 'COORDINATOR_NOT_AVAILABLE':
      case 'NOT_COORDINATOR':
        this.markCoordinatorUnknown();
        this.failHeartbeat();
        return;
      case 'REBALANCE_IN_PROGRESS':
        if (this.memberState === 'STABLE') {
          this.requestRejoin('group is already rebalancing');
          this.schedulePoll();
        }
        // A heartbeat during a rebalance still keeps the session alive.
        this.receiveHeartbeat();
        return;
      case 'ILLEGAL_GENERATION':
      case 'UNKNOWN_MEMBER_ID':
      case 'FENCED_INSTANCE_ID':
        if (!sameGeneration(sent, this.generation())) {
          // A stale heartbeat's error is ignored.
          this.receiveHeartbeat();
          return;
        }
        this.resetStateOnResponseError('HEARTBEAT', error, error !== 'ILLEGAL_GENERATION');
        if (error === 'FENCED_INSTANCE_ID') {
          this.hbFailure = `FencedInstanceIdException: group.instance.id ${this.config.groupInstanceId ?? ''} was fenced by another consumer`;
          this.hbEnabled = false;
        } else this.failHeartbeat();
        this.schedulePoll();
        return;
      default:
        this.failHeartbeat();
    }
  }

  private receiveHeartbeat(): void {
    this.heartbeatAttempts = 0;
    this.sessionDeadlineMs = this.now() + this.config.sessionTimeoutMs;
  }

  /** Heartbeat.failHeartbeat: the next heartbeat after an exponential backoff. */
  private failHeartbeat(): void {
    this.heartbeatDueMs = this.now() + this.backoff.backoff(this.heartbeatAttempts++);
    this.wakeHeartbeat(this.heartbeatDueMs);
  }

  // =================================================================================================
  // Offset commits
  // =================================================================================================

  private armAutoCommit(): void {
    if (!this.config.enableAutoCommit || !this.isAlive) return;
    if (
      this.autoCommitTimer !== null &&
      this.autoCommitTimer.active &&
      this.autoCommitTimer.dueMs === this.nextAutoCommitMs
    ) {
      return;
    }
    this.cancel(this.autoCommitTimer);
    this.autoCommitTimer = this.schedule(this.nextAutoCommitMs - this.now(), () => {
      this.autoCommitTimer = null;
      this.schedulePoll();
    });
  }

  /** ConsumerCoordinator.maybeAutoCommitOffsetsAsync, at the end of a successful poll. */
  private maybeAutoCommitAsync(): void {
    if (!this.config.enableAutoCommit) return;
    const now = this.now();
    if (now >= this.nextAutoCommitMs) {
      this.nextAutoCommitMs = now + this.config.autoCommitIntervalMs;
      const commit = this.commitAsync();
      onSettled(commit, () => {
        if (commit.status !== 'failed' || commit.failure === null) return;
        if (isRetriable(commit.failure)) {
          // RetriableCommitFailedException: try again after retry.backoff.ms.
          this.nextAutoCommitMs = this.now() + this.config.retryBackoffMs;
          this.armAutoCommit();
        }
      });
    }
    this.armAutoCommit();
  }

  /** The consumed positions of the owned partitions (SubscriptionState.allConsumed). */
  private allConsumed(): OffsetCommitRequest['offsets'] {
    return this.app.currentPositions();
  }

  /** commitOffsetsAsync(allConsumed). */
  private commitAsync(): CommitFuture {
    const offsets = this.allConsumed();
    if (offsets.length === 0) return settledCommit('succeeded', null);
    if (!this.coordinatorKnown) {
      this.ensureDiscovery();
      return settledCommit('failed', { kind: 'coordinator-unknown' });
    }
    return this.sendOffsetCommit(offsets);
  }

  /** ConsumerCoordinator.sendOffsetCommitRequest with its OffsetCommitResponseHandler. */
  private sendOffsetCommit(offsets: OffsetCommitRequest['offsets']): CommitFuture {
    if (this.memberState !== 'STABLE') {
      // generationIfStable() is null: not part of an active group.
      return settledCommit(
        'failed',
        this.rebalanceInProgress()
          ? { kind: 'error', error: 'REBALANCE_IN_PROGRESS' }
          : { kind: 'commit-failed' },
      );
    }
    const sent = this.generation();
    const request: OffsetCommitRequest = {
      groupId: this.config.groupId,
      memberId: sent.memberId,
      generationIdOrMemberEpoch: sent.generationId,
      groupInstanceId: this.config.groupInstanceId,
      offsets,
    };
    const future: CommitFuture = { status: 'pending', failure: null, listeners: [] };
    this.send<OffsetCommitResponse>(
      'OffsetCommit',
      this.config.requestTimeoutMs,
      (reply) => reply(this.world.coordinator.offsetCommit(request)),
      (r) => settle(future, this.onCommitResponse(r.errorCode, sent)),
      (failure) => settle(future, failure),
    );
    return future;
  }

  private onCommitResponse(error: ErrorName, sent: Generation): Failure | null {
    switch (error) {
      case 'NONE':
        return null;
      case 'COORDINATOR_LOAD_IN_PROGRESS':
        return { kind: 'error', error };
      case 'COORDINATOR_NOT_AVAILABLE':
      case 'NOT_COORDINATOR':
        this.markCoordinatorUnknown();
        return { kind: 'error', error };
      case 'FENCED_INSTANCE_ID':
        if (sameGeneration(sent, this.generation())) {
          this.asyncCommitFenced = true;
          this.schedulePoll();
          return { kind: 'error', error };
        }
        return this.memberState === 'PREPARING_REBALANCE'
          ? { kind: 'error', error: 'REBALANCE_IN_PROGRESS' }
          : { kind: 'commit-failed' };
      case 'REBALANCE_IN_PROGRESS':
        this.requestRejoin('offset commit failed since group is already rebalancing');
        this.schedulePoll();
        return { kind: 'error', error };
      case 'UNKNOWN_MEMBER_ID':
      case 'ILLEGAL_GENERATION':
        if (!sameGeneration(sent, this.generation()) && this.memberState === 'PREPARING_REBALANCE') {
          return { kind: 'error', error: 'REBALANCE_IN_PROGRESS' };
        }
        this.resetStateOnResponseError('OFFSET_COMMIT', error, error !== 'ILLEGAL_GENERATION');
        this.schedulePoll();
        return { kind: 'commit-failed' };
      default:
        return { kind: 'fatal', message: `Unexpected error in commit: ${error}` };
    }
  }

  /**
   * commitOffsetsSync (close()'s auto-commit): retries retriable failures with backoff until
   * `deadlineMs`; gives up on others. `done` runs once.
   */
  private commitSync(deadlineMs: number, done: () => void): void {
    const offsets = this.allConsumed();
    if (offsets.length === 0) {
      done();
      return;
    }
    let attempts = 0;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      done();
    };
    const deadline = this.schedule(deadlineMs - this.now(), finish);
    const attempt = (): void => {
      if (finished) return;
      const commit = this.coordinatorKnown
        ? this.sendOffsetCommit(offsets)
        : settledCommit('failed', { kind: 'coordinator-unknown' });
      if (!this.coordinatorKnown) this.ensureDiscovery();
      onSettled(commit, () => {
        if (finished) return;
        if (commit.status === 'succeeded' || commit.failure === null || !isRetriable(commit.failure)) {
          this.cancel(deadline);
          finish();
          return;
        }
        this.schedule(this.backoff.backoff(attempts++), attempt);
      });
    };
    attempt();
  }

  // =================================================================================================
  // close(), crash, fatal errors
  // =================================================================================================

  /** KafkaConsumer.close() → ConsumerCoordinator.close → AbstractCoordinator.close. */
  private beginClose(): void {
    if (!this.isAlive) return;
    this.app.halt();
    const deadlineMs = this.now() + Math.min(this.closeTimeoutMs, this.config.requestTimeoutMs);
    const afterCommit = (): void => this.closeCoordinator(deadlineMs);
    if (this.config.enableAutoCommit) {
      this.closePhase = 'committing offsets';
      this.commitSync(deadlineMs, afterCommit);
    } else afterCommit();
  }

  private closeCoordinator(deadlineMs: number): void {
    if (!this.isAlive) return;
    // closeHeartbeatThread, then onLeavePrepare and maybeLeaveGroup.
    this.hbClosed = true;
    this.cancel(this.hbTimer);
    this.hbTimer = null;
    this.closePhase = 'revoking';
    const step = onLeavePrepare(this.cs, this.rebalanceInProgress());
    this.cs = step.state;
    this.runCallbacksNow(step.callbacks, () => {
      this.closePhase = 'leaving';
      const finish = (): void => this.finishClose();
      // awaitPendingRequests: the LeaveGroup response, within what is left of the close timeout.
      if (this.maybeLeaveGroup('the consumer is being closed', finish)) {
        this.schedule(deadlineMs - this.now(), finish);
      } else finish();
    });
  }

  private finishClose(): void {
    if (!this.isAlive) return;
    this.closed = true;
    this.shutDown();
  }

  /** The application's poll() throws `message`; the application closes the consumer on its way out. */
  private fail(api: string, message: string): void {
    if (this.fatalError !== null || !this.isAlive) return;
    this.fatalError = message;
    this.emit({ type: 'request-error', memberId: this.cs.memberId, api, error: message });
    if (!this.closing) {
      this.closing = true;
      this.beginClose();
    }
  }

  private shutDown(): void {
    this.isAlive = false;
    this.closing = false;
    this.closePhase = null;
    this.app.stop();
    for (const t of this.timers) this.world.timers.cancel(t);
    this.timers.clear();
    this.inFlight.clear();
    // The consumer's sockets close with it.
    this.world.network.disconnect(this.name, 'coordinator');
    this.world.network.disconnect(this.name, 'broker');
    this.hbTimer = null;
    this.discoveryTimer = null;
    this.autoCommitTimer = null;
    this.metadataTimer = null;
    this.retryTimer = null;
    this.unwatch?.();
    this.unwatch = null;
    this.stopped = true;
    for (const l of this.stopListeners.splice(0)) l();
  }

  // =================================================================================================
  // Details
  // =================================================================================================

  private condition(): string | null {
    const now = this.now();
    if (!this.isAlive) {
      if (this.crashed) return 'crashed';
      if (this.fatalError !== null) return `failed: ${this.fatalError}`;
      return this.closed ? 'closed' : 'not started';
    }
    const task = this.app.runningTask();
    const running =
      task === null
        ? null
        : `in ${task.label} (${seconds(now - task.startedMs)} of ${seconds(task.durationMs)})`;
    if (this.closing && this.closePhase !== null) {
      return `closing: ${this.closePhase}${running === null ? '' : `, ${running}`}`;
    }
    if (running !== null) return running;
    if (this.world.network.isPartitioned(this.name)) return 'cut off from the broker';
    if (!this.coordinatorKnown) return 'looking for the group coordinator';
    if (this.leftBecause !== null && this.memberState === 'UNJOINED') {
      return `left: ${this.leftBecause}; re-joins at its next poll() (in ${seconds(this.app.nextPollMs() - now)})`;
    }
    const nextPoll = `next poll() in ${seconds(this.app.nextPollMs() - now)}`;
    if (this.prepareCommit !== null && this.prepareCommit.status === 'pending') {
      return 'committing offsets before joining';
    }
    const join = this.join;
    if (join !== null) {
      switch (join.phase) {
        case 'joining':
          return 'waiting for JoinGroup response';
        case 'answered':
          return `JoinGroup answered; ${nextPoll}`;
        case 'syncing':
          return 'waiting for SyncGroup response';
        case 'succeeded':
          return `assignment received; applies it in the ${nextPoll}`;
        case 'failed':
          return `rebalance failed; retries in the ${nextPoll}`;
      }
    }
    if (this.rejoinNeeded && this.memberState !== 'UNJOINED') {
      return `rejoin requested (${this.rejoinReason}); ${nextPoll}`;
    }
    const processing = this.app.behaviour.processingMs;
    if (processing > this.config.maxPollIntervalMs && !this.idleInPoll()) {
      return `slow poll loop: ${seconds(processing)} between polls > max.poll.interval.ms (${seconds(this.config.maxPollIntervalMs)})`;
    }
    return null;
  }
}

// ===================================================================================================
// Helpers
// ===================================================================================================

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(topics: readonly string[]): string[] {
  return [...new Set(topics)].sort(compareStrings);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameGeneration(a: Generation, b: Generation): boolean {
  return a.generationId === b.generationId && a.memberId === b.memberId && a.protocolName === b.protocolName;
}

/** AbstractCoordinator.hasGenerationReset (the member id may survive an ILLEGAL_GENERATION). */
function hasGenerationReset(g: Generation): boolean {
  return g.generationId === NO_GENERATION && g.protocolName === null;
}

function snapshotsMatch(a: MetadataSnapshot, b: MetadataSnapshot): boolean {
  if (a.version === b.version) return true;
  if (a.partitions.size !== b.partitions.size) return false;
  for (const [t, n] of a.partitions) if (b.partitions.get(t) !== n) return false;
  return true;
}

/** AbstractCoordinator.isProtocolTypeInconsistent. */
function isProtocolTypeInconsistent(protocolType: string | null): boolean {
  return protocolType !== null && protocolType !== PROTOCOL_TYPE;
}

function truncateReason(reason: string): string {
  return reason.length > MAX_REASON_LENGTH ? reason.slice(0, MAX_REASON_LENGTH) : reason;
}

function isRetriable(f: Failure): boolean {
  switch (f.kind) {
    case 'error':
      return RETRIABLE_ERRORS.has(f.error);
    case 'disconnect':
    case 'coordinator-unknown':
    case 'unjoined':
      return true;
    case 'commit-failed':
    case 'fatal':
      return false;
  }
}

/** The Java exception's simple name, as the client puts it in its rejoin reason. */
function exceptionName(f: Failure): string {
  switch (f.kind) {
    case 'disconnect':
      return 'DisconnectException';
    case 'coordinator-unknown':
      return 'CoordinatorNotAvailableException';
    case 'unjoined':
      return 'UnjoinedGroupException';
    case 'commit-failed':
      return 'CommitFailedException';
    case 'fatal':
      return 'KafkaException';
    case 'error':
      return errorException(f.error);
  }
}

function errorException(error: ErrorName): string {
  if (error === 'GROUP_AUTHORIZATION_FAILED') return 'GroupAuthorizationException';
  if (error === 'UNKNOWN_SERVER_ERROR') return 'UnknownServerException';
  const camel = error
    .toLowerCase()
    .split('_')
    .map((w) => (w === 'id' ? 'Id' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
  return `${camel}Exception`;
}

function describeFailure(f: Failure): string {
  if (f.kind === 'fatal') return f.message;
  if (f.kind === 'error') {
    if (f.error === 'GROUP_MAX_SIZE_REACHED') {
      return 'GroupMaxSizeReachedException: the consumer group already has the configured maximum number of members';
    }
    return `${errorException(f.error)} (${f.error})`;
  }
  return exceptionName(f);
}

function settledCommit(status: 'succeeded' | 'failed', failure: Failure | null): CommitFuture {
  return { status, failure, listeners: [] };
}

function settle(future: CommitFuture, failure: Failure | null): void {
  if (future.status !== 'pending') return;
  future.status = failure === null ? 'succeeded' : 'failed';
  future.failure = failure;
  for (const l of future.listeners.splice(0)) l();
}

function onSettled(future: CommitFuture, listener: () => void): void {
  if (future.status === 'pending') future.listeners.push(listener);
  else listener();
}

function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  return `${Math.round(s)} s`;
}

/** SimulationParts.createConsumer for classic-protocol members, with the simulator's client assignors. */
export function createClassicConsumerClient(
  world: SimWorld,
  name: string,
  config: ConsumerConfig,
  behaviour: MemberBehaviour,
  joined: JoinedMember | null = null,
): ClassicConsumerClient {
  return new ClassicConsumerClient(
    world,
    name,
    config,
    behaviour,
    clientAssignor,
    joined?.protocol === 'classic' ? { joined } : {},
  );
}

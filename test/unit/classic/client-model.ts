/**
 * A deliberately simple model of classic consumers for property tests: each client follows
 * Kafka's join → sync → heartbeat cycle through the client-protocol functions, with a fixed
 * network latency and callbacks that finish at once. It is not the simulator's consumer (that
 * one models poll loops and callback durations); it only has to be a faithful enough client to
 * exercise the coordinator.
 */
import { type Assignment, toPartitions } from '../../../src/model';
import type { ClientAssignor } from '../../../src/simulator/assignors/api';
import {
  type ClassicClientState,
  buildJoinProtocols,
  initialClientState,
  onJoinComplete,
  onJoinPrepare,
  onLeavePrepare,
  performLeaderAssignment,
  resetGeneration,
} from '../../../src/simulator/classic/client-protocol';
import type {
  JoinGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../../src/simulator/classic/messages';
import type { VirtualScheduler } from '../../../src/simulator/clock';
import type { Harness } from './support';

export interface ModelOptions {
  readonly assignor: ClientAssignor;
  readonly topics: ReadonlyMap<string, number>;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly latencyMs: number;
}

type Phase = 'joining' | 'syncing' | 'stable' | 'stopped';

interface ModelClient {
  readonly clientId: string;
  readonly instanceId: string | null;
  state: ClassicClientState;
  phase: Phase;
  /** Incarnation counter: callbacks of a stopped incarnation are ignored. */
  readonly incarnation: number;
}

export class ClassicClientModel {
  private readonly clients = new Map<string, ModelClient>();
  private incarnations = 0;
  /** Every instant two live clients owned the same partition. */
  readonly violations: string[] = [];
  /** Anything a healthy client should never see (fatal errors, failed assignments). */
  readonly failures: string[] = [];

  constructor(
    private readonly h: Harness<VirtualScheduler>,
    private readonly opts: ModelOptions,
  ) {}

  get timers(): VirtualScheduler {
    return this.h.timers;
  }

  liveClients(): string[] {
    return [...this.clients.values()].filter((c) => c.phase !== 'stopped').map((c) => c.clientId);
  }

  owned(clientId: string): Assignment {
    return this.clients.get(clientId)?.state.owned ?? {};
  }

  memberId(clientId: string): string {
    return this.clients.get(clientId)?.state.memberId ?? '';
  }

  isStable(clientId: string): boolean {
    return this.clients.get(clientId)?.phase === 'stable';
  }

  start(clientId: string, instanceId: string | null = null): void {
    const c: ModelClient = {
      clientId,
      instanceId,
      state: initialClientState(
        this.opts.assignor.supportedProtocols.includes('cooperative') ? 'cooperative' : 'eager',
        [...this.opts.topics.keys()],
      ),
      phase: 'joining',
      incarnation: ++this.incarnations,
    };
    this.clients.set(clientId, c);
    this.prepareAndJoin(c);
    this.scheduleHeartbeat(c);
  }

  /** Clean shutdown: revoke, then LeaveGroup (dynamic members only, like KafkaConsumer.close). */
  stop(clientId: string): void {
    const c = this.clients.get(clientId);
    if (c === undefined || c.phase === 'stopped') return;
    c.state = onLeavePrepare(c.state, c.phase !== 'stable').state;
    const memberId = c.state.memberId;
    c.phase = 'stopped';
    if (c.instanceId === null && memberId !== '') {
      this.send(() =>
        this.h.coordinator.leaveGroup({
          groupId: 'group-id',
          members: [{ memberId, groupInstanceId: null, reason: 'the consumer is being closed' }],
        }),
      );
    }
  }

  /** The process dies: it stops talking and, being dead, owns nothing. */
  crash(clientId: string): void {
    const c = this.clients.get(clientId);
    if (c === undefined) return;
    c.phase = 'stopped';
    c.state = { ...c.state, owned: {} };
  }

  private alive(c: ModelClient): boolean {
    return c.phase !== 'stopped' && this.clients.get(c.clientId) === c;
  }

  private send(fn: () => void): void {
    this.timers.schedule(this.opts.latencyMs, fn);
  }

  private prepareAndJoin(c: ModelClient): void {
    c.state = onJoinPrepare(c.state).state;
    this.checkOwnership();
    this.join(c);
  }

  private join(c: ModelClient): void {
    c.phase = 'joining';
    const request = {
      groupId: 'group-id',
      sessionTimeoutMs: this.opts.sessionTimeoutMs,
      rebalanceTimeoutMs: this.opts.rebalanceTimeoutMs,
      memberId: c.state.memberId,
      groupInstanceId: c.instanceId,
      protocolType: 'consumer',
      protocols: buildJoinProtocols(c.state, [this.opts.assignor.name]),
      reason: null,
      clientId: c.clientId,
      clientHost: '/10.0.0.1',
    };
    this.send(() =>
      this.h.coordinator.joinGroup(request, (r) =>
        this.timers.schedule(this.opts.latencyMs, () => this.onJoin(c, r)),
      ),
    );
  }

  private onJoin(c: ModelClient, r: JoinGroupResponse): void {
    if (!this.alive(c)) return;
    switch (r.errorCode) {
      case 'NONE':
        break;
      case 'MEMBER_ID_REQUIRED':
        c.state = { ...c.state, memberId: r.memberId };
        this.join(c);
        return;
      case 'UNKNOWN_MEMBER_ID':
        c.state = resetGeneration(c.state, true);
        this.prepareAndJoin(c);
        return;
      case 'REBALANCE_IN_PROGRESS':
        this.join(c);
        return;
      default:
        this.fail(c, `JoinGroup ${r.errorCode}`);
        return;
    }
    // Like AbstractCoordinator, the client takes its generation from the JoinGroup response (the
    // heartbeat thread uses it while the SyncGroup is outstanding).
    c.phase = 'syncing';
    const generationId = r.generationId;
    const memberId = r.memberId;
    c.state = { ...c.state, memberId, generationId };
    let leaderAssignments: SyncGroupRequest['assignments'] = [];
    if (r.leader === memberId) {
      const result = performLeaderAssignment({
        protocolName: r.protocolName ?? '',
        members: r.members,
        skipAssignment: r.skipAssignment,
        assignors: [this.opts.assignor],
        protocol: c.state.protocol,
        partitionCount: (t) => this.opts.topics.get(t),
      });
      if (!result.ok) return this.fail(c, result.error);
      leaderAssignments = result.assignments;
    }
    const joined = { memberId, generationId };
    this.send(() =>
      this.h.coordinator.syncGroup(
        {
          groupId: 'group-id',
          generationId,
          memberId,
          groupInstanceId: c.instanceId,
          protocolType: r.protocolType,
          protocolName: r.protocolName,
          assignments: leaderAssignments,
        },
        (s) => this.timers.schedule(this.opts.latencyMs, () => this.onSync(c, joined, s)),
      ),
    );
  }

  private onSync(
    c: ModelClient,
    joined: { memberId: string; generationId: number },
    r: SyncGroupResponse,
  ): void {
    if (!this.alive(c)) return;
    switch (r.errorCode) {
      case 'NONE': {
        const step = onJoinComplete(c.state, joined, r.assignment);
        c.state = step.state;
        this.checkOwnership();
        if (step.rejoinReason !== null) this.prepareAndJoin(c);
        else c.phase = 'stable';
        return;
      }
      case 'REBALANCE_IN_PROGRESS':
        // The join is retried without a new onJoinPrepare (Kafka's needsJoinPrepare stays false).
        c.state = { ...c.state, memberId: joined.memberId, generationId: joined.generationId };
        this.join(c);
        return;
      case 'UNKNOWN_MEMBER_ID':
      case 'ILLEGAL_GENERATION':
        c.state = resetGeneration(
          { ...c.state, memberId: joined.memberId },
          r.errorCode === 'UNKNOWN_MEMBER_ID',
        );
        this.prepareAndJoin(c);
        return;
      default:
        this.fail(c, `SyncGroup ${r.errorCode}`);
    }
  }

  private scheduleHeartbeat(c: ModelClient): void {
    this.timers.schedule(this.opts.heartbeatIntervalMs, () => {
      if (!this.alive(c)) return;
      // The heartbeat thread runs once the JoinGroup response has arrived.
      if (c.phase === 'stable' || c.phase === 'syncing') {
        const request = {
          groupId: 'group-id',
          memberId: c.state.memberId,
          generationId: c.state.generationId,
          groupInstanceId: c.instanceId,
        };
        this.send(() => {
          const r = this.h.coordinator.heartbeat(request);
          this.timers.schedule(this.opts.latencyMs, () => this.onHeartbeat(c, r.errorCode));
        });
      }
      this.scheduleHeartbeat(c);
    });
  }

  private onHeartbeat(c: ModelClient, error: string): void {
    if (!this.alive(c) || c.phase !== 'stable') return;
    if (error === 'REBALANCE_IN_PROGRESS') {
      this.prepareAndJoin(c);
    } else if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION') {
      c.state = resetGeneration(c.state, error === 'UNKNOWN_MEMBER_ID');
      this.prepareAndJoin(c);
    } else if (error !== 'NONE') {
      this.fail(c, `Heartbeat ${error}`);
    }
  }

  private fail(c: ModelClient, what: string): void {
    this.failures.push(`${c.clientId} at ${this.timers.now()}: ${what}`);
    c.phase = 'stopped';
    c.state = { ...c.state, owned: {} };
  }

  private checkOwnership(): void {
    const owners = new Map<string, string>();
    for (const c of this.clients.values()) {
      if (c.phase === 'stopped') continue;
      for (const tp of toPartitions(c.state.owned)) {
        const k = `${tp.topic}-${tp.partition}`;
        const other = owners.get(k);
        if (other !== undefined)
          this.violations.push(`${k} owned by ${other} and ${c.clientId} at ${this.timers.now()}`);
        owners.set(k, c.clientId);
      }
    }
  }
}

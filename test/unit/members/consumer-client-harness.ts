/**
 * A scripted world for the consumer-client unit tests: the real virtual clock, network, metadata,
 * logs and offsets, with a coordinator whose answers each test scripts (these tests pin the
 * client's side of the protocol; the real KIP-848 coordinator runs in the whole-simulation tests).
 */
import type { GroupEvent } from '../../../src/model';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../../src/simulator/classic/messages';
import { VirtualScheduler } from '../../../src/simulator/clock';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../../src/simulator/consumer/messages';
import { LogModel } from '../../../src/simulator/engine/logs';
import { MetadataImage } from '../../../src/simulator/engine/metadata';
import { SimNetwork } from '../../../src/simulator/engine/network';
import { OffsetStore } from '../../../src/simulator/engine/offsets';
import {
  DEFAULT_BROKER_CONFIG,
  type GroupCoordinatorApi,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type SimWorld,
} from '../../../src/simulator/engine/world';
import type { ErrorName } from '../../../src/simulator/errors';
import {
  defaultConsumerConfig,
  DEFAULT_BEHAVIOUR,
  type ConsumerConfig,
  type MemberBehaviour,
} from '../../../src/simulator/members/config';
import { ConsumerProtocolClient } from '../../../src/simulator/members/consumer-client';
import { Random } from '../../../src/simulator/random';

export const GROUP = 'g1';

export interface Logged<R> {
  readonly atMs: number;
  readonly request: R;
}

type Assign = Readonly<Record<string, readonly number[]>>;

/**
 * A coordinator whose heartbeat answers come from `script`. By default it behaves like a minimal
 * KIP-848 coordinator for one member: it accepts the join, bumps the member to epoch 1, and
 * answers with `nextAssignment` (by topic name) whenever it differs from what it last sent or the
 * request is full.
 */
export class ScriptedCoordinator implements GroupCoordinatorApi {
  readonly heartbeats: Logged<ConsumerGroupHeartbeatRequest>[] = [];
  readonly commits: Logged<OffsetCommitRequest>[] = [];
  /** Overrides the answer to the next heartbeats, one per entry (then the default resumes). */
  readonly queued: ((req: ConsumerGroupHeartbeatRequest) => ConsumerGroupHeartbeatResponse)[] = [];
  commitAnswer: (req: OffsetCommitRequest) => ErrorName = () => 'NONE';
  epoch = 1;
  nextAssignment: Assign = {};
  heartbeatIntervalMs = 5_000;
  private lastSent: string | null = null;

  constructor(private readonly world: () => SimWorld) {}

  consumerGroupHeartbeat(req: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse {
    this.heartbeats.push({ atMs: this.world().timers.now(), request: req });
    const scripted = this.queued.shift();
    if (scripted !== undefined) return scripted(req);
    if (req.memberEpoch < 0) return this.leaveResponse(req);
    const full = req.memberEpoch === 0 || (req.rebalanceTimeoutMs !== -1 && req.topicPartitions !== null);
    const key = JSON.stringify(this.nextAssignment);
    const send = full || key !== this.lastSent;
    if (send) this.lastSent = key;
    return this.ok(req, send ? this.nextAssignment : null);
  }

  ok(
    req: ConsumerGroupHeartbeatRequest,
    assignment: Assign | null,
    epoch = this.epoch,
  ): ConsumerGroupHeartbeatResponse {
    return {
      errorCode: 'NONE',
      errorMessage: null,
      memberId: req.memberId,
      memberEpoch: epoch,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      assignment: assignment === null ? null : { topicPartitions: this.byId(assignment) },
    };
  }

  error(
    req: ConsumerGroupHeartbeatRequest,
    errorCode: ErrorName,
    errorMessage: string | null = null,
  ): ConsumerGroupHeartbeatResponse {
    return {
      errorCode,
      errorMessage,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }

  leaveResponse(req: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse {
    return {
      errorCode: 'NONE',
      errorMessage: null,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }

  /** Forces the next default answer to carry the assignment even if unchanged. */
  forget(): void {
    this.lastSent = null;
  }

  byId(a: Assign): { topicId: string; partitions: number[] }[] {
    return Object.entries(a).map(([name, partitions]) => ({
      topicId: this.world().metadata.topic(name)!.topicId,
      partitions: [...partitions],
    }));
  }

  offsetCommit(req: OffsetCommitRequest): OffsetCommitResponse {
    const w = this.world();
    this.commits.push({ atMs: w.timers.now(), request: req });
    const errorCode = this.commitAnswer(req);
    if (errorCode === 'NONE') {
      for (const o of req.offsets) {
        w.offsets.commit(req.groupId, o.topic, o.partition, {
          offset: o.offset,
          commitTimeMs: w.timers.now(),
          memberId: req.memberId,
        });
      }
    }
    return { errorCode };
  }

  joinGroup(_r: JoinGroupRequest, _reply: (r: JoinGroupResponse) => void): void {
    throw new Error('not a classic test');
  }
  syncGroup(_r: SyncGroupRequest, _reply: (r: SyncGroupResponse) => void): void {
    throw new Error('not a classic test');
  }
  heartbeat(_r: HeartbeatRequest): HeartbeatResponse {
    throw new Error('not a classic test');
  }
  leaveGroup(_r: LeaveGroupRequest): LeaveGroupResponse {
    throw new Error('not a classic test');
  }
}

export interface Harness {
  readonly world: SimWorld;
  readonly scheduler: VirtualScheduler;
  readonly network: SimNetwork;
  readonly coordinator: ScriptedCoordinator;
  readonly events: GroupEvent[];
  client(
    config?: Partial<ConsumerConfig>,
    behaviour?: Partial<MemberBehaviour>,
    name?: string,
  ): ConsumerProtocolClient;
  /** Runs the clock to `ms` (absolute virtual time). */
  runTo(ms: number): void;
  eventsOf(type: GroupEvent['type']): GroupEvent[];
}

export function harness(
  seed = 42,
  topics: Record<string, number> = { orders: 4 },
  produceRate = 1000,
): Harness {
  const scheduler = new VirtualScheduler(0);
  const network = new SimNetwork(scheduler, 1);
  const events: GroupEvent[] = [];
  let counter = 0;
  const metadata = new MetadataImage(() => `topic-id-${++counter}`);
  const logs = new LogModel();
  let world: SimWorld | null = null;
  const coordinator = new ScriptedCoordinator(() => world!);
  world = {
    timers: scheduler,
    random: new Random(seed),
    kafkaVersion: '4.3',
    ordering: 'exact',
    broker: DEFAULT_BROKER_CONFIG,
    metadata,
    logs,
    offsets: new OffsetStore(),
    network,
    coordinator,
    emit: (e) => events.push(e),
  };
  for (const [name, n] of Object.entries(topics)) {
    metadata.createTopic(name, n);
    logs.setPartitions(name, n, 0);
    logs.setProduceRate(name, produceRate, 0);
  }
  const w = world;
  return {
    world: w,
    scheduler,
    network,
    coordinator,
    events,
    client: (config = {}, behaviour = {}, name = 'consumer-1') =>
      new ConsumerProtocolClient(
        w,
        name,
        defaultConsumerConfig(GROUP, name, {
          groupProtocol: 'consumer',
          subscription: { topics: Object.keys(topics) },
          ...config,
        }),
        { ...DEFAULT_BEHAVIOUR, ...behaviour },
      ),
    runTo: (ms) => scheduler.runUntil(ms),
    eventsOf: (type) => events.filter((e) => e.type === type),
  };
}

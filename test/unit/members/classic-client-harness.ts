/**
 * Test worlds for the classic consumer client.
 *
 * - `scriptedWorld()`: the real virtual clock, network, metadata, logs and offsets, with a
 *   coordinator whose answers each test scripts (JoinGroup and SyncGroup are parked until the test
 *   answers them), to pin the client's side of each rule.
 * - `classicParts()`: simulation parts with the real coordinators and the real client assignors,
 *   to run several clients through the engine.
 */
import { type Assignment, type GroupEvent, assignmentOf } from '../../../src/model';
import type { ClientAssignor } from '../../../src/simulator/assignors/api';
import { ClassicGroupCoordinator } from '../../../src/simulator/classic/coordinator';
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
import { serverAssignor } from '../../../src/simulator/assignors/registry';
import { ConsumerGroupCoordinator } from '../../../src/simulator/consumer/coordinator';
import { LogModel } from '../../../src/simulator/engine/logs';
import { MetadataImage } from '../../../src/simulator/engine/metadata';
import { SimNetwork } from '../../../src/simulator/engine/network';
import type { SimulationParts } from '../../../src/simulator/engine/simulation';
import { OffsetStore } from '../../../src/simulator/engine/offsets';
import {
  DEFAULT_BROKER_CONFIG,
  type BrokerConfig,
  type GroupCoordinatorApi,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type SimWorld,
} from '../../../src/simulator/engine/world';
import type { ErrorName } from '../../../src/simulator/errors';
import {
  ClassicConsumerClient,
  type ClassicConsumerOptions,
  createClassicConsumerClient,
} from '../../../src/simulator/members/classic-client';
import {
  DEFAULT_BEHAVIOUR,
  defaultConsumerConfig,
  type ConsumerConfig,
  type MemberBehaviour,
} from '../../../src/simulator/members/config';
import { Uuid } from '../../../src/simulator/java/uuid';
import { Random } from '../../../src/simulator/random';
import { testCooperativeAssignor, testMovingAssignor, testRangeAssignor } from '../classic/test-assignors';

export const GROUP = 'g1';

/** The test assignors under the names the client is configured with. */
export const TEST_ASSIGNORS: ReadonlyMap<string, ClientAssignor> = new Map<string, ClientAssignor>([
  ['range', testRangeAssignor],
  ['cooperative-sticky', testCooperativeAssignor('cooperative-sticky')],
  ['mover', testMovingAssignor('mover')],
]);

export function lookupTestAssignor(name: string): ClientAssignor | undefined {
  return TEST_ASSIGNORS.get(name);
}

export interface Logged<R> {
  readonly atMs: number;
  readonly request: R;
}

export interface Parked<Req, Res> extends Logged<Req> {
  readonly answered: boolean;
  reply(response: Res): void;
}

class ParkedRequest<Req, Res> implements Parked<Req, Res> {
  answered = false;
  constructor(
    readonly atMs: number,
    readonly request: Req,
    private readonly send: (response: Res) => void,
  ) {}
  reply(response: Res): void {
    if (this.answered) throw new Error('this request was already answered');
    this.answered = true;
    this.send(response);
  }
}

/** A coordinator whose answers the test gives: JoinGroup and SyncGroup wait until answered. */
export class ScriptedCoordinator implements GroupCoordinatorApi {
  readonly joins: Parked<JoinGroupRequest, JoinGroupResponse>[] = [];
  readonly syncs: Parked<SyncGroupRequest, SyncGroupResponse>[] = [];
  readonly heartbeats: Logged<HeartbeatRequest>[] = [];
  readonly leaves: Logged<LeaveGroupRequest>[] = [];
  readonly commits: Logged<OffsetCommitRequest>[] = [];
  heartbeatAnswer: (req: HeartbeatRequest) => ErrorName = () => 'NONE';
  commitAnswer: (req: OffsetCommitRequest) => ErrorName = () => 'NONE';

  constructor(
    private readonly timers: VirtualScheduler,
    private readonly offsets: OffsetStore,
  ) {}

  consumerGroupHeartbeat(_req: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse {
    throw new Error('the classic client must not send ConsumerGroupHeartbeat');
  }

  joinGroup(request: JoinGroupRequest, reply: (response: JoinGroupResponse) => void): void {
    this.joins.push(new ParkedRequest(this.timers.now(), request, reply));
  }

  syncGroup(request: SyncGroupRequest, reply: (response: SyncGroupResponse) => void): void {
    this.syncs.push(new ParkedRequest(this.timers.now(), request, reply));
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    this.heartbeats.push({ atMs: this.timers.now(), request });
    return { errorCode: this.heartbeatAnswer(request) };
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    this.leaves.push({ atMs: this.timers.now(), request });
    return {
      errorCode: 'NONE',
      members: request.members.map((m) => ({ ...m, errorCode: 'NONE' as const })),
    };
  }

  offsetCommit(request: OffsetCommitRequest): OffsetCommitResponse {
    this.commits.push({ atMs: this.timers.now(), request });
    const errorCode = this.commitAnswer(request);
    if (errorCode === 'NONE') {
      for (const o of request.offsets) {
        this.offsets.commit(request.groupId, o.topic, o.partition, {
          offset: o.offset,
          commitTimeMs: this.timers.now(),
          memberId: request.memberId,
        });
      }
    }
    return { errorCode };
  }

  /** The JoinGroup requests not answered yet. */
  pendingJoins(): Parked<JoinGroupRequest, JoinGroupResponse>[] {
    return this.joins.filter((j) => !j.answered);
  }

  pendingSyncs(): Parked<SyncGroupRequest, SyncGroupResponse>[] {
    return this.syncs.filter((s) => !s.answered);
  }
}

export interface TestWorld extends SimWorld {
  readonly scheduler: VirtualScheduler;
  readonly events: GroupEvent[];
  readonly network: SimNetwork;
}

export interface WorldOptions {
  readonly seed?: number;
  readonly topics?: Readonly<Record<string, number>>;
  /** Records per second per topic. */
  readonly produceRate?: number;
  readonly latencyMs?: number;
  readonly broker?: BrokerConfig;
}

function baseWorld(
  opts: WorldOptions,
  coordinator: (w: Omit<TestWorld, 'coordinator'>) => GroupCoordinatorApi,
): TestWorld {
  const scheduler = new VirtualScheduler(0);
  const random = new Random(opts.seed ?? 42);
  const ids = random.fork();
  const metadata = new MetadataImage(() => `topic-id-${ids.nextUint32().toString(16)}`);
  const logs = new LogModel();
  const offsets = new OffsetStore();
  const events: GroupEvent[] = [];
  const partial = {
    scheduler,
    timers: scheduler,
    random,
    kafkaVersion: '4.3' as const,
    ordering: 'canonical' as const,
    broker: opts.broker ?? DEFAULT_BROKER_CONFIG,
    metadata,
    logs,
    offsets,
    network: new SimNetwork(scheduler, opts.latencyMs ?? 1),
    events,
    emit: (e: GroupEvent) => events.push(e),
  };
  for (const [name, n] of Object.entries(opts.topics ?? { orders: 6 })) {
    metadata.createTopic(name, n);
    logs.setPartitions(name, n, 0);
    logs.setProduceRate(name, opts.produceRate ?? 0, 0);
  }
  return { ...partial, coordinator: coordinator(partial) };
}

export function scriptedWorld(opts: WorldOptions = {}): TestWorld & { readonly coord: ScriptedCoordinator } {
  let coord: ScriptedCoordinator | null = null;
  const world = baseWorld(opts, (w) => {
    coord = new ScriptedCoordinator(w.scheduler, w.offsets);
    return coord;
  });
  return { ...world, coord: coord as unknown as ScriptedCoordinator };
}

/**
 * Simulation parts for the classic protocol: the real coordinators, and this client with the
 * real client-side assignors (range, roundrobin, sticky, cooperative-sticky).
 */
export function classicParts(): SimulationParts {
  return {
    createConsumerCoordinator: (world) => new ConsumerGroupCoordinator({ ...world, serverAssignor }),
    createClassicCoordinator: (world) => new ClassicGroupCoordinator(world),
    createConsumer: createClassicConsumerClient,
    newTopicId: (random) => Uuid.random(random).toString(),
  };
}

export function clientConfig(name: string, overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return defaultConsumerConfig(GROUP, name, {
    partitionAssignmentStrategy: ['range'],
    subscription: { topics: ['orders'] },
    ...overrides,
  });
}

export function newClient(
  world: SimWorld,
  name: string,
  overrides: Partial<ConsumerConfig> = {},
  behaviour: Partial<MemberBehaviour> = {},
  options: ClassicConsumerOptions = {},
): ClassicConsumerClient {
  return new ClassicConsumerClient(
    world,
    name,
    clientConfig(name, overrides),
    { ...DEFAULT_BEHAVIOUR, ...behaviour },
    lookupTestAssignor,
    options,
  );
}

// --- scripted answers ----------------------------------------------------------------------------

export function joinResponse(overrides: Partial<JoinGroupResponse> = {}): JoinGroupResponse {
  return {
    errorCode: 'NONE',
    generationId: 1,
    protocolType: 'consumer',
    protocolName: 'range',
    leader: 'other-leader',
    skipAssignment: false,
    memberId: 'm-1',
    members: [],
    ...overrides,
  };
}

export function joinError(errorCode: ErrorName, memberId = ''): JoinGroupResponse {
  return joinResponse({ errorCode, generationId: -1, protocolName: null, leader: '', memberId });
}

export function syncResponse(
  assigned: Assignment = {},
  overrides: Partial<SyncGroupResponse> = {},
): SyncGroupResponse {
  return {
    errorCode: 'NONE',
    protocolType: 'consumer',
    protocolName: 'range',
    assignment: {
      assignedPartitions: Object.entries(assigned).flatMap(([topic, ps]) =>
        ps.map((partition) => ({ topic, partition })),
      ),
      userData: null,
    },
    ...overrides,
  };
}

export function syncError(errorCode: ErrorName): SyncGroupResponse {
  return {
    errorCode,
    protocolType: null,
    protocolName: null,
    assignment: { assignedPartitions: [], userData: null },
  };
}

/** Runs the clock until `until()` holds (or fails after `maxMs` of virtual time). */
export function runUntil(world: TestWorld, until: () => boolean, maxMs = 600_000): void {
  const limit = world.scheduler.now() + maxMs;
  while (!until()) {
    const next = world.scheduler.peek();
    if (next === undefined || next > limit) {
      throw new Error(`condition not reached by ${limit} ms (now ${world.scheduler.now()} ms)`);
    }
    world.scheduler.runNext();
  }
}

export function runFor(world: TestWorld, ms: number): void {
  world.scheduler.runUntil(world.scheduler.now() + ms);
}

/** Starts a dynamic client and answers its first JoinGroup with MEMBER_ID_REQUIRED; its second is pending. */
export function startWithMemberId(
  world: TestWorld & { readonly coord: ScriptedCoordinator },
  client: ClassicConsumerClient,
  memberId: string,
): void {
  client.start();
  runUntil(world, () => world.coord.pendingJoins().length > 0);
  world.coord.pendingJoins()[0].reply(joinError('MEMBER_ID_REQUIRED', memberId));
  runUntil(world, () => world.coord.pendingJoins().length > 0);
}

/**
 * Takes a scripted client through MEMBER_ID_REQUIRED, JoinGroup and SyncGroup to STABLE with
 * `assigned` (as a follower unless `leader`).
 */
export function joinScripted(
  world: TestWorld & { readonly coord: ScriptedCoordinator },
  client: ClassicConsumerClient,
  opts: { memberId?: string; generation?: number; assigned?: Assignment; protocolName?: string } = {},
): void {
  const memberId = opts.memberId ?? `${client.name}-id`;
  const coord = world.coord;
  runUntil(world, () => coord.pendingJoins().length > 0);
  let join = coord.pendingJoins()[0];
  if (join.request.memberId === '' && join.request.groupInstanceId === null) {
    join.reply(joinError('MEMBER_ID_REQUIRED', memberId));
    runUntil(world, () => coord.pendingJoins().length > 0);
    join = coord.pendingJoins()[0];
  }
  join.reply(
    joinResponse({
      memberId,
      generationId: opts.generation ?? 1,
      protocolName: opts.protocolName ?? 'range',
    }),
  );
  runUntil(world, () => coord.pendingSyncs().length > 0);
  coord
    .pendingSyncs()[0]
    .reply(syncResponse(opts.assigned ?? {}, { protocolName: opts.protocolName ?? 'range' }));
  runUntil(world, () => client.state() === 'STABLE' && client.details().condition === null, 60_000);
}

export function eventsOf<K extends GroupEvent['type']>(
  events: readonly GroupEvent[],
  type: K,
): Extract<GroupEvent, { type: K }>[] {
  return events.filter((e): e is Extract<GroupEvent, { type: K }> => e.type === type);
}

export function orders(...partitions: number[]): Assignment {
  return assignmentOf({ orders: partitions });
}

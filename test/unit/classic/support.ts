/**
 * Test support for the classic coordinator: a world of just the coordinator's dependencies, a
 * timer that behaves like Kafka's MockCoordinatorTimer (for the golden cases' exact timings), and
 * builders for requests.
 */
import type { GroupEvent } from '../../../src/model';
import { type TimerHandle, type Timers, VirtualScheduler } from '../../../src/simulator/clock';
import {
  ClassicGroupCoordinator,
  type ClassicCoordinatorDeps,
} from '../../../src/simulator/classic/coordinator';
import type {
  ConsumerProtocolSubscription,
  JoinGroupProtocol,
  JoinGroupRequest,
  JoinGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../../src/simulator/classic/messages';
import { type BrokerConfig, DEFAULT_BROKER_CONFIG } from '../../../src/simulator/engine/world';
import { Random } from '../../../src/simulator/random';

/**
 * Kafka's group coordinator tests drive time with MockTime + MockCoordinatorTimer: `sleep(ms)`
 * first moves the clock by the whole amount, then runs every timer whose deadline has passed, so
 * a timer rescheduled from inside a callback counts from the end of the sleep. Reproducing that
 * lets the golden cases use the upstream tests' exact numbers.
 */
export class KafkaTestTimer implements Timers {
  private time = 0;
  private seq = 0;
  private readonly entries: Entry[] = [];

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void, key?: string): TimerHandle {
    if (key !== undefined) this.cancel(key);
    const e: Entry = { key: key ?? null, dueMs: this.time + delayMs, seq: this.seq++, fn, active: true };
    this.entries.push(e);
    return e;
  }

  cancel(keyOrHandle: string | TimerHandle): boolean {
    const e =
      typeof keyOrHandle === 'string'
        ? this.entries.find((x) => x.active && x.key === keyOrHandle)
        : this.entries.find((x) => x === keyOrHandle && x.active);
    if (e === undefined) return false;
    e.active = false;
    return true;
  }

  isScheduled(key: string): boolean {
    return this.entries.some((x) => x.active && x.key === key);
  }

  /** Due time of a pending keyed timer, or undefined. */
  dueOf(key: string): number | undefined {
    return this.entries.find((x) => x.active && x.key === key)?.dueMs;
  }

  sleep(ms: number): void {
    this.time += ms;
    for (;;) {
      const due = this.entries
        .filter((x) => x.active && x.dueMs <= this.time)
        .sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq)[0];
      if (due === undefined) return;
      due.active = false;
      due.fn();
    }
  }
}

interface Entry {
  key: string | null;
  dueMs: number;
  seq: number;
  fn: () => void;
  active: boolean;
}

export interface Harness<T extends Timers> {
  readonly coordinator: ClassicGroupCoordinator;
  readonly timers: T;
  readonly events: GroupEvent[];
  readonly deps: ClassicCoordinatorDeps;
}

export function classicBroker(overrides: Partial<BrokerConfig['classic']> = {}): BrokerConfig {
  return { ...DEFAULT_BROKER_CONFIG, classic: { ...DEFAULT_BROKER_CONFIG.classic, ...overrides } };
}

export function harness<T extends Timers>(
  timers: T,
  broker: BrokerConfig = classicBroker(),
  seed = 7,
): Harness<T> {
  const events: GroupEvent[] = [];
  const deps: ClassicCoordinatorDeps = {
    timers,
    random: new Random(seed),
    kafkaVersion: '4.3',
    broker,
    emit: (e) => events.push(e),
  };
  return { coordinator: new ClassicGroupCoordinator(deps), timers, events, deps };
}

/** A harness on the real virtual scheduler (timers fire exactly at their due time). */
export function virtualHarness(broker?: BrokerConfig, seed?: number): Harness<VirtualScheduler> {
  return harness(new VirtualScheduler(), broker, seed);
}

export function subscription(
  topics: readonly string[],
  owned: readonly [string, number][] = [],
  generationId = -1,
): ConsumerProtocolSubscription {
  return {
    topics,
    userData: null,
    ownedPartitions: owned.map(([topic, partition]) => ({ topic, partition })),
    generationId,
    rackId: null,
  };
}

export function protocols(names: readonly string[], meta = subscription(['orders'])): JoinGroupProtocol[] {
  return names.map((name) => ({ name, metadata: meta }));
}

export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'group-id',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 60_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: protocols(['range']),
    reason: null,
    clientId: 'consumer-1',
    clientHost: '/127.0.0.1',
    ...overrides,
  };
}

export interface Pending<R> {
  readonly done: boolean;
  readonly response: R;
  readonly count: number;
}

class Capture<R> implements Pending<R> {
  private value: R | undefined;
  count = 0;
  get done(): boolean {
    return this.value !== undefined;
  }
  get response(): R {
    if (this.value === undefined) throw new Error('no response yet');
    return this.value;
  }
  set(r: R): void {
    this.value = r;
    this.count++;
  }
}

export function join(h: Harness<Timers>, req: JoinGroupRequest): Pending<JoinGroupResponse> {
  const c = new Capture<JoinGroupResponse>();
  h.coordinator.joinGroup(req, (r) => c.set(r));
  return c;
}

export function sync(
  h: Harness<Timers>,
  req: Partial<SyncGroupRequest> & { memberId: string },
): Pending<SyncGroupResponse> {
  const c = new Capture<SyncGroupResponse>();
  h.coordinator.syncGroup(
    {
      groupId: 'group-id',
      generationId: 1,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: null,
      assignments: [],
      ...req,
    },
    (r) => c.set(r),
  );
  return c;
}

export function assignmentOf(...tps: [string, number][]): {
  assignedPartitions: { topic: string; partition: number }[];
  userData: null;
} {
  return { assignedPartitions: tps.map(([topic, partition]) => ({ topic, partition })), userData: null };
}

/** Joins a dynamic member with JoinGroup v9: MEMBER_ID_REQUIRED, then the real join (parked). */
export function joinDynamic(
  h: Harness<Timers>,
  overrides: Partial<JoinGroupRequest> = {},
): { memberId: string; join: Pending<JoinGroupResponse> } {
  const first = join(h, joinRequest(overrides));
  if (!first.done || first.response.errorCode !== 'MEMBER_ID_REQUIRED') {
    throw new Error(
      `expected MEMBER_ID_REQUIRED, got ${first.done ? first.response.errorCode : 'no response'}`,
    );
  }
  const memberId = first.response.memberId;
  return { memberId, join: join(h, joinRequest({ ...overrides, memberId })) };
}

export function eventsOf<K extends GroupEvent['type']>(
  events: readonly GroupEvent[],
  type: K,
): Extract<GroupEvent, { type: K }>[] {
  return events.filter((e): e is Extract<GroupEvent, { type: K }> => e.type === type);
}

export interface StableGroup {
  readonly memberIds: string[];
  readonly leaderId: string;
  readonly generationId: number;
}

/**
 * Forms a Stable group on the simulator clock: every client joins (v9, through
 * MEMBER_ID_REQUIRED), the initial delay passes, the leader syncs `assign(memberIds)` and every
 * follower syncs.
 */
export function formStableGroup(
  h: Harness<VirtualScheduler>,
  clients: readonly Partial<JoinGroupRequest>[],
  assign: (memberIds: readonly string[]) => SyncGroupRequest['assignments'] = () => [],
): StableGroup {
  const joins = clients.map((c) =>
    c.groupInstanceId === undefined || c.groupInstanceId === null
      ? joinDynamic(h, c).join
      : join(h, joinRequest(c)),
  );
  // The initial delay is extended while members keep arriving: run timers until every join is answered.
  while (!joins.every((j) => j.done)) {
    if (!h.timers.runNext()) throw new Error('joins never completed');
  }
  const responses = joins.map((j) => j.response);
  for (const r of responses) if (r.errorCode !== 'NONE') throw new Error(`join failed: ${r.errorCode}`);
  const generationId = responses[0].generationId;
  const leaderId = responses[0].leader;
  const memberIds = responses.map((r) => r.memberId);
  const groupId = clients[0]?.groupId ?? 'group-id';
  const assignments = assign(memberIds);
  const instanceOf = (id: string): string | null => clients[memberIds.indexOf(id)]?.groupInstanceId ?? null;
  sync(h, { groupId, memberId: leaderId, generationId, assignments, groupInstanceId: instanceOf(leaderId) });
  for (const id of memberIds) {
    if (id !== leaderId) sync(h, { groupId, memberId: id, generationId, groupInstanceId: instanceOf(id) });
  }
  return { memberIds, leaderId, generationId };
}

export function heartbeatAll(
  h: Harness<Timers>,
  memberIds: readonly string[],
  generationId: number,
): string[] {
  return memberIds.map(
    (memberId) =>
      h.coordinator.heartbeat({ groupId: 'group-id', memberId, generationId, groupInstanceId: null })
        .errorCode,
  );
}

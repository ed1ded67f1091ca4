/**
 * A simulation run: a scenario played on the virtual clock against the simulated broker, with
 * simulated consumers. The extension, the CLI and the tests all drive this one API.
 *
 * Determinism: everything random comes from one seeded generator and every delay from the virtual
 * scheduler, so the same scenario, seed and options give a byte-identical event trace.
 */
import {
  type GroupEvent,
  type GroupSnapshot,
  type MemberSnapshot,
  type PartitionLag,
  type TopicInfo,
  computeLag,
  toPartitions,
  unionAssignments,
} from '../../model';
import type { OrderingMode, TopicId } from '../assignors/api';
import { VirtualScheduler } from '../clock';
import type { JoinedMember, SimulatedConsumer } from '../members/consumer';
import type { ConsumerConfig, MemberBehaviour } from '../members/config';
import { Random } from '../random';
import type {
  ProtocolVariant,
  Scenario,
  ScenarioGroup,
  ScenarioInitialState,
  ScenarioMember,
  ScenarioStep,
  ScenarioTopic,
} from '../scenario/schema';
import type { ClassicGroupCoordinator } from '../classic/coordinator';
import type { ConsumerGroupCoordinator } from '../consumer/coordinator';
import { Broker } from './broker';
import { SimulationActionError } from './errors';
import { LogModel } from './logs';
import { MetadataImage } from './metadata';
import { GroupMetrics, type GroupRunMetrics } from './metrics';
import { SimNetwork } from './network';
import { OffsetStore } from './offsets';
import type { GroupCoordinatorApi, KafkaVersion, SimWorld } from './world';

/** The implementations the engine assembles; `defaultParts()` (parts.ts) wires the real ones. */
export interface SimulationParts {
  createConsumerCoordinator(world: SimWorld): ConsumerGroupCoordinator;
  createClassicCoordinator(world: SimWorld): ClassicGroupCoordinator;
  /** `joined`: start as a member of the group's seeded state (see ScenarioGroup.initialState). */
  createConsumer(
    world: SimWorld,
    name: string,
    config: ConsumerConfig,
    behaviour: MemberBehaviour,
    joined?: JoinedMember | null,
  ): SimulatedConsumer;
  /** A fresh Kafka topic id from the seeded generator. */
  newTopicId(random: Random): TopicId;
}

export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /**
   * Runs every member under this protocol variant. Without it, members that do not set
   * `group.protocol` use the consumer protocol (KIP-848), and the others keep their settings.
   */
  readonly variant?: ProtocolVariant;
  /** `exact` (default) matches Kafka's assignments bit for bit; `canonical` iterates sorted. */
  readonly ordering?: OrderingMode;
  /** Overrides the scenario's Kafka version profile. */
  readonly kafkaVersion?: KafkaVersion;
  /** One-way network latency between clients and the coordinator (default 1 ms). */
  readonly latencyMs?: number;
}

export interface MemberStatus {
  readonly name: string;
  readonly groupId: string;
  readonly alive: boolean;
  readonly memberId: string | null;
  readonly protocol: ConsumerConfig['groupProtocol'];
  readonly instanceId: string | null;
}

interface MemberSlot {
  spec: ScenarioMember;
  config: ConsumerConfig;
  /** The behaviour in effect: `base` with the temporary changes in `layers` on top, newest last. */
  behaviour: MemberBehaviour;
  /** The behaviour without temporary changes (the scenario's, plus permanent changes). */
  base: MemberBehaviour;
  /** Temporary behaviour changes (`set-behaviour` with `for`) still in effect, oldest first. */
  layers: { patch: Partial<MemberBehaviour> }[];
  client: SimulatedConsumer | null;
  /** Bumped on every start so stale restart timers can tell they are stale. */
  incarnation: number;
  /** How its first start resumes its membership of the seeded group state; null: it joins. */
  joined: JoinedMember | null;
}

export { SimulationActionError };

export class Simulation {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly variant: ProtocolVariant | null;
  private readonly scheduler: VirtualScheduler;
  private readonly world: SimWorld;
  private readonly broker: Broker;
  private readonly slots = new Map<string, MemberSlot>();
  private readonly metricsByGroup = new Map<string, GroupMetrics>();
  private readonly memberNames = new Map<string, string>();
  private readonly eventLog: GroupEvent[] = [];
  private readonly listeners = new Set<(event: GroupEvent) => void>();

  constructor(scenario: Scenario, parts: SimulationParts, options: SimulationOptions = {}) {
    this.scenario = scenario;
    this.seed = options.seed ?? scenario.seed;
    this.variant = options.variant ?? null;
    this.scheduler = new VirtualScheduler(0);
    const random = new Random(this.seed);
    const topicIds = random.fork();
    const metadata = new MetadataImage(() => parts.newTopicId(topicIds));
    const logs = new LogModel();
    const offsets = new OffsetStore();
    const network = new SimNetwork(this.scheduler, options.latencyMs ?? 1);
    let broker: Broker | null = null;
    const coordinatorApi: GroupCoordinatorApi = {
      consumerGroupHeartbeat: (r) => this.requireBroker(broker).consumerGroupHeartbeat(r),
      joinGroup: (r, reply) => this.requireBroker(broker).joinGroup(r, reply),
      syncGroup: (r, reply) => this.requireBroker(broker).syncGroup(r, reply),
      heartbeat: (r) => this.requireBroker(broker).heartbeat(r),
      leaveGroup: (r) => this.requireBroker(broker).leaveGroup(r),
      offsetCommit: (r) => this.requireBroker(broker).offsetCommit(r),
    };
    this.world = {
      timers: this.scheduler,
      random,
      kafkaVersion: options.kafkaVersion ?? scenario.kafkaVersion,
      ordering: options.ordering ?? 'exact',
      broker: scenario.broker,
      metadata,
      logs,
      offsets,
      network,
      coordinator: coordinatorApi,
      emit: (event) => this.record(event),
    };
    broker = new Broker(
      parts.createConsumerCoordinator(this.world),
      parts.createClassicCoordinator(this.world),
      offsets,
      () => this.scheduler.now(),
      (name) => metadata.topicInfo(name),
    );
    this.broker = broker;
    this.parts = parts;

    const disruptionMs = scenario.timeline[0]?.atMs ?? 0;
    for (const g of scenario.groups) this.metricsByGroup.set(g.id, new GroupMetrics(g.id, 0, disruptionMs));
    for (const t of scenario.topics) this.createTopic(t);
    for (const g of scenario.groups) {
      for (const [topic, byPartition] of g.committedOffsets ?? []) {
        byPartition.forEach((offset, partition) => {
          if (offset !== null)
            offsets.commit(g.id, topic, partition, { offset, commitTimeMs: 0, memberId: null });
        });
      }
    }
    for (const g of scenario.groups) {
      for (const m of g.members) {
        this.addSlot(m);
        this.scheduler.schedule(m.startAtMs, () => this.initialStart(m.name));
      }
    }
    for (const g of scenario.groups) if (g.initialState !== undefined) this.seedGroup(g, g.initialState);
    for (const step of scenario.timeline) {
      this.scheduler.schedule(step.atMs, () => this.apply(step));
    }
  }

  /**
   * Starts the group from its initial state: the coordinator loads it (the records Kafka would
   * hold for it) and the members it lists start as members of it. When the members do not run
   * under the state's protocol (a --protocol variant changed it) the state cannot apply: the
   * trace says so and the group forms from scratch.
   */
  private seedGroup(g: ScenarioGroup, st: ScenarioInitialState): void {
    const slots = st.members.map((m) => ({ m, slot: this.slot(m.member) }));
    const emit = (detail: string): void =>
      this.world.emit({
        type: 'action',
        timeMs: this.now(),
        groupId: g.id,
        action: 'initial-state',
        target: null,
        detail,
      });
    const wrongProtocol = slots.find(({ slot }) => slot.config.groupProtocol !== st.protocol);
    if (wrongProtocol !== undefined) {
      emit(
        `not applied: it is a ${st.protocol}-protocol group but ${wrongProtocol.m.member} runs with group.protocol=${wrongProtocol.slot.config.groupProtocol}; the members join and the group forms anew`,
      );
      return;
    }
    if (st.protocol === 'classic') {
      const missing = slots.find(
        ({ slot }) => !slot.config.partitionAssignmentStrategy.includes(st.protocolName),
      );
      if (missing !== undefined) {
        emit(
          `not applied: ${missing.m.member} runs with partition.assignment.strategy=${missing.slot.config.partitionAssignmentStrategy.join(',')}, without ${st.protocolName}; the members join and the group forms anew`,
        );
        return;
      }
    }
    const metadataTopics = this.world.metadata.topics().map((t) => t.name);
    const topicsOf = (c: ConsumerConfig): string[] => {
      const sub = c.subscription;
      if ('topics' in sub) return [...new Set(sub.topics)].sort();
      const re = new RegExp(`^(?:${sub.pattern})$`);
      return metadataTopics.filter((n) => re.test(n)).sort();
    };
    if (st.protocol === 'consumer') {
      this.broker.consumer.seedGroup({
        groupId: g.id,
        groupEpoch: st.groupEpoch,
        assignmentEpoch: st.assignmentEpoch,
        members: slots.map(({ m, slot }) => ({
          memberId: m.memberId,
          instanceId: slot.config.groupInstanceId,
          rackId: slot.config.rackId,
          clientId: slot.config.clientId,
          clientHost: slot.config.clientHost,
          subscribedTopicNames: 'topics' in slot.config.subscription ? slot.config.subscription.topics : [],
          subscribedTopicRegex:
            'pattern' in slot.config.subscription ? slot.config.subscription.pattern : null,
          serverAssignor: slot.config.groupRemoteAssignor,
          rebalanceTimeoutMs: slot.config.maxPollIntervalMs,
          memberEpoch: m.memberEpoch,
          previousMemberEpoch: m.previousMemberEpoch,
          assigned: m.assigned,
          pendingRevocation: m.pendingRevocation,
          target: m.target,
        })),
      });
      for (const { m, slot } of slots) {
        slot.joined = {
          protocol: 'consumer',
          memberId: m.memberId,
          memberEpoch: m.memberEpoch,
          owned: unionAssignments(m.assigned, m.pendingRevocation),
          assigned: m.assigned,
        };
      }
      emit(
        `the group starts as described: group epoch ${st.groupEpoch}, assignment epoch ${st.assignmentEpoch}, ${slots.length} member${slots.length === 1 ? '' : 's'} already in it`,
      );
    } else {
      const groupSubscription = [...new Set(slots.flatMap(({ slot }) => topicsOf(slot.config)))].sort();
      const leaderId = slots.find(({ m }) => m.member === st.leader)?.m.memberId ?? '';
      this.broker.classic.loadGroup({
        groupId: g.id,
        protocolType: 'consumer',
        generation: st.generation,
        protocolName: st.protocolName,
        leaderId,
        members: slots.map(({ m, slot }) => ({
          memberId: m.memberId,
          groupInstanceId: slot.config.groupInstanceId,
          clientId: slot.config.clientId,
          clientHost: slot.config.clientHost,
          rebalanceTimeoutMs: slot.config.maxPollIntervalMs,
          sessionTimeoutMs: slot.config.sessionTimeoutMs,
          // What its last JoinGroup sent for the selected protocol (ConsumerProtocolSubscription v3).
          subscription: {
            topics: topicsOf(slot.config),
            userData: null,
            ownedPartitions: [],
            generationId: -1,
            rackId: slot.config.rackId,
          },
          assignment: { assignedPartitions: toPartitions(m.assigned), userData: null },
        })),
      });
      for (const { m, slot } of slots) {
        slot.joined = {
          protocol: 'classic',
          memberId: m.memberId,
          generation: st.generation,
          protocolName: st.protocolName,
          leader: m.member === st.leader,
          owned: m.assigned,
          groupSubscription,
        };
      }
      emit(
        `the group starts as described: generation ${st.generation}, protocol ${st.protocolName}, ${slots.length} member${slots.length === 1 ? '' : 's'} already in it`,
      );
    }
    this.metricsByGroup.get(g.id)?.startIn(this.now(), this.broker.describe(g.id)?.state ?? 'Empty');
  }

  private readonly parts: SimulationParts;

  private requireBroker(b: Broker | null): Broker {
    if (b === null) throw new Error('the broker is not ready yet');
    return b;
  }

  // --- running -------------------------------------------------------------------------------

  now(): number {
    return this.scheduler.now();
  }

  /** Due time of the next thing that will happen, or undefined when nothing is scheduled. */
  nextEventAt(): number | undefined {
    return this.scheduler.peek();
  }

  /** Runs the next due timer. Returns false when nothing is scheduled. */
  step(): boolean {
    return this.scheduler.runNext();
  }

  /** Runs everything due up to `ms` (virtual time) and leaves the clock there. */
  runUntil(ms: number): void {
    this.scheduler.runUntil(Math.max(ms, this.scheduler.now()));
  }

  /** Runs to the end of the scenario (or `untilMs`). */
  run(untilMs?: number): void {
    this.runUntil(untilMs ?? this.scenario.durationMs);
  }

  get finished(): boolean {
    return this.scheduler.now() >= this.scenario.durationMs;
  }

  // --- observing -----------------------------------------------------------------------------

  /** Every event so far, in order. */
  get trace(): readonly GroupEvent[] {
    return this.eventLog;
  }

  onEvent(listener: (event: GroupEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  groupIds(): string[] {
    return [...new Set([...this.scenario.groups.map((g) => g.id), ...this.broker.groupIds()])].sort();
  }

  members(): MemberStatus[] {
    return [...this.slots.values()].map((s) => ({
      name: s.spec.name,
      groupId: s.spec.groupId,
      alive: s.client?.alive === true,
      memberId: s.client?.memberId() ?? null,
      protocol: s.config.groupProtocol,
      instanceId: s.config.groupInstanceId,
    }));
  }

  /** A member of the group to copy settings from when adding one (the first defined). */
  groupTemplate(groupId: string): ScenarioMember | undefined {
    for (const slot of this.slots.values())
      if (slot.spec.groupId === groupId) return { ...slot.spec, config: slot.config };
    return undefined;
  }

  /** A fresh member name: `consumer-<n>` with the next free number (names are unique across groups). */
  nextMemberName(): string {
    let max = 0;
    for (const name of this.slots.keys()) {
      const m = /-(\d+)$/.exec(name);
      if (m !== null) max = Math.max(max, Number(m[1]));
    }
    let n = max + 1;
    while (this.slots.has(`consumer-${n}`)) n++;
    return `consumer-${n}`;
  }

  /** Topic names a member subscribes to (empty for a regex subscription). */
  memberSubscription(name: string): readonly string[] {
    const sub = this.slot(name).config.subscription;
    return 'topics' in sub ? sub.topics : [];
  }

  /** The consumer's scenario name for a member id, if it is one of ours. */
  memberName(memberId: string): string | undefined {
    const cached = this.memberNames.get(memberId);
    if (cached !== undefined) return cached;
    // One pass records every consumer's current id, so a group of n members costs O(n) lookups
    // in all rather than O(n) each.
    for (const s of this.slots.values()) {
      const id = s.client?.memberId();
      if (id !== null && id !== undefined && !this.memberNames.has(id)) this.memberNames.set(id, s.spec.name);
    }
    return this.memberNames.get(memberId);
  }

  /** The group as a real broker would describe it, plus what only the simulator knows (clients, lag). */
  snapshot(groupId: string): GroupSnapshot {
    const now = this.scheduler.now();
    const base = this.broker.describe(groupId);
    const clientsByMemberId = new Map<string, SimulatedConsumer>();
    for (const s of this.slots.values()) {
      const id = s.client?.memberId();
      if (s.spec.groupId === groupId && s.client !== null && id !== null && id !== undefined) {
        clientsByMemberId.set(id, s.client);
      }
    }
    const members: MemberSnapshot[] = (base?.members ?? []).map((m) => {
      const c = clientsByMemberId.get(m.memberId);
      return c === undefined ? m : { ...m, client: c.details() };
    });
    const topicNames = new Set<string>(base?.topics.map((t) => t.name) ?? []);
    for (const t of this.scopeTopics(groupId).keys()) topicNames.add(t);
    for (const t of this.world.offsets.topics(groupId)) topicNames.add(t);
    const topics: TopicInfo[] = [...topicNames]
      .sort()
      .map((n) => this.world.metadata.topicInfo(n))
      .filter((t): t is TopicInfo => t !== undefined);
    const ownerOf = new Map<string, string>();
    for (const m of members) {
      for (const [t, parts] of Object.entries(m.assignment))
        for (const p of parts) ownerOf.set(`${t}\u0000${p}`, m.memberId);
    }
    const partitions: PartitionLag[] = [];
    let totalLag = 0;
    let withoutCommit = 0;
    for (const t of topics) {
      for (let p = 0; p < t.partitions; p++) {
        const committed = this.world.offsets.committed(groupId, t.name, p)?.offset ?? null;
        const logEndOffset = this.world.logs.logEndOffset(t.name, p, now);
        const logStartOffset = this.world.logs.logStartOffset(t.name, p);
        const lag = computeLag(committed, logEndOffset);
        if (lag === null) withoutCommit++;
        else totalLag += lag;
        partitions.push({
          topic: t.name,
          partition: p,
          committedOffset: committed,
          logStartOffset,
          logEndOffset,
          lag,
          ownerMemberId: ownerOf.get(`${t.name}\u0000${p}`) ?? null,
          belowLogStart: committed !== null && committed < logStartOffset,
          status: null,
        });
      }
    }
    const fallbackProtocol = this.scenario.groups.find((g) => g.id === groupId)?.members[0]?.config
      .groupProtocol;
    return {
      sourceId: 'simulator',
      groupId,
      protocol: base?.protocol ?? fallbackProtocol ?? 'consumer',
      state: base?.state ?? 'Dead',
      timeMs: now,
      groupEpoch: base?.groupEpoch ?? 0,
      targetAssignmentEpoch: base?.targetAssignmentEpoch ?? null,
      assignor: base?.assignor ?? null,
      rebalanceProtocol: base?.rebalanceProtocol ?? null,
      leaderId: base?.leaderId ?? null,
      coordinator: { nodeId: 0, host: 'simulated-broker', port: 9092 },
      members,
      topics,
      lag: { totalLag, partitionsWithoutCommit: withoutCommit, status: null, partitions },
      stale: null,
    };
  }

  metrics(groupId: string): GroupRunMetrics {
    const m = this.metricsByGroup.get(groupId);
    if (m === undefined) throw new SimulationActionError(`no group "${groupId}" in this simulation`);
    return m.result(this.scheduler.now());
  }

  // --- controls (scenario steps and interactive actions) -----------------------------------------

  /** Adds and starts a new consumer now. */
  addMember(spec: ScenarioMember): void {
    if (this.slots.has(spec.name))
      throw new SimulationActionError(`a member named "${spec.name}" already exists`);
    if (!this.metricsByGroup.has(spec.groupId)) {
      this.metricsByGroup.set(spec.groupId, new GroupMetrics(spec.groupId, this.now(), this.now()));
    }
    this.addSlot(spec);
    this.action('add-member', spec.name, `joins ${spec.groupId}`);
    this.startMember(spec.name);
  }

  crash(name: string): void {
    const slot = this.running(name);
    this.action('crash', name, 'process killed: no leave, no commit');
    const owned = slot.client!.owned();
    slot.client!.crash();
    this.metricsFor(slot).consumerGone(this.now(), name, owned);
    this.updateScope(slot.spec.groupId);
  }

  shutdown(name: string): void {
    const slot = this.running(name);
    this.action('shutdown', name, 'consumer.close()');
    slot.client!.close();
    this.updateScope(slot.spec.groupId);
  }

  start(name: string): void {
    const slot = this.slot(name);
    if (slot.client?.alive === true) throw new SimulationActionError(`"${name}" is already running`);
    this.action('start', name, null);
    this.startMember(name);
  }

  /**
   * Stops a member (close(), or a crash) and starts it again `downForMs` later — but not before
   * the old process has exited: a close() that takes longer (a batch to finish, a slow
   * onPartitionsRevoked) delays the start until it is done.
   */
  restart(name: string, downForMs: number, crash: boolean): void {
    if (crash) this.crash(name);
    else this.shutdown(name);
    const slot = this.slot(name);
    const incarnation = slot.incarnation;
    const old = slot.client;
    const startAgain = (): void => {
      // A manual start in between wins.
      if (slot.incarnation === incarnation && slot.client?.alive !== true) {
        this.action('start', name, 'restarted');
        this.startMember(name);
      }
    };
    this.scheduler.schedule(downForMs, () => {
      if (old?.alive === true && slot.incarnation === incarnation) {
        old.onStop(() => this.scheduler.schedule(0, startAgain));
      } else startAgain();
    });
  }

  networkPartition(name: string, forMs: number): void {
    this.running(name);
    this.action('network-partition', name, `cut off for ${forMs} ms`);
    this.world.network.partition(name, this.now() + forMs);
  }

  /**
   * Changes how a member's application behaves. With `forMs`, the change is temporary: when it
   * ends, each setting it changed goes back to what the other changes still in effect say (the
   * newest wins), or to the member's behaviour without them — so overlapping temporary changes
   * never leave a member slow for good. Without `forMs`, the change is permanent and outlasts the
   * older temporary changes of the same settings.
   */
  setBehaviour(name: string, patch: Partial<MemberBehaviour>, forMs: number | null): void {
    const slot = this.slot(name);
    const keys = Object.keys(patch) as (keyof MemberBehaviour)[];
    const layer = { patch };
    if (forMs === null) {
      slot.base = { ...slot.base, ...patch };
      for (const older of slot.layers) older.patch = withoutKeys(older.patch, keys);
    } else {
      slot.layers.push(layer);
    }
    slot.behaviour = { ...slot.behaviour, ...patch };
    slot.client?.setBehaviour(patch);
    this.action('set-behaviour', name, describeBehaviour(patch) + (forMs === null ? '' : ` for ${forMs} ms`));
    if (forMs !== null) {
      this.scheduler.schedule(forMs, () => {
        slot.layers = slot.layers.filter((l) => l !== layer);
        const effective = slot.layers.reduce<MemberBehaviour>((b, l) => ({ ...b, ...l.patch }), slot.base);
        const revert: Partial<MemberBehaviour> = Object.fromEntries(keys.map((k) => [k, effective[k]]));
        slot.behaviour = effective;
        slot.client?.setBehaviour(revert);
        this.action('set-behaviour', name, `back to ${describeBehaviour(revert)}`);
      });
    }
  }

  subscribe(name: string, topics: readonly string[]): void {
    const slot = this.slot(name);
    slot.config = { ...slot.config, subscription: { topics: [...topics] } };
    this.action('subscribe', name, topics.join(','));
    slot.client?.subscribe(topics);
    this.updateScope(slot.spec.groupId);
  }

  addPartitions(topic: string, partitions: number): void {
    const before = this.world.metadata.topic(topic)?.numPartitions ?? 0;
    this.world.metadata.setPartitions(topic, partitions);
    this.world.logs.setPartitions(topic, partitions, this.now());
    this.action('add-partitions', topic, `${before} → ${partitions} partitions`);
    for (const g of this.metricsByGroup.keys()) {
      this.world.emit({
        type: 'topic-partitions',
        timeMs: this.now(),
        groupId: g,
        topic,
        from: before,
        to: partitions,
      });
      this.updateScope(g);
    }
  }

  createTopic(t: ScenarioTopic): void {
    this.world.metadata.createTopic(t.name, t.partitions);
    this.world.logs.setPartitions(t.name, t.partitions, this.now());
    this.world.logs.setProduceRate(t.name, t.produceRate, this.now());
    if (t.logEndOffsets !== undefined) this.world.logs.setLogEndOffsets(t.name, t.logEndOffsets, this.now());
    if (this.now() > 0) this.action('create-topic', t.name, `${t.partitions} partitions`);
    for (const g of this.metricsByGroup.keys()) this.updateScope(g);
  }

  deleteTopic(topic: string): void {
    this.world.metadata.deleteTopic(topic);
    this.world.logs.deleteTopic(topic);
    this.action('delete-topic', topic, null);
    for (const g of this.metricsByGroup.keys()) this.updateScope(g);
  }

  setProduceRate(topic: string, rate: number): void {
    this.world.logs.setProduceRate(topic, rate, this.now());
    this.action('set-produce-rate', topic, `${rate} records/s`);
  }

  /** Topics and partition counts, sorted by name. */
  topics(): TopicInfo[] {
    return this.world.metadata
      .topics()
      .map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.numPartitions }));
  }

  // --- internals -----------------------------------------------------------------------------

  private apply(step: ScenarioStep): void {
    switch (step.do) {
      case 'add-member':
        this.addMember(step.member);
        break;
      case 'crash':
        this.ifRunning(step.member, () => this.crash(step.member));
        break;
      case 'shutdown':
        this.ifRunning(step.member, () => this.shutdown(step.member));
        break;
      case 'start':
        if (this.slot(step.member).client?.alive !== true) this.start(step.member);
        break;
      case 'restart':
        this.ifRunning(step.member, () => this.restart(step.member, step.downForMs, step.crash));
        break;
      case 'network-partition':
        this.ifRunning(step.member, () => this.networkPartition(step.member, step.forMs));
        break;
      case 'set-behaviour':
        this.setBehaviour(step.member, step.behaviour, step.forMs);
        break;
      case 'subscribe':
        this.subscribe(step.member, step.topics);
        break;
      case 'add-partitions':
        this.addPartitions(step.topic, step.partitions);
        break;
      case 'create-topic':
        this.createTopic(step.topic);
        break;
      case 'delete-topic':
        this.deleteTopic(step.topic);
        break;
      case 'set-produce-rate':
        this.setProduceRate(step.topic, step.rate);
        break;
    }
  }

  /** Scenario steps aimed at a member that is not running are recorded and skipped. */
  private ifRunning(name: string, fn: () => void): void {
    const slot = this.slot(name);
    if (slot.client?.alive === true) fn();
    else this.action('skipped', name, 'the member is not running');
  }

  private addSlot(spec: ScenarioMember): void {
    this.slots.set(spec.name, {
      spec,
      config: applyVariant(spec, this.variant),
      behaviour: spec.behaviour,
      base: spec.behaviour,
      layers: [],
      client: null,
      incarnation: 0,
      joined: null,
    });
  }

  /**
   * A member's own start (`startAt`). A timeline step may have started it earlier; then the
   * application is already up (or was stopped on purpose since) and this start does nothing:
   * starting it again would leave two consumers running under one name.
   */
  private initialStart(name: string): void {
    if (this.slot(name).incarnation > 0) return;
    this.startMember(name);
  }

  private startMember(name: string): void {
    const slot = this.slot(name);
    slot.incarnation++;
    this.world.network.partition(name, null);
    const client = this.parts.createConsumer(this.world, name, slot.config, slot.behaviour, slot.joined);
    // Only the first start resumes the seeded membership; a restart is a new consumer that joins.
    slot.joined = null;
    slot.client = client;
    client.start();
    this.updateScope(slot.spec.groupId);
    // The topics only it subscribed to leave the group's scope when it is gone (a close() ends
    // some time after it was asked for).
    client.onStop(() => this.updateScope(slot.spec.groupId));
  }

  private slot(name: string): MemberSlot {
    const s = this.slots.get(name);
    if (s === undefined) throw new SimulationActionError(`no member is named "${name}"`);
    return s;
  }

  private running(name: string): MemberSlot {
    const s = this.slot(name);
    if (s.client?.alive !== true) throw new SimulationActionError(`"${name}" is not running`);
    return s;
  }

  private metricsFor(slot: MemberSlot): GroupMetrics {
    return this.metricsByGroup.get(slot.spec.groupId)!;
  }

  /** Topic → partition count for every topic a running member of the group subscribes to. */
  private scopeTopics(groupId: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.slots.values()) {
      if (s.spec.groupId !== groupId || s.client?.alive !== true) continue;
      const sub = s.config.subscription;
      const names =
        'topics' in sub
          ? sub.topics
          : this.world.metadata
              .topics()
              .map((t) => t.name)
              .filter((n) => new RegExp(`^(?:${sub.pattern})$`).test(n));
      for (const n of names) {
        const t = this.world.metadata.topic(n);
        if (t !== undefined) out.set(n, t.numPartitions);
      }
    }
    return out;
  }

  /**
   * Recomputes the group's partition scope once per instant, however many members started or
   * stopped in it (10,000 members starting together would otherwise cost O(n²)).
   */
  private updateScope(groupId: string): void {
    if (this.scopeDirty.has(groupId)) return;
    this.scopeDirty.add(groupId);
    this.scheduler.schedule(0, () => {
      this.scopeDirty.delete(groupId);
      this.metricsByGroup.get(groupId)?.setScope(this.now(), this.scopeTopics(groupId));
    });
  }

  private readonly scopeDirty = new Set<string>();

  private action(action: string, target: string | null, detail: string | null): void {
    const groupId = target !== null ? (this.slots.get(target)?.spec.groupId ?? null) : null;
    const groups = groupId !== null ? [groupId] : [...this.metricsByGroup.keys()];
    for (const g of groups)
      this.world.emit({ type: 'action', timeMs: this.now(), groupId: g, action, target, detail });
  }

  private record(event: GroupEvent): void {
    this.eventLog.push(event);
    this.metricsByGroup.get(event.groupId)?.onEvent(event, (id) => this.memberName(id));
    for (const l of this.listeners) l(event);
  }
}

/** Applies a protocol variant to a member's configuration (see SimulationOptions.variant). */
export function applyVariant(spec: ScenarioMember, variant: ProtocolVariant | null): ConsumerConfig {
  const c = spec.config;
  const effective: ProtocolVariant | null = variant ?? (spec.explicit.groupProtocol ? null : 'consumer');
  switch (effective) {
    case null:
      return c;
    case 'consumer':
      return { ...c, groupProtocol: 'consumer' };
    case 'eager': {
      const eagerOnly = c.partitionAssignmentStrategy.every((a) => a !== 'cooperative-sticky');
      return {
        ...c,
        groupProtocol: 'classic',
        partitionAssignmentStrategy:
          spec.explicit.assignor && eagerOnly ? c.partitionAssignmentStrategy : ['range'],
      };
    }
    case 'cooperative':
      return { ...c, groupProtocol: 'classic', partitionAssignmentStrategy: ['cooperative-sticky'] };
  }
}

function withoutKeys(
  patch: Partial<MemberBehaviour>,
  keys: readonly (keyof MemberBehaviour)[],
): Partial<MemberBehaviour> {
  const out: { -readonly [K in keyof MemberBehaviour]?: number } = { ...patch };
  for (const k of keys) delete out[k];
  return out;
}

function describeBehaviour(b: Partial<MemberBehaviour>): string {
  const parts: string[] = [];
  if (b.processingMs !== undefined) parts.push(`processing ${b.processingMs} ms per poll`);
  if (b.onRevokedMs !== undefined) parts.push(`onPartitionsRevoked ${b.onRevokedMs} ms`);
  if (b.onAssignedMs !== undefined) parts.push(`onPartitionsAssigned ${b.onAssignedMs} ms`);
  if (b.onLostMs !== undefined) parts.push(`onPartitionsLost ${b.onLostMs} ms`);
  return parts.join(', ');
}

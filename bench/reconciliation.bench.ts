/**
 * Reconciliation at scale: a 10,000-member consumer group on 100,000 partitions (100 topics ×
 * 1,000 partitions, every member subscribed to all), Stable, loses one member; the bench drives
 * every member's heartbeats (a cooperative client: revoke, acknowledge, pick up) until the group is
 * Stable again, on the virtual clock, and prints JSON timings.
 *
 *   npx tsc -b && node out/bench/reconciliation.bench.js [--members N] [--topics T] [--partitions P]
 *                                                         [--ordering canonical|exact] [--version 4.3]
 *
 * The coordinator and the `uniform` assignor are the real ones.
 */
import type {
  GroupAssignment,
  GroupSpec,
  OrderingMode,
  ServerAssignor,
  SubscribedTopicDescriber,
  TopicId,
} from '../src/simulator/assignors/api';
import { VirtualScheduler } from '../src/simulator/clock';
import { ConsumerGroupCoordinator } from '../src/simulator/consumer/coordinator';
import type {
  ConsumerGroupHeartbeatRequest,
  HeartbeatTopicPartitions,
} from '../src/simulator/consumer/messages';
import type { ConsumerGroupRecord } from '../src/simulator/consumer/records';
import { MetadataImage } from '../src/simulator/engine/metadata';
import { DEFAULT_BROKER_CONFIG, KAFKA_VERSIONS, type KafkaVersion } from '../src/simulator/engine/world';
import { JAVA_STRING } from '../src/simulator/java/keys';
import { javaHashOrder } from '../src/simulator/java/order';
import { Random } from '../src/simulator/random';
import { serverAssignor } from '../src/simulator/assignors/registry';
import { Uuid } from '../src/simulator/java/uuid';

/** Kafka's `uniform` assignor (the real one), timed so the report can show its share. */
class TimedAssignor implements ServerAssignor {
  readonly name = 'uniform';
  elapsedMs = 0;
  private readonly inner: ServerAssignor;

  constructor() {
    const uniform = serverAssignor('uniform');
    if (uniform === undefined) throw new Error('no uniform assignor');
    this.inner = uniform;
  }

  assign(
    spec: GroupSpec,
    topics: SubscribedTopicDescriber,
    options?: { readonly ordering: OrderingMode },
  ): GroupAssignment {
    const t0 = performance.now();
    try {
      return this.inner.assign(spec, topics, options);
    } finally {
      this.elapsedMs += performance.now() - t0;
    }
  }
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

interface Client {
  readonly memberId: string;
  epoch: number;
  owned: HeartbeatTopicPartitions[];
}

/** A heartbeat as a cooperative client sends it between full requests (only what changed). */
function heartbeat(
  groupId: string,
  memberId: string,
  memberEpoch: number,
  owned: HeartbeatTopicPartitions[] | null,
): ConsumerGroupHeartbeatRequest {
  return {
    groupId,
    memberId,
    memberEpoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: owned,
    clientId: memberId,
    clientHost: '/10.0.0.1',
  };
}

function run(
  members: number,
  topicCount: number,
  partitionsPerTopic: number,
  ordering: OrderingMode,
  version: KafkaVersion,
) {
  const groupId = 'bench-group';
  const timers = new VirtualScheduler(0);
  const random = new Random(1);
  const idRandom = new Random(7);
  const metadata = new MetadataImage(() => Uuid.random(idRandom).toString());
  const names: string[] = [];
  for (let t = 0; t < topicCount; t++) {
    const name = `topic-${String(t).padStart(4, '0')}`;
    names.push(name);
    metadata.createTopic(name, partitionsPerTopic);
  }
  const assignor = new TimedAssignor();
  let events = 0;
  const coordinator = new ConsumerGroupCoordinator({
    timers,
    random,
    kafkaVersion: version,
    ordering,
    broker: {
      ...DEFAULT_BROKER_CONFIG,
      consumer: { ...DEFAULT_BROKER_CONFIG.consumer, assignors: ['uniform'] },
    },
    metadata,
    emit: () => {
      events++;
    },
    serverAssignor: (name) => (name === 'uniform' ? assignor : undefined),
  });

  // A Stable group at epoch 10, written as the records a coordinator loads (ConsumerGroupBuilder).
  const setupStart = performance.now();
  const ids = Array.from({ length: members }, (_, i) => `member-${String(i).padStart(5, '0')}`);
  const subscription = javaHashOrder(JAVA_STRING, names, 'copy');
  const topicIds = names.map((n) => metadata.topic(n)?.topicId ?? '');
  const clients: Client[] = [];
  const perMember = new Map<string, Map<TopicId, number[]>>();
  // Contiguous blocks, as a balanced assignor would have left them.
  const total = topicIds.length * partitionsPerTopic;
  let k = 0;
  for (const t of topicIds) {
    for (let p = 0; p < partitionsPerTopic; p++) {
      const id = ids[Math.floor((k++ * members) / total)];
      const m = perMember.get(id) ?? new Map<TopicId, number[]>();
      const list = m.get(t) ?? [];
      list.push(p);
      m.set(t, list);
      perMember.set(id, m);
    }
  }
  const epoch = 10;
  const records: ConsumerGroupRecord[] = [];
  for (const id of ids) {
    records.push({
      type: 'ConsumerGroupMemberMetadata',
      key: { groupId, memberId: id },
      value: {
        instanceId: null,
        rackId: null,
        clientId: id,
        clientHost: '/10.0.0.1',
        subscribedTopicNames: subscription,
        subscribedTopicRegex: '',
        serverAssignor: null,
        rebalanceTimeoutMs: 300_000,
      },
    });
  }
  records.push({ type: 'ConsumerGroupMetadata', key: { groupId }, value: { epoch } });
  const owned = (id: string) =>
    [...(perMember.get(id) ?? new Map<TopicId, number[]>())].map(([topicId, partitions]) => ({
      topicId,
      partitions,
    }));
  for (const id of ids)
    records.push({
      type: 'ConsumerGroupTargetAssignmentMember',
      key: { groupId, memberId: id },
      value: { topicPartitions: owned(id) },
    });
  records.push({
    type: 'ConsumerGroupTargetAssignmentMetadata',
    key: { groupId },
    value: { assignmentEpoch: epoch, assignmentTimestamp: 0 },
  });
  for (const id of ids) {
    records.push({
      type: 'ConsumerGroupCurrentMemberAssignment',
      key: { groupId, memberId: id },
      value: {
        memberEpoch: epoch,
        previousMemberEpoch: epoch - 1,
        state: 'STABLE',
        assignedPartitions: owned(id),
        partitionsPendingRevocation: [],
      },
    });
    clients.push({ memberId: id, epoch, owned: owned(id) });
  }
  coordinator.replay(records);
  coordinator.onLoaded();
  const setupMs = performance.now() - setupStart;

  // One member leaves; then every member heartbeats each round until the group is Stable.
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const leaver = clients.splice(Math.floor(members / 2), 1)[0];
  const leave = coordinator.consumerGroupHeartbeat(heartbeat(groupId, leaver.memberId, -1, null));
  if (leave.errorCode !== 'NONE') throw new Error(`leave failed: ${leave.errorCode}`);
  const leaveMs = performance.now() - start;
  assignor.elapsedMs = 0;
  let heartbeats = 0;
  let rounds = 0;
  let targetMs = 0;
  let targetCpuMs = 0;
  let moved = 0;
  const state = () => coordinator.listGroups().find((g) => g.groupId === groupId)?.groupState;
  while (state() !== 'Stable') {
    rounds++;
    if (rounds > 50) throw new Error('the group did not reach Stable in 50 rounds');
    timers.runUntil(timers.now() + 1000);
    for (const c of clients) {
      const t0 = heartbeats === 0 ? performance.now() : 0;
      const c0 = heartbeats === 0 ? process.cpuUsage() : undefined;
      const res = coordinator.consumerGroupHeartbeat(heartbeat(groupId, c.memberId, c.epoch, c.owned));
      if (heartbeats === 0) {
        targetMs = performance.now() - t0;
        const c = process.cpuUsage(c0);
        targetCpuMs = (c.user + c.system) / 1000;
      }
      heartbeats++;
      if (res.errorCode !== 'NONE')
        throw new Error(`${c.memberId}: ${res.errorCode} ${res.errorMessage ?? ''}`);
      c.epoch = res.memberEpoch;
      if (res.assignment !== null) {
        // Cooperative client: revoke what is gone at once; the next heartbeat acknowledges it.
        const before = new Set(c.owned.flatMap((tp) => tp.partitions.map((p) => `${tp.topicId}:${p}`)));
        for (const tp of res.assignment.topicPartitions)
          for (const p of tp.partitions) if (!before.has(`${tp.topicId}:${p}`)) moved++;
        c.owned = res.assignment.topicPartitions.map((tp) => ({
          topicId: tp.topicId,
          partitions: [...tp.partitions],
        }));
      }
    }
  }
  const totalMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const snapshot = coordinator.describe(groupId);
  return {
    members,
    partitions: topicCount * partitionsPerTopic,
    topics: topicCount,
    ordering,
    kafkaVersion: version,
    setupMs: round(setupMs),
    leaveMs: round(leaveMs),
    targetAssignmentMs: round(targetMs),
    assignorMs: round(assignor.elapsedMs),
    totalMs: round(totalMs),
    totalCpuMs: round(cpuMs),
    heartbeats,
    rounds,
    targetAssignmentCpuMs: round(targetCpuMs),
    perHeartbeatUs: round(((totalMs - targetMs - leaveMs) / Math.max(1, heartbeats - 1)) * 1000),
    perHeartbeatCpuUs: round(((cpuMs - targetCpuMs) / Math.max(1, heartbeats - 1)) * 1000),
    partitionsMoved: moved,
    recordsWritten: coordinator.records().length - records.length,
    events,
    finalState: snapshot?.state,
    groupEpoch: snapshot?.groupEpoch,
    virtualMs: timers.now(),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const members = Number(arg('members', '10000'));
const topics = Number(arg('topics', '100'));
const partitions = Number(arg('partitions', String(Math.round((members * 10) / topics))));
const ordering = arg('ordering', 'canonical') as OrderingMode;
const version = arg('version', '4.3') as KafkaVersion;
if (!KAFKA_VERSIONS.includes(version))
  throw new Error(`--version must be one of ${KAFKA_VERSIONS.join(', ')}`);
if (ordering !== 'canonical' && ordering !== 'exact')
  throw new Error('--ordering must be canonical or exact');
// One warm-up run on a tenth of the size, then the measured run.
run(
  Math.max(10, Math.round(members / 10)),
  topics,
  Math.max(1, Math.round(partitions / 10)),
  ordering,
  version,
);
const result = run(members, topics, partitions, ordering, version);
process.stdout.write(`${JSON.stringify({ bench: 'consumer-reconciliation', ...result })}\n`);

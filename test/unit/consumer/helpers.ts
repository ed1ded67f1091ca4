/**
 * Test scaffolding for the consumer coordinator, shaped like Kafka's GroupMetadataManagerTestContext:
 * a virtual clock starting at 1000 ms (Kafka's MockTime), a metadata image, a prescribed assignor
 * (Kafka's MockPartitionAssignor), record builders and a group builder that replays records.
 */
import type { GroupEvent } from '../../../src/model';
import type {
  GroupAssignment,
  GroupSpec,
  ServerAssignor,
  SubscribedTopicDescriber,
  TopicId,
} from '../../../src/simulator/assignors/api';
import { PartitionAssignorError } from '../../../src/simulator/assignors/api';
import { VirtualScheduler } from '../../../src/simulator/clock';
import { ConsumerGroupCoordinator } from '../../../src/simulator/consumer/coordinator';
import {
  type AssignmentWithEpochs,
  type ConsumerGroupMember,
  currentAssignmentValue,
  memberMetadataValue,
  newMember,
  type TargetAssignment,
  targetToRecordPartitions,
} from '../../../src/simulator/consumer/member';
import type {
  ConsumerGroupHeartbeatRequest,
  HeartbeatTopicPartitions,
} from '../../../src/simulator/consumer/messages';
import type { ConsumerGroupRecord } from '../../../src/simulator/consumer/records';
import { computeGroupHash, computeTopicHash } from '../../../src/simulator/consumer/topic-hash';
import { MetadataImage } from '../../../src/simulator/engine/metadata';
import { JAVA_STRING } from '../../../src/simulator/java/keys';
import { javaHashSetCopyOrder } from '../../../src/simulator/java/order';
import {
  type BrokerConfig,
  DEFAULT_BROKER_CONFIG,
  type KafkaVersion,
} from '../../../src/simulator/engine/world';
import type { OrderingMode } from '../../../src/simulator/assignors/api';
import { Random } from '../../../src/simulator/random';

export const GROUP = 'fooup';
export const CLIENT_ID = 'client';
export const CLIENT_HOST = '/localhost';

/** Kafka's MockPartitionAssignor: returns the prepared assignment, whatever the input. */
export class MockAssignor implements ServerAssignor {
  prepared: GroupAssignment = new Map();
  lastSpec: GroupSpec | null = null;
  failWith: string | null = null;
  calls = 0;

  constructor(readonly name: string) {}

  prepare(assignment: Record<string, TargetAssignment>): void {
    this.prepared = new Map(
      Object.entries(assignment).map(([id, a]) => [id, new Map([...a].map(([t, ps]) => [t, new Set(ps)]))]),
    );
  }

  assign(spec: GroupSpec, _topics: SubscribedTopicDescriber): GroupAssignment {
    this.calls++;
    this.lastSpec = spec;
    if (this.failWith !== null) throw new PartitionAssignorError(this.failWith);
    return this.prepared;
  }
}

export interface TestContext {
  readonly timers: VirtualScheduler;
  readonly metadata: MetadataImage;
  readonly events: GroupEvent[];
  readonly coordinator: ConsumerGroupCoordinator;
  readonly assignors: Map<string, ServerAssignor>;
  readonly version: KafkaVersion;
  readonly broker: BrokerConfig;
  newCoordinator(): ConsumerGroupCoordinator;
}

export interface ContextOptions {
  readonly version?: KafkaVersion;
  readonly topics?: readonly (readonly [name: string, id: TopicId, partitions: number])[];
  readonly assignors?: readonly ServerAssignor[];
  readonly broker?: Partial<BrokerConfig['consumer']>;
  readonly ordering?: OrderingMode;
  readonly seed?: number;
  readonly startMs?: number;
}

export function makeContext(options: ContextOptions = {}): TestContext {
  const timers = new VirtualScheduler(options.startMs ?? 1000);
  let n = 0;
  const metadata = new MetadataImage(() => `generated-topic-id-${n++}`);
  for (const [name, id, partitions] of options.topics ?? []) metadata.createTopic(name, partitions, id);
  const list = options.assignors ?? [new MockAssignor('range')];
  const assignors = new Map(list.map((a) => [a.name, a]));
  const broker: BrokerConfig = {
    ...DEFAULT_BROKER_CONFIG,
    consumer: { ...DEFAULT_BROKER_CONFIG.consumer, assignors: list.map((a) => a.name), ...options.broker },
  };
  const events: GroupEvent[] = [];
  const version = options.version ?? '4.3';
  const random = new Random(options.seed ?? 42);
  const make = () =>
    new ConsumerGroupCoordinator({
      timers,
      random,
      kafkaVersion: version,
      ordering: options.ordering ?? 'canonical',
      broker,
      metadata,
      emit: (e) => events.push(e),
      serverAssignor: (name) => assignors.get(name),
    });
  return { timers, metadata, events, coordinator: make(), assignors, version, broker, newCoordinator: make };
}

/** A heartbeat request with Kafka's defaults for every field not given. */
export function hb(
  fields: Partial<ConsumerGroupHeartbeatRequest> & { memberId: string; memberEpoch: number },
): ConsumerGroupHeartbeatRequest {
  return {
    groupId: GROUP,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: null,
    clientId: CLIENT_ID,
    clientHost: CLIENT_HOST,
    ...fields,
  };
}

/** `mkAssignment(mkTopicAssignment(t, ...))`. */
export function mk(...topics: (readonly [TopicId, ...number[]])[]): TargetAssignment {
  return new Map(topics.map(([t, ...ps]) => [t, new Set(ps)]));
}

/** `toAssignmentWithEpochs(assignment, epoch)`. */
export function withEpochs(a: TargetAssignment, epoch: number): AssignmentWithEpochs {
  return new Map([...a].map(([t, ps]) => [t, new Map([...ps].map((p) => [p, epoch]))]));
}

/** `mkAssignmentWithEpochs(mkTopicAssignmentWithEpochs(t, epoch, ...))`, several per topic allowed. */
export function mkEpochs(...parts: (readonly [TopicId, number, ...number[]])[]): AssignmentWithEpochs {
  const out = new Map<TopicId, Map<number, number>>();
  for (const [t, epoch, ...ps] of parts) {
    const m = out.get(t) ?? new Map<number, number>();
    for (const p of ps) m.set(p, epoch);
    out.set(t, m);
  }
  return out;
}

export function owned(...topics: (readonly [TopicId, ...number[]])[]): HeartbeatTopicPartitions[] {
  return topics.map(([topicId, ...partitions]) => ({ topicId, partitions }));
}

/** A member built like `new ConsumerGroupMember.Builder(id)...build()`. */
export function member(
  memberId: string,
  fields: Partial<Omit<ConsumerGroupMember, 'memberId'>> = {},
): ConsumerGroupMember {
  const names = fields.subscribedTopicNames;
  return {
    ...newMember(memberId),
    clientId: CLIENT_ID,
    clientHost: CLIENT_HOST,
    ...fields,
    subscribedTopicNames: names === undefined ? [] : javaHashSetCopyOrder(JAVA_STRING, names),
  };
}

// Record builders (GroupCoordinatorRecordHelpers).

export function memberRecord(m: ConsumerGroupMember, groupId = GROUP): ConsumerGroupRecord {
  return {
    type: 'ConsumerGroupMemberMetadata',
    key: { groupId, memberId: m.memberId },
    value: memberMetadataValue(m),
  };
}

export function memberTombstone(memberId: string, groupId = GROUP): ConsumerGroupRecord {
  return { type: 'ConsumerGroupMemberMetadata', key: { groupId, memberId }, value: null };
}

/** A ConsumerGroupMetadata record; `metadataHash` null for 4.0 (no such field). */
export function epochRecord(
  epoch: number,
  metadataHash: bigint | null,
  groupId = GROUP,
): ConsumerGroupRecord {
  return {
    type: 'ConsumerGroupMetadata',
    key: { groupId },
    value: metadataHash === null ? { epoch } : { epoch, metadataHash: metadataHash.toString() },
  };
}

export function targetRecord(memberId: string, a: TargetAssignment, groupId = GROUP): ConsumerGroupRecord {
  return {
    type: 'ConsumerGroupTargetAssignmentMember',
    key: { groupId, memberId },
    value: { topicPartitions: targetToRecordPartitions(a) },
  };
}

export function targetTombstone(memberId: string, groupId = GROUP): ConsumerGroupRecord {
  return { type: 'ConsumerGroupTargetAssignmentMember', key: { groupId, memberId }, value: null };
}

/** A TargetAssignmentMetadata record; `timestamp` null for releases before 4.3 (no such field). */
export function targetEpochRecord(
  epoch: number,
  timestamp: number | null,
  groupId = GROUP,
): ConsumerGroupRecord {
  return {
    type: 'ConsumerGroupTargetAssignmentMetadata',
    key: { groupId },
    value:
      timestamp === null
        ? { assignmentEpoch: epoch }
        : { assignmentEpoch: epoch, assignmentTimestamp: timestamp },
  };
}

export function currentRecord(
  m: ConsumerGroupMember,
  version: KafkaVersion = '4.3',
  groupId = GROUP,
): ConsumerGroupRecord {
  return {
    type: 'ConsumerGroupCurrentMemberAssignment',
    key: { groupId, memberId: m.memberId },
    value: currentAssignmentValue(m, version === '4.3'),
  };
}

export function currentTombstone(memberId: string, groupId = GROUP): ConsumerGroupRecord {
  return { type: 'ConsumerGroupCurrentMemberAssignment', key: { groupId, memberId }, value: null };
}

export function partitionMetadataRecord(
  topics: readonly (readonly [name: string, id: TopicId, partitions: number])[],
  groupId = GROUP,
): ConsumerGroupRecord {
  return {
    type: 'ConsumerGroupPartitionMetadata',
    key: { groupId },
    value: {
      topics: [...topics]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([topicName, topicId, numPartitions]) => ({ topicId, topicName, numPartitions })),
    },
  };
}

/** The metadata hash the coordinator computes for these subscribed topics (0 for none). */
export function metadataHashOf(ctx: TestContext, names: readonly string[]): bigint {
  const m = new Map<string, bigint>();
  for (const n of names) {
    const t = ctx.metadata.topic(n);
    if (t !== undefined) m.set(n, computeTopicHash(t));
  }
  return computeGroupHash(m);
}

/** Kafka's ConsumerGroupBuilder: the records that create a group in a given state. */
export function groupRecords(
  ctx: TestContext,
  spec: {
    readonly groupEpoch: number;
    readonly members: readonly ConsumerGroupMember[];
    readonly targets: Readonly<Record<string, TargetAssignment>>;
    readonly assignmentEpoch: number;
    readonly assignmentTimestamp?: number;
    readonly topics?: readonly string[];
    readonly groupId?: string;
  },
): ConsumerGroupRecord[] {
  const groupId = spec.groupId ?? GROUP;
  const records: ConsumerGroupRecord[] = spec.members.map((m) => memberRecord(m, groupId));
  records.push(
    epochRecord(
      spec.groupEpoch,
      ctx.version === '4.0' ? null : metadataHashOf(ctx, spec.topics ?? []),
      groupId,
    ),
  );
  for (const [id, a] of Object.entries(spec.targets)) records.push(targetRecord(id, a, groupId));
  records.push(
    targetEpochRecord(
      spec.assignmentEpoch,
      ctx.version === '4.3' ? (spec.assignmentTimestamp ?? 0) : null,
      groupId,
    ),
  );
  for (const m of spec.members) records.push(currentRecord(m, ctx.version, groupId));
  return records;
}

/** Records as plain JSON, for deep-equality assertions with readable diffs. */
export function json(records: readonly ConsumerGroupRecord[]): unknown {
  return JSON.parse(JSON.stringify(records)) as unknown;
}

/**
 * The KIP-848 consumer-group coordinator, modelled on Apache Kafka's `GroupMetadataManager`
 * (consumer-group parts), `GroupCoordinatorService` (request validation) and
 * `OffsetMetadataManager` (offset-commit validation), release by release (`kafkaVersion`).
 *
 * A handler reads the state as it was before the request, produces records, and the records are
 * then applied (like Kafka's runtime replaying what it just wrote). The records form an ordered
 * log; replaying it into a fresh coordinator rebuilds the same groups, which is what a coordinator
 * taking over the `__consumer_offsets` partition does.
 *
 * Pure: time comes from the injected virtual timers, randomness from the injected seeded Random.
 */
import {
  type Assignment,
  type ConsumerGroupState as GroupStateName,
  type GroupEvent,
  type GroupSnapshot,
  type LeaveReason,
  type MemberSnapshot,
  type TopicInfo,
  assignmentOf,
} from '../../model';
import {
  PartitionAssignorError,
  type ServerAssignor,
  type SubscribedTopicDescriber,
  type SubscriptionType,
  type TopicId,
} from '../assignors/api';
import type { TopicMetadata } from '../engine/metadata';
import type { OffsetCommitRequest, OffsetCommitResponse, SimWorld } from '../engine/world';
import { CoordinatorError, type ErrorName } from '../errors';
import { JAVA_STRING } from '../java/keys';
import { javaHashOrder, javaHashSetCopyOrder } from '../java/order';
import { type ConsumerProtocolFeatures, consumerProtocolFeatures } from './features';
import {
  ConsumerGroup,
  decRegexCount,
  IllegalStateError,
  incRegexCount,
  type SubscriptionCount,
  type TopicMetadataEntry,
} from './group';
import {
  assignmentsWithEpochsEqual,
  type AssignmentWithEpochs,
  type ConsumerGroupMember,
  currentAssignmentValue,
  EMPTY_TARGET,
  isReconciledTo,
  memberMetadataValue,
  membersEqual,
  newMember,
  ownedIsSubsetOf,
  regexOrNull,
  sameStringSet,
  type TargetAssignment,
  withEpochsReset,
} from './member';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
  HeartbeatTopicPartitions,
} from './messages';
import { reconcile } from './reconcile';
import type { ConsumerGroupRecord, GroupMetadataValue } from './records';
import type { SeededConsumerGroup } from './seed';
import { compileTopicRegex } from './regex';
import { buildTargetAssignment } from './target';
import { computeGroupHash, computeTopicHash } from './topic-hash';

/** What the coordinator needs from the simulated world, plus the server assignors by name. */
export interface ConsumerCoordinatorContext extends Pick<
  SimWorld,
  'timers' | 'random' | 'kafkaVersion' | 'ordering' | 'broker' | 'metadata' | 'emit'
> {
  /** The server assignor configured under `name` (`group.consumer.assignors`), if any. */
  serverAssignor(name: string): ServerAssignor | undefined;
}

/** A group as ListGroups reports it. */
export interface ListedConsumerGroup {
  readonly groupId: string;
  readonly protocolType: 'consumer';
  readonly groupType: 'consumer';
  readonly groupState: GroupStateName;
}

/** `GroupMetadataManager.METADATA_REFRESH_INTERVAL_MS`: refreshes are driven by metadata changes. */
const METADATA_REFRESH_INTERVAL_MS = 2_147_483_647;
/** `REGEX_BATCH_REFRESH_MIN_INTERVAL_MS`. */
const REGEX_BATCH_REFRESH_MIN_INTERVAL_MS = 10_000;
/** `group.consumer.regex.refresh.interval.ms` default (4.1+). */
const DEFAULT_REGEX_REFRESH_INTERVAL_MS = 600_000;
/** `group.consumer.assignment.interval.ms` default (4.3). */
const DEFAULT_ASSIGNMENT_INTERVAL_MS = 1_000;
/** ConsumerGroupHeartbeat v1 requires client-generated member ids. */
const CONSUMER_GENERATED_MEMBER_ID_REQUIRED_VERSION = 1;
const LEAVE_GROUP_MEMBER_EPOCH = -1;
const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export function groupSessionTimeoutKey(groupId: string, memberId: string): string {
  return `session-timeout-${groupId}-${memberId}`;
}

export function groupRebalanceTimeoutKey(groupId: string, memberId: string): string {
  return `rebalance-timeout-${groupId}-${memberId}`;
}

export function regexRefreshKey(groupId: string): string {
  return `${groupId}-regex`;
}

type RegexStatus = 'NO_CHANGE' | 'REGEX_UPDATED' | 'REGEX_UPDATED_AND_RESOLVED';

/** What a batch of records means, for the events emitted when it is applied. */
interface BatchContext {
  /** Why the group epoch moves, in words. */
  readonly bumpReasons: string[];
  /** Why members leave (by member id); defaults to 'leave-group'. */
  readonly leaveReasons: Map<string, LeaveReason>;
  /** Static replacements in this batch: new member id → (instance id, old member id). */
  readonly replacements: Map<string, { instanceId: string; oldMemberId: string }>;
  assignor: string | null;
}

function newBatch(): BatchContext {
  return { bumpReasons: [], leaveReasons: new Map(), replacements: new Map(), assignor: null };
}

interface HandlerResult {
  readonly groupId: string;
  readonly records: ConsumerGroupRecord[];
  readonly response: ConsumerGroupHeartbeatResponse;
  readonly batch: BatchContext;
}

function errorResponse(error: ErrorName, message: string | null): ConsumerGroupHeartbeatResponse {
  return {
    errorCode: error,
    errorMessage: message,
    memberId: null,
    memberEpoch: 0,
    heartbeatIntervalMs: 0,
    assignment: null,
  };
}

/** `Utils.throwIfEmptyString`: Java's `trim().isEmpty()` (code points ≤ U+0020 are trimmed). */
function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x20) return false;
  return true;
}

function invalid(message: string): never {
  throw new CoordinatorError('INVALID_REQUEST', message);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64Url(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += B64URL[(acc >>> bits) & 0x3f];
    }
  }
  if (bits > 0) out += B64URL[(acc << (6 - bits)) & 0x3f];
  return out;
}

/** A short name for a member in event texts: its client id, else its member id. */
function label(m: { readonly clientId: string; readonly memberId: string }): string {
  return m.clientId !== '' ? m.clientId : m.memberId;
}

function formatTopics(names: readonly string[]): string {
  return names.length === 0 ? 'no topics' : [...names].sort().join(', ');
}

export class ConsumerGroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly log: ConsumerGroupRecord[] = [];
  private readonly features: ConsumerProtocolFeatures;
  private readonly topicHashCache = new Map<string, bigint>();
  /** The last group hash and the topic hashes it was computed from (see computeMetadataHash). */
  private groupHashMemo: { readonly hashes: ReadonlyMap<string, bigint>; readonly value: bigint } | null =
    null;
  /** The metadata as the coordinator last saw it: topic name → id (to tell creations apart). */
  private readonly knownTopics = new Map<string, TopicId>();
  private lastMetadataImageWithNewTopics: number;
  /** Soft state per group: the subscribed topics' metadata at the last refresh (for event texts). */
  private readonly lastTopicView = new Map<
    string,
    Map<string, { topicId: TopicId; numPartitions: number }>
  >();
  /** Cache of a member's subscribed topic ids (by subscription array, regex and metadata version). */
  private topicIdCache = new WeakMap<readonly string[], Map<string, ReadonlySet<TopicId>>>();
  private topicIdCacheVersion = -1;
  /** The member order handed to the assignor the last time a target was computed, by group. */
  private readonly lastMemberOrder = new Map<string, readonly string[]>();

  constructor(private readonly ctx: ConsumerCoordinatorContext) {
    this.features = consumerProtocolFeatures(ctx.kafkaVersion);
    for (const name of ctx.broker.consumer.assignors) {
      if (ctx.serverAssignor(name) === undefined) {
        throw new Error(
          `group.consumer.assignors names "${name}" but no server assignor with that name is available`,
        );
      }
    }
    if (ctx.broker.consumer.assignors.length === 0) {
      throw new Error('group.consumer.assignors must name at least one server assignor');
    }
    this.lastMetadataImageWithNewTopics = ctx.metadata.version;
    for (const t of ctx.metadata.topics()) this.knownTopics.set(t.name, t.topicId);
    ctx.metadata.onChange((change) =>
      this.onMetadataChange(change.version, change.changedTopics, change.deletedTopics),
    );
  }

  // ===============================================================================================
  // Public API

  /** ConsumerGroupHeartbeat (join, heartbeat, leave with -1, static leave with -2). */
  consumerGroupHeartbeat(request: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse {
    let result: HandlerResult;
    try {
      this.validateRequest(request);
      result =
        request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH ||
        request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH
          ? this.leave(request)
          : this.heartbeat(request);
    } catch (e: unknown) {
      return this.failed(request, e);
    }
    const error = this.commit(result.groupId, result.records, result.batch);
    if (error !== null) return errorResponse('UNKNOWN_SERVER_ERROR', error);
    return result.response;
  }

  /**
   * Validates an OffsetCommit from a member of a consumer group (`ConsumerGroup.validateOffsetCommit`
   * and its per-partition validator). A group this coordinator does not know answers
   * GROUP_ID_NOT_FOUND, or NONE for an admin/simple commit (epoch < 0), which the engine then
   * stores as a simple group's offsets.
   */
  validateOffsetCommit(request: OffsetCommitRequest): OffsetCommitResponse {
    const group = this.groups.get(request.groupId);
    const epoch = request.generationIdOrMemberEpoch;
    if (group === undefined) return { errorCode: epoch < 0 ? 'NONE' : 'GROUP_ID_NOT_FOUND' };
    if (epoch < 0 && group.numMembers === 0) return { errorCode: 'NONE' };
    const member = group.members.get(request.memberId);
    if (member === undefined) return { errorCode: 'UNKNOWN_MEMBER_ID' };
    if (epoch === member.memberEpoch) return { errorCode: 'NONE' };
    if (!this.features.assignmentEpochs || epoch > member.memberEpoch)
      return { errorCode: 'STALE_MEMBER_EPOCH' };
    // 4.3: an older epoch may commit a partition it has held since at least that epoch.
    for (const o of request.offsets) {
      const topicId = this.ctx.metadata.topic(o.topic)?.topicId;
      const assigned =
        topicId === undefined
          ? undefined
          : (member.assignedPartitions.get(topicId)?.get(o.partition) ??
            member.partitionsPendingRevocation.get(topicId)?.get(o.partition));
      if (assigned === undefined || epoch < assigned) return { errorCode: 'STALE_MEMBER_EPOCH' };
    }
    return { errorCode: 'NONE' };
  }

  hasGroup(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /** ListGroups (consumer groups), sorted by group id. */
  listGroups(): ListedConsumerGroup[] {
    return [...this.groups.values()]
      .map((g) => ({
        groupId: g.groupId,
        protocolType: 'consumer' as const,
        groupType: 'consumer' as const,
        groupState: g.state,
      }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /**
   * The group as ConsumerGroupDescribe shows it, as a snapshot (members sorted by id). `assignment`
   * holds the assigned partitions and `pendingRevocation` those the member still has to give up
   * (ConsumerGroupDescribe reports their union as the assignment). Client details and lag are
   * left null for the engine to fill in. Undefined when the group does not exist.
   */
  describe(groupId: string): GroupSnapshot | undefined {
    const g = this.groups.get(groupId);
    if (g === undefined) return undefined;
    const named = (a: Iterable<readonly [TopicId, Iterable<number>]>) => {
      const entries: [string, Iterable<number>][] = [];
      for (const [topicId, parts] of a) {
        const t = this.ctx.metadata.topicById(topicId);
        if (t !== undefined) entries.push([t.name, parts]);
      }
      return assignmentOf(entries);
    };
    const withEpochs = (a: AssignmentWithEpochs) => named([...a].map(([t, ps]) => [t, ps.keys()] as const));
    const members: MemberSnapshot[] = [...g.members.values()]
      .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
      .map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rackId: m.rackId,
        memberType: 'consumer',
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        reconciliation: m.state,
        subscribedTopicNames: [...m.subscribedTopicNames].sort(),
        subscribedTopicRegex: m.subscribedTopicRegex === '' ? null : m.subscribedTopicRegex,
        serverAssignor: m.serverAssignorName,
        assignment: withEpochs(m.assignedPartitions),
        pendingRevocation: withEpochs(m.partitionsPendingRevocation),
        targetAssignment: named(g.targetAssignment.get(m.memberId) ?? EMPTY_TARGET),
        classic: null,
        client: null,
      }));
    const topics: TopicInfo[] = [];
    for (const name of [...g.subscribedTopicNames.keys()].sort()) {
      const info = this.ctx.metadata.topicInfo(name);
      if (info !== undefined) topics.push(info);
    }
    return {
      sourceId: 'simulator',
      groupId,
      protocol: 'consumer',
      state: g.state,
      timeMs: this.ctx.timers.now(),
      groupEpoch: g.groupEpoch,
      targetAssignmentEpoch: g.assignmentEpoch,
      assignor: g.preferredServerAssignor() ?? this.defaultAssignorName(),
      rebalanceProtocol: null,
      leaderId: null,
      coordinator: null,
      members,
      topics,
      lag: null,
      stale: null,
    };
  }

  /** Every record written so far, in order (across groups). */
  records(): readonly ConsumerGroupRecord[] {
    return this.log;
  }

  /**
   * Rebuilds state from a record log, as a coordinator loading `__consumer_offsets` does. No
   * events are emitted and no timers are touched; call `onLoaded()` afterwards to arm the
   * session and rebalance timers the way Kafka does when a partition is loaded.
   */
  replay(records: readonly ConsumerGroupRecord[]): void {
    for (const r of records) {
      this.applyRecord(r);
      this.log.push(r);
    }
  }

  /** `GroupMetadataManager.onLoaded`: arms every member's session timer and UNREVOKED rebalance timers. */
  onLoaded(): void {
    for (const g of this.groups.values()) {
      for (const m of g.membersInKafkaOrder()) {
        this.scheduleSessionTimeout(g.groupId, m.memberId);
        if (m.state === 'UNREVOKED_PARTITIONS') {
          this.scheduleRebalanceTimeout(g.groupId, m.memberId, m.memberEpoch, m.rebalanceTimeoutMs);
        }
      }
    }
  }

  /**
   * Loads a group as it stands at one instant (a described group): writes the records Kafka would
   * hold in `__consumer_offsets` for that state — each member's subscription, the resolved
   * regexes, the group epoch with its metadata hash (4.0: the subscription metadata), the target
   * assignment and its epoch, each member's current assignment with its state — replays them as a
   * coordinator loading the partition does, and arms the group's timers as `onLoaded` would.
   * Nothing is emitted. Throws when the state is one Kafka cannot be in (a partition held by two
   * members, an unknown topic, an epoch out of order), without touching the coordinator.
   */
  seedGroup(state: SeededConsumerGroup): void {
    const { groupId, groupEpoch, assignmentEpoch } = state;
    if (this.groups.has(groupId)) throw new Error(`group ${groupId} already exists`);
    if (assignmentEpoch > groupEpoch) {
      throw new Error(`the assignment epoch ${assignmentEpoch} is above the group epoch ${groupEpoch}`);
    }
    const now = this.ctx.timers.now();
    const withEpochs = this.features.assignmentEpochs;
    const topicIdOf = (name: string): TopicId => {
      const t = this.ctx.metadata.topic(name);
      if (t === undefined) throw new Error(`topic ${name} does not exist`);
      return t.topicId;
    };
    const checked = (a: Assignment, what: string): [TopicId, number[]][] =>
      Object.entries(a).map(([name, parts]) => {
        const n = this.ctx.metadata.topic(name)?.numPartitions ?? 0;
        for (const p of parts) {
          if (!Number.isInteger(p) || p < 0 || p >= n)
            throw new Error(`${what}: ${name}-${p} does not exist (${name} has ${n} partitions)`);
        }
        return [topicIdOf(name), [...new Set(parts)].sort((x, y) => x - y)];
      });
    const withEpoch = (a: Assignment, epoch: number, what: string): AssignmentWithEpochs =>
      new Map(checked(a, what).map(([t, ps]) => [t, new Map(ps.map((p) => [p, Math.max(epoch, 0)]))]));
    const asTarget = (a: Assignment, what: string): TargetAssignment =>
      new Map(
        checked(a, what)
          .filter(([, ps]) => ps.length > 0)
          .map(([t, ps]) => [t, new Set(ps)]),
      );

    const members: ConsumerGroupMember[] = [];
    const targets = new Map<string, TargetAssignment>();
    for (const s of state.members) {
      if (s.memberEpoch < 1 || s.memberEpoch > assignmentEpoch) {
        throw new Error(
          `member ${s.memberId}: its epoch ${s.memberEpoch} must be from 1 to the assignment epoch ${assignmentEpoch}`,
        );
      }
      const what = `member ${s.memberId}`;
      const assigned = withEpoch(s.assigned, s.memberEpoch, what);
      const pending = withEpoch(s.pendingRevocation, s.memberEpoch, what);
      const target = asTarget(s.target, what);
      const memberState: ConsumerGroupMember['state'] =
        pending.size > 0
          ? 'UNREVOKED_PARTITIONS'
          : s.memberEpoch === assignmentEpoch && !sameTarget(assigned, target)
            ? 'UNRELEASED_PARTITIONS'
            : 'STABLE';
      const previous =
        s.previousMemberEpoch ??
        (memberState === 'UNREVOKED_PARTITIONS' ? s.memberEpoch : Math.max(s.memberEpoch - 1, 0));
      members.push({
        ...newMember(s.memberId),
        memberEpoch: s.memberEpoch,
        previousMemberEpoch: previous,
        state: memberState,
        instanceId: s.instanceId,
        rackId: s.rackId,
        rebalanceTimeoutMs: s.rebalanceTimeoutMs,
        clientId: s.clientId,
        clientHost: s.clientHost,
        subscribedTopicNames: Object.freeze(
          javaHashSetCopyOrder(JAVA_STRING, [...new Set(s.subscribedTopicNames)]),
        ),
        subscribedTopicRegex: s.subscribedTopicRegex ?? '',
        serverAssignorName: s.serverAssignor,
        assignedPartitions: assigned,
        partitionsPendingRevocation: pending,
      });
      targets.set(s.memberId, target);
    }

    // Subscriptions and resolved regexes first: the metadata hash is computed over what they name.
    const head: ConsumerGroupRecord[] = members.map((m) => ({
      type: 'ConsumerGroupMemberMetadata',
      key: { groupId, memberId: m.memberId },
      value: memberMetadataValue(m),
    }));
    const regexes = [...new Set(members.map((m) => m.subscribedTopicRegex).filter((r) => r !== ''))];
    for (const [regex, resolved] of this.resolveRegularExpressions(regexes)) {
      head.push({
        type: 'ConsumerGroupRegularExpression',
        key: { groupId, regularExpression: regex },
        value: {
          topics: [...resolved.topics].sort(),
          version: resolved.version,
          timestamp: resolved.timestamp,
        },
      });
    }
    const scratch = new ConsumerGroup(groupId, this.features);
    for (const r of head) scratch.apply(r);
    const counts = scratch.subscribedTopicNames;
    const tail: ConsumerGroupRecord[] = [];
    if (this.features.metadataHash) {
      tail.push({
        type: 'ConsumerGroupMetadata',
        key: { groupId },
        value: this.groupMetadataValue(groupEpoch, this.computeMetadataHash(counts)),
      });
    } else {
      tail.push(partitionMetadataRecord(groupId, this.computeSubscriptionMetadata(counts)));
      tail.push({
        type: 'ConsumerGroupMetadata',
        key: { groupId },
        value: this.groupMetadataValue(groupEpoch, 0n),
      });
    }
    for (const m of members) {
      tail.push({
        type: 'ConsumerGroupTargetAssignmentMember',
        key: { groupId, memberId: m.memberId },
        value: { topicPartitions: targetRecord(targets.get(m.memberId) ?? EMPTY_TARGET) },
      });
    }
    tail.push({
      type: 'ConsumerGroupTargetAssignmentMetadata',
      key: { groupId },
      value: this.features.assignmentInterval
        ? { assignmentEpoch, assignmentTimestamp: now }
        : { assignmentEpoch },
    });
    for (const m of members) {
      tail.push({
        type: 'ConsumerGroupCurrentMemberAssignment',
        key: { groupId, memberId: m.memberId },
        value: currentAssignmentValue(m, withEpochs),
      });
    }
    // Check the whole log on a scratch group first (two holders of one partition, two targets of
    // one partition), so a state Kafka cannot be in leaves the coordinator untouched.
    for (const r of tail) scratch.apply(r);
    requireOneOwner(
      'is held by both',
      members.flatMap((m) =>
        [m.assignedPartitions, m.partitionsPendingRevocation].map((a) => [m.memberId, a] as const),
      ),
    );
    requireOneOwner('is in the targets of both', [...targets]);
    this.replay([...head, ...tail]);
    this.rememberTopics(groupId, counts);
    const group = this.existingGroup(groupId);
    for (const m of group.membersInKafkaOrder()) {
      this.scheduleSessionTimeout(groupId, m.memberId);
      if (m.state === 'UNREVOKED_PARTITIONS') {
        this.scheduleRebalanceTimeout(groupId, m.memberId, m.memberEpoch, m.rebalanceTimeoutMs);
      }
    }
  }

  /** The member ids in the order they were last handed to the assignor (`GroupSpec.members`). */
  lastAssignorMemberOrder(groupId: string): readonly string[] {
    return this.lastMemberOrder.get(groupId) ?? [];
  }

  /** The group's internal state as plain JSON, for comparisons (replay tests, debugging). */
  dumpState(groupId: string): unknown {
    const g = this.groups.get(groupId);
    if (g === undefined) return undefined;
    const epochs = (a: AssignmentWithEpochs) =>
      [...a.entries()]
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([t, ps]) => [t, [...ps.entries()].sort((x, y) => x[0] - y[0])]);
    const target = (a: TargetAssignment) =>
      [...a.entries()]
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)]);
    const sortedEntries = <V>(m: ReadonlyMap<string, V>) =>
      [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    return {
      groupId: g.groupId,
      groupEpoch: g.groupEpoch,
      metadataHash: g.metadataHash.toString(),
      subscriptionMetadata: sortedEntries(g.subscriptionMetadata),
      hasSubscriptionMetadataRecord: g.hasSubscriptionMetadataRecord,
      assignmentEpoch: g.assignmentEpoch,
      assignmentTimestamp: g.assignmentTimestamp,
      state: g.state,
      subscriptionType: g.subscriptionType,
      memberOrder: g.memberOrder.keys(),
      members: sortedEntries(g.members).map(([, m]) => ({
        ...m,
        subscribedTopicNames: [...m.subscribedTopicNames],
        assignedPartitions: epochs(m.assignedPartitions),
        partitionsPendingRevocation: epochs(m.partitionsPendingRevocation),
      })),
      staticMembers: sortedEntries(g.staticMembers),
      serverAssignors: g.serverAssignorsInKafkaOrder(),
      subscribedTopicNames: sortedEntries(g.subscribedTopicNames),
      subscribedRegularExpressions: sortedEntries(g.subscribedRegularExpressions),
      resolvedRegularExpressions: sortedEntries(g.resolvedRegularExpressions).map(([r, v]) => [
        r,
        { topics: [...v.topics].sort(), version: v.version, timestamp: v.timestamp },
      ]),
      targetAssignment: sortedEntries(g.targetAssignment).map(([id, a]) => [id, target(a)]),
      invertedTargetAssignment: [...g.invertedTargetAssignment.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([t, ps]) => [t, [...ps.entries()].sort((x, y) => x[0] - y[0])]),
      currentPartitionEpoch: [...g.heldPartitions().entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([t, ps]) => [t, [...ps.entries()].sort((x, y) => x[0] - y[0])]),
    };
  }

  /** Group ids, sorted. */
  groupIds(): string[] {
    return [...this.groups.keys()].sort();
  }

  // ===============================================================================================
  // Validation (GroupCoordinatorService.throwIfConsumerGroupHeartbeatRequestIsInvalid)

  private validateRequest(r: ConsumerGroupHeartbeatRequest): void {
    const apiVersion = r.apiVersion ?? 1;
    if (
      apiVersion >= CONSUMER_GENERATED_MEMBER_ID_REQUIRED_VERSION ||
      r.memberEpoch > 0 ||
      r.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH
    ) {
      if (isBlank(r.memberId)) invalid("MemberId can't be empty.");
    }
    if (isBlank(r.groupId)) invalid("GroupId can't be empty.");
    if (r.instanceId !== null && isBlank(r.instanceId)) invalid("InstanceId can't be empty.");
    if (r.rackId !== null && isBlank(r.rackId)) invalid("RackId can't be empty.");
    if (r.memberEpoch === 0) {
      if (r.rebalanceTimeoutMs === -1) invalid('RebalanceTimeoutMs must be provided in first request.');
      if (r.topicPartitions === null || r.topicPartitions.length > 0) {
        invalid('TopicPartitions must be empty when (re-)joining.');
      }
      if (r.subscribedTopicNames === null && r.subscribedTopicRegex === null) {
        invalid('Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
      }
    } else if (r.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (r.instanceId === null) invalid("InstanceId can't be null.");
    } else if (r.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      invalid('MemberEpoch is invalid.');
    }
    const assignors = this.ctx.broker.consumer.assignors;
    if (r.serverAssignor !== null && !assignors.includes(r.serverAssignor)) {
      throw new CoordinatorError(
        'UNSUPPORTED_ASSIGNOR',
        `ServerAssignor ${r.serverAssignor} is not supported. Supported assignors: ${assignors.join(', ')}.`,
      );
    }
  }

  private failed(request: ConsumerGroupHeartbeatRequest, e: unknown): ConsumerGroupHeartbeatResponse {
    if (e instanceof CoordinatorError) {
      if (
        e.error === 'FENCED_MEMBER_EPOCH' ||
        e.error === 'UNKNOWN_MEMBER_ID' ||
        e.error === 'FENCED_INSTANCE_ID'
      ) {
        this.ctx.emit({
          type: 'member-fenced',
          timeMs: this.ctx.timers.now(),
          groupId: request.groupId,
          memberId: request.memberId,
          error: e.error,
        });
      }
      return errorResponse(e.error, e.message);
    }
    if (e instanceof PartitionAssignorError) return errorResponse('UNKNOWN_SERVER_ERROR', e.message);
    throw e;
  }

  // ===============================================================================================
  // Heartbeat (GroupMetadataManager.consumerGroupHeartbeat)

  private heartbeat(r: ConsumerGroupHeartbeatRequest): HandlerResult {
    const now = this.ctx.timers.now();
    const records: ConsumerGroupRecord[] = [];
    const batch = newBatch();
    const createIfNotExists = r.memberEpoch === 0;
    const group = this.getOrMaybeCreateGroup(r.groupId, createIfNotExists);

    const maxSize = this.ctx.broker.consumer.maxSize;
    if (group.numMembers >= maxSize && (r.memberId === '' || !group.hasMember(r.memberId))) {
      throw new CoordinatorError(
        'GROUP_MAX_SIZE_REACHED',
        `The consumer group has reached its maximum capacity of ${maxSize} members.`,
      );
    }
    const memberId = r.memberId === '' ? this.randomMemberId() : r.memberId;
    const member =
      r.instanceId === null
        ? this.getOrMaybeSubscribeDynamicMember(
            group,
            memberId,
            r.memberEpoch,
            r.topicPartitions,
            createIfNotExists,
          )
        : this.getOrMaybeSubscribeStaticMember(
            group,
            memberId,
            r.memberEpoch,
            r.instanceId,
            r.topicPartitions,
            createIfNotExists,
            records,
            batch,
          );

    let updated: ConsumerGroupMember = this.withRequest(member, r);

    const isNewMember = !group.hasMember(updated.memberId) && !group.hasStaticMember(updated.instanceId);
    const namesChanged = this.hasMemberSubscriptionChanged(group.groupId, member, updated, records);
    if (namesChanged) {
      batch.bumpReasons.push(
        isNewMember
          ? `${label(updated)} joined`
          : `${label(updated)} changed its subscription to ${formatTopics(updated.subscribedTopicNames)}`,
      );
    }
    const regexStatus = this.maybeUpdateRegularExpressions(group, member, updated, records);
    if (regexStatus === 'REGEX_UPDATED_AND_RESOLVED') {
      batch.bumpReasons.push(
        updated.subscribedTopicRegex === ''
          ? `${label(updated)} dropped its regex subscription`
          : `${label(updated)} subscribed to regex ${updated.subscribedTopicRegex}`,
      );
    }
    const hasSubscriptionChanged = namesChanged || regexStatus !== 'NO_CHANGE';
    let groupEpoch = group.groupEpoch;
    let subscriptionType = group.subscriptionType;
    let subscriptionMetadata = group.subscriptionMetadata;

    let bump = namesChanged || regexStatus === 'REGEX_UPDATED_AND_RESOLVED';
    if (this.features.bumpNewGroup && groupEpoch === 0) {
      bump = true;
      if (batch.bumpReasons.length === 0) batch.bumpReasons.push('the group was created');
    }
    if (bump || group.hasMetadataExpired(now)) {
      const result = this.updateSubscriptionMetadata(group, bump, member, updated, records, batch);
      groupEpoch = result.groupEpoch;
      subscriptionType = result.subscriptionType;
      subscriptionMetadata = result.subscriptionMetadata;
    }

    const target = this.maybeUpdateTargetAssignment(
      group,
      groupEpoch,
      member,
      updated,
      subscriptionType,
      subscriptionMetadata,
      records,
      batch,
    );

    updated = this.maybeReconcile(
      group,
      updated,
      target.epoch,
      target.assignment,
      this.features.subscriptionAwareReconciliation && hasSubscriptionChanged,
      r.topicPartitions,
      records,
    );

    this.scheduleSessionTimeout(group.groupId, memberId);

    const isFullRequest =
      r.rebalanceTimeoutMs !== -1 &&
      (r.subscribedTopicNames !== null || r.subscribedTopicRegex !== null) &&
      r.topicPartitions !== null;
    // `hasAssignedPartitionsChanged` compares the maps, per-partition epochs included from 4.3.
    const assignmentChanged = !assignmentsWithEpochsEqual(
      member.assignedPartitions,
      updated.assignedPartitions,
      this.features.assignmentEpochs,
    );
    const response: ConsumerGroupHeartbeatResponse = {
      errorCode: 'NONE',
      errorMessage: null,
      memberId: updated.memberId,
      memberEpoch: updated.memberEpoch,
      heartbeatIntervalMs: this.ctx.broker.consumer.heartbeatIntervalMs,
      assignment:
        r.memberEpoch === 0 || isFullRequest || assignmentChanged
          ? { topicPartitions: toWire(updated.assignedPartitions) }
          : null,
    };
    return { groupId: group.groupId, records, response, batch };
  }

  /** The member with the request's fields applied (each only when sent); the same object if nothing changes. */
  private withRequest(member: ConsumerGroupMember, r: ConsumerGroupHeartbeatRequest): ConsumerGroupMember {
    const names =
      r.subscribedTopicNames === null || sameStringSet(member.subscribedTopicNames, r.subscribedTopicNames)
        ? member.subscribedTopicNames
        : Object.freeze(javaHashSetCopyOrder(JAVA_STRING, r.subscribedTopicNames));
    const next: ConsumerGroupMember = {
      ...member,
      instanceId: r.instanceId ?? member.instanceId,
      rackId: r.rackId ?? member.rackId,
      rebalanceTimeoutMs: r.rebalanceTimeoutMs !== -1 ? r.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignorName: r.serverAssignor ?? member.serverAssignorName,
      subscribedTopicNames: names,
      subscribedTopicRegex: r.subscribedTopicRegex ?? member.subscribedTopicRegex,
      clientId: r.clientId,
      clientHost: r.clientHost,
    };
    return membersEqual(next, member, this.features.assignmentEpochs) ? member : next;
  }

  private getOrMaybeCreateGroup(groupId: string, createIfNotExists: boolean): ConsumerGroup {
    const g = this.groups.get(groupId);
    if (g !== undefined) return g;
    if (!createIfNotExists)
      throw new CoordinatorError('GROUP_ID_NOT_FOUND', `Consumer group ${groupId} not found.`);
    // Not registered: the group materialises when its first record is applied.
    return new ConsumerGroup(groupId, this.features);
  }

  private existingGroup(groupId: string): ConsumerGroup {
    const g = this.groups.get(groupId);
    if (g === undefined) throw new CoordinatorError('GROUP_ID_NOT_FOUND', `Group ${groupId} not found.`);
    return g;
  }

  private randomMemberId(): string {
    for (;;) {
      const id = base64Url(this.ctx.random.bytes16());
      // Uuid.randomUuid never returns ids starting with '-' (or the zero/metadata ids).
      if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ')
        return id;
    }
  }

  private memberOrThrow(group: ConsumerGroup, memberId: string): ConsumerGroupMember {
    const m = group.members.get(memberId);
    if (m === undefined) {
      throw new CoordinatorError(
        'UNKNOWN_MEMBER_ID',
        `Member ${memberId} is not a member of group ${group.groupId}.`,
      );
    }
    return m;
  }

  private getOrMaybeSubscribeDynamicMember(
    group: ConsumerGroup,
    memberId: string,
    memberEpoch: number,
    owned: readonly HeartbeatTopicPartitions[] | null,
    createIfNotExists: boolean,
  ): ConsumerGroupMember {
    const existing = group.members.get(memberId);
    const member =
      existing ?? (createIfNotExists ? newMember(memberId) : this.memberOrThrow(group, memberId));
    this.throwIfMemberEpochIsInvalid(member, memberEpoch, owned);
    return member;
  }

  private getOrMaybeSubscribeStaticMember(
    group: ConsumerGroup,
    memberId: string,
    memberEpoch: number,
    instanceId: string,
    owned: readonly HeartbeatTopicPartitions[] | null,
    createIfNotExists: boolean,
    records: ConsumerGroupRecord[],
    batch: BatchContext,
  ): ConsumerGroupMember {
    const existing = group.staticMember(instanceId);
    if (createIfNotExists) {
      if (existing === undefined) return group.members.get(memberId) ?? newMember(memberId);
      if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        throw new CoordinatorError(
          'UNRELEASED_INSTANCE_ID',
          `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`,
        );
      }
      const replacement: ConsumerGroupMember = {
        ...existing,
        memberId,
        memberEpoch: 0,
        previousMemberEpoch: 0,
      };
      this.replaceMember(records, group, existing, replacement);
      batch.leaveReasons.set(existing.memberId, 'replaced');
      batch.replacements.set(memberId, { instanceId, oldMemberId: existing.memberId });
      return replacement;
    }
    if (existing === undefined)
      throw new CoordinatorError('UNKNOWN_MEMBER_ID', `Instance id ${instanceId} is unknown.`);
    this.throwIfInstanceIdIsFenced(existing, memberId, instanceId);
    this.throwIfMemberEpochIsInvalid(existing, memberEpoch, owned);
    return existing;
  }

  private throwIfInstanceIdIsFenced(member: ConsumerGroupMember, memberId: string, instanceId: string): void {
    if (member.memberId !== memberId) {
      throw new CoordinatorError(
        'FENCED_INSTANCE_ID',
        `Static member ${memberId} with instance id ${instanceId} was fenced by member ${member.memberId}.`,
      );
    }
  }

  private throwIfMemberEpochIsInvalid(
    member: ConsumerGroupMember,
    received: number,
    owned: readonly HeartbeatTopicPartitions[] | null,
  ): void {
    if (this.features.rejoinWithEpochZero && received === 0) return;
    if (received > member.memberEpoch) {
      throw new CoordinatorError(
        'FENCED_MEMBER_EPOCH',
        `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
    if (received < member.memberEpoch) {
      if (received !== member.previousMemberEpoch || !ownedIsSubsetOf(owned, member.assignedPartitions)) {
        throw new CoordinatorError(
          'FENCED_MEMBER_EPOCH',
          `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
        );
      }
    }
  }

  private hasMemberSubscriptionChanged(
    groupId: string,
    member: ConsumerGroupMember,
    updated: ConsumerGroupMember,
    records: ConsumerGroupRecord[],
  ): boolean {
    if (membersEqual(updated, member, this.features.assignmentEpochs)) return false;
    records.push({
      type: 'ConsumerGroupMemberMetadata',
      key: { groupId, memberId: updated.memberId },
      value: memberMetadataValue(updated),
    });
    return !sameStringSet(updated.subscribedTopicNames, member.subscribedTopicNames);
  }

  private maybeUpdateRegularExpressions(
    group: ConsumerGroup,
    member: ConsumerGroupMember,
    updated: ConsumerGroupMember,
    records: ConsumerGroupRecord[],
  ): RegexStatus {
    const now = this.ctx.timers.now();
    const oldRegex = member.subscribedTopicRegex;
    const newRegex = updated.subscribedTopicRegex;
    let requireRefresh = false;
    let status: RegexStatus = 'NO_CHANGE';
    if (oldRegex !== newRegex) {
      status = 'REGEX_UPDATED';
      if (oldRegex !== '' && group.numSubscribedMembers(oldRegex) === 1) {
        records.push({
          type: 'ConsumerGroupRegularExpression',
          key: { groupId: group.groupId, regularExpression: oldRegex },
          value: null,
        });
      }
      if (newRegex !== '') {
        if (group.numSubscribedMembers(newRegex) === 0) {
          const compiled = compileTopicRegex(newRegex);
          if (!compiled.ok) {
            throw new CoordinatorError(
              'INVALID_REGULAR_EXPRESSION',
              `SubscribedTopicRegex \`${newRegex}\` is not a valid regular expression: ${compiled.description}.`,
            );
          }
          requireRefresh = true;
        } else if (group.resolvedRegularExpressions.has(newRegex)) {
          status = 'REGEX_UPDATED_AND_RESOLVED';
        }
      } else if (oldRegex !== '' && this.features.leavingRegexBumps) {
        status = 'REGEX_UPDATED_AND_RESOLVED';
      }
    }

    if (!requireRefresh && group.subscribedRegularExpressions.size === 0) return status;
    const key = regexRefreshKey(group.groupId);
    if (this.ctx.timers.isScheduled(key)) return status;
    const lastRefresh = group.lastResolvedRegularExpressionRefreshTimeMs();
    if (now <= lastRefresh + REGEX_BATCH_REFRESH_MIN_INTERVAL_MS) return status;

    const subscribed = new Map(group.subscribedRegularExpressions);
    if (oldRegex !== '') {
      const v = subscribed.get(oldRegex) ?? 0;
      if (v <= 1) subscribed.delete(oldRegex);
      else subscribed.set(oldRegex, v - 1);
    }
    if (newRegex !== '') subscribed.set(newRegex, (subscribed.get(newRegex) ?? 0) + 1);
    requireRefresh ||= subscribed.size !== group.resolvedRegularExpressions.size;
    requireRefresh ||= group.lastResolvedRegularExpressionVersion() < this.lastMetadataImageWithNewTopics;
    if (this.features.regexMaxRefreshInterval) {
      const max = this.ctx.broker.consumer.regexRefreshIntervalMs ?? DEFAULT_REGEX_REFRESH_INTERVAL_MS;
      requireRefresh ||= now > lastRefresh + max;
    }
    if (requireRefresh && subscribed.size > 0) {
      const regexes = [...subscribed.keys()];
      const groupId = group.groupId;
      // Kafka resolves on an executor thread and writes the result back as a new operation.
      this.ctx.timers.schedule(
        0,
        () => this.onRegexesResolved(groupId, this.resolveRegularExpressions(regexes)),
        key,
      );
    }
    return status;
  }

  /** `TopicRegexResolver.resolveRegularExpressions`: full matches over all topic names. */
  private resolveRegularExpressions(
    regexes: readonly string[],
  ): Map<string, { topics: string[]; version: number; timestamp: number }> {
    const now = this.ctx.timers.now();
    const version = this.ctx.metadata.version;
    const names = this.ctx.metadata.topics().map((t) => t.name);
    const out = new Map<string, { topics: string[]; version: number; timestamp: number }>();
    for (const regex of regexes) {
      const compiled = compileTopicRegex(regex);
      const topics = compiled.ok ? names.filter((n) => compiled.matches(n)) : [];
      out.set(regex, { topics, version, timestamp: now });
    }
    return out;
  }

  /** `handleRegularExpressionsResult`. */
  private onRegexesResolved(
    groupId: string,
    resolved: Map<string, { topics: string[]; version: number; timestamp: number }>,
  ): void {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    const records: ConsumerGroupRecord[] = [];
    const batch = newBatch();
    const counts = new Map(group.subscribedTopicNames);
    let bump = false;
    for (const [regex, next] of resolved) {
      if (group.numSubscribedMembers(regex) === 0) continue;
      const old = group.resolved(regex);
      const nextSet = new Set(next.topics);
      if (old.topics.size !== nextSet.size || [...old.topics].some((t) => !nextSet.has(t))) {
        bump = true;
        for (const t of old.topics) decRegexCount(counts, t);
        for (const t of next.topics) incRegexCount(counts, t);
        batch.bumpReasons.push(`regex ${regex} now matches ${formatTopics(next.topics)}`);
      }
      records.push({
        type: 'ConsumerGroupRegularExpression',
        key: { groupId, regularExpression: regex },
        value: { topics: [...next.topics].sort(), version: next.version, timestamp: next.timestamp },
      });
    }
    let hash = 0n;
    if (this.features.metadataHash) {
      hash = this.computeMetadataHash(counts);
      if (hash !== group.metadataHash) bump = true;
    } else {
      const subscriptionMetadata = this.computeSubscriptionMetadata(counts);
      if (!subscriptionMetadataEqual(subscriptionMetadata, group.subscriptionMetadata)) {
        bump = true;
        records.push(partitionMetadataRecord(groupId, subscriptionMetadata));
      }
    }
    if (bump) {
      const epoch = group.groupEpoch + 1;
      records.push({
        type: 'ConsumerGroupMetadata',
        key: { groupId },
        value: this.groupMetadataValue(epoch, hash),
      });
      group.metadataRefreshDeadline = {
        deadlineMs: this.ctx.timers.now() + METADATA_REFRESH_INTERVAL_MS,
        epoch,
      };
      if (batch.bumpReasons.length === 0) this.noteTopicChanges(group, counts, batch);
      this.rememberTopics(groupId, counts);
    }
    const error = this.commit(groupId, records, batch);
    if (error !== null) throw new IllegalStateError(error);
  }

  private updateSubscriptionMetadata(
    group: ConsumerGroup,
    bump: boolean,
    member: ConsumerGroupMember,
    updated: ConsumerGroupMember,
    records: ConsumerGroupRecord[],
    batch: BatchContext,
  ): {
    groupEpoch: number;
    subscriptionType: SubscriptionType;
    subscriptionMetadata: ReadonlyMap<string, TopicMetadataEntry>;
  } {
    const now = this.ctx.timers.now();
    let groupEpoch = group.groupEpoch;
    const regexes = group.computeSubscribedRegularExpressions(member, updated);
    const counts = group.computeSubscribedTopicNames(member, updated);
    let numMembers = group.numMembers;
    if (!group.hasMember(updated.memberId) && !group.hasStaticMember(updated.instanceId)) numMembers++;
    const subscriptionType = ConsumerGroup.subscriptionTypeOf(regexes, counts, numMembers);

    let hash = 0n;
    let subscriptionMetadata = group.subscriptionMetadata;
    if (this.features.metadataHash) {
      hash = this.computeMetadataHash(counts);
      if (hash !== group.metadataHash) {
        if (!bump) this.noteTopicChanges(group, counts, batch);
        bump = true;
      }
    } else {
      subscriptionMetadata = this.computeSubscriptionMetadata(counts);
      if (!subscriptionMetadataEqual(subscriptionMetadata, group.subscriptionMetadata)) {
        if (!bump) this.noteTopicChanges(group, counts, batch);
        bump = true;
        records.push(partitionMetadataRecord(group.groupId, subscriptionMetadata));
      }
    }
    if (bump) {
      groupEpoch += 1;
      records.push({
        type: 'ConsumerGroupMetadata',
        key: { groupId: group.groupId },
        value: this.groupMetadataValue(groupEpoch, hash),
      });
      if (batch.bumpReasons.length === 0) batch.bumpReasons.push('the subscribed topics changed');
    }
    this.rememberTopics(group.groupId, counts);
    group.metadataRefreshDeadline = { deadlineMs: now + METADATA_REFRESH_INTERVAL_MS, epoch: groupEpoch };
    if (this.features.metadataHash && group.hasSubscriptionMetadataRecord) {
      records.push({ type: 'ConsumerGroupPartitionMetadata', key: { groupId: group.groupId }, value: null });
    }
    return { groupEpoch, subscriptionType, subscriptionMetadata };
  }

  private maybeUpdateTargetAssignment(
    group: ConsumerGroup,
    groupEpoch: number,
    member: ConsumerGroupMember,
    updated: ConsumerGroupMember,
    subscriptionType: SubscriptionType,
    subscriptionMetadata: ReadonlyMap<string, TopicMetadataEntry>,
    records: ConsumerGroupRecord[],
    batch: BatchContext,
  ): { epoch: number; assignment: TargetAssignment } {
    const fromLast = () => ({
      epoch: group.assignmentEpoch,
      assignment: group.targetOf(updated.memberId, updated.instanceId),
    });
    if (group.assignmentEpoch >= groupEpoch) return fromLast();
    if (this.features.assignmentInterval) {
      const interval = this.ctx.broker.consumer.assignmentIntervalMs ?? DEFAULT_ASSIGNMENT_INTERVAL_MS;
      const ts = group.assignmentTimestamp;
      if (ts !== 0 && interval !== 0 && this.ctx.timers.now() < ts + interval) return fromLast();
    }
    const assignorName = group.computePreferredServerAssignor(member, updated) ?? this.defaultAssignorName();
    const assignor = this.ctx.serverAssignor(assignorName);
    if (assignor === undefined) {
      throw new CoordinatorError(
        'UNKNOWN_SERVER_ERROR',
        `No server assignor named ${assignorName} is available.`,
      );
    }
    const updatedMembers: [string, ConsumerGroupMember | null][] = [[updated.memberId, updated]];
    const previous = group.staticMemberId(updated.instanceId);
    if (previous !== undefined && previous !== updated.memberId) updatedMembers.push([previous, null]);
    const describer: SubscribedTopicDescriber = this.features.metadataHash
      ? { numPartitions: (id) => this.ctx.metadata.topicById(id)?.numPartitions ?? -1 }
      : describerFrom(subscriptionMetadata);
    try {
      const result = buildTargetAssignment({
        groupId: group.groupId,
        groupEpoch,
        assignor,
        ordering: this.ctx.ordering,
        members: group.membersInKafkaOrder(),
        staticMembers: group.staticMembers,
        targetAssignment: group.targetAssignment,
        invertedTargetAssignment: group.invertedTargetAssignment,
        subscriptionType,
        updatedMembers,
        topicIdsOf: (m) => this.subscribedTopicIds(group, m),
        describer,
        nowMs: this.ctx.timers.now(),
        withTimestamp: this.features.assignmentInterval,
      });
      records.push(...result.records);
      batch.assignor = assignorName;
      this.lastMemberOrder.set(group.groupId, result.memberOrder);
      return { epoch: groupEpoch, assignment: result.assignment.get(updated.memberId) ?? EMPTY_TARGET };
    } catch (e: unknown) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new CoordinatorError(
        'UNKNOWN_SERVER_ERROR',
        `Failed to compute a new target assignment for epoch ${groupEpoch}: ${reason}`,
      );
    }
  }

  private maybeReconcile(
    group: ConsumerGroup,
    member: ConsumerGroupMember,
    targetEpoch: number,
    target: TargetAssignment,
    hasSubscriptionChanged: boolean,
    owned: readonly HeartbeatTopicPartitions[] | null,
    records: ConsumerGroupRecord[],
  ): ConsumerGroupMember {
    if (!hasSubscriptionChanged && isReconciledTo(member, targetEpoch)) return member;
    const next = reconcile({
      member,
      targetAssignmentEpoch: targetEpoch,
      targetAssignment: target,
      currentPartitionEpoch: (t, p) => group.currentPartitionEpoch(t, p),
      ownedTopicPartitions: owned,
      hasSubscriptionChanged,
      subscribedTopicIds: () => this.subscribedTopicIds(group, member),
      features: this.features,
    });
    if (!membersEqual(next, member, this.features.assignmentEpochs)) {
      records.push({
        type: 'ConsumerGroupCurrentMemberAssignment',
        key: { groupId: group.groupId, memberId: next.memberId },
        value: currentAssignmentValue(next, this.features.assignmentEpochs),
      });
      if (next.state === 'UNREVOKED_PARTITIONS') {
        this.scheduleRebalanceTimeout(
          group.groupId,
          next.memberId,
          next.memberEpoch,
          next.rebalanceTimeoutMs,
        );
      } else {
        this.ctx.timers.cancel(groupRebalanceTimeoutKey(group.groupId, next.memberId));
      }
    }
    return next;
  }

  // ===============================================================================================
  // Leave and fencing

  private leave(r: ConsumerGroupHeartbeatRequest): HandlerResult {
    const group = this.existingGroup(r.groupId);
    const batch = newBatch();
    const response: ConsumerGroupHeartbeatResponse = {
      errorCode: 'NONE',
      errorMessage: null,
      memberId: r.memberId,
      memberEpoch: r.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
    if (r.instanceId === null) {
      const member = this.memberOrThrow(group, r.memberId);
      return {
        groupId: group.groupId,
        records: this.fence(group, member, 'leave-group', batch),
        response,
        batch,
      };
    }
    const member = group.staticMember(r.instanceId);
    if (member === undefined)
      throw new CoordinatorError('UNKNOWN_MEMBER_ID', `Instance id ${r.instanceId} is unknown.`);
    this.throwIfInstanceIdIsFenced(member, r.memberId, r.instanceId);
    if (r.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // A temporary leave: the member keeps its assignment (epochs reset to 0 from 4.3) and the
      // session timer keeps running; no epoch bump.
      const leaving: ConsumerGroupMember = {
        ...member,
        memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
        partitionsPendingRevocation: new Map(),
        assignedPartitions: this.features.assignmentEpochs
          ? withEpochsReset(member.assignedPartitions)
          : member.assignedPartitions,
      };
      batch.leaveReasons.set(member.memberId, 'static-leave');
      return {
        groupId: group.groupId,
        records: [
          {
            type: 'ConsumerGroupCurrentMemberAssignment',
            key: { groupId: group.groupId, memberId: member.memberId },
            value: currentAssignmentValue(leaving, this.features.assignmentEpochs),
          },
        ],
        response: { ...response, memberId: member.memberId, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH },
        batch,
      };
    }
    return {
      groupId: group.groupId,
      records: this.fence(group, member, 'leave-group', batch),
      response,
      batch,
    };
  }

  /** `consumerGroupFenceMember`: removes the member and bumps the group epoch. */
  private fence(
    group: ConsumerGroup,
    member: ConsumerGroupMember,
    reason: LeaveReason,
    batch: BatchContext,
  ): ConsumerGroupRecord[] {
    const groupId = group.groupId;
    const records: ConsumerGroupRecord[] = [];
    this.removeMemberRecords(records, groupId, member.memberId);
    const deletedRegexes = new Set<string>();
    const regex = regexOrNull(member);
    if (regex !== null && group.numSubscribedMembers(regex) === 1) {
      records.push({
        type: 'ConsumerGroupRegularExpression',
        key: { groupId, regularExpression: regex },
        value: null,
      });
      deletedRegexes.add(regex);
    }
    const counts = group.computeSubscribedTopicNamesWithout([member], deletedRegexes);
    let hash = 0n;
    if (this.features.metadataHash) {
      hash = this.computeMetadataHash(counts);
    } else {
      const subscriptionMetadata = this.computeSubscriptionMetadata(counts);
      if (!subscriptionMetadataEqual(subscriptionMetadata, group.subscriptionMetadata)) {
        records.push(partitionMetadataRecord(groupId, subscriptionMetadata));
      }
    }
    records.push({
      type: 'ConsumerGroupMetadata',
      key: { groupId },
      value: this.groupMetadataValue(group.groupEpoch + 1, hash),
    });
    batch.leaveReasons.set(member.memberId, reason);
    batch.bumpReasons.push(
      reason === 'session-timeout'
        ? `${label(member)}'s session expired`
        : reason === 'rebalance-timeout'
          ? `${label(member)} did not revoke its partitions within ${member.rebalanceTimeoutMs} ms (rebalance timeout)`
          : `${label(member)} left the group`,
    );
    this.ctx.timers.cancel(groupSessionTimeoutKey(groupId, member.memberId));
    this.ctx.timers.cancel(groupRebalanceTimeoutKey(groupId, member.memberId));
    return records;
  }

  private removeMemberRecords(records: ConsumerGroupRecord[], groupId: string, memberId: string): void {
    records.push(
      { type: 'ConsumerGroupCurrentMemberAssignment', key: { groupId, memberId }, value: null },
      { type: 'ConsumerGroupTargetAssignmentMember', key: { groupId, memberId }, value: null },
      { type: 'ConsumerGroupMemberMetadata', key: { groupId, memberId }, value: null },
    );
  }

  /** `replaceMember`: the old static member's records are deleted and the copy written. */
  private replaceMember(
    records: ConsumerGroupRecord[],
    group: ConsumerGroup,
    oldMember: ConsumerGroupMember,
    replacement: ConsumerGroupMember,
  ): void {
    const groupId = group.groupId;
    this.removeMemberRecords(records, groupId, oldMember.memberId);
    records.push(
      {
        type: 'ConsumerGroupMemberMetadata',
        key: { groupId, memberId: replacement.memberId },
        value: memberMetadataValue(replacement),
      },
      {
        type: 'ConsumerGroupTargetAssignmentMember',
        key: { groupId, memberId: replacement.memberId },
        value: { topicPartitions: targetRecord(group.targetOf(oldMember.memberId)) },
      },
      {
        type: 'ConsumerGroupCurrentMemberAssignment',
        key: { groupId, memberId: replacement.memberId },
        value: currentAssignmentValue(replacement, this.features.assignmentEpochs),
      },
    );
  }

  // ===============================================================================================
  // Timers

  private scheduleSessionTimeout(groupId: string, memberId: string): void {
    this.ctx.timers.schedule(
      this.ctx.broker.consumer.sessionTimeoutMs,
      () => this.fenceFromTimer(groupId, memberId, 'session-timeout', null),
      groupSessionTimeoutKey(groupId, memberId),
    );
  }

  private scheduleRebalanceTimeout(
    groupId: string,
    memberId: string,
    memberEpoch: number,
    rebalanceTimeoutMs: number,
  ): void {
    this.ctx.timers.schedule(
      Math.max(0, rebalanceTimeoutMs),
      () => this.fenceFromTimer(groupId, memberId, 'rebalance-timeout', memberEpoch),
      groupRebalanceTimeoutKey(groupId, memberId),
    );
  }

  /** Session or rebalance timeout expiry (`consumerGroupFenceMemberOperation`). */
  private fenceFromTimer(
    groupId: string,
    memberId: string,
    reason: LeaveReason,
    expectedEpoch: number | null,
  ): void {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (group === undefined || member === undefined) return;
    if (expectedEpoch !== null && member.memberEpoch !== expectedEpoch) return;
    const batch = newBatch();
    const records = this.fence(group, member, reason, batch);
    const error = this.commit(groupId, records, batch);
    if (error !== null) throw new IllegalStateError(error);
  }

  // ===============================================================================================
  // Metadata

  private onMetadataChange(version: number, changed: readonly string[], deleted: readonly string[]): void {
    let created = false;
    for (const name of changed) {
      const t = this.ctx.metadata.topic(name);
      if (t !== undefined && this.knownTopics.get(name) !== t.topicId) created = true;
    }
    if (created) this.lastMetadataImageWithNewTopics = version;
    const touched = new Set([...changed, ...deleted]);
    for (const name of touched) {
      this.topicHashCache.delete(name);
      const t = this.ctx.metadata.topic(name);
      if (t === undefined) this.knownTopics.delete(name);
      else this.knownTopics.set(name, t.topicId);
    }
    for (const g of this.groups.values()) {
      for (const name of touched) {
        if (g.subscribedTopicNames.has(name)) {
          g.requestMetadataRefresh();
          break;
        }
      }
    }
  }

  private computeMetadataHash(counts: ReadonlyMap<string, SubscriptionCount>): bigint {
    // Heartbeats of a large group ask for the same topics again and again: reuse the last group
    // hash when every topic hash it was computed from is the same.
    const memo = this.groupHashMemo;
    if (memo !== null) {
      let n = 0;
      let same = true;
      for (const name of counts.keys()) {
        const h = this.topicHash(name);
        if (h === undefined) continue;
        n++;
        if (memo.hashes.get(name) !== h) {
          same = false;
          break;
        }
      }
      if (same && n === memo.hashes.size) return memo.value;
    }
    const hashes = new Map<string, bigint>();
    for (const name of counts.keys()) {
      const h = this.topicHash(name);
      if (h !== undefined) hashes.set(name, h);
    }
    const value = computeGroupHash(hashes);
    this.groupHashMemo = { hashes, value };
    return value;
  }

  /** The topic's hash (cached until its metadata changes), or undefined for an unknown topic. */
  private topicHash(name: string): bigint | undefined {
    const t = this.ctx.metadata.topic(name);
    if (t === undefined) return undefined;
    let h = this.topicHashCache.get(name);
    if (h === undefined) {
      h = computeTopicHash(t);
      this.topicHashCache.set(name, h);
    }
    return h;
  }

  private computeSubscriptionMetadata(
    counts: ReadonlyMap<string, SubscriptionCount>,
  ): Map<string, TopicMetadataEntry> {
    const out = new Map<string, TopicMetadataEntry>();
    for (const name of counts.keys()) {
      const t: TopicMetadata | undefined = this.ctx.metadata.topic(name);
      if (t !== undefined) out.set(name, { topicId: t.topicId, name, numPartitions: t.numPartitions });
    }
    return out;
  }

  /** Remembers the subscribed topics' metadata (soft state, only for event texts). */
  private rememberTopics(groupId: string, counts: ReadonlyMap<string, SubscriptionCount>): void {
    const view = new Map<string, { topicId: TopicId; numPartitions: number }>();
    for (const name of counts.keys()) {
      const t = this.ctx.metadata.topic(name);
      if (t !== undefined) view.set(name, { topicId: t.topicId, numPartitions: t.numPartitions });
    }
    this.lastTopicView.set(groupId, view);
  }

  /** Adds "orders grew from 8 to 12 partitions"-style reasons for a metadata-driven bump. */
  private noteTopicChanges(
    group: ConsumerGroup,
    counts: ReadonlyMap<string, SubscriptionCount>,
    batch: BatchContext,
  ): void {
    const before = this.lastTopicView.get(group.groupId);
    const reasons: string[] = [];
    const names = new Set([...counts.keys(), ...(before?.keys() ?? [])]);
    for (const name of [...names].sort()) {
      const now = counts.has(name) ? this.ctx.metadata.topic(name) : undefined;
      const was = before?.get(name);
      if (before === undefined) continue;
      if (now === undefined && was !== undefined) {
        if (this.ctx.metadata.topic(name) === undefined) reasons.push(`topic ${name} was deleted`);
      } else if (now !== undefined && was === undefined) {
        reasons.push(`topic ${name} was created`);
      } else if (now !== undefined && was !== undefined) {
        if (now.topicId !== was.topicId) reasons.push(`topic ${name} was re-created`);
        else if (now.numPartitions !== was.numPartitions) {
          reasons.push(
            `${name} ${now.numPartitions > was.numPartitions ? 'grew' : 'shrank'} to ${now.numPartitions} partitions`,
          );
        }
      }
    }
    batch.bumpReasons.push(...(reasons.length > 0 ? reasons : ['the subscribed topics changed']));
  }

  /** The topic ids a member subscribes to (`TopicIds` over names ∪ resolved regex topics). */
  private subscribedTopicIds(group: ConsumerGroup, m: ConsumerGroupMember): ReadonlySet<TopicId> {
    const version = this.ctx.metadata.version;
    if (version !== this.topicIdCacheVersion) {
      this.topicIdCache = new WeakMap();
      this.topicIdCacheVersion = version;
    }
    const regex = m.subscribedTopicRegex;
    const resolved = regex === '' ? undefined : group.resolvedRegularExpressions.get(regex);
    // Resolved regex sets are replaced (never mutated), so their timestamp/version identify them.
    const key = resolved === undefined ? '' : `${regex}\u0000${resolved.version}\u0000${resolved.timestamp}`;
    let byRegex = this.topicIdCache.get(m.subscribedTopicNames);
    const hit = byRegex?.get(key);
    if (hit !== undefined) return hit;
    const ids = new Set<TopicId>();
    const add = (name: string) => {
      const t = this.ctx.metadata.topic(name);
      if (t !== undefined) ids.add(t.topicId);
    };
    for (const name of m.subscribedTopicNames) add(name);
    if (resolved !== undefined)
      for (const name of javaHashOrder(JAVA_STRING, [...resolved.topics].sort(), 'copy')) add(name);
    if (byRegex === undefined) {
      byRegex = new Map();
      this.topicIdCache.set(m.subscribedTopicNames, byRegex);
    }
    byRegex.set(key, ids);
    return ids;
  }

  /** ConsumerGroupMetadataValue: the metadata hash exists from 4.1. */
  private groupMetadataValue(epoch: number, hash: bigint): GroupMetadataValue {
    return this.features.metadataHash ? { epoch, metadataHash: hash.toString() } : { epoch };
  }

  private defaultAssignorName(): string {
    return this.ctx.broker.consumer.assignors[0] ?? 'uniform';
  }

  // ===============================================================================================
  // Applying records

  private applyRecord(r: ConsumerGroupRecord): void {
    const groupId = r.key.groupId;
    let g = this.groups.get(groupId);
    if (g === undefined) {
      if (r.value === null) return; // a tombstone for a group that does not exist
      g = new ConsumerGroup(groupId, this.features);
      this.groups.set(groupId, g);
    }
    if (!g.apply(r)) {
      this.groups.delete(groupId);
      this.lastTopicView.delete(groupId);
    }
  }

  /**
   * Appends a handler's records to the log and applies them, emitting the events they mean.
   * Returns an error text when a record contradicts the state (a coordinator bug; Kafka would
   * fail the write): the batch is then rolled back by rebuilding the group from the log.
   */
  private commit(
    groupId: string,
    records: readonly ConsumerGroupRecord[],
    batch: BatchContext,
  ): string | null {
    if (records.length === 0) return null;
    const now = this.ctx.timers.now();
    const events: GroupEvent[] = [];
    const before = this.groups.get(groupId);
    const stateBefore: GroupStateName = before?.state ?? 'Empty';
    const lost = new Set<string>();
    let moved = 0;
    try {
      for (const r of records) {
        const g = this.groups.get(groupId);
        this.observe(
          g,
          r,
          now,
          batch,
          events,
          lost,
          (n) => (moved += n),
          () => moved,
        );
        this.applyRecord(r);
      }
    } catch (e: unknown) {
      if (!(e instanceof IllegalStateError)) throw e;
      this.rebuildGroup(groupId);
      return e.message;
    }
    this.log.push(...records);
    const after = this.groups.get(groupId);
    const stateAfter: GroupStateName = after?.state ?? 'Empty';
    if (stateAfter !== stateBefore) {
      events.push({ type: 'group-state', timeMs: now, groupId, from: stateBefore, to: stateAfter });
    }
    for (const e of events) this.ctx.emit(e);
    return null;
  }

  /** Derives the events of one record from the state just before it is applied. */
  private observe(
    g: ConsumerGroup | undefined,
    r: ConsumerGroupRecord,
    timeMs: number,
    batch: BatchContext,
    events: GroupEvent[],
    lost: Set<string>,
    addMoved: (n: number) => void,
    moved: () => number,
  ): void {
    const groupId = r.key.groupId;
    switch (r.type) {
      case 'ConsumerGroupMemberMetadata': {
        const memberId = r.key.memberId;
        const existing = g?.members.get(memberId);
        if (r.value !== null && existing === undefined) {
          const replaced = batch.replacements.get(memberId);
          events.push({
            type: 'member-joined',
            timeMs,
            groupId,
            memberId,
            instanceId: r.value.instanceId,
            clientId: r.value.clientId,
            memberType: 'consumer',
          });
          if (replaced !== undefined) {
            events.push({
              type: 'static-member-replaced',
              timeMs,
              groupId,
              instanceId: replaced.instanceId,
              oldMemberId: replaced.oldMemberId,
              newMemberId: memberId,
              rebalance: batch.bumpReasons.length > 0,
            });
          }
        } else if (r.value === null && existing !== undefined) {
          events.push({
            type: 'member-left',
            timeMs,
            groupId,
            memberId,
            instanceId: existing.instanceId,
            reason: batch.leaveReasons.get(memberId) ?? 'leave-group',
          });
        }
        return;
      }
      case 'ConsumerGroupMetadata': {
        const from = g?.groupEpoch ?? this.features.initialEpoch;
        if (r.value !== null && r.value.epoch !== from) {
          events.push({
            type: 'group-epoch-bumped',
            timeMs,
            groupId,
            from,
            to: r.value.epoch,
            reason: batch.bumpReasons.length > 0 ? batch.bumpReasons.join('; ') : 'the group changed',
          });
        }
        return;
      }
      case 'ConsumerGroupTargetAssignmentMember': {
        if (r.value === null) return;
        const old = g?.targetAssignment.get(r.key.memberId) ?? EMPTY_TARGET;
        let gained = 0;
        for (const tp of r.value.topicPartitions) {
          const before = old.get(tp.topicId);
          const now = new Set(tp.partitions);
          for (const p of tp.partitions) if (before === undefined || !before.has(p)) gained++;
          if (before !== undefined) for (const p of before) if (!now.has(p)) lost.add(`${tp.topicId}:${p}`);
        }
        for (const [topicId, before] of old) {
          if (!r.value.topicPartitions.some((tp) => tp.topicId === topicId))
            for (const p of before) lost.add(`${topicId}:${p}`);
        }
        addMoved(gained);
        return;
      }
      case 'ConsumerGroupTargetAssignmentMetadata': {
        if (r.value === null || batch.assignor === null) return;
        // Partitions taken from a member and given to nobody also moved.
        let orphaned = 0;
        for (const key of lost) {
          const i = key.lastIndexOf(':');
          const owner = g?.invertedTargetAssignment.get(key.slice(0, i))?.get(Number(key.slice(i + 1)));
          if (owner === undefined) orphaned++;
        }
        events.push({
          type: 'target-assignment',
          timeMs,
          groupId,
          epoch: r.value.assignmentEpoch,
          assignor: batch.assignor,
          moved: moved() + orphaned,
        });
        return;
      }
      case 'ConsumerGroupCurrentMemberAssignment': {
        if (r.value === null) return;
        const old = g?.members.get(r.key.memberId);
        if (
          old !== undefined &&
          r.value.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH &&
          old.memberEpoch !== r.value.memberEpoch
        ) {
          events.push({
            type: 'member-left',
            timeMs,
            groupId,
            memberId: old.memberId,
            instanceId: old.instanceId,
            reason: 'static-leave',
          });
        }
        const fromEpoch = old?.memberEpoch ?? 0;
        const fromState = old?.state ?? 'STABLE';
        if (old === undefined || fromEpoch !== r.value.memberEpoch || fromState !== r.value.state) {
          events.push({
            type: 'member-epoch',
            timeMs,
            groupId,
            memberId: r.key.memberId,
            from: fromEpoch,
            to: r.value.memberEpoch,
            state: r.value.state,
          });
        }
        return;
      }
      default:
        return;
    }
  }

  private rebuildGroup(groupId: string): void {
    this.groups.delete(groupId);
    for (const r of this.log) if (r.key.groupId === groupId) this.applyRecord(r);
  }
}

/**
 * Throws when two members own one partition: `owned` lists (member id, partitions by topic id),
 * a member possibly more than once (its assigned partitions, and those it still has to revoke);
 * the partitions are the keys of a Map (with epochs) or a Set.
 */
function requireOneOwner(
  what: string,
  owned: readonly (readonly [string, ReadonlyMap<TopicId, { keys(): Iterable<number> }>])[],
): void {
  const owners = new Map<string, string>();
  for (const [memberId, byTopic] of owned) {
    for (const [topicId, parts] of byTopic) {
      for (const p of parts.keys()) {
        const key = `${topicId}:${p}`;
        const other = owners.get(key);
        if (other !== undefined)
          throw new Error(`partition ${topicId}-${p} ${what} ${other} and ${memberId}`);
        owners.set(key, memberId);
      }
    }
  }
}

/** The same partitions (epochs aside). */
function sameTarget(a: AssignmentWithEpochs, t: TargetAssignment): boolean {
  if (a.size !== t.size) return false;
  for (const [topicId, parts] of a) {
    const u = t.get(topicId);
    if (u === undefined || u.size !== parts.size) return false;
    for (const p of parts.keys()) if (!u.has(p)) return false;
  }
  return true;
}

function toWire(a: AssignmentWithEpochs): HeartbeatTopicPartitions[] {
  return [...a.keys()]
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    .map((topicId) => ({ topicId, partitions: [...(a.get(topicId)?.keys() ?? [])].sort((x, y) => x - y) }));
}

function targetRecord(a: TargetAssignment): { topicId: TopicId; partitions: number[] }[] {
  return [...a.keys()]
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    .map((topicId) => ({ topicId, partitions: [...(a.get(topicId) ?? [])].sort((x, y) => x - y) }));
}

function describerFrom(meta: ReadonlyMap<string, TopicMetadataEntry>): SubscribedTopicDescriber {
  const byId = new Map<TopicId, number>();
  for (const t of meta.values()) byId.set(t.topicId, t.numPartitions);
  return { numPartitions: (id) => byId.get(id) ?? -1 };
}

function subscriptionMetadataEqual(
  a: ReadonlyMap<string, TopicMetadataEntry>,
  b: ReadonlyMap<string, TopicMetadataEntry>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const u = b.get(name);
    if (u === undefined || u.topicId !== t.topicId || u.numPartitions !== t.numPartitions) return false;
  }
  return true;
}

function partitionMetadataRecord(
  groupId: string,
  meta: ReadonlyMap<string, TopicMetadataEntry>,
): ConsumerGroupRecord {
  return {
    type: 'ConsumerGroupPartitionMetadata',
    key: { groupId },
    value: {
      topics: [...meta.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((t) => ({ topicId: t.topicId, topicName: t.name, numPartitions: t.numPartitions })),
    },
  };
}

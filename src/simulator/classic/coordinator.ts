/**
 * The simulated broker's coordinator for classic groups: JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup, the rebalance timers and the offset-commit checks, as Kafka 4.x's
 * GroupMetadataManager (the `classicGroup*` methods) runs them. docs/simulator-fidelity.md lists
 * where this model and Kafka differ.
 *
 * Like Kafka, a handler may park a JoinGroup or SyncGroup response and answer it later (when the
 * join phase completes, when the leader's assignment arrives, or from a timer). Responses are
 * handed to their `reply` callbacks after the operation that produced them has finished, in the
 * order Kafka completes its futures, so a client that sends its next request from inside `reply`
 * never re-enters a half-finished operation.
 *
 * Timers go through the injected virtual `Timers` with Kafka's keys:
 * `heartbeat-<group>-<member>`, `join-<group>` and `sync-<group>`.
 */
import {
  type Assignment,
  type ClassicGroupState,
  type GroupEvent,
  type GroupSnapshot,
  type LeaveReason,
  type MemberSnapshot,
  type TopicInfo,
  EMPTY_ASSIGNMENT,
  assignmentFromPartitions,
} from '../../model';
import type { ErrorName } from '../errors';
import type { GroupCoordinatorApi, OffsetCommitRequest, SimWorld } from '../engine/world';
import {
  type JoinReply,
  type SyncReply,
  ClassicGroup,
  ClassicMember,
  EMPTY_PROTOCOL_ASSIGNMENT,
} from './group';
import { newClassicMemberId } from './member-id';
import type {
  ConsumerProtocolAssignment,
  ConsumerProtocolSubscription,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupProtocol,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './messages';

/** What the coordinator needs from the simulated world (so unit tests can build it alone). */
export type ClassicCoordinatorDeps = Pick<SimWorld, 'timers' | 'random' | 'kafkaVersion' | 'broker' | 'emit'>;

/** The JoinGroup version Kafka 4.x consumers send. */
export const JOIN_GROUP_LATEST_VERSION = 9;

export function classicHeartbeatKey(groupId: string, memberId: string): string {
  return `heartbeat-${groupId}-${memberId}`;
}

export function classicJoinKey(groupId: string): string {
  return `join-${groupId}`;
}

export function classicSyncKey(groupId: string): string {
  return `sync-${groupId}`;
}

/** A classic group as its GroupMetadata record holds it (GroupMetadataValue), decoded. */
export interface LoadedClassicGroup {
  readonly groupId: string;
  readonly protocolType: string;
  readonly generation: number;
  /** The selected protocol (assignor). */
  readonly protocolName: string;
  readonly leaderId: string;
  readonly members: readonly {
    readonly memberId: string;
    readonly groupInstanceId: string | null;
    readonly clientId: string;
    readonly clientHost: string;
    /** -1: the session timeout (records from before rebalance timeouts existed). */
    readonly rebalanceTimeoutMs: number;
    readonly sessionTimeoutMs: number;
    /** The member's metadata for the selected protocol. */
    readonly subscription: ConsumerProtocolSubscription;
    readonly assignment: ConsumerProtocolAssignment;
  }[];
}

/** One row of ListGroups for a classic group. */
export interface ListedClassicGroup {
  readonly groupId: string;
  /** "consumer" for Kafka consumers; "" for a simple group created by an offset commit. */
  readonly protocolType: string;
  readonly state: ClassicGroupState;
  readonly groupType: 'classic';
}

/** Resolves a topic name to its metadata for snapshots (undefined when the topic does not exist). */
export type TopicResolver = (name: string) => TopicInfo | undefined;

const FENCING_ERRORS: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'FENCED_INSTANCE_ID',
]);

export class ClassicGroupCoordinator implements Pick<
  GroupCoordinatorApi,
  'joinGroup' | 'syncGroup' | 'heartbeat' | 'leaveGroup'
> {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly outbox: (() => void)[] = [];
  private depth = 0;
  private flushing = false;

  constructor(private readonly deps: ClassicCoordinatorDeps) {}

  // ======================================================================================
  // Public API
  // ======================================================================================

  joinGroup(request: JoinGroupRequest, reply: (response: JoinGroupResponse) => void): void {
    this.run(() => this.handleJoin(request, reply));
  }

  syncGroup(request: SyncGroupRequest, reply: (response: SyncGroupResponse) => void): void {
    this.run(() => this.handleSync(request, reply));
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    return this.run(() => {
      const errorCode = this.handleHeartbeat(request);
      if (errorCode !== 'NONE') this.requestError(request.groupId, request.memberId, 'Heartbeat', errorCode);
      return { errorCode };
    });
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    return this.run(() => this.handleLeave(request));
  }

  /**
   * The classic-group checks of an OffsetCommit (ClassicGroup.validateOffsetCommit and the
   * group lookup of OffsetMetadataManager, OffsetCommit v9+). Returns NONE when the commit may be
   * stored. Side effects as in Kafka: a commit with generation -1 to an unknown group creates a
   * simple (member-less) group, and a valid commit keeps the member's session alive in Stable and
   * PreparingRebalance.
   */
  validateOffsetCommit(request: OffsetCommitRequest): ErrorName {
    return this.run(() => {
      const error = this.handleOffsetCommit(request);
      if (error !== 'NONE') this.requestError(request.groupId, request.memberId, 'OffsetCommit', error);
      return error;
    });
  }

  /** DeleteGroups for one classic group: only an Empty group can be deleted (it passes through Dead). */
  deleteGroup(groupId: string): ErrorName {
    return this.run(() => {
      const group = this.groups.get(groupId);
      if (group === undefined || group.isInState('Dead')) return 'GROUP_ID_NOT_FOUND';
      if (!group.isInState('Empty')) return 'NON_EMPTY_GROUP';
      this.deps.timers.cancel(classicJoinKey(groupId));
      this.deps.timers.cancel(classicSyncKey(groupId));
      group.transitionTo('Dead');
      this.groups.delete(groupId);
      return 'NONE';
    });
  }

  /**
   * Loads a group as Kafka does from its GroupMetadata record when it takes over the
   * `__consumer_offsets` partition (GroupMetadataManager.replay + onLoaded): a group with members
   * is Stable in the recorded generation, with the recorded protocol and leader; each member
   * supports the selected protocol only, with the subscription and assignment the record holds;
   * every member's session timer starts now. Nothing is emitted. Throws for a record Kafka could
   * not have written (no members, an unknown leader, a member listed twice).
   */
  loadGroup(record: LoadedClassicGroup): void {
    const { groupId } = record;
    if (this.groups.has(groupId)) throw new Error(`group ${groupId} already exists`);
    if (record.members.length === 0) throw new Error(`group ${groupId}: a loaded group needs members`);
    if (record.generation < 1)
      throw new Error(`group ${groupId}: generation ${record.generation} is not valid`);
    const ids = new Set(record.members.map((m) => m.memberId));
    if (ids.size !== record.members.length) throw new Error(`group ${groupId}: a member is listed twice`);
    if (!ids.has(record.leaderId))
      throw new Error(`group ${groupId}: the leader ${record.leaderId} is not a member`);
    const group = this.createGroup(groupId);
    for (const m of record.members) {
      group.add(
        new ClassicMember(
          m.memberId,
          m.groupInstanceId,
          m.clientId,
          m.clientHost,
          m.rebalanceTimeoutMs === -1 ? m.sessionTimeoutMs : m.rebalanceTimeoutMs,
          m.sessionTimeoutMs,
          record.protocolType,
          [{ name: record.protocolName, metadata: m.subscription }],
          m.assignment,
        ),
        null,
      );
    }
    group.state = 'Stable';
    group.generationId = record.generation;
    group.protocolName = record.protocolName;
    group.leaderId = record.leaderId;
    for (const member of group.allMembers()) this.scheduleHeartbeat(group, member);
  }

  hasGroup(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /** The group's state, or null when the coordinator does not know the group. */
  groupState(groupId: string): ClassicGroupState | null {
    return this.groups.get(groupId)?.state ?? null;
  }

  /** ListGroups: every classic group, sorted by group id. */
  listGroups(): ListedClassicGroup[] {
    return [...this.groups.values()]
      .sort((a, b) => compareStrings(a.groupId, b.groupId))
      .map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType ?? '',
        state: g.state,
        groupType: 'classic',
      }));
  }

  /**
   * The group as DescribeGroups shows it, plus what the coordinator knows: the generation, the
   * leader, the selected protocol (also while rebalancing) and each member's join/sync status.
   * An unknown group describes as Dead with no members, like DescribeGroups.
   */
  describe(groupId: string, topics?: TopicResolver): GroupSnapshot {
    const group = this.groups.get(groupId);
    const base = {
      sourceId: 'simulator',
      groupId,
      protocol: 'classic' as const,
      timeMs: this.deps.timers.now(),
      targetAssignmentEpoch: null,
      coordinator: null,
      lag: null,
      stale: null,
    };
    if (group === undefined) {
      return {
        ...base,
        state: 'Dead',
        groupEpoch: 0,
        assignor: null,
        rebalanceProtocol: null,
        leaderId: null,
        members: [],
        topics: [],
      };
    }
    const members = group
      .allMembers()
      .map((m) => this.memberSnapshot(group, m))
      .sort((a, b) => compareStrings(a.memberId, b.memberId));
    const topicNames = new Set<string>();
    for (const m of members) {
      for (const t of m.subscribedTopicNames) topicNames.add(t);
      for (const t of Object.keys(m.assignment)) topicNames.add(t);
    }
    const topicInfos: TopicInfo[] = [];
    if (topics !== undefined) {
      for (const name of [...topicNames].sort(compareStrings)) {
        const info = topics(name);
        if (info !== undefined) topicInfos.push(info);
      }
    }
    return {
      ...base,
      state: group.state,
      groupEpoch: group.generationId,
      assignor: group.protocolName,
      rebalanceProtocol:
        group.protocolName === null
          ? null
          : group.protocolName === 'cooperative-sticky'
            ? 'cooperative'
            : 'eager',
      leaderId: group.leaderId,
      members,
      topics: topicInfos,
    };
  }

  // ======================================================================================
  // JoinGroup
  // ======================================================================================

  private handleJoin(req: JoinGroupRequest, reply: JoinReply): void {
    const respondError = (error: ErrorName, memberId: string): void => {
      this.requestError(req.groupId, req.memberId, 'JoinGroup', error);
      this.deliver(reply, joinErrorResponse(error, memberId));
    };
    // GroupCoordinatorService checks these before the group is looked up.
    if (req.groupId === '') return respondError('INVALID_GROUP_ID', req.memberId);
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.deps.broker.classic;
    if (req.sessionTimeoutMs < minSessionTimeoutMs || req.sessionTimeoutMs > maxSessionTimeoutMs) {
      return respondError('INVALID_SESSION_TIMEOUT', req.memberId);
    }

    const isUnknownMember = req.memberId === '';
    let group = this.groups.get(req.groupId);
    if (group === undefined) {
      if (!isUnknownMember) return respondError('UNKNOWN_MEMBER_ID', req.memberId);
      group = this.createGroup(req.groupId);
    }

    if (!this.acceptJoiningMember(group, req.memberId)) {
      const removed = group.remove(req.memberId);
      if (removed !== undefined) this.memberLeft(group, removed, 'group-max-size');
      return respondError('GROUP_MAX_SIZE_REACHED', '');
    }
    if (isUnknownMember) this.joinNewMember(group, req, reply, respondError);
    else this.joinExistingMember(group, req, reply, respondError);
  }

  private joinNewMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    reply: JoinReply,
    respondError: (error: ErrorName, memberId: string) => void,
  ): void {
    if (group.isInState('Dead')) return respondError('COORDINATOR_NOT_AVAILABLE', '');
    if (!group.supportsProtocols(req.protocolType, protocolNames(req.protocols))) {
      return respondError('INCONSISTENT_GROUP_PROTOCOL', '');
    }
    const newMemberId = newClassicMemberId(this.deps.random, req.clientId, req.groupInstanceId);
    if (req.groupInstanceId !== null) {
      const existing = group.staticMemberId(req.groupInstanceId);
      if (existing !== undefined) {
        this.replaceStaticMember(group, req, req.groupInstanceId, existing, newMemberId, reply);
      } else {
        this.addMemberThenRebalanceOrCompleteJoin(group, req, newMemberId, reply);
      }
      return;
    }
    if ((req.apiVersion ?? JOIN_GROUP_LATEST_VERSION) >= 4) {
      // JoinGroup v4+: the member must come back with the id we hand out; until then it is pending
      // and holds up the join phase, for at most its session timeout.
      group.addPendingMember(newMemberId);
      const groupId = group.groupId;
      this.deps.timers.schedule(
        req.sessionTimeoutMs,
        () => this.run(() => this.expireHeartbeat(groupId, newMemberId)),
        classicHeartbeatKey(groupId, newMemberId),
      );
      this.deliver(reply, joinErrorResponse('MEMBER_ID_REQUIRED', newMemberId));
      return;
    }
    this.addMemberThenRebalanceOrCompleteJoin(group, req, newMemberId, reply);
  }

  private joinExistingMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    reply: JoinReply,
    respondError: (error: ErrorName, memberId: string) => void,
  ): void {
    const memberId = req.memberId;
    if (group.isInState('Dead')) return respondError('COORDINATOR_NOT_AVAILABLE', memberId);
    if (!group.supportsProtocols(req.protocolType, protocolNames(req.protocols))) {
      return respondError('INCONSISTENT_GROUP_PROTOCOL', memberId);
    }
    if (group.isPendingMember(memberId)) {
      // Kafka throws IllegalStateException here: a pending member is never static.
      if (req.groupInstanceId !== null) return respondError('UNKNOWN_SERVER_ERROR', memberId);
      this.addMemberThenRebalanceOrCompleteJoin(group, req, memberId, reply);
      return;
    }
    const invalid = validateMember(group, memberId, req.groupInstanceId);
    if (invalid !== null) return respondError(invalid, memberId);
    const member = group.member(memberId) as ClassicMember;
    const who = label(member);
    const updateAndRebalance = (words: string): void =>
      this.updateMemberThenRebalanceOrCompleteJoin(group, member, req, reply, withReason(words, req));
    const changed = (): string => `${who} ${describeMetadataChange(member.protocols, req.protocols)}`;
    switch (group.state) {
      case 'PreparingRebalance':
        updateAndRebalance(`${who} re-joined`);
        return;
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) {
          // Most likely it lost the JoinGroup response: answer with the current generation again.
          const isLeader = group.isLeader(memberId);
          this.deliver(reply, this.currentGenerationResponse(group, memberId, isLeader, false));
        } else {
          updateAndRebalance(changed());
        }
        return;
      case 'Stable':
        if (group.isLeader(memberId)) {
          // A leader's JoinGroup always rebalances: it is how the leader asks for a new assignment
          // after a change the member metadata does not show (e.g. more partitions).
          updateAndRebalance(`leader ${who} re-joined`);
        } else if (!member.matches(req.protocols)) {
          updateAndRebalance(changed());
        } else {
          this.deliver(reply, this.currentGenerationResponse(group, memberId, false, false));
        }
        return;
      case 'Empty':
      case 'Dead':
        respondError('UNKNOWN_MEMBER_ID', memberId);
        return;
    }
  }

  private addMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    req: JoinGroupRequest,
    memberId: string,
    reply: JoinReply,
  ): void {
    const member = new ClassicMember(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols,
    );
    member.isNew = true;
    // A member added during the initial (delayed) rebalance extends the delay.
    if (group.isInState('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
    group.add(member, reply);
    this.emit(group, {
      type: 'member-joined',
      memberId,
      instanceId: member.groupInstanceId,
      clientId: member.clientId,
      memberType: 'classic',
    });
    // A new member cannot heartbeat before its first JoinGroup response, so it gets the new-member
    // join timeout instead of its session timeout.
    this.scheduleHeartbeat(group, member, this.deps.broker.classic.newMemberJoinTimeoutMs);
    this.maybePrepareRebalanceOrCompleteJoin(group, withReason(`${label(member)} joined`, req));
  }

  private updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    member: ClassicMember,
    req: JoinGroupRequest,
    reply: JoinReply,
    reason: string,
  ): void {
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, reply);
    this.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  /** A static member re-joined with an unknown member id: a restart of the same instance. */
  private replaceStaticMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    instanceId: string,
    oldMemberId: string,
    newMemberId: string,
    reply: JoinReply,
  ): void {
    const leaderBefore = group.leaderId;
    const replacement = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.emitRaw(group.groupId, {
      type: 'member-left',
      memberId: oldMemberId,
      instanceId,
      reason: 'replaced',
    });
    this.emit(group, {
      type: 'member-joined',
      memberId: newMemberId,
      instanceId,
      clientId: replacement.clientId,
      memberType: 'classic',
    });
    this.scheduleHeartbeat(group, replacement, replacement.sessionTimeoutMs);
    group.updateMember(replacement, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, reply);
    const replaced = (rebalance: boolean): void =>
      this.emit(group, { type: 'static-member-replaced', instanceId, oldMemberId, newMemberId, rebalance });

    switch (group.state) {
      case 'Stable': {
        if ((group.protocolName ?? '') === group.selectProtocol()) {
          // The selected protocol stays: no rebalance. The member keeps its assignment and learns
          // the current generation; a returning leader on v9+ is told to skip the assignment.
          replaced(false);
          if ((req.apiVersion ?? JOIN_GROUP_LATEST_VERSION) >= 9) {
            const isLeader = group.isLeader(newMemberId);
            group.completeJoin(
              replacement,
              this.currentGenerationResponse(group, newMemberId, isLeader, isLeader),
            );
          } else {
            // Before v9 the response names the leader as it was before the replacement.
            group.completeJoin(replacement, {
              ...this.currentGenerationResponse(group, newMemberId, false, false),
              leader: leaderBefore ?? '',
            });
          }
        } else {
          replaced(true);
          this.maybePrepareRebalanceOrCompleteJoin(
            group,
            withReason(
              `static member ${instanceId} re-joined with protocols that change the group's selection`,
              req,
            ),
          );
        }
        return;
      }
      case 'CompletingRebalance':
        // The leader may already have computed an assignment naming the old member id.
        replaced(true);
        this.prepareRebalance(
          group,
          withReason(`static member ${instanceId} re-joined during CompletingRebalance`, req),
        );
        return;
      case 'PreparingRebalance':
        replaced(false);
        this.maybeCompleteJoinPhase(group);
        return;
      case 'Empty':
      case 'Dead':
        throw new Error(
          `group ${group.groupId} cannot hold static member ${instanceId} in state ${group.state}`,
        );
    }
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const maxSize = this.deps.broker.classic.maxSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance': {
        // Counting the members awaiting a join lets the last re-joining members be turned away
        // when the group is over the limit (e.g. after group.max.size was lowered).
        const member = group.member(memberId);
        return (member !== undefined && member.awaitingJoin !== null) || group.numAwaitingJoin < maxSize;
      }
      case 'CompletingRebalance':
      case 'Stable':
        return group.hasMember(memberId) || group.numMembers < maxSize;
    }
  }

  // ======================================================================================
  // Rebalance phases
  // ======================================================================================

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.isInState('CompletingRebalance')) {
      // Parked SyncGroups are answered REBALANCE_IN_PROGRESS; the members must join again.
      for (const m of group.allMembers()) m.assignment = null;
      this.propagateAssignment(group, 'REBALANCE_IN_PROGRESS');
    }
    group.clearPendingSyncMembers();
    this.deps.timers.cancel(classicSyncKey(group.groupId));

    const isInitialRebalance = group.isInState('Empty');
    if (isInitialRebalance) {
      // A new group waits group.initial.rebalance.delay.ms for more members, extended while
      // members keep arriving, within the members' rebalance timeout.
      const delayMs = this.deps.broker.classic.initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      this.scheduleInitialRebalance(group.groupId, delayMs, remainingMs);
    }
    this.emit(group, { type: 'rebalance-started', generation: group.generationId, reason });
    group.transitionTo('PreparingRebalance');
    if (!isInitialRebalance) this.maybeCompleteJoinElseSchedule(group);
  }

  private scheduleInitialRebalance(groupId: string, delayMs: number, remainingMs: number): void {
    this.deps.timers.schedule(
      delayMs,
      () => this.run(() => this.tryCompleteInitialRebalanceElseSchedule(groupId, delayMs, remainingMs)),
      classicJoinKey(groupId),
    );
  }

  private tryCompleteInitialRebalanceElseSchedule(
    groupId: string,
    delayMs: number,
    remainingMs: number,
  ): void {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const initialDelay = this.deps.broker.classic.initialRebalanceDelayMs;
      const newDelayMs = Math.min(initialDelay, remainingMs);
      // Kafka subtracts the delay that just elapsed (not the new one) from the remaining time.
      const newRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.scheduleInitialRebalance(groupId, newDelayMs, newRemainingMs);
    } else {
      this.completeJoin(group);
    }
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) {
      this.completeJoin(group);
    } else {
      this.scheduleCompleteJoin(group);
    }
  }

  private scheduleCompleteJoin(group: ClassicGroup): void {
    const groupId = group.groupId;
    this.deps.timers.schedule(
      group.rebalanceTimeoutMs(),
      () =>
        this.run(() => {
          const g = this.groups.get(groupId);
          if (g !== undefined) this.completeJoin(g);
        }),
      classicJoinKey(groupId),
    );
  }

  /** Completes the join phase early when every member has re-joined (never during the initial delay). */
  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.isInState('PreparingRebalance')) return;
    if (group.previousState === 'Empty') return;
    if (!group.hasAllMembersJoined()) return;
    this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    const groupId = group.groupId;
    this.deps.timers.cancel(classicJoinKey(groupId));

    // Dynamic members that did not re-join in time are dropped; static members stay.
    for (const failed of group.notYetRejoinedMembers().filter((m) => !m.isStatic)) {
      group.remove(failed.memberId);
      this.deps.timers.cancel(classicHeartbeatKey(groupId, failed.memberId));
      this.memberLeft(group, failed, 'rebalance-timeout');
    }

    if (group.isInState('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.numMembers > 0) {
      // Only static members are left and none re-joined: wait another rebalance timeout (their
      // sessions will expire eventually).
      this.scheduleCompleteJoin(group);
      return;
    }

    group.generationId++;
    if (group.numMembers > 0) {
      group.protocolName = group.selectProtocol();
      group.transitionTo('CompletingRebalance');
    } else {
      group.protocolName = null;
      group.transitionTo('Empty');
    }
    group.clearPendingSyncMembers();
    this.emit(group, {
      type: 'join-completed',
      generation: group.generationId,
      leaderId: group.leaderId,
      protocolName: group.protocolName,
      memberCount: group.numMembers,
    });
    if (group.isInState('Empty')) return;

    for (const member of group.allMembers()) {
      const isLeader = group.isLeader(member.memberId);
      group.completeJoin(member, this.currentGenerationResponse(group, member.memberId, isLeader, false));
      this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  private schedulePendingSync(group: ClassicGroup): void {
    const groupId = group.groupId;
    const generationId = group.generationId;
    this.deps.timers.schedule(
      group.rebalanceTimeoutMs(),
      () => this.run(() => this.expirePendingSync(groupId, generationId)),
      classicSyncKey(groupId),
    );
  }

  private expirePendingSync(groupId: string, generationId: number): void {
    const group = this.groups.get(groupId);
    if (group === undefined || group.generationId !== generationId) return;
    if (!group.isInState('CompletingRebalance') && !group.isInState('Stable')) return;
    if (group.hasReceivedSyncFromAllMembers()) return;
    const labels: string[] = [];
    for (const memberId of group.allPendingSyncMembers()) {
      const removed = group.remove(memberId);
      this.deps.timers.cancel(classicHeartbeatKey(groupId, memberId));
      if (removed !== undefined) {
        this.memberLeft(group, removed, 'sync-timeout');
        labels.push(label(removed));
      } else {
        labels.push(memberId);
      }
    }
    this.prepareRebalance(group, `${joinWords(labels)} did not send SyncGroup in time`);
  }

  // ======================================================================================
  // Heartbeat and session expiry
  // ======================================================================================

  private handleHeartbeat(req: HeartbeatRequest): ErrorName {
    if (req.groupId === '') return 'INVALID_GROUP_ID';
    const group = this.groups.get(req.groupId);
    if (group === undefined) return 'UNKNOWN_MEMBER_ID';
    if (group.isInState('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const invalid = validateMember(group, req.memberId, req.groupInstanceId);
    if (invalid !== null) return invalid;
    if (req.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    switch (group.state) {
      case 'Empty':
        return 'UNKNOWN_MEMBER_ID';
      case 'PreparingRebalance':
        // The session is kept alive, and the member learns it must re-join.
        this.scheduleHeartbeat(group, group.member(req.memberId) as ClassicMember);
        return 'REBALANCE_IN_PROGRESS';
      case 'CompletingRebalance':
      case 'Stable':
        this.scheduleHeartbeat(group, group.member(req.memberId) as ClassicMember);
        return 'NONE';
      case 'Dead':
        return 'COORDINATOR_NOT_AVAILABLE';
    }
  }

  private scheduleHeartbeat(
    group: ClassicGroup,
    member: ClassicMember,
    timeoutMs = member.sessionTimeoutMs,
  ): void {
    const groupId = group.groupId;
    const memberId = member.memberId;
    this.deps.timers.schedule(
      timeoutMs,
      () => this.run(() => this.expireHeartbeat(groupId, memberId)),
      classicHeartbeatKey(groupId, memberId),
    );
  }

  private expireHeartbeat(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (group === undefined || group.isInState('Dead')) return;
    if (group.isPendingMember(memberId)) {
      // A MEMBER_ID_REQUIRED member that never came back.
      group.remove(memberId);
      if (group.isInState('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoin(group);
      return;
    }
    const member = group.member(memberId);
    if (member === undefined || member.hasSatisfiedHeartbeat()) return;
    if (member.isNew) {
      this.removeMemberAndUpdateGroup(
        group,
        member,
        'join-timeout',
        `${label(member)} left: it did not complete its join in time`,
      );
    } else {
      this.removeMemberAndUpdateGroup(
        group,
        member,
        'session-timeout',
        `${label(member)} left: session timeout`,
      );
    }
  }

  private removeMemberAndUpdateGroup(
    group: ClassicGroup,
    member: ClassicMember,
    reason: LeaveReason,
    words: string,
  ): void {
    // A parked JoinGroup gets UNKNOWN_MEMBER_ID, so a live client joins again from scratch.
    group.completeJoin(member, joinErrorResponse('UNKNOWN_MEMBER_ID', ''));
    group.remove(member.memberId);
    this.memberLeft(group, member, reason);
    if (group.isInState('Stable') || group.isInState('CompletingRebalance')) {
      this.maybePrepareRebalanceOrCompleteJoin(group, words);
    } else if (group.isInState('PreparingRebalance') && group.hasAllMembersJoined()) {
      this.completeJoin(group);
    }
  }

  // ======================================================================================
  // SyncGroup
  // ======================================================================================

  private handleSync(req: SyncGroupRequest, reply: SyncReply): void {
    const respondError = (error: ErrorName): void => {
      this.requestError(req.groupId, req.memberId, 'SyncGroup', error);
      this.deliver(reply, {
        errorCode: error,
        protocolType: null,
        protocolName: null,
        assignment: EMPTY_PROTOCOL_ASSIGNMENT,
      });
    };
    if (req.groupId === '') return respondError('INVALID_GROUP_ID');
    const group = this.groups.get(req.groupId);
    if (group === undefined || group.isInState('Empty')) return respondError('UNKNOWN_MEMBER_ID');
    if (group.isInState('Dead')) return respondError('COORDINATOR_NOT_AVAILABLE');
    const invalid = validateMember(group, req.memberId, req.groupInstanceId);
    if (invalid !== null) return respondError(invalid);
    if (req.generationId !== group.generationId) return respondError('ILLEGAL_GENERATION');
    if (
      isProtocolInconsistent(req.protocolType, group.protocolType) ||
      isProtocolInconsistent(req.protocolName, group.protocolName)
    ) {
      return respondError('INCONSISTENT_GROUP_PROTOCOL');
    }
    const member = group.member(req.memberId) as ClassicMember;
    switch (group.state) {
      case 'PreparingRebalance':
        return respondError('REBALANCE_IN_PROGRESS');
      case 'CompletingRebalance': {
        // Parked until the leader's assignment arrives (a second SyncGroup replaces the first).
        member.awaitingSync = reply;
        this.removePendingSyncMember(group, req.memberId);
        if (group.isLeader(req.memberId)) {
          const assignments = new Map<string, ConsumerProtocolAssignment>();
          for (const a of req.assignments) assignments.set(a.memberId, a.assignment);
          // Kafka answers after the group metadata record is written; the simulated log never
          // fails, so the assignment is handed out at once.
          if (group.isInState('CompletingRebalance') && req.generationId === group.generationId) {
            for (const m of group.allMembers()) m.assignment = assignments.get(m.memberId) ?? null;
            this.propagateAssignment(group, 'NONE');
            group.transitionTo('Stable');
            this.emit(group, { type: 'sync-completed', generation: group.generationId });
          }
        }
        return;
      }
      case 'Stable':
        this.removePendingSyncMember(group, req.memberId);
        this.deliver(reply, {
          errorCode: 'NONE',
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment ?? EMPTY_PROTOCOL_ASSIGNMENT,
        });
        return;
      case 'Empty':
      case 'Dead':
        return respondError('UNKNOWN_MEMBER_ID');
    }
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    const key = classicSyncKey(group.groupId);
    if (group.isInState('CompletingRebalance') || group.isInState('Stable')) {
      if (group.hasReceivedSyncFromAllMembers()) this.deps.timers.cancel(key);
    } else {
      this.deps.timers.cancel(key);
    }
  }

  /** Answers every parked SyncGroup with the member's assignment (or the error). */
  private propagateAssignment(group: ClassicGroup, error: ErrorName): void {
    for (const member of group.allMembers()) {
      const delivered = group.completeSync(member, {
        errorCode: error,
        protocolType: error === 'NONE' ? group.protocolType : null,
        protocolName: error === 'NONE' ? group.protocolName : null,
        assignment: member.assignment ?? EMPTY_PROTOCOL_ASSIGNMENT,
      });
      if (delivered) {
        // A session that expired while the member waited for the leader was ignored; restart it.
        this.scheduleHeartbeat(group, member);
        if (error !== 'NONE') this.requestError(group.groupId, member.memberId, 'SyncGroup', error);
      }
    }
  }

  // ======================================================================================
  // LeaveGroup
  // ======================================================================================

  private handleLeave(req: LeaveGroupRequest): LeaveGroupResponse {
    if (req.groupId === '') return { errorCode: 'INVALID_GROUP_ID', members: [] };
    const group = this.groups.get(req.groupId);
    if (group === undefined) {
      // Kafka's service maps the unknown group to UNKNOWN_MEMBER_ID for every identity.
      return {
        errorCode: 'NONE',
        members: req.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          errorCode: 'UNKNOWN_MEMBER_ID',
        })),
      };
    }
    if (group.isInState('Dead')) return { errorCode: 'COORDINATOR_NOT_AVAILABLE', members: [] };

    const responses: { memberId: string; groupInstanceId: string | null; errorCode: ErrorName }[] = [];
    const words: string[] = [];
    for (const identity of req.members) {
      let error: ErrorName = 'NONE';
      if (identity.memberId === '') {
        // An administrator removing a static member by its instance id.
        const target =
          identity.groupInstanceId === null ? undefined : group.staticMemberId(identity.groupInstanceId);
        if (target === undefined) {
          error = 'UNKNOWN_MEMBER_ID';
        } else {
          const removed = this.removeCurrentMember(group, target, 'admin-removal');
          words.push(`${label(removed)} was removed by an administrator`);
        }
      } else if (group.isPendingMember(identity.memberId)) {
        group.remove(identity.memberId);
        this.deps.timers.cancel(classicHeartbeatKey(group.groupId, identity.memberId));
        words.push(`pending member ${identity.memberId} left`);
      } else {
        const invalid = validateMember(group, identity.memberId, identity.groupInstanceId);
        if (invalid !== null) {
          error = invalid;
        } else {
          const removed = this.removeCurrentMember(group, identity.memberId, 'leave-group');
          words.push(`${label(removed)} left`);
        }
      }
      if (error !== 'NONE') this.requestError(group.groupId, identity.memberId, 'LeaveGroup', error);
      responses.push({
        memberId: identity.memberId,
        groupInstanceId: identity.groupInstanceId,
        errorCode: error,
      });
    }

    if (words.length > 0) {
      const reason = words.join('; ');
      if (group.isInState('Stable') || group.isInState('CompletingRebalance')) {
        this.maybePrepareRebalanceOrCompleteJoin(group, reason);
      } else if (group.isInState('PreparingRebalance')) {
        this.maybeCompleteJoinPhase(group);
      }
    }
    return { errorCode: 'NONE', members: responses };
  }

  private removeCurrentMember(group: ClassicGroup, memberId: string, reason: LeaveReason): ClassicMember {
    const member = group.member(memberId) as ClassicMember;
    this.deps.timers.cancel(classicHeartbeatKey(group.groupId, memberId));
    group.completeJoin(member, joinErrorResponse('UNKNOWN_MEMBER_ID', ''));
    group.remove(memberId);
    this.memberLeft(group, member, reason);
    return member;
  }

  // ======================================================================================
  // OffsetCommit
  // ======================================================================================

  private handleOffsetCommit(req: OffsetCommitRequest): ErrorName {
    const generationId = req.generationIdOrMemberEpoch;
    let group = this.groups.get(req.groupId);
    if (group === undefined) {
      // Generation -1: an admin client or a consumer without group management creates a
      // "simple" group. Otherwise OffsetCommit v9+ answers GROUP_ID_NOT_FOUND.
      if (generationId >= 0) return 'GROUP_ID_NOT_FOUND';
      group = this.createGroup(req.groupId);
    }
    if (group.isInState('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    if (generationId < 0 && group.isInState('Empty')) return 'NONE';
    if (generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const invalid = validateMember(group, req.memberId, req.groupInstanceId);
      if (invalid !== null) return invalid;
      if (generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    } else if (!group.isInState('Empty')) {
      return 'UNKNOWN_MEMBER_ID';
    }
    // The member holds the current generation but has not received its assignment yet.
    if (group.isInState('CompletingRebalance')) return 'REBALANCE_IN_PROGRESS';
    if (group.isInState('Stable') || group.isInState('PreparingRebalance')) {
      const member = group.member(req.memberId);
      if (member !== undefined) this.scheduleHeartbeat(group, member);
    }
    return 'NONE';
  }

  // ======================================================================================
  // Helpers
  // ======================================================================================

  private createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(
      groupId,
      (reply, response) => this.deliver(reply, response),
      (from, to) => this.emitRaw(groupId, { type: 'group-state', from, to }),
    );
    this.groups.set(groupId, group);
    return group;
  }

  private currentGenerationResponse(
    group: ClassicGroup,
    memberId: string,
    withMembers: boolean,
    skipAssignment: boolean,
  ): JoinGroupResponse {
    return {
      errorCode: 'NONE',
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment,
      memberId,
      members: withMembers ? group.currentMembersForLeader() : [],
    };
  }

  private memberSnapshot(group: ClassicGroup, m: ClassicMember): MemberSnapshot {
    const subscription = subscriptionOf(m, group.protocolName);
    const assignment: Assignment =
      m.assignment === null ? EMPTY_ASSIGNMENT : assignmentFromPartitions(m.assignment.assignedPartitions);
    return {
      memberId: m.memberId,
      instanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rackId: subscription?.rackId ?? null,
      memberType: 'classic',
      memberEpoch: m.isNew ? -1 : group.generationId,
      previousMemberEpoch: null,
      reconciliation: null,
      subscribedTopicNames: subscription === undefined ? [] : [...subscription.topics].sort(compareStrings),
      subscribedTopicRegex: null,
      serverAssignor: null,
      assignment,
      pendingRevocation: EMPTY_ASSIGNMENT,
      targetAssignment: null,
      classic: {
        protocols: m.protocols.map((p) => p.name),
        isLeader: group.isLeader(m.memberId),
        awaitingJoin: m.awaitingJoin !== null,
        awaitingSync: m.awaitingSync !== null,
        ownedPartitions:
          subscription === undefined
            ? EMPTY_ASSIGNMENT
            : assignmentFromPartitions(subscription.ownedPartitions),
        reportedGeneration:
          subscription === undefined || subscription.generationId < 0 ? null : subscription.generationId,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      },
      client: null,
    };
  }

  private memberLeft(group: ClassicGroup, member: ClassicMember, reason: LeaveReason): void {
    this.emit(group, {
      type: 'member-left',
      memberId: member.memberId,
      instanceId: member.groupInstanceId,
      reason,
    });
  }

  private requestError(groupId: string, memberId: string, api: string, error: ErrorName): void {
    if (FENCING_ERRORS.has(error) && memberId !== '') {
      this.emitRaw(groupId, { type: 'member-fenced', memberId, error });
    } else {
      this.emitRaw(groupId, { type: 'request-error', memberId, api, error });
    }
  }

  private emit(group: ClassicGroup, event: DistributiveOmit<GroupEvent, 'timeMs' | 'groupId'>): void {
    this.emitRaw(group.groupId, event);
  }

  private emitRaw(groupId: string, event: DistributiveOmit<GroupEvent, 'timeMs' | 'groupId'>): void {
    this.deps.emit({ ...event, timeMs: this.deps.timers.now(), groupId });
  }

  private deliver<R>(reply: (response: R) => void, response: R): void {
    this.outbox.push(() => reply(response));
  }

  /** Runs one coordinator operation, then sends the responses it completed (in order). */
  private run<T>(operation: () => T): T {
    this.depth++;
    try {
      return operation();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let next = this.outbox.shift(); next !== undefined; next = this.outbox.shift()) next();
    } finally {
      this.flushing = false;
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function joinErrorResponse(error: ErrorName, memberId: string): JoinGroupResponse {
  return {
    errorCode: error,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

/** ClassicGroup.validateMember: the instance id (when given) must map to this member id, which must exist. */
function validateMember(group: ClassicGroup, memberId: string, instanceId: string | null): ErrorName | null {
  if (instanceId !== null) {
    const existing = group.staticMemberId(instanceId);
    if (existing === undefined) return 'UNKNOWN_MEMBER_ID';
    if (existing !== memberId) return 'FENCED_INSTANCE_ID';
  }
  return group.hasMember(memberId) ? null : 'UNKNOWN_MEMBER_ID';
}

function isProtocolInconsistent(fromRequest: string | null, fromGroup: string | null): boolean {
  return fromRequest !== null && fromGroup !== null && fromRequest !== fromGroup;
}

function protocolNames(protocols: readonly JoinGroupProtocol[]): string[] {
  return protocols.map((p) => p.name);
}

/** How a member is named in rebalance reasons: its instance id when static, else its client id. */
function label(m: ClassicMember): string {
  return m.groupInstanceId ?? m.clientId;
}

function withReason(words: string, req: JoinGroupRequest): string {
  return req.reason === null || req.reason === '' ? words : `${words} (client reason: ${req.reason})`;
}

function joinWords(items: readonly string[]): string {
  return items.join(', ');
}

function describeMetadataChange(
  before: readonly JoinGroupProtocol[],
  after: readonly JoinGroupProtocol[],
): string {
  const names = (ps: readonly JoinGroupProtocol[]): string => ps.map((p) => p.name).join(',');
  if (names(before) !== names(after)) return 're-joined with different assignors';
  const a = before[0]?.metadata;
  const b = after[0]?.metadata;
  if (a === undefined || b === undefined) return 're-joined with changed metadata';
  if ([...a.topics].sort().join(',') !== [...b.topics].sort().join(',')) return 'changed its subscription';
  const owned = (s: ConsumerProtocolSubscription): string =>
    s.ownedPartitions.map((tp) => `${tp.topic}-${tp.partition}`).join(',');
  if (owned(a) !== owned(b)) return 're-joined with different owned partitions';
  return 're-joined with changed metadata';
}

function subscriptionOf(
  m: ClassicMember,
  protocolName: string | null,
): ConsumerProtocolSubscription | undefined {
  if (protocolName !== null) {
    const selected = m.metadata(protocolName);
    if (selected !== undefined) return selected;
  }
  return m.protocols[0]?.metadata;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

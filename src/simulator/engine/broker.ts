/**
 * The broker's group coordinator as a whole: it owns the KIP-848 and the classic coordinators and
 * routes each request to the right one, the way Kafka's GroupCoordinatorShard holds both group
 * types under one id space. It also keeps committed offsets, after the owning coordinator has
 * validated the commit.
 */
import type { GroupSnapshot } from '../../model';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../classic/messages';
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../consumer/messages';
import type { ErrorName } from '../errors';
import type { OffsetStore } from './offsets';
import type { GroupCoordinatorApi, OffsetCommitRequest, OffsetCommitResponse } from './world';

/** What the broker needs from either protocol's coordinator. */
export interface ProtocolCoordinator {
  /** True when the coordinator holds a group with this id (in any state but Dead). */
  hasGroup(groupId: string): boolean;
  /** True when the group exists and has no members. */
  isEmpty(groupId: string): boolean;
  describe(groupId: string): GroupSnapshot | undefined;
  listGroups(): readonly string[];
  validateOffsetCommit(request: OffsetCommitRequest): ErrorName;
}

export interface ConsumerProtocolCoordinator extends ProtocolCoordinator {
  consumerGroupHeartbeat(request: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse;
}

export interface ClassicProtocolCoordinator extends ProtocolCoordinator {
  joinGroup(request: JoinGroupRequest, reply: (response: JoinGroupResponse) => void): void;
  syncGroup(request: SyncGroupRequest, reply: (response: SyncGroupResponse) => void): void;
  heartbeat(request: HeartbeatRequest): HeartbeatResponse;
  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse;
}

export class Broker implements GroupCoordinatorApi {
  constructor(
    private readonly consumer: ConsumerProtocolCoordinator,
    private readonly classic: ClassicProtocolCoordinator,
    private readonly offsets: OffsetStore,
    private readonly now: () => number,
  ) {}

  consumerGroupHeartbeat(request: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse {
    // Mixed groups (classic members inside a consumer group, KIP-848 online migration) are not
    // simulated: a group id belongs to one protocol while it has members.
    if (this.classic.hasGroup(request.groupId) && !this.classic.isEmpty(request.groupId)) {
      return {
        errorCode: 'GROUP_ID_NOT_FOUND',
        errorMessage: `Group ${request.groupId} is a classic group with members; the simulator does not model protocol migration.`,
        memberId: request.memberId,
        memberEpoch: request.memberEpoch,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
    return this.consumer.consumerGroupHeartbeat(request);
  }

  joinGroup(request: JoinGroupRequest, reply: (response: JoinGroupResponse) => void): void {
    if (this.consumer.hasGroup(request.groupId) && !this.consumer.isEmpty(request.groupId)) {
      reply({
        errorCode: 'INCONSISTENT_GROUP_PROTOCOL',
        generationId: -1,
        protocolType: null,
        protocolName: null,
        leader: '',
        skipAssignment: false,
        memberId: request.memberId,
        members: [],
      });
      return;
    }
    this.classic.joinGroup(request, reply);
  }

  syncGroup(request: SyncGroupRequest, reply: (response: SyncGroupResponse) => void): void {
    this.classic.syncGroup(request, reply);
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResponse {
    return this.classic.heartbeat(request);
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    return this.classic.leaveGroup(request);
  }

  offsetCommit(request: OffsetCommitRequest): OffsetCommitResponse {
    const owner = this.consumer.hasGroup(request.groupId)
      ? this.consumer
      : this.classic.hasGroup(request.groupId)
        ? this.classic
        : null;
    // A commit to an unknown group creates a simple (admin) commit, as Kafka allows with
    // generation -1; a member's commit to a group that no longer knows it is refused.
    const error: ErrorName =
      owner === null
        ? request.generationIdOrMemberEpoch < 0
          ? 'NONE'
          : 'UNKNOWN_MEMBER_ID'
        : owner.validateOffsetCommit(request);
    if (error === 'NONE') {
      const t = this.now();
      for (const o of request.offsets) {
        this.offsets.commit(request.groupId, o.topic, o.partition, {
          offset: o.offset,
          commitTimeMs: t,
          memberId: request.memberId === '' ? null : request.memberId,
        });
      }
    }
    return { errorCode: error };
  }

  /** Every group either coordinator holds, sorted. */
  groupIds(): string[] {
    return [...new Set([...this.consumer.listGroups(), ...this.classic.listGroups()])].sort();
  }

  describe(groupId: string): GroupSnapshot | undefined {
    if (this.consumer.hasGroup(groupId)) return this.consumer.describe(groupId);
    if (this.classic.hasGroup(groupId)) return this.classic.describe(groupId);
    return undefined;
  }
}

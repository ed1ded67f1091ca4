/**
 * The broker's group coordinator as a whole: it owns the KIP-848 and the classic coordinators and
 * routes each request to the right one, the way Kafka's GroupCoordinatorShard holds both group
 * types under one id space. It also keeps committed offsets, after the owning coordinator has
 * validated the commit.
 */
import type { GroupSnapshot, TopicInfo } from '../../model';
import type { ClassicGroupCoordinator } from '../classic/coordinator';
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
import type { ConsumerGroupCoordinator } from '../consumer/coordinator';
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../consumer/messages';
import type { ErrorName } from '../errors';
import type { OffsetStore } from './offsets';
import type { GroupCoordinatorApi, OffsetCommitRequest, OffsetCommitResponse } from './world';

export class Broker implements GroupCoordinatorApi {
  constructor(
    readonly consumer: ConsumerGroupCoordinator,
    readonly classic: ClassicGroupCoordinator,
    private readonly offsets: OffsetStore,
    private readonly now: () => number,
    private readonly topics: (name: string) => TopicInfo | undefined,
  ) {}

  consumerGroupHeartbeat(request: ConsumerGroupHeartbeatRequest): ConsumerGroupHeartbeatResponse {
    // Mixed groups (classic members inside a consumer group, KIP-848 online migration) are not
    // simulated: a group id belongs to one protocol while it has members.
    const classicState = this.classic.groupState(request.groupId);
    if (classicState !== null && classicState !== 'Empty' && classicState !== 'Dead') {
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
    if (
      this.consumer.hasGroup(request.groupId) &&
      this.consumer.describe(request.groupId)?.state !== 'Empty'
    ) {
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
    // The consumer coordinator answers for its groups; the classic one for everything else (it
    // creates a simple group for an admin commit with generation -1, as Kafka does).
    const error: ErrorName = this.consumer.hasGroup(request.groupId)
      ? this.consumer.validateOffsetCommit(request).errorCode
      : this.classic.validateOffsetCommit(request);
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
    return [
      ...new Set([...this.consumer.listGroups(), ...this.classic.listGroups()].map((g) => g.groupId)),
    ].sort();
  }

  describe(groupId: string): GroupSnapshot | undefined {
    if (this.consumer.hasGroup(groupId)) return this.consumer.describe(groupId);
    if (this.classic.hasGroup(groupId)) return this.classic.describe(groupId, this.topics);
    return undefined;
  }
}

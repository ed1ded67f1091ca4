import type { Assignment } from './assignment';
import type { GroupProtocol, GroupState, MemberReconciliationState } from './snapshot';

/**
 * Typed events on a group's timeline. The simulator emits them as they happen; for real clusters
 * they are derived from the differences between consecutive snapshots (so they carry only what a
 * diff can tell). Every event is plain JSON, so a trace is a stable, comparable artifact.
 */
interface EventBase {
  /** Milliseconds: virtual time for the simulator, wall-clock epoch ms for clusters. */
  readonly timeMs: number;
  readonly groupId: string;
}

/** Why a member stopped being a member. */
export type LeaveReason =
  | 'leave-group' // the client sent LeaveGroup / heartbeat with epoch -1
  | 'static-leave' // KIP-848 temporary leave with epoch -2 (the member keeps its assignment)
  | 'session-timeout'
  | 'rebalance-timeout' // KIP-848: did not revoke in time; classic: did not re-join in time
  | 'join-timeout' // classic: a pending or new member never completed its join
  | 'sync-timeout' // classic: never sent SyncGroup
  | 'admin-removal' // removed by an administrator (LeaveGroup with an instance id)
  | 'replaced' // a static member was replaced by a new member id with the same instance id
  | 'group-max-size' // classic: removed to keep the group within group.max.size while it rebalanced
  | 'disappeared'; // derived from snapshots: the member is gone and we cannot tell why

export interface MemberJoinedEvent extends EventBase {
  readonly type: 'member-joined';
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly memberType: GroupProtocol;
}

export interface MemberLeftEvent extends EventBase {
  readonly type: 'member-left';
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly reason: LeaveReason;
}

/** The coordinator rejected a member's request with a fencing error; the client must re-join. */
export interface MemberFencedEvent extends EventBase {
  readonly type: 'member-fenced';
  readonly memberId: string;
  readonly error: string;
}

export interface GroupEpochBumpedEvent extends EventBase {
  readonly type: 'group-epoch-bumped';
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

export interface TargetAssignmentEvent extends EventBase {
  readonly type: 'target-assignment';
  readonly epoch: number;
  readonly assignor: string;
  /** Partitions whose target owner changed. */
  readonly moved: number;
}

export interface MemberEpochEvent extends EventBase {
  readonly type: 'member-epoch';
  readonly memberId: string;
  readonly from: number;
  readonly to: number;
  readonly state: MemberReconciliationState | null;
}

export interface PartitionsRevokedEvent extends EventBase {
  readonly type: 'partitions-revoked';
  readonly memberId: string;
  readonly partitions: Assignment;
}

export interface PartitionsAssignedEvent extends EventBase {
  readonly type: 'partitions-assigned';
  readonly memberId: string;
  readonly partitions: Assignment;
}

/** The client lost partitions without revoking them (fenced, session lost). */
export interface PartitionsLostEvent extends EventBase {
  readonly type: 'partitions-lost';
  readonly memberId: string;
  readonly partitions: Assignment;
}

export interface GroupStateEvent extends EventBase {
  readonly type: 'group-state';
  readonly from: GroupState;
  readonly to: GroupState;
}

/** Classic: the group entered PreparingRebalance. */
export interface RebalanceStartedEvent extends EventBase {
  readonly type: 'rebalance-started';
  readonly generation: number;
  readonly reason: string;
}

/** Classic: the join phase completed and a new generation began. */
export interface JoinCompletedEvent extends EventBase {
  readonly type: 'join-completed';
  readonly generation: number;
  readonly leaderId: string | null;
  readonly protocolName: string | null;
  readonly memberCount: number;
}

/** Classic: the leader's SyncGroup arrived and assignments were handed out. */
export interface SyncCompletedEvent extends EventBase {
  readonly type: 'sync-completed';
  readonly generation: number;
}

export interface StaticMemberReplacedEvent extends EventBase {
  readonly type: 'static-member-replaced';
  readonly instanceId: string;
  readonly oldMemberId: string;
  readonly newMemberId: string;
  /** Whether the replacement triggered a rebalance (group epoch bump / new generation). */
  readonly rebalance: boolean;
}

export interface TopicPartitionsChangedEvent extends EventBase {
  readonly type: 'topic-partitions';
  readonly topic: string;
  readonly from: number;
  readonly to: number;
}

export interface SubscriptionChangedEvent extends EventBase {
  readonly type: 'subscription-changed';
  readonly memberId: string;
  readonly topics: readonly string[];
}

/** A request failed with an error code (other than fencing). */
export interface RequestErrorEvent extends EventBase {
  readonly type: 'request-error';
  readonly memberId: string;
  readonly api: string;
  readonly error: string;
}

/** A client-side timer fired, e.g. max.poll.interval.ms exceeded. */
export interface ClientTimeoutEvent extends EventBase {
  readonly type: 'client-timeout';
  readonly memberId: string;
  readonly timeout: 'max.poll.interval.ms' | 'session.timeout.ms' | 'request.timeout.ms';
}

/** A scenario step or a user action in the simulator (crash, restart, add partitions, ...). */
export interface ActionEvent extends EventBase {
  readonly type: 'action';
  readonly action: string;
  readonly target: string | null;
  readonly detail: string | null;
}

export type GroupEvent =
  | MemberJoinedEvent
  | MemberLeftEvent
  | MemberFencedEvent
  | GroupEpochBumpedEvent
  | TargetAssignmentEvent
  | MemberEpochEvent
  | PartitionsRevokedEvent
  | PartitionsAssignedEvent
  | PartitionsLostEvent
  | GroupStateEvent
  | RebalanceStartedEvent
  | JoinCompletedEvent
  | SyncCompletedEvent
  | StaticMemberReplacedEvent
  | TopicPartitionsChangedEvent
  | SubscriptionChangedEvent
  | RequestErrorEvent
  | ClientTimeoutEvent
  | ActionEvent;

export type GroupEventType = GroupEvent['type'];

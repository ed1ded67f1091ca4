/**
 * The classic consumer's side of a rebalance, as pure functions over the client's membership
 * state (Kafka 4.x's ConsumerCoordinator): which rebalance protocol the client speaks, what it
 * revokes before joining, the subscription it sends, the leader's assignment step, and what it
 * revokes and assigns once the assignment arrives. The simulated consumer drives the timing
 * (poll loop, callbacks' durations, heartbeats); these functions decide the partitions.
 *
 * Every function takes the state and returns a new one; nothing here mutates its input.
 */
import {
  type Assignment,
  type RebalanceProtocol,
  type TopicPartition,
  EMPTY_ASSIGNMENT,
  assignmentFromPartitions,
  intersectAssignments,
  isEmptyAssignment,
  subtractAssignment,
  toPartitions,
  unionAssignments,
} from '../../model';
import type { ClientAssignor, ClientSubscription, OrderingMode } from '../assignors/api';
import type {
  ConsumerProtocolAssignment,
  ConsumerProtocolSubscription,
  JoinGroupProtocol,
  JoinGroupResponseMember,
  SyncGroupRequest,
} from './messages';

/** Generation.NO_GENERATION: no generation (before the first join, or after a reset). */
export const NO_GENERATION = -1;

/** The built-in cooperative assignor; the leader skips the cooperative check for it. */
export const COOPERATIVE_STICKY = 'cooperative-sticky';
/** The built-in eager sticky assignor, which carries its last assignment in its user data. */
export const STICKY = 'sticky';

/** What the protocol choice needs to know about an assignor. */
export type AssignorProtocols = Pick<ClientAssignor, 'name' | 'supportedProtocols'>;

/** A consumer configuration the classic protocol cannot run with. */
export class ClassicClientConfigError extends Error {
  override readonly name = 'ClassicClientConfigError';
}

/** The client's side of its membership, as it stands between rebalances. */
export interface ClassicClientState {
  /** "" until the coordinator hands out an id (and again after a reset). */
  readonly memberId: string;
  /** The generation of the last successful JoinGroup, or NO_GENERATION. */
  readonly generationId: number;
  readonly protocol: RebalanceProtocol;
  /** Topics the consumer subscribes to now. */
  readonly subscription: readonly string[];
  /** Partitions the consumer owns now (assigned and not yet revoked or lost). */
  readonly owned: Assignment;
  /** What the assignors remember from the last assignment (sticky's user data); null before any. */
  readonly lastAssignment: Assignment | null;
  /** The generation of that assignment (cooperative-sticky's user data), or NO_GENERATION. */
  readonly lastAssignmentGeneration: number;
}

/** A rebalance listener callback the consumer must run, with its partitions. */
export interface RebalanceCallback {
  readonly callback: 'onPartitionsRevoked' | 'onPartitionsLost' | 'onPartitionsAssigned';
  readonly partitions: Assignment;
}

export interface ClientStep {
  readonly state: ClassicClientState;
  /** Callbacks in the order the consumer invokes them (the state already reflects them). */
  readonly callbacks: readonly RebalanceCallback[];
}

export interface JoinCompleteStep extends ClientStep {
  /** Why the consumer must join again right away, or null. */
  readonly rejoinReason: string | null;
}

/**
 * The rebalance protocol a consumer speaks: the highest one that every configured assignor
 * supports (COOPERATIVE above EAGER). The default `[range, cooperative-sticky]` gives EAGER.
 */
export function chooseRebalanceProtocol(assignors: readonly AssignorProtocols[]): RebalanceProtocol {
  if (assignors.length === 0) {
    throw new ClassicClientConfigError(
      'partition.assignment.strategy is empty: configure at least one assignor (e.g. range or cooperative-sticky)',
    );
  }
  const common = (['eager', 'cooperative'] as const).filter((p) =>
    assignors.every((a) => a.supportedProtocols.includes(p)),
  );
  const highest = common.at(-1);
  if (highest === undefined) {
    throw new ClassicClientConfigError(
      `the assignors [${assignors.map((a) => a.name).join(', ')}] have no rebalance protocol in common; ` +
        'use assignors that all support EAGER or all support COOPERATIVE',
    );
  }
  return highest;
}

/** A consumer that has not joined yet. */
export function initialClientState(
  protocol: RebalanceProtocol,
  subscription: readonly string[],
): ClassicClientState {
  return {
    memberId: '',
    generationId: NO_GENERATION,
    protocol,
    subscription,
    owned: EMPTY_ASSIGNMENT,
    lastAssignment: null,
    lastAssignmentGeneration: NO_GENERATION,
  };
}

/**
 * ConsumerCoordinator.onJoinPrepare, before each JoinGroup. A consumer whose generation or
 * member id was reset loses everything it owned (onPartitionsLost). Otherwise EAGER revokes all
 * its partitions (onPartitionsRevoked is called even when there are none), and COOPERATIVE
 * revokes only the partitions of topics it no longer subscribes to, keeping the rest while it
 * re-joins.
 */
export function onJoinPrepare(state: ClassicClientState): ClientStep {
  if (state.generationId === NO_GENERATION || state.memberId === '') {
    if (isEmptyAssignment(state.owned)) return { state, callbacks: [] };
    return {
      state: { ...state, owned: EMPTY_ASSIGNMENT },
      callbacks: [{ callback: 'onPartitionsLost', partitions: state.owned }],
    };
  }
  if (state.protocol === 'eager') {
    return {
      state: { ...state, owned: EMPTY_ASSIGNMENT },
      callbacks: [{ callback: 'onPartitionsRevoked', partitions: state.owned }],
    };
  }
  const subscribed = new Set(state.subscription);
  const revoked = assignmentFromPartitions(
    toPartitions(state.owned).filter((tp) => !subscribed.has(tp.topic)),
  );
  if (isEmptyAssignment(revoked)) return { state, callbacks: [] };
  return {
    state: { ...state, owned: subtractAssignment(state.owned, revoked) },
    callbacks: [{ callback: 'onPartitionsRevoked', partitions: revoked }],
  };
}

/**
 * The JoinGroup protocols (ConsumerCoordinator.metadata): one per configured assignor, in the
 * configured order, each with the subscription (v3: owned partitions and generation) and the
 * assignor's user data.
 */
export function buildJoinProtocols(
  state: ClassicClientState,
  assignorNames: readonly string[],
  rackId: string | null = null,
): JoinGroupProtocol[] {
  const topics = [...state.subscription].sort(compareStrings);
  const ownedPartitions = toPartitions(state.owned);
  return assignorNames.map((name) => ({
    name,
    metadata: {
      topics,
      userData: assignorUserData(name, state),
      ownedPartitions,
      generationId: state.generationId,
      rackId,
    },
  }));
}

function assignorUserData(name: string, state: ClassicClientState): ConsumerProtocolSubscription['userData'] {
  if (name === COOPERATIVE_STICKY) return { generation: state.lastAssignmentGeneration };
  if (name === STICKY) {
    if (state.lastAssignment === null) return null;
    return { partitions: toPartitions(state.lastAssignment), generation: state.lastAssignmentGeneration };
  }
  return null;
}

/**
 * A member's subscription as the leader hands it to the assignor (each assignor's `memberData`):
 * sticky reads its owned partitions and generation from its user data; cooperative-sticky and the
 * others from the subscription (cooperative-sticky falls back to its user data's generation when
 * the subscription carries none).
 */
export function toClientSubscription(
  member: JoinGroupResponseMember,
  protocolName: string,
): ClientSubscription {
  const sub = member.metadata;
  let ownedPartitions: readonly TopicPartition[] = sub.ownedPartitions;
  let generationId: number | null = sub.generationId >= 0 ? sub.generationId : null;
  if (protocolName === STICKY) {
    ownedPartitions = sub.userData?.partitions ?? [];
    generationId = sub.userData?.generation ?? null;
  } else if (protocolName === COOPERATIVE_STICKY && generationId === null && sub.userData !== null) {
    generationId = sub.userData.generation ?? NO_GENERATION;
  }
  return {
    memberId: member.memberId,
    instanceId: member.groupInstanceId,
    rackId: sub.rackId,
    topics: sub.topics,
    ownedPartitions,
    generationId,
  };
}

export interface LeaderAssignmentInput {
  /** The protocol (assignor) the coordinator selected. */
  readonly protocolName: string;
  /** Every member, as the leader's JoinGroup response lists them. */
  readonly members: readonly JoinGroupResponseMember[];
  readonly skipAssignment: boolean;
  /** The leader's configured assignors. */
  readonly assignors: readonly ClientAssignor[];
  /** The leader's rebalance protocol. */
  readonly protocol: RebalanceProtocol;
  /** A topic's partition count in the leader's metadata, or undefined when it does not exist. */
  readonly partitionCount: (topic: string) => number | undefined;
  readonly ordering?: OrderingMode;
}

export type LeaderAssignmentResult =
  | { readonly ok: true; readonly assignments: SyncGroupRequest['assignments'] }
  /** The consumer's poll() would throw this (the application sees the error). */
  | { readonly ok: false; readonly error: string };

/**
 * ConsumerCoordinator.onLeaderElected: runs the selected assignor over every member's
 * subscription and returns the SyncGroup assignments. A returning static leader told to skip the
 * assignment sends none. Under COOPERATIVE, an assignor other than cooperative-sticky must not
 * move a partition straight from one owner to another (validateCooperativeAssignment).
 */
export function performLeaderAssignment(input: LeaderAssignmentInput): LeaderAssignmentResult {
  const assignor = input.assignors.find((a) => a.name === input.protocolName);
  if (assignor === undefined) {
    return { ok: false, error: `Coordinator selected invalid assignment protocol: ${input.protocolName}` };
  }
  if (input.skipAssignment) return { ok: true, assignments: [] };

  const subscriptions = new Map<string, ClientSubscription>();
  const owned = new Map<string, readonly TopicPartition[]>();
  const topics = new Set<string>();
  for (const m of input.members) {
    subscriptions.set(m.memberId, toClientSubscription(m, input.protocolName));
    owned.set(m.memberId, m.metadata.ownedPartitions);
    for (const t of m.metadata.topics) topics.add(t);
  }
  const partitionsPerTopic = new Map<string, number>();
  for (const t of [...topics].sort(compareStrings)) {
    const n = input.partitionCount(t);
    if (n !== undefined) partitionsPerTopic.set(t, n);
  }

  let result: Map<string, TopicPartition[]>;
  try {
    result = assignor.assign(partitionsPerTopic, subscriptions, { ordering: input.ordering ?? 'exact' });
  } catch (e) {
    return {
      ok: false,
      error: `assignor ${assignor.name} failed: ${e instanceof Error ? e.message : String(e)}`,
    };
  }

  if (input.protocol === 'cooperative' && assignor.name !== COOPERATIVE_STICKY) {
    const moved = validateCooperativeAssignment(owned, result);
    if (moved.length > 0) {
      return {
        ok: false,
        error:
          'Assignor supporting the COOPERATIVE protocol violates its requirements: it reassigned ' +
          `${moved.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')} while other members still own them`,
      };
    }
  }
  return {
    ok: true,
    assignments: [...result].map(([memberId, partitions]) => ({
      memberId,
      assignment: { assignedPartitions: partitions, userData: null },
    })),
  };
}

/**
 * The partitions an assignment hands to a member while another member still owns them (sorted by
 * topic, then partition). Empty means the assignment is valid under COOPERATIVE: an owned
 * partition may only move by first being taken away from its owner and assigned in a later
 * rebalance.
 */
export function validateCooperativeAssignment(
  owned: ReadonlyMap<string, readonly TopicPartition[]>,
  assignments: ReadonlyMap<string, readonly TopicPartition[]>,
): TopicPartition[] {
  let added: Assignment = EMPTY_ASSIGNMENT;
  let revoked: Assignment = EMPTY_ASSIGNMENT;
  for (const [memberId, partitions] of assignments) {
    const assigned = assignmentFromPartitions(partitions);
    const before = assignmentFromPartitions(owned.get(memberId) ?? []);
    added = unionAssignments(added, subtractAssignment(assigned, before));
    revoked = unionAssignments(revoked, subtractAssignment(before, assigned));
  }
  return toPartitions(intersectAssignments(added, revoked));
}

/**
 * ConsumerCoordinator.onJoinComplete, once SyncGroup returned the assignment. An assignment with
 * partitions of topics the consumer no longer subscribes to is ignored and the consumer re-joins.
 * Under COOPERATIVE the consumer first revokes what it owns but was not assigned, and then must
 * join again so those partitions can go to their new owners. Then it owns the assignment, and
 * onPartitionsAssigned runs with the newly added partitions (also when there are none).
 */
export function onJoinComplete(
  state: ClassicClientState,
  joined: { readonly memberId: string; readonly generationId: number },
  assignment: ConsumerProtocolAssignment,
): JoinCompleteStep {
  const base: ClassicClientState = { ...state, memberId: joined.memberId, generationId: joined.generationId };
  const assigned = assignmentFromPartitions(assignment.assignedPartitions);
  const subscribed = new Set(state.subscription);
  if (assignment.assignedPartitions.some((tp) => !subscribed.has(tp.topic))) {
    return {
      state: base,
      callbacks: [],
      rejoinReason: 'received assignment does not match the current subscription',
    };
  }
  const callbacks: RebalanceCallback[] = [];
  let rejoinReason: string | null = null;
  if (state.protocol === 'cooperative') {
    const revoked = subtractAssignment(state.owned, assigned);
    if (!isEmptyAssignment(revoked)) {
      callbacks.push({ callback: 'onPartitionsRevoked', partitions: revoked });
      rejoinReason = 'need to revoke partitions and re-join';
    }
  }
  callbacks.push({ callback: 'onPartitionsAssigned', partitions: subtractAssignment(assigned, state.owned) });
  return {
    state: {
      ...base,
      owned: assigned,
      lastAssignment: assigned,
      lastAssignmentGeneration: joined.generationId,
    },
    callbacks,
    rejoinReason,
  };
}

/**
 * ConsumerCoordinator.onLeavePrepare, before a LeaveGroup (close, unsubscribe, or
 * max.poll.interval.ms expiry): the consumer gives up everything it owns — as lost when its
 * generation was reset or a rebalance is under way, else as revoked.
 */
export function onLeavePrepare(state: ClassicClientState, rebalanceInProgress: boolean): ClientStep {
  if (isEmptyAssignment(state.owned)) return { state, callbacks: [] };
  const lost = state.generationId === NO_GENERATION || state.memberId === '' || rebalanceInProgress;
  return {
    state: { ...state, owned: EMPTY_ASSIGNMENT },
    callbacks: [{ callback: lost ? 'onPartitionsLost' : 'onPartitionsRevoked', partitions: state.owned }],
  };
}

/**
 * AbstractCoordinator.resetStateAndGeneration after UNKNOWN_MEMBER_ID (member id reset too) or,
 * on SyncGroup and Heartbeat, ILLEGAL_GENERATION (member id kept): the consumer forgets its
 * generation, and what it owns is lost at its next onJoinPrepare.
 */
export function resetGeneration(state: ClassicClientState, resetMemberId: boolean): ClassicClientState {
  return { ...state, generationId: NO_GENERATION, memberId: resetMemberId ? '' : state.memberId };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

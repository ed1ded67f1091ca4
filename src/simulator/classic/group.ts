/**
 * The state of one classic group as Kafka's group coordinator keeps it (ClassicGroup and
 * ClassicGroupMember in Kafka 4.x): the state machine, the generation, the leader, the members in
 * Java HashMap order, the pending (MEMBER_ID_REQUIRED) members, the members that still owe a
 * SyncGroup, and the protocol vote. Parked JoinGroup/SyncGroup responses live on the members.
 *
 * The coordinator (coordinator.ts) drives it; this file holds no timers and emits nothing itself.
 */
import type { ClassicGroupState } from '../../model';
import { JavaHashMap } from '../java/hashmap';
import { JAVA_STRING } from '../java/keys';
import type {
  ConsumerProtocolAssignment,
  ConsumerProtocolSubscription,
  JoinGroupProtocol,
  JoinGroupResponse,
  JoinGroupResponseMember,
  SyncGroupResponse,
} from './messages';

export type JoinReply = (response: JoinGroupResponse) => void;
export type SyncReply = (response: SyncGroupResponse) => void;

/** ClassicGroupState.validPreviousStates. */
const VALID_PREVIOUS: Readonly<Record<ClassicGroupState, readonly ClassicGroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function isValidTransition(from: ClassicGroupState, to: ClassicGroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

export class ClassicMember {
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocols: readonly JoinGroupProtocol[];
  /** The member's assignment from the last SyncGroup; null is Kafka's empty byte array. */
  assignment: ConsumerProtocolAssignment | null;
  awaitingJoin: JoinReply | null = null;
  awaitingSync: SyncReply | null = null;
  /** Added by a JoinGroup and not yet through a completed join phase. */
  isNew = false;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    readonly protocolType: string,
    protocols: readonly JoinGroupProtocol[],
    assignment: ConsumerProtocolAssignment | null = null,
  ) {
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.protocols = protocols;
    this.assignment = assignment;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  /** The subscription the member sent for `protocolName` (undefined when it does not support it). */
  metadata(protocolName: string): ConsumerProtocolSubscription | undefined {
    return this.protocols.find((p) => p.name === protocolName)?.metadata;
  }

  /**
   * ClassicGroupMember.hasSatisfiedHeartbeat: a new member can always expire; any other member
   * counts as alive while its JoinGroup or SyncGroup is parked.
   */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.awaitingJoin !== null || this.awaitingSync !== null;
  }

  /** Same protocols, in the same order, with the same metadata (Kafka compares the bytes). */
  matches(protocols: readonly JoinGroupProtocol[]): boolean {
    return protocolsEqual(this.protocols, protocols);
  }

  /** The member's first protocol (in its order of preference) that every member supports. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (choice === undefined)
      throw new Error(`member ${this.memberId} supports none of the candidate protocols`);
    return choice.name;
  }
}

export class ClassicGroup {
  state: ClassicGroupState = 'Empty';
  previousState: ClassicGroupState = 'Dead';
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** Set when a member is added during the initial (delayed) rebalance, to extend the delay. */
  newMemberAdded = false;

  private readonly members = new JavaHashMap<string, ClassicMember>(JAVA_STRING);
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingJoinMembers = new Set<string>();
  private readonly pendingSyncMembers = new Set<string>();
  private readonly supportedProtocols = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(
    readonly groupId: string,
    /** Hands a parked response to its requester (the coordinator sends it when the operation ends). */
    private readonly deliver: <R>(reply: (response: R) => void, response: R) => void,
    private readonly onTransition: (from: ClassicGroupState, to: ClassicGroupState) => void,
  ) {}

  isInState(s: ClassicGroupState): boolean {
    return this.state === s;
  }

  /** A PreparingRebalance may start from here. */
  canRebalance(): boolean {
    return isValidTransition(this.state, 'PreparingRebalance');
  }

  transitionTo(to: ClassicGroupState): void {
    if (!isValidTransition(this.state, to)) {
      throw new Error(`group ${this.groupId} cannot move from ${this.state} to ${to}`);
    }
    const from = this.state;
    this.previousState = from;
    this.state = to;
    this.onTransition(from, to);
  }

  // ---- members ----

  get numMembers(): number {
    return this.members.size;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicMember | undefined {
    return this.members.get(memberId);
  }

  /** Members in Kafka's HashMap iteration order. */
  allMembers(): ClassicMember[] {
    return this.members.valueArray();
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  hasStaticMember(instanceId: string): boolean {
    return this.staticMembers.has(instanceId);
  }

  staticMemberId(instanceId: string): string | undefined {
    return this.staticMembers.get(instanceId);
  }

  get numAwaitingJoin(): number {
    return this.awaitingJoinCount;
  }

  add(member: ClassicMember, reply: JoinReply | null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(`static member ${member.groupInstanceId} is already in group ${this.groupId}`);
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.protocolType !== member.protocolType) {
      throw new Error(`group ${this.groupId}: member protocol type ${member.protocolType} differs`);
    }
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member, +1);
    member.awaitingJoin = reply;
    if (reply !== null) this.awaitingJoinCount++;
    this.pendingJoinMembers.delete(member.memberId);
  }

  /** Removes a member (or a pending member); a removed leader is replaced by the first member left. */
  remove(memberId: string): ClassicMember | undefined {
    const removed = this.members.get(memberId);
    if (removed !== undefined) {
      this.members.delete(memberId);
      this.countProtocols(removed, -1);
      if (removed.awaitingJoin !== null) this.awaitingJoinCount--;
      if (removed.groupInstanceId !== null) this.staticMembers.delete(removed.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.firstKey() ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    return removed;
  }

  /**
   * ClassicGroup.maybeElectNewJoinedLeader: keeps the leader when it re-joined, else elects the
   * first re-joined member in HashMap order. False when nobody re-joined (or there is no leader).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader !== undefined && leader.awaitingJoin !== null) return true;
    const joined = this.allMembers().find((m) => m.awaitingJoin !== null);
    if (joined === undefined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  /**
   * ClassicGroup.replaceStaticMember: the new member id takes over the old member's protocols,
   * timeouts, assignment and leadership; the old member's parked requests get FENCED_INSTANCE_ID.
   */
  replaceStaticMember(instanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const old = this.members.get(oldMemberId);
    if (old === undefined) throw new Error(`cannot replace unknown member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.completeJoin(old, {
      errorCode: 'FENCED_INSTANCE_ID',
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      skipAssignment: false,
      memberId: oldMemberId,
      members: [],
    });
    this.completeSync(old, {
      errorCode: 'FENCED_INSTANCE_ID',
      protocolType: null,
      protocolName: null,
      assignment: EMPTY_PROTOCOL_ASSIGNMENT,
    });
    const replacement = new ClassicMember(
      newMemberId,
      old.groupInstanceId,
      old.clientId,
      old.clientHost,
      old.rebalanceTimeoutMs,
      old.sessionTimeoutMs,
      old.protocolType,
      old.protocols,
      old.assignment,
    );
    this.members.set(newMemberId, replacement);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(instanceId, newMemberId);
    return replacement;
  }

  updateMember(
    member: ClassicMember,
    protocols: readonly JoinGroupProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    reply: JoinReply | null,
  ): void {
    this.countProtocols(member, -1);
    member.protocols = protocols;
    this.countProtocols(member, +1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (reply !== null && member.awaitingJoin === null) this.awaitingJoinCount++;
    else if (reply === null && member.awaitingJoin !== null) this.awaitingJoinCount--;
    // A second JoinGroup replaces the parked one, which then never gets an answer (as in Kafka).
    member.awaitingJoin = reply;
  }

  completeJoin(member: ClassicMember, response: JoinGroupResponse): boolean {
    const reply = member.awaitingJoin;
    if (reply === null) return false;
    member.awaitingJoin = null;
    this.awaitingJoinCount--;
    this.deliver(reply, response);
    return true;
  }

  completeSync(member: ClassicMember, response: SyncGroupResponse): boolean {
    const reply = member.awaitingSync;
    if (reply === null) return false;
    member.awaitingSync = null;
    this.deliver(reply, response);
    return true;
  }

  // ---- pending members (MEMBER_ID_REQUIRED) and pending syncs ----

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  addPendingMember(memberId: string): void {
    if (this.members.has(memberId)) throw new Error(`${memberId} is already a member`);
    this.pendingJoinMembers.add(memberId);
  }

  get numPendingJoinMembers(): number {
    return this.pendingJoinMembers.size;
  }

  addPendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  allPendingSyncMembers(): string[] {
    return [...this.pendingSyncMembers];
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  /** Every member has a parked JoinGroup and no MEMBER_ID_REQUIRED member is outstanding. */
  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingJoinMembers.size === 0;
  }

  notYetRejoinedMembers(): ClassicMember[] {
    return this.allMembers().filter((m) => m.awaitingJoin === null);
  }

  /** The largest rebalance timeout among the members (0 when empty). */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.allMembers()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  // ---- protocols ----

  /** ClassicGroup.supportsProtocols: what a joining member must offer to be accepted. */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.isInState('Empty')) return protocolType !== '' && protocolNames.length > 0;
    return (
      this.protocolType === protocolType &&
      protocolNames.some((n) => (this.supportedProtocols.get(n) ?? 0) === this.members.size)
    );
  }

  /**
   * ClassicGroup.selectProtocol: the candidates are the protocols every member supports; each
   * member votes for its first candidate; the most votes win, and a tie goes to the protocol met
   * first in the vote map's (Java HashMap) iteration order.
   */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error('cannot select a protocol for an empty group');
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocols)
      if (count === this.members.size) candidates.add(name);
    const votes = new JavaHashMap<string, number>(JAVA_STRING);
    for (const m of this.allMembers()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const name of votes.keys()) {
      const n = votes.get(name) ?? 0;
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best as string;
  }

  /** JoinGroup response members for the leader: every member's metadata for the selected protocol. */
  currentMembersForLeader(): JoinGroupResponseMember[] {
    const protocol = this.protocolName ?? '';
    return this.allMembers().map((m) => {
      const metadata = m.metadata(protocol);
      if (metadata === undefined) throw new Error(`member ${m.memberId} does not support ${protocol}`);
      return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata };
    });
  }

  private countProtocols(member: ClassicMember, delta: 1 | -1): void {
    for (const p of member.protocols) {
      this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + delta);
    }
  }
}

export const EMPTY_PROTOCOL_ASSIGNMENT: ConsumerProtocolAssignment = Object.freeze({
  assignedPartitions: Object.freeze([]),
  userData: null,
});

function protocolsEqual(a: readonly JoinGroupProtocol[], b: readonly JoinGroupProtocol[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name || !subscriptionsEqual(a[i].metadata, b[i].metadata)) return false;
  }
  return true;
}

/** Field-by-field equality of two decoded subscriptions (what equal metadata bytes would mean). */
export function subscriptionsEqual(
  a: ConsumerProtocolSubscription,
  b: ConsumerProtocolSubscription,
): boolean {
  return (
    a.generationId === b.generationId &&
    a.rackId === b.rackId &&
    arraysEqual(a.topics, b.topics, (x, y) => x === y) &&
    arraysEqual(
      a.ownedPartitions,
      b.ownedPartitions,
      (x, y) => x.topic === y.topic && x.partition === y.partition,
    ) &&
    JSON.stringify(a.userData) === JSON.stringify(b.userData)
  );
}

function arraysEqual<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
  return true;
}

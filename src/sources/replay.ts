/**
 * "Replay in Simulator": a described group (from a cluster or a snapshot file) → a simulator
 * scenario with the same members (protocol, subscriptions or regex, assignor, group.instance.id,
 * client.id, rack, host), the same topics and partition counts, and produce rates estimated from
 * the watch history's log-end offsets — for what-if questions ("what if this member crashes, if we
 * add partitions, if we switch to the consumer protocol").
 *
 * It starts from the described state (the scenario's `initialState`): the simulated coordinator
 * holds the group as described — KIP-848: group epoch, target-assignment epoch, each member's id,
 * epoch, assigned partitions, partitions pending revocation and target; classic: the generation,
 * the selected protocol, the leader, each member's id and assignment — loaded the way Kafka loads
 * a group from `__consumer_offsets`, and the members start as members of it. So the first
 * simulated snapshot is the described one, and a what-if (a crash, more partitions, another
 * member) proceeds from there.
 *
 * Where the described state cannot be loaded the members join at the start instead (in member-id
 * order, 50 ms apart) and the group forms again, with the assignment the simulated assignor
 * computes: a classic group in the middle of a rebalance, a group mixing classic and
 * consumer-protocol members, a member holding partitions of a topic whose partition count is
 * unknown, an assignor the simulator lacks, epochs out of order. DescribeGroups does not report a
 * classic group's generation or leader: the replay then starts at generation 1 with the first
 * member (by id) as leader. Offsets come too: each topic's log-end offsets and the group's
 * committed offsets (the scenario's `logEndOffsets` and `committedOffsets`), so lag starts where it
 * was; a member that fell behind during the watch consumes at the speed it did, the others at the
 * simulator's default. The notes returned with the scenario list every such difference for the
 * group at hand.
 *
 * Pure: the scenario is built as scenario-file JSON and validated by `parseScenario`, so it is
 * exactly what a user could have written (and can save, edit and run again).
 */
import {
  assignmentsEqual,
  subtractAssignment,
  unionAssignments,
  type Assignment,
  type GroupSnapshot,
  type MemberSnapshot,
  type PartitionLag,
  partitionKey,
} from '../model';
import { applyVariant } from '../simulator/engine/simulation';
import { DEFAULT_BEHAVIOUR, DEFAULT_MAX_POLL_RECORDS } from '../simulator/members/config';
import { CLIENT_ASSIGNORS, parseScenario } from '../simulator/scenario/parse';
import type { ProtocolVariant, Scenario } from '../simulator/scenario/schema';

export interface ReplayOptions {
  /** Older snapshots of the group, oldest first (produce rates come from their log-end offsets). */
  readonly history?: readonly GroupSnapshot[];
  /** How long the scenario runs (default 10 minutes). */
  readonly durationMs?: number;
  /** When the replay was made (for the description). */
  readonly at?: Date;
}

export interface Replay {
  readonly scenario: Scenario;
  /** The same scenario as a scenario file (JSON value), to save or edit. */
  readonly file: Record<string, unknown>;
  /**
   * The protocol variant to run it under: the simulator applies one to every member, so it is the
   * group's own (consumer; classic eager or cooperative).
   */
  readonly variant: ProtocolVariant;
  /** Where the simulation differs from the described group, in plain words. */
  readonly notes: readonly string[];
}

/** The group cannot be replayed (no members, no topics): the message says why. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

const NAME_RE = /^[A-Za-z0-9._-]{1,249}$/;
const SERVER_ASSIGNORS = ['uniform', 'range'];

/** Makes a name the scenario format accepts (letters, digits, ".", "_", "-"). */
function safeName(s: string, fallback: string): string {
  const out = s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
  return NAME_RE.test(out) ? out : fallback;
}

/**
 * The first and last fresh snapshots of the history that have lag, at least `minMs` apart, with
 * each partition's lag row at the start by `partitionKey`; undefined when there is no such span.
 */
function lagWindow(
  history: readonly GroupSnapshot[],
  minMs: number,
): { before: Map<string, PartitionLag>; last: readonly PartitionLag[]; seconds: number } | undefined {
  const withLag = history.filter((s) => s.lag !== null && s.stale === null);
  const first = withLag[0];
  const last = withLag[withLag.length - 1];
  const spanMs = first === undefined || last === undefined ? 0 : last.timeMs - first.timeMs;
  if (first === undefined || last === undefined || spanMs <= 0 || spanMs < minMs) return undefined;
  return {
    before: new Map((first.lag?.partitions ?? []).map((p) => [partitionKey(p.topic, p.partition), p])),
    last: last.lag?.partitions ?? [],
    seconds: spanMs / 1000,
  };
}

/** Records per second produced to each topic, from the first and last snapshots that have lag. */
export function estimateProduceRates(history: readonly GroupSnapshot[]): Map<string, number> {
  const rates = new Map<string, number>();
  const w = lagWindow(history, 0);
  if (w === undefined) return rates;
  for (const p of w.last) {
    const start = w.before.get(partitionKey(p.topic, p.partition))?.logEndOffset;
    if (start === undefined) continue;
    rates.set(p.topic, (rates.get(p.topic) ?? 0) + Math.max(0, p.logEndOffset - start) / w.seconds);
  }
  for (const [t, r] of rates) rates.set(t, Math.round(r * 100) / 100);
  return rates;
}

/** At least this much watch history before a member's consumption speed is estimated. */
const MIN_RATE_WINDOW_MS = 10_000;

/**
 * Records per second of the members that consumed at their limit over the watch history: those
 * whose partitions (owned at both ends of the history) fell further behind while they consumed.
 * That speed is what they can do, so the replay runs them at it. A member that kept up shows only
 * a lower bound (it consumed what was produced) and is left out.
 */
export function estimateConsumeRates(history: readonly GroupSnapshot[]): Map<string, number> {
  const rates = new Map<string, number>();
  const w = lagWindow(history, MIN_RATE_WINDOW_MS);
  if (w === undefined) return rates;
  const perMember = new Map<string, { consumed: number; lagGrowth: number }>();
  for (const p of w.last) {
    const b = w.before.get(partitionKey(p.topic, p.partition));
    const owner = p.ownerMemberId;
    if (b === undefined || owner === null || b.ownerMemberId !== owner) continue;
    if (p.committedOffset === null || b.committedOffset === null || p.lag === null || b.lag === null)
      continue;
    const m = perMember.get(owner) ?? { consumed: 0, lagGrowth: 0 };
    m.consumed += Math.max(0, p.committedOffset - b.committedOffset);
    m.lagGrowth += p.lag - b.lag;
    perMember.set(owner, m);
  }
  for (const [memberId, m] of perMember) {
    if (m.lagGrowth > 0 && m.consumed > 0)
      rates.set(memberId, Math.round((m.consumed / w.seconds) * 100) / 100);
  }
  return rates;
}

export function replayScenario(snapshot: GroupSnapshot, options: ReplayOptions = {}): Replay {
  const notes: string[] = [];
  const s = snapshot;
  if (s.members.length === 0) {
    throw new ReplayError(
      `group "${s.groupId}" has no members (it is ${s.state}): there is nothing to replay. Replay it while its consumers run.`,
    );
  }
  const groupId = safeName(s.groupId, 'group');
  if (groupId !== s.groupId) notes.push(`The group id "${s.groupId}" is "${groupId}" in the simulator.`);

  // Topics: those the snapshot knows with partition counts.
  const partitionsOf = new Map(s.topics.map((t) => [t.name, t.partitions]));
  const rates = estimateProduceRates([...(options.history ?? []), s]);
  const used = new Set<string>();
  for (const m of s.members) {
    for (const t of m.subscribedTopicNames) used.add(t);
    for (const t of Object.keys(m.assignment)) used.add(t);
    for (const t of Object.keys(m.targetAssignment ?? {})) used.add(t);
  }
  if (s.members.some((m) => m.subscribedTopicRegex !== null))
    for (const t of partitionsOf.keys()) used.add(t);
  const unknown = [...used].filter((t) => !partitionsOf.has(t)).sort();
  if (unknown.length > 0) {
    notes.push(
      `Left out ${unknown.join(', ')}: the cluster did not say how many partitions ${unknown.length === 1 ? 'it has' : 'they have'} (deleted, or not visible to this user).`,
    );
  }
  const topics = [...used]
    .filter((t) => partitionsOf.has(t) && NAME_RE.test(t))
    .sort()
    .map((name) => ({ name, partitions: partitionsOf.get(name) ?? 1, produceRate: rates.get(name) ?? 0 }));
  if (topics.length === 0) {
    throw new ReplayError(
      `group "${s.groupId}" subscribes to no topic whose partition count is known; nothing to replay.`,
    );
  }
  const offsets = offsetsOf(s, topics, notes);
  const topicEntries = topics.map((t) => {
    const ends = offsets.logEnd.get(t.name);
    return ends !== undefined ? { ...t, logEndOffsets: ends } : t;
  });
  const committedEntry =
    Object.keys(offsets.committed).length > 0 ? { committedOffsets: offsets.committed } : {};
  const topicNames = new Set(topics.map((t) => t.name));
  if (rates.size === 0) {
    notes.push(
      'Produce rates are 0: watch the group for a while (open its dashboard) to measure them from the log-end offsets.',
    );
  }

  // The broker's server assignors: the group's first (it is the broker's default in the replay).
  const groupAssignor =
    s.protocol === 'consumer' && s.assignor !== null && SERVER_ASSIGNORS.includes(s.assignor)
      ? s.assignor
      : null;
  if (s.protocol === 'consumer' && s.assignor !== null && groupAssignor === null) {
    notes.push(
      `The group uses the server assignor "${s.assignor}", which the simulator lacks; it uses uniform.`,
    );
  }
  const assignors =
    groupAssignor === null
      ? SERVER_ASSIGNORS
      : [groupAssignor, ...SERVER_ASSIGNORS.filter((a) => a !== groupAssignor)];

  const consumeRates = estimateConsumeRates([...(options.history ?? []), s]);
  const taken = new Set<string>();
  const byId = [...s.members].sort((a, b) =>
    a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0,
  );
  const members = byId.map((m, i) =>
    memberEntry(m, i, s, topicNames, taken, notes, consumeRates.get(m.memberId)),
  );

  const classicGroup = s.protocol === 'classic';
  const names = new Map(byId.map((m, i) => [m.memberId, String(members[i].name)]));
  const seed = initialStateOf(s, byId, names, new Map(topics.map((t) => [t.name, t.partitions])));
  const formAgain = (why: string): string =>
    `${why}: the members join at the start, 50 ms apart, and the group forms again — the assignment is the simulated ${
      classicGroup ? "leader's" : "coordinator's"
    }, not a copy of the described one (member ids differ, so ties may break differently).`;
  const at = options.at ?? new Date(s.timeMs);
  const file: Record<string, unknown> = {
    name: safeName(`replay-${s.groupId}`, 'replay'),
    description:
      `Replay of group ${s.groupId} (${s.protocol === 'consumer' ? 'consumer protocol, KIP-848' : 'classic protocol'}, ${s.state}) ` +
      `from ${s.sourceId}, described at ${at.toISOString()}: ${s.members.length} member${s.members.length === 1 ? '' : 's'}, ` +
      `${topics.length} topic${topics.length === 1 ? '' : 's'}.`,
    duration: options.durationMs ?? 600_000,
    broker: { 'group.consumer.assignors': assignors },
    topics: topicEntries,
    groups: [{ id: groupId, members, ...committedEntry }],
    timeline: [],
  };
  const variant = variantOf(s, members, notes);
  if (!seed.ok) {
    notes.push(formAgain(seed.why));
    return { scenario: parseScenario(file, { source: `replay of ${s.groupId}` }), file, variant, notes };
  }
  const seededFile: Record<string, unknown> = {
    ...file,
    groups: [
      {
        id: groupId,
        members: members.map((m) => ({ ...m, startAt: 0 })),
        initialState: seed.state,
        ...committedEntry,
      },
    ],
  };
  const scenario = parseScenario(seededFile, { source: `replay of ${s.groupId}` });
  // The variant decides each member's protocol and assignors: the state applies only if every
  // member runs the group's protocol (and, classic, offers the selected assignor).
  const protocolName = seed.state.protocolName;
  const misfit = scenario.groups[0].members.find((m) => {
    const c = applyVariant(m, variant);
    return (
      c.groupProtocol !== s.protocol ||
      (typeof protocolName === 'string' && !c.partitionAssignmentStrategy.includes(protocolName))
    );
  });
  if (misfit !== undefined) {
    notes.push(
      formAgain(`${misfit.name} would not run the group's own protocol and assignor in the simulator`),
    );
    return { scenario: parseScenario(file, { source: `replay of ${s.groupId}` }), file, variant, notes };
  }
  notes.push(...seed.notes);
  notes.push(
    `The simulation starts from the described state (${seed.summary}): the same member ids, epochs and partitions; what-ifs proceed from there.`,
  );
  return { scenario, file: seededFile, variant, notes };
}

/** Consumers in the simulator process `max.poll.records` per `processing` poll (the defaults). */
const MAX_POLL_RECORDS = DEFAULT_MAX_POLL_RECORDS;
const DEFAULT_RECORDS_PER_SECOND = (MAX_POLL_RECORDS * 1000) / DEFAULT_BEHAVIOUR.processingMs;
/** Below the default max.poll.interval.ms (5 minutes), so a slow member is slow, not gone. */
const MAX_PROCESSING_MS = 240_000;

/**
 * Log-end offsets by topic and the group's committed offsets (null: no commit), from the
 * snapshot's lag. Logs in the simulator start at offset 0 and have no truncation: a committed
 * offset below the log start, or past the log end, is said in the notes (the latter is clamped).
 */
function offsetsOf(
  s: GroupSnapshot,
  topics: readonly { name: string; partitions: number }[],
  notes: string[],
): { logEnd: Map<string, number[]>; committed: Record<string, (number | null)[]> } {
  const logEnd = new Map<string, number[]>();
  const committed: Record<string, (number | null)[]> = {};
  if (s.lag === null) {
    notes.push(
      'The description had no offsets, so logs start empty and members start at the log end (no lag): open the group (its dashboard) so it is described with lag, and replay again.',
    );
    return { logEnd, committed };
  }
  const byTopic = new Map<string, PartitionLag[]>();
  for (const p of s.lag.partitions) {
    const list = byTopic.get(p.topic) ?? [];
    list.push(p);
    byTopic.set(p.topic, list);
  }
  let clamped = 0;
  let belowStart = 0;
  let lagged = 0;
  for (const t of topics) {
    const parts = byTopic.get(t.name);
    if (parts === undefined) continue;
    const ends = new Array<number>(t.partitions).fill(0);
    const commits = new Array<number | null>(t.partitions).fill(null);
    for (const p of parts) {
      if (p.partition < 0 || p.partition >= t.partitions) continue;
      ends[p.partition] = Math.max(0, p.logEndOffset);
      if (p.committedOffset === null) continue;
      if (p.committedOffset > p.logEndOffset) clamped++;
      if (p.belowLogStart) belowStart++;
      commits[p.partition] = Math.max(0, Math.min(p.committedOffset, p.logEndOffset));
      if (p.committedOffset < p.logEndOffset) lagged++;
    }
    if (ends.some((e) => e > 0)) logEnd.set(t.name, ends);
    if (commits.some((c) => c !== null)) committed[t.name] = commits;
  }
  if (clamped > 0) {
    notes.push(
      `${clamped} committed offset${clamped === 1 ? ' is' : 's are'} past the log end (a recreated or truncated topic); the replay starts ${clamped === 1 ? 'it' : 'them'} at the log end.`,
    );
  }
  if (belowStart > 0) {
    notes.push(
      `${belowStart} committed offset${belowStart === 1 ? ' is' : 's are'} below the log start; the simulator keeps every record (no retention), so the replay reads from there.`,
    );
  }
  if (lagged > 0) {
    notes.push(
      `Lag starts as described (${s.lag.totalLag.toLocaleString('en-US')} records). Members not measured at their limit (below) process about ${DEFAULT_RECORDS_PER_SECOND.toLocaleString('en-US')} records/s each (max.poll.records ${MAX_POLL_RECORDS} per ${DEFAULT_BEHAVIOUR.processingMs} ms poll) — set behaviour.processing in the scenario file to match yours.`,
    );
  }
  return { logEnd, committed };
}

type Seed =
  | {
      readonly ok: true;
      readonly state: Record<string, unknown>;
      readonly summary: string;
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly why: string };

/**
 * The scenario's `initialState` for the described group, or why it cannot be loaded.
 * `sortedMembers` are the group's members by id; `names` maps member ids to the scenario's member
 * names; `partitions` the replayed topics' counts.
 */
function initialStateOf(
  s: GroupSnapshot,
  sortedMembers: readonly MemberSnapshot[],
  names: ReadonlyMap<string, string>,
  partitions: ReadonlyMap<string, number>,
): Seed {
  const no = (why: string): Seed => ({ ok: false, why });
  if (s.members.some((m) => m.memberType !== s.protocol)) {
    return no('The group mixes classic and consumer-protocol members, which the simulator cannot load');
  }
  // Every partition a member holds or is meant to get must exist in the replayed topics.
  for (const m of s.members) {
    for (const a of [m.assignment, m.pendingRevocation, m.targetAssignment ?? {}]) {
      for (const [topic, parts] of Object.entries(a)) {
        const n = partitions.get(topic);
        if (n === undefined) {
          return no(`${m.clientId} holds partitions of ${topic}, whose partition count is not known`);
        }
        const bad = parts.find((p) => p < 0 || p >= n);
        if (bad !== undefined)
          return no(`${m.clientId} holds ${topic}-${bad}, but ${topic} has ${n} partitions`);
      }
    }
  }
  const entries: Record<string, unknown>[] = [];
  if (s.protocol === 'consumer') {
    const assignmentEpoch = s.targetAssignmentEpoch ?? -1;
    if (s.groupEpoch < 1 || assignmentEpoch < 1 || assignmentEpoch > s.groupEpoch) {
      return no(
        `The group epoch ${s.groupEpoch} and assignment epoch ${assignmentEpoch} are not a state the coordinator can load`,
      );
    }
    for (const m of sortedMembers) {
      if (m.memberEpoch < 1 || m.memberEpoch > assignmentEpoch) {
        return no(
          `${m.clientId} is at member epoch ${m.memberEpoch} (joining or leaving), which the simulator cannot load`,
        );
      }
      // Cluster snapshots report the assignment with the partitions pending revocation included;
      // the simulator's without: the union is what the member holds either way.
      const held = unionAssignments(m.assignment, m.pendingRevocation);
      const assigned = subtractAssignment(held, m.pendingRevocation);
      entries.push({
        member: names.get(m.memberId),
        memberId: m.memberId,
        memberEpoch: m.memberEpoch,
        ...(m.previousMemberEpoch !== null ? { previousMemberEpoch: m.previousMemberEpoch } : {}),
        assigned: plain(assigned),
        ...(Object.keys(m.pendingRevocation).length > 0
          ? { pendingRevocation: plain(m.pendingRevocation) }
          : {}),
        ...(m.targetAssignment !== null && !assignmentsEqual(m.targetAssignment, assigned)
          ? { target: plain(m.targetAssignment) }
          : {}),
      });
    }
    const conflict = doubleHolder(
      sortedMembers.map((m) => unionAssignments(m.assignment, m.pendingRevocation)),
    );
    if (conflict !== null) return no(`${conflict} is held by two members in the description`);
    const targets = doubleHolder(sortedMembers.map((m) => m.targetAssignment ?? {}));
    if (targets !== null) return no(`${targets} is in the targets of two members in the description`);
    return {
      ok: true,
      state: { protocol: 'consumer', groupEpoch: s.groupEpoch, assignmentEpoch, members: entries },
      summary: `group epoch ${s.groupEpoch}, assignment epoch ${assignmentEpoch}, ${s.state}`,
      notes: [],
    };
  }
  if (s.state !== 'Stable') {
    return no(`The group is ${s.state} (mid-rebalance): a classic group is loaded only when Stable`);
  }
  const protocolName = s.assignor === null ? undefined : CLIENT_ASSIGNORS[s.assignor];
  if (protocolName === undefined) {
    return no(`The group's assignor ${s.assignor ?? '(none)'} is not one the simulator has`);
  }
  const conflict = doubleHolder(sortedMembers.map((m) => m.assignment));
  if (conflict !== null) return no(`${conflict} is assigned to two members in the description`);
  const notes: string[] = [];
  let generation = s.groupEpoch;
  if (generation < 1) {
    generation = 1;
    notes.push("The cluster does not report a classic group's generation: the replay calls it generation 1.");
  }
  let leader = s.leaderId === null ? undefined : names.get(s.leaderId);
  if (leader === undefined) {
    const first = sortedMembers[0];
    leader = names.get(first.memberId);
    notes.push(
      `The cluster does not report a classic group's leader: in the replay it is ${first.clientId} (the first member by id).`,
    );
  }
  for (const m of sortedMembers) {
    entries.push({ member: names.get(m.memberId), memberId: m.memberId, assigned: plain(m.assignment) });
  }
  return {
    ok: true,
    state: { protocol: 'classic', generation, protocolName, leader, members: entries },
    summary: `generation ${generation}, protocol ${protocolName}`,
    notes,
  };
}

/** The first partition that two of the assignments hold, as "topic-p", or null. */
function doubleHolder(assignments: readonly Assignment[]): string | null {
  const seen = new Set<string>();
  for (const a of assignments) {
    for (const [topic, parts] of Object.entries(a)) {
      for (const p of parts) {
        const key = `${topic}-${p}`;
        if (seen.has(key)) return key;
        seen.add(key);
      }
    }
  }
  return null;
}

/** An assignment as scenario-file JSON (a fresh plain object). */
function plain(a: Assignment): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [t, ps] of Object.entries(a)) if (ps.length > 0) out[t] = [...ps];
  return out;
}

function variantOf(
  s: GroupSnapshot,
  members: readonly Record<string, unknown>[],
  notes: string[],
): ProtocolVariant {
  const types = new Set(s.members.map((m) => m.memberType));
  if (types.size > 1) {
    notes.push(
      'The group mixes consumer-protocol and classic members (an upgrade in progress); in the replay all members use the consumer protocol.',
    );
  }
  if (types.has('consumer')) return 'consumer';
  const strategies = members.flatMap((m) => {
    const c = m.config as Record<string, unknown>;
    return Array.isArray(c['partition.assignment.strategy'])
      ? (c['partition.assignment.strategy'] as string[])
      : [];
  });
  return strategies.includes('cooperative-sticky') || s.rebalanceProtocol === 'cooperative'
    ? 'cooperative'
    : 'eager';
}

function memberEntry(
  m: MemberSnapshot,
  index: number,
  s: GroupSnapshot,
  topics: ReadonlySet<string>,
  taken: Set<string>,
  notes: string[],
  consumeRate: number | undefined,
): Record<string, unknown> {
  let name = safeName(m.instanceId ?? m.clientId, `member-${index + 1}`);
  for (let n = 2; taken.has(name); n++) name = `${safeName(m.instanceId ?? m.clientId, 'member')}-${n}`;
  taken.add(name);
  const label = `${m.clientId}${m.instanceId !== null ? ` (${m.instanceId})` : ''}`;

  const config: Record<string, unknown> = {
    'group.protocol': m.memberType,
    'client.id': m.clientId.replace(/\s/g, '_').slice(0, 200) || name,
  };
  if (m.instanceId !== null) {
    const id = safeName(m.instanceId, name);
    if (id !== m.instanceId) notes.push(`${label}: group.instance.id is "${id}" in the simulator.`);
    config['group.instance.id'] = id;
  }
  if (m.rackId !== null && /^[^\s]{1,200}$/.test(m.rackId)) config['client.rack'] = m.rackId;
  if (m.memberType === 'consumer') {
    if (m.serverAssignor !== null && SERVER_ASSIGNORS.includes(m.serverAssignor))
      config['group.remote.assignor'] = m.serverAssignor;
  } else {
    const known = (m.classic?.protocols ?? [])
      .map((p) => CLIENT_ASSIGNORS[p])
      .filter((p): p is string => p !== undefined);
    const fromGroup =
      s.protocol === 'classic' && s.assignor !== null ? CLIENT_ASSIGNORS[s.assignor] : undefined;
    const strategy = known.length > 0 ? known : fromGroup !== undefined ? [fromGroup] : ['range'];
    if (known.length === 0 && fromGroup === undefined) {
      notes.push(
        `${label}: its partition.assignment.strategy is not known${s.assignor !== null ? ` ("${s.assignor}" is not one the simulator has)` : ''}; it uses range.`,
      );
    }
    config['partition.assignment.strategy'] = strategy;
  }

  // What it subscribes to: the regex, the topic names, or (not described: a classic group that is
  // not Stable sends no subscriptions) what it is assigned.
  let subscription: unknown;
  if (m.subscribedTopicRegex !== null && isJsRegex(m.subscribedTopicRegex)) {
    subscription = { pattern: m.subscribedTopicRegex };
  } else {
    if (m.subscribedTopicRegex !== null)
      notes.push(
        `${label}: its regex ${m.subscribedTopicRegex} is not one the simulator can read; it subscribes to the topics the group uses.`,
      );
    let names = m.subscribedTopicNames.filter((t) => topics.has(t));
    if (m.subscribedTopicNames.length === 0) {
      names = [...new Set([...Object.keys(m.assignment), ...Object.keys(m.targetAssignment ?? {})])].filter(
        (t) => topics.has(t),
      );
      if (names.length === 0) names = [...topics];
      notes.push(`${label}: its subscription was not described; it subscribes to ${names.join(', ')}.`);
    }
    if (names.length === 0) names = [...topics];
    subscription = names.sort();
  }
  // A member that consumed at its limit runs at that speed: max.poll.records (the Java default;
  // the description does not carry the member's own) per `processing`.
  let behaviour: Record<string, unknown> | undefined;
  if (consumeRate !== undefined) {
    const processingMs = Math.min(
      MAX_PROCESSING_MS,
      Math.max(1, Math.round((MAX_POLL_RECORDS / consumeRate) * 1000)),
    );
    behaviour = { processing: `${processingMs}ms` };
    notes.push(
      `${label} fell behind while it consumed about ${consumeRate.toLocaleString('en-US')} records/s, so that is its speed in the replay (${MAX_POLL_RECORDS} records per ${processingMs} ms poll).`,
    );
  }
  const host = m.clientHost.trim();
  return {
    name,
    startAt: index * 50,
    subscription,
    config,
    ...(behaviour !== undefined ? { behaviour } : {}),
    ...(host !== '' && /^[^\s]{1,200}$/.test(host) ? { host } : {}),
  };
}

function isJsRegex(pattern: string): boolean {
  try {
    new RegExp(`^(?:${pattern})$`);
    return true;
  } catch {
    return false;
  }
}

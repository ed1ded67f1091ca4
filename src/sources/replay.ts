/**
 * "Replay in Simulator": a described group (from a cluster or a snapshot file) → a simulator
 * scenario with the same members (protocol, subscriptions or regex, assignor, group.instance.id,
 * client.id, rack, host), the same topics and partition counts, and produce rates estimated from
 * the watch history's log-end offsets — for what-if questions ("what if this member crashes, if we
 * add partitions, if we switch to the consumer protocol").
 *
 * What it does not do: start from the exact described assignment. The members join the simulated
 * coordinator at the start (in member-id order, 50 ms apart) and the group forms again, so the
 * assignment is the one the simulated assignor computes — for the server assignors (uniform, range)
 * and the client ones it is Kafka's algorithm, but member ids, and so tie-breaks, differ from the
 * real group. Committed offsets are not carried over (the scenario format has none). The notes
 * returned with the scenario list every such difference for the group at hand.
 *
 * Pure: the scenario is built as scenario-file JSON and validated by `parseScenario`, so it is
 * exactly what a user could have written (and can save, edit and run again).
 */
import type { GroupSnapshot, MemberSnapshot } from '../model';
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

/** Records per second produced to each topic, from the first and last snapshots that have lag. */
export function estimateProduceRates(history: readonly GroupSnapshot[]): Map<string, number> {
  const withLag = history.filter((s) => s.lag !== null && s.stale === null);
  const first = withLag[0];
  const last = withLag[withLag.length - 1];
  const rates = new Map<string, number>();
  if (first === undefined || last === undefined || last.timeMs <= first.timeMs) return rates;
  const seconds = (last.timeMs - first.timeMs) / 1000;
  const endOf = (s: GroupSnapshot): Map<string, number> =>
    new Map((s.lag?.partitions ?? []).map((p) => [`${p.topic}\u0000${p.partition}`, p.logEndOffset]));
  const before = endOf(first);
  for (const p of last.lag?.partitions ?? []) {
    const start = before.get(`${p.topic}\u0000${p.partition}`);
    if (start === undefined) continue;
    rates.set(p.topic, (rates.get(p.topic) ?? 0) + Math.max(0, p.logEndOffset - start) / seconds);
  }
  for (const [t, r] of rates) rates.set(t, Math.round(r * 100) / 100);
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

  const taken = new Set<string>();
  const members = [...s.members]
    .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
    .map((m, i) => memberEntry(m, i, s, topicNames, taken, notes));

  const classicGroup = s.protocol === 'classic';
  notes.push(
    `The members join at the start, 50 ms apart, and the group forms again: the assignment is the simulated ${
      classicGroup ? "leader's" : "coordinator's"
    }, not a copy of the described one (member ids differ, so ties may break differently). Committed offsets are not carried over.`,
  );
  const at = options.at ?? new Date(s.timeMs);
  const file: Record<string, unknown> = {
    name: safeName(`replay-${s.groupId}`, 'replay'),
    description:
      `Replay of group ${s.groupId} (${s.protocol === 'consumer' ? 'consumer protocol, KIP-848' : 'classic protocol'}, ${s.state}) ` +
      `from ${s.sourceId}, described at ${at.toISOString()}: ${s.members.length} member${s.members.length === 1 ? '' : 's'}, ` +
      `${topics.length} topic${topics.length === 1 ? '' : 's'}.`,
    duration: options.durationMs ?? 600_000,
    broker: { 'group.consumer.assignors': assignors },
    topics,
    groups: [{ id: groupId, members }],
    timeline: [],
  };
  const scenario = parseScenario(file, { source: `replay of ${s.groupId}` });
  return { scenario, file, variant: variantOf(s, members, notes), notes };
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
  const host = m.clientHost.trim();
  return {
    name,
    startAt: index * 50,
    subscription,
    config,
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

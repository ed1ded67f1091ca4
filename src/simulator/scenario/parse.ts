/**
 * Reads and validates a scenario file (JSON). Every problem is reported with the path to the
 * offending value, the field, and the reason — never a stack trace. The format is documented in
 * docs/scenarios.md.
 */
import {
  DEFAULT_BROKER_CONFIG,
  DEFAULT_KAFKA_VERSION,
  KAFKA_VERSIONS,
  type BrokerConfig,
  type KafkaVersion,
} from '../engine/world';
import {
  DEFAULT_BEHAVIOUR,
  defaultConsumerConfig,
  type ConsumerConfig,
  type MemberBehaviour,
} from '../members/config';
import { parseDuration } from './duration';
import { locateJsonError } from './json-locate';
import type { Assignment } from '../../model';
import type {
  Scenario,
  ScenarioAction,
  ScenarioGroup,
  ScenarioInitialMember,
  ScenarioInitialState,
  ScenarioMember,
  ScenarioStep,
  ScenarioTopic,
} from './schema';

export interface ScenarioProblem {
  /** JSON path of the value, e.g. `groups[0].members[1].config["session.timeout.ms"]`. */
  readonly path: string;
  readonly message: string;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly source: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    super(
      `${source}: ${problems.length === 1 ? 'invalid scenario' : `${problems.length} problems`}\n` +
        problems.map((p) => `  ${p.path || '(top level)'}: ${p.message}`).join('\n'),
    );
  }
}

/** Client-side assignor names, and the Java class names users may paste from their configs. */
export const CLIENT_ASSIGNORS: Readonly<Record<string, string>> = {
  range: 'range',
  roundrobin: 'roundrobin',
  sticky: 'sticky',
  'cooperative-sticky': 'cooperative-sticky',
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
};

const NAME_RE = /^[A-Za-z0-9._-]{1,249}$/;
const MAX_INT = 2_147_483_647;

type Json = unknown;
type Obj = Record<string, Json>;

class Checker {
  readonly problems: ScenarioProblem[] = [];

  fail(path: string, message: string): void {
    if (this.problems.length < 50) this.problems.push({ path, message });
  }

  obj(value: Json, path: string): Obj | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Obj;
    this.fail(path, `must be an object, got ${describe(value)}`);
    return undefined;
  }

  arr(value: Json, path: string): Json[] | undefined {
    if (Array.isArray(value)) return value as Json[];
    this.fail(path, `must be a list, got ${describe(value)}`);
    return undefined;
  }

  keys(o: Obj, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        const near = closest(k, allowed);
        this.fail(
          join(path, k),
          `unknown field${near === null ? '' : ` (did you mean "${near}"?)`}; allowed: ${allowed.join(', ')}`,
        );
      }
    }
  }

  str(value: Json, path: string, opts: { pattern?: RegExp; what?: string } = {}): string | undefined {
    if (typeof value !== 'string') {
      this.fail(path, `must be a string, got ${describe(value)}`);
      return undefined;
    }
    if (opts.pattern !== undefined && !opts.pattern.test(value)) {
      this.fail(path, `${JSON.stringify(value)} is not a valid ${opts.what ?? 'value'}`);
      return undefined;
    }
    return value;
  }

  int(value: Json, path: string, min: number, max: number = MAX_INT): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be a whole number from ${min} to ${max}, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  num(value: Json, path: string, min: number): number | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      this.fail(path, `must be a number ≥ ${min}, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  bool(value: Json, path: string): boolean | undefined {
    if (typeof value !== 'boolean') {
      this.fail(path, `must be true or false, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  duration(value: Json, path: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const ms = parseDuration(value);
    const min = opts.min ?? 0;
    const max = opts.max ?? 30 * 24 * 3_600_000;
    if (ms === null || ms < min || ms > max) {
      this.fail(
        path,
        `must be a duration like "250ms", "30s", "5m" or "1h" (or a number of ms)` +
          `${min > 0 ? ` of at least ${min} ms` : ''}, got ${describe(value)}`,
      );
      return undefined;
    }
    return ms;
  }

  oneOf<T extends string>(value: Json, path: string, options: readonly T[]): T | undefined {
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    this.fail(
      path,
      `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${describe(value)}`,
    );
    return undefined;
  }

  strList(value: Json, path: string, pattern?: RegExp, what?: string): string[] | undefined {
    const list = this.arr(value, path);
    if (list === undefined) return undefined;
    const out: string[] = [];
    list.forEach((v, i) => {
      const s = this.str(v, `${path}[${i}]`, pattern === undefined ? {} : { pattern, what: what ?? 'value' });
      if (s !== undefined) out.push(s);
    });
    return out.length === list.length ? out : undefined;
  }
}

function describe(value: Json): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function join(path: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return path === '' ? part.replace(/^\./, '') : `${path}${part}`;
}

function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

// --- member configuration (Java property names) -------------------------------------------------

const CONFIG_KEYS = [
  'group.protocol',
  'group.remote.assignor',
  'partition.assignment.strategy',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'max.poll.interval.ms',
  'group.instance.id',
  'client.id',
  'client.rack',
  'request.timeout.ms',
  'retry.backoff.ms',
  'retry.backoff.max.ms',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'auto.offset.reset',
  'max.poll.records',
  'metadata.max.age.ms',
] as const;

const BEHAVIOUR_KEYS = [
  'processing',
  'onPartitionsRevoked',
  'onPartitionsAssigned',
  'onPartitionsLost',
] as const;

type ConfigPatch = { -readonly [K in keyof ConsumerConfig]?: ConsumerConfig[K] };

interface MemberTemplate {
  config: ConfigPatch;
  behaviour: Partial<MemberBehaviour>;
  subscription: string[] | null;
  pattern: string | null;
  host: string | null;
  explicitProtocol: boolean;
  explicitAssignor: boolean;
}

function emptyTemplate(): MemberTemplate {
  return {
    config: {},
    behaviour: {},
    subscription: null,
    pattern: null,
    host: null,
    explicitProtocol: false,
    explicitAssignor: false,
  };
}

function readConfig(c: Checker, raw: Json, path: string, into: MemberTemplate): void {
  const o = c.obj(raw, path);
  if (o === undefined) return;
  c.keys(o, path, CONFIG_KEYS);
  const cfg = into.config;
  for (const [k, v] of Object.entries(o)) {
    const p = join(path, k);
    switch (k) {
      case 'group.protocol': {
        const proto = c.oneOf(typeof v === 'string' ? v.toLowerCase() : v, p, [
          'classic',
          'consumer',
        ] as const);
        if (proto !== undefined) {
          cfg.groupProtocol = proto;
          into.explicitProtocol = true;
        }
        break;
      }
      case 'group.remote.assignor':
        if (v === null) cfg.groupRemoteAssignor = null;
        else {
          const a = c.str(v, p, { pattern: /^[A-Za-z0-9._-]+$/, what: 'assignor name' });
          if (a !== undefined) {
            cfg.groupRemoteAssignor = a;
            into.explicitAssignor = true;
          }
        }
        break;
      case 'partition.assignment.strategy': {
        const list =
          typeof v === 'string'
            ? v
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '')
            : c.strList(v, p);
        if (list === undefined) break;
        if (list.length === 0) {
          c.fail(p, 'must name at least one assignor');
          break;
        }
        const names: string[] = [];
        for (const name of list) {
          const n = CLIENT_ASSIGNORS[name];
          if (n === undefined) {
            c.fail(p, `unknown assignor "${name}"; use range, roundrobin, sticky or cooperative-sticky`);
          } else names.push(n);
        }
        if (names.length === list.length) {
          cfg.partitionAssignmentStrategy = names;
          into.explicitAssignor = true;
        }
        break;
      }
      case 'session.timeout.ms':
        setInt(c, v, p, 1, (n) => (cfg.sessionTimeoutMs = n));
        break;
      case 'heartbeat.interval.ms':
        setInt(c, v, p, 1, (n) => (cfg.heartbeatIntervalMs = n));
        break;
      case 'max.poll.interval.ms':
        setInt(c, v, p, 1, (n) => (cfg.maxPollIntervalMs = n));
        break;
      case 'request.timeout.ms':
        setInt(c, v, p, 1, (n) => (cfg.requestTimeoutMs = n));
        break;
      case 'retry.backoff.ms':
        setInt(c, v, p, 0, (n) => (cfg.retryBackoffMs = n));
        break;
      case 'retry.backoff.max.ms':
        setInt(c, v, p, 0, (n) => (cfg.retryBackoffMaxMs = n));
        break;
      case 'auto.commit.interval.ms':
        setInt(c, v, p, 1, (n) => (cfg.autoCommitIntervalMs = n));
        break;
      case 'max.poll.records':
        setInt(c, v, p, 1, (n) => (cfg.maxPollRecords = n));
        break;
      case 'metadata.max.age.ms':
        setInt(c, v, p, 1, (n) => (cfg.metadataMaxAgeMs = n));
        break;
      case 'group.instance.id':
        if (v === null) cfg.groupInstanceId = null;
        else {
          const s = c.str(v, p, {
            pattern: /^[A-Za-z0-9._{}-]{1,249}$/,
            what: 'instance id (letters, digits, ".", "_", "-"; "{i}" numbers counted members)',
          });
          if (s !== undefined) cfg.groupInstanceId = s;
        }
        break;
      case 'client.id': {
        // Kafka accepts any client id; only control characters and absurd lengths are refused.
        const s = c.str(v, p, {
          pattern: /^\P{Cc}{1,255}$/u,
          what: 'client id (1-255 characters, no control characters)',
        });
        if (s !== undefined) cfg.clientId = s;
        break;
      }
      case 'client.rack':
        if (v === null) cfg.rackId = null;
        else {
          const s = c.str(v, p, { pattern: /^[^\s]{1,200}$/, what: 'rack id' });
          if (s !== undefined) cfg.rackId = s;
        }
        break;
      case 'enable.auto.commit': {
        const b = c.bool(v, p);
        if (b !== undefined) cfg.enableAutoCommit = b;
        break;
      }
      case 'auto.offset.reset': {
        const r = c.oneOf(v, p, ['earliest', 'latest'] as const);
        if (r !== undefined) cfg.autoOffsetReset = r;
        break;
      }
    }
  }
}

function setInt(c: Checker, v: Json, p: string, min: number, set: (n: number) => void): void {
  const n = c.int(v, p, min);
  if (n !== undefined) set(n);
}

function readBehaviour(c: Checker, raw: Json, path: string): Partial<MemberBehaviour> {
  const o = c.obj(raw, path);
  const out: { -readonly [K in keyof MemberBehaviour]?: number } = {};
  if (o === undefined) return out;
  c.keys(o, path, BEHAVIOUR_KEYS);
  for (const [k, v] of Object.entries(o)) {
    const p = join(path, k);
    const ms = c.duration(v, p, k === 'processing' ? { min: 1 } : {});
    if (ms === undefined) continue;
    if (k === 'processing') out.processingMs = ms;
    else if (k === 'onPartitionsRevoked') out.onRevokedMs = ms;
    else if (k === 'onPartitionsAssigned') out.onAssignedMs = ms;
    else if (k === 'onPartitionsLost') out.onLostMs = ms;
  }
  return out;
}

/** Reads the member-level fields shared by groups (defaults) and members. */
function readTemplateFields(c: Checker, o: Obj, path: string, base: MemberTemplate): MemberTemplate {
  const t: MemberTemplate = {
    config: { ...base.config },
    behaviour: { ...base.behaviour },
    subscription: base.subscription,
    pattern: base.pattern,
    host: base.host,
    explicitProtocol: base.explicitProtocol,
    explicitAssignor: base.explicitAssignor,
  };
  if (o.config !== undefined) readConfig(c, o.config, join(path, 'config'), t);
  if (o.behaviour !== undefined)
    t.behaviour = { ...t.behaviour, ...readBehaviour(c, o.behaviour, join(path, 'behaviour')) };
  if (o.subscription !== undefined) {
    const p = join(path, 'subscription');
    if (typeof o.subscription === 'object' && o.subscription !== null && !Array.isArray(o.subscription)) {
      const so = o.subscription as Obj;
      c.keys(so, p, ['pattern']);
      const pat = c.str(so.pattern, join(p, 'pattern'));
      if (pat !== undefined) {
        try {
          new RegExp(`^(?:${pat})$`);
          t.pattern = pat;
          t.subscription = null;
        } catch {
          c.fail(join(p, 'pattern'), `${JSON.stringify(pat)} is not a valid regular expression`);
        }
      }
    } else {
      const topics = c.strList(o.subscription, p, NAME_RE, 'topic name');
      if (topics !== undefined) {
        t.subscription = topics;
        t.pattern = null;
      }
    }
  }
  if (o.host !== undefined) {
    const h = c.str(o.host, join(path, 'host'), { pattern: /^[^\s]{1,200}$/, what: 'host' });
    if (h !== undefined) t.host = h;
  }
  return t;
}

// --- the scenario ----------------------------------------------------------------------------

const TOP_KEYS = [
  'name',
  'description',
  'seed',
  'duration',
  'kafkaVersion',
  'broker',
  'topics',
  'groups',
  'timeline',
];
const BROKER_KEYS = [
  'group.consumer.session.timeout.ms',
  'group.consumer.heartbeat.interval.ms',
  'group.consumer.max.size',
  'group.consumer.assignors',
  'group.min.session.timeout.ms',
  'group.max.session.timeout.ms',
  'group.initial.rebalance.delay.ms',
  'group.max.size',
];
const GROUP_KEYS = [
  'id',
  'subscription',
  'config',
  'behaviour',
  'host',
  'members',
  'initialState',
  'committedOffsets',
];
const MEMBER_KEYS = ['name', 'count', 'startAt', 'subscription', 'config', 'behaviour', 'host'];

export interface ParseOptions {
  /** Names the file in messages, e.g. its path. */
  readonly source?: string;
}

/** Parses scenario text (JSON). Throws ScenarioError with every problem found. */
export function parseScenarioText(text: string, options: ParseOptions = {}): Scenario {
  const source = options.source ?? 'scenario';
  let raw: Json;
  try {
    raw = JSON.parse(text) as Json;
  } catch (err) {
    const where = locateJsonError(text);
    const message =
      where === null
        ? `not valid JSON: ${err instanceof Error ? err.message : String(err)}`
        : `not valid JSON: ${where.reason} at line ${where.line}, column ${where.column}`;
    throw new ScenarioError(source, [{ path: '', message }]);
  }
  return parseScenario(raw, options);
}

/** Validates an already-parsed JSON value. Throws ScenarioError with every problem found. */
export function parseScenario(raw: Json, options: ParseOptions = {}): Scenario {
  const source = options.source ?? 'scenario';
  const c = new Checker();
  const top = c.obj(raw, '');
  if (top === undefined) throw new ScenarioError(source, c.problems);
  c.keys(top, '', TOP_KEYS);

  const name =
    top.name === undefined
      ? undefined
      : c.str(top.name, 'name', { pattern: NAME_RE, what: 'scenario name (letters, digits, ".", "_", "-")' });
  if (top.name === undefined) c.fail('name', 'is required');
  const description = top.description === undefined ? '' : (c.str(top.description, 'description') ?? '');
  const seed = top.seed === undefined ? 1 : (c.int(top.seed, 'seed', 0, 4_294_967_295) ?? 1);
  const durationMs =
    top.duration === undefined ? 600_000 : (c.duration(top.duration, 'duration', { min: 1 }) ?? 600_000);
  const kafkaVersion: KafkaVersion =
    top.kafkaVersion === undefined
      ? DEFAULT_KAFKA_VERSION
      : (c.oneOf(top.kafkaVersion, 'kafkaVersion', KAFKA_VERSIONS) ?? DEFAULT_KAFKA_VERSION);
  const broker = top.broker === undefined ? DEFAULT_BROKER_CONFIG : readBroker(c, top.broker);

  // Topics
  const topics: ScenarioTopic[] = [];
  const topicNames = new Set<string>();
  const rawTopics = top.topics === undefined ? [] : (c.arr(top.topics, 'topics') ?? []);
  if (top.topics === undefined) c.fail('topics', 'is required: list the topics the groups consume');
  rawTopics.forEach((rt, i) => {
    const t = readTopic(c, rt, `topics[${i}]`);
    if (t === undefined) return;
    if (topicNames.has(t.name)) c.fail(`topics[${i}].name`, `topic "${t.name}" is listed twice`);
    topicNames.add(t.name);
    topics.push(t);
  });

  // Groups and their members
  const groups: ScenarioGroup[] = [];
  const memberNames = new Set<string>();
  const templates = new Map<string, MemberTemplate>();
  const rawGroups = top.groups === undefined ? [] : (c.arr(top.groups, 'groups') ?? []);
  if (top.groups === undefined || rawGroups.length === 0)
    c.fail('groups', 'is required: at least one consumer group');
  const groupIds = new Set<string>();
  const rawInitial = new Map<string, { raw: Json; path: string }>();
  const rawCommitted = new Map<string, { raw: Json; path: string }>();
  rawGroups.forEach((rg, gi) => {
    const gp = `groups[${gi}]`;
    const go = c.obj(rg, gp);
    if (go === undefined) return;
    c.keys(go, gp, GROUP_KEYS);
    const id =
      go.id === undefined ? undefined : c.str(go.id, `${gp}.id`, { pattern: NAME_RE, what: 'group id' });
    if (go.id === undefined) c.fail(`${gp}.id`, 'is required');
    if (id === undefined) return;
    if (groupIds.has(id)) c.fail(`${gp}.id`, `group "${id}" is listed twice`);
    groupIds.add(id);
    const template = readTemplateFields(c, go, gp, emptyTemplate());
    templates.set(id, template);
    const members: ScenarioMember[] = [];
    const rawMembers = go.members === undefined ? [] : (c.arr(go.members, `${gp}.members`) ?? []);
    rawMembers.forEach((rm, mi) => {
      for (const m of readMembers(c, rm, `${gp}.members[${mi}]`, id, template)) {
        if (memberNames.has(m.name))
          c.fail(
            `${gp}.members[${mi}].name`,
            `member "${m.name}" is defined twice; member names must be unique`,
          );
        memberNames.add(m.name);
        members.push(m);
      }
    });
    groups.push({ id, members });
    if (go.initialState !== undefined)
      rawInitial.set(id, { raw: go.initialState, path: `${gp}.initialState` });
    if (go.committedOffsets !== undefined)
      rawCommitted.set(id, { raw: go.committedOffsets, path: `${gp}.committedOffsets` });
  });

  // Timeline
  const steps: ScenarioStep[] = [];
  const rawTimeline = top.timeline === undefined ? [] : (c.arr(top.timeline, 'timeline') ?? []);
  const knownTopics = new Set(topicNames);
  rawTimeline.forEach((rs, si) => {
    const step = readStep(c, rs, `timeline[${si}]`, { groupIds, templates, memberNames, knownTopics });
    if (step !== undefined) steps.push(step);
  });
  const timeline = steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.atMs - b.s.atMs || a.i - b.i)
    .map(({ s }) => s);

  // Cross-checks
  for (const g of groups) {
    for (const m of g.members) checkSubscription(c, m, knownTopicsAt(topics, timeline), `member "${m.name}"`);
  }
  for (const step of timeline) {
    if (step.atMs > durationMs)
      c.fail(`${step.path}.at`, `is after the end of the run (duration ${durationMs} ms)`);
  }
  const partitionCounts = new Map(topics.map((t) => [t.name, t.partitions]));
  for (const [i, g] of groups.entries()) {
    const initial = rawInitial.get(g.id);
    const state =
      initial === undefined ? undefined : readInitialState(c, initial.raw, initial.path, g, partitionCounts);
    const committed = rawCommitted.get(g.id);
    const offsets =
      committed === undefined ? undefined : readCommittedOffsets(c, committed.raw, committed.path, topics);
    groups[i] = {
      ...g,
      ...(state !== undefined ? { initialState: state } : {}),
      ...(offsets !== undefined ? { committedOffsets: offsets } : {}),
    };
  }

  if (c.problems.length > 0 || name === undefined) throw new ScenarioError(source, c.problems);
  return { name, description, seed, durationMs, kafkaVersion, broker, topics, groups, timeline };
}

function knownTopicsAt(topics: readonly ScenarioTopic[], timeline: readonly ScenarioStep[]): Set<string> {
  const s = new Set(topics.map((t) => t.name));
  for (const step of timeline) if (step.do === 'create-topic') s.add(step.topic.name);
  return s;
}

function checkSubscription(c: Checker, m: ScenarioMember, topics: Set<string>, where: string): void {
  if ('topics' in m.config.subscription) {
    if (m.config.subscription.topics.length === 0) {
      c.fail(where, 'subscribes to nothing: give the group or the member a "subscription"');
    }
    for (const t of m.config.subscription.topics) {
      if (!topics.has(t))
        c.fail(where, `subscribes to "${t}", which is not in "topics" and no step creates it`);
    }
  }
}

function readBroker(c: Checker, raw: Json): BrokerConfig {
  const o = c.obj(raw, 'broker');
  if (o === undefined) return DEFAULT_BROKER_CONFIG;
  c.keys(o, 'broker', BROKER_KEYS);
  const get = (k: string, min: number, def: number): number =>
    o[k] === undefined ? def : (c.int(o[k], join('broker', k), min) ?? def);
  const d = DEFAULT_BROKER_CONFIG;
  let assignors = d.consumer.assignors;
  if (o['group.consumer.assignors'] !== undefined) {
    const list = c.strList(o['group.consumer.assignors'], join('broker', 'group.consumer.assignors'));
    if (list !== undefined) {
      const bad = list.filter((a) => a !== 'uniform' && a !== 'range');
      if (bad.length > 0 || list.length === 0) {
        c.fail(join('broker', 'group.consumer.assignors'), 'must list "uniform" and/or "range"');
      } else assignors = list;
    }
  }
  return {
    consumer: {
      sessionTimeoutMs: get('group.consumer.session.timeout.ms', 1, d.consumer.sessionTimeoutMs),
      heartbeatIntervalMs: get('group.consumer.heartbeat.interval.ms', 1, d.consumer.heartbeatIntervalMs),
      maxSize: get('group.consumer.max.size', 1, d.consumer.maxSize),
      assignors,
    },
    classic: {
      minSessionTimeoutMs: get('group.min.session.timeout.ms', 1, d.classic.minSessionTimeoutMs),
      maxSessionTimeoutMs: get('group.max.session.timeout.ms', 1, d.classic.maxSessionTimeoutMs),
      initialRebalanceDelayMs: get('group.initial.rebalance.delay.ms', 0, d.classic.initialRebalanceDelayMs),
      maxSize: get('group.max.size', 1, d.classic.maxSize),
      newMemberJoinTimeoutMs: d.classic.newMemberJoinTimeoutMs,
    },
  };
}

function readTopic(c: Checker, raw: Json, path: string): ScenarioTopic | undefined {
  const o = c.obj(raw, path);
  if (o === undefined) return undefined;
  c.keys(o, path, ['name', 'partitions', 'produceRate', 'logEndOffsets']);
  if (o.name === undefined) c.fail(`${path}.name`, 'is required');
  if (o.partitions === undefined) c.fail(`${path}.partitions`, 'is required');
  const name =
    o.name === undefined
      ? undefined
      : c.str(o.name, `${path}.name`, { pattern: NAME_RE, what: 'topic name' });
  const partitions =
    o.partitions === undefined ? undefined : c.int(o.partitions, `${path}.partitions`, 1, 100_000);
  const produceRate = o.produceRate === undefined ? 0 : (c.num(o.produceRate, `${path}.produceRate`, 0) ?? 0);
  let logEndOffsets: number[] | undefined;
  if (o.logEndOffsets !== undefined) {
    const raw = c.arr(o.logEndOffsets, `${path}.logEndOffsets`);
    if (raw !== undefined && partitions !== undefined && raw.length > partitions) {
      c.fail(
        `${path}.logEndOffsets`,
        `lists ${raw.length} offsets but the topic has ${partitions} partitions (one offset per partition, from partition 0)`,
      );
    } else if (raw !== undefined) {
      logEndOffsets = raw.map(
        (v, p) => c.int(v, `${path}.logEndOffsets[${p}]`, 0, Number.MAX_SAFE_INTEGER) ?? 0,
      );
    }
  }
  if (name === undefined || partitions === undefined) return undefined;
  return { name, partitions, produceRate, ...(logEndOffsets !== undefined ? { logEndOffsets } : {}) };
}

/**
 * `groups[].committedOffsets`: topic → committed offset by partition (null: none). A topic must be
 * one of `topics`, and no offset may be past its partition's log-end offset at the start (the
 * simulator has no truncation that would explain one).
 */
function readCommittedOffsets(
  c: Checker,
  raw: Json,
  path: string,
  topics: readonly ScenarioTopic[],
): Map<string, (number | null)[]> | undefined {
  const o = c.obj(raw, path);
  if (o === undefined) return undefined;
  const out = new Map<string, (number | null)[]>();
  for (const [topic, value] of Object.entries(o)) {
    const tp = join(path, topic);
    const t = topics.find((x) => x.name === topic);
    if (t === undefined) {
      const hint = closest(
        topic,
        topics.map((x) => x.name),
      );
      c.fail(
        tp,
        `"${topic}" is not one of the scenario's topics${hint !== null ? ` (did you mean "${hint}"?)` : ''}`,
      );
      continue;
    }
    const offsets = c.arr(value, tp);
    if (offsets === undefined) continue;
    if (offsets.length > t.partitions) {
      c.fail(tp, `lists ${offsets.length} offsets but "${topic}" has ${t.partitions} partitions`);
      continue;
    }
    out.set(
      topic,
      offsets.map((v, p) => {
        if (v === null) return null;
        const n = c.int(v, `${tp}[${p}]`, 0, Number.MAX_SAFE_INTEGER);
        if (n === undefined) return null;
        const end = t.logEndOffsets?.[p] ?? 0;
        if (n > end) {
          c.fail(
            `${tp}[${p}]`,
            `${n} is past the log-end offset of ${topic}-${p} (${end}); set topics[].logEndOffsets, or lower the offset`,
          );
        }
        return n;
      }),
    );
  }
  return out;
}

function readMembers(
  c: Checker,
  raw: Json,
  path: string,
  groupId: string,
  group: MemberTemplate,
): ScenarioMember[] {
  const o = c.obj(raw, path);
  if (o === undefined) return [];
  c.keys(o, path, MEMBER_KEYS);
  const count = o.count === undefined ? 1 : c.int(o.count, `${path}.count`, 1, 100_000);
  if (count === undefined) return [];
  const nameTemplate =
    o.name === undefined
      ? undefined
      : c.str(o.name, `${path}.name`, { pattern: /^[A-Za-z0-9._{}-]{1,200}$/, what: 'member name' });
  if (o.name === undefined) c.fail(`${path}.name`, 'is required');
  if (nameTemplate === undefined) return [];
  if (count > 1 && !nameTemplate.includes('{i}')) {
    c.fail(
      `${path}.name`,
      `with "count": ${count}, the name needs "{i}" (e.g. "consumer-{i}") to tell the members apart`,
    );
    return [];
  }
  const startAtMs = o.startAt === undefined ? 0 : (c.duration(o.startAt, `${path}.startAt`) ?? 0);
  const t = readTemplateFields(c, o, path, group);
  const out: ScenarioMember[] = [];
  for (let i = 1; i <= count; i++) {
    const name = nameTemplate.replaceAll('{i}', String(i));
    out.push(resolveMember(t, name, groupId, startAtMs, i));
  }
  return out;
}

function resolveMember(
  t: MemberTemplate,
  name: string,
  groupId: string,
  startAtMs: number,
  index: number,
): ScenarioMember {
  const sub: ConsumerConfig['subscription'] =
    t.pattern !== null ? { pattern: t.pattern } : { topics: t.subscription ?? [] };
  const instanceId = t.config.groupInstanceId;
  const overrides: ConfigPatch = {
    ...t.config,
    clientId: t.config.clientId?.replaceAll('{i}', String(index)) ?? name,
    groupInstanceId:
      instanceId === undefined || instanceId === null ? null : instanceId.replaceAll('{i}', String(index)),
    clientHost: t.host?.replaceAll('{i}', String(index)) ?? `/10.0.0.${(index % 250) + 1}`,
    subscription: sub,
  };
  return {
    name,
    groupId,
    startAtMs,
    config: defaultConsumerConfig(groupId, name, overrides),
    behaviour: { ...DEFAULT_BEHAVIOUR, ...t.behaviour },
    explicit: { groupProtocol: t.explicitProtocol, assignor: t.explicitAssignor },
  };
}

const STEP_KEYS: Record<ScenarioAction['do'], readonly string[]> = {
  'add-member': ['group', 'member'],
  crash: ['member'],
  shutdown: ['member'],
  start: ['member'],
  restart: ['member', 'downFor', 'crash'],
  'network-partition': ['member', 'for'],
  'set-behaviour': ['member', 'behaviour', 'for'],
  subscribe: ['member', 'topics'],
  'add-partitions': ['topic', 'partitions'],
  'create-topic': ['topic'],
  'delete-topic': ['topic'],
  'set-produce-rate': ['topic', 'rate'],
};

interface StepContext {
  groupIds: Set<string>;
  templates: Map<string, MemberTemplate>;
  memberNames: Set<string>;
  knownTopics: Set<string>;
}

function readStep(c: Checker, raw: Json, path: string, ctx: StepContext): ScenarioStep | undefined {
  const o = c.obj(raw, path);
  if (o === undefined) return undefined;
  const kinds = Object.keys(STEP_KEYS) as ScenarioAction['do'][];
  const kind = c.oneOf(o.do, `${path}.do`, kinds);
  if (o.at === undefined) c.fail(`${path}.at`, 'is required (when the step happens, e.g. "30s")');
  const atMs = o.at === undefined ? undefined : c.duration(o.at, `${path}.at`);
  if (kind === undefined) return undefined;
  c.keys(o, path, ['at', 'do', ...STEP_KEYS[kind]]);
  const member = (): string | undefined => {
    if (o.member === undefined) {
      c.fail(`${path}.member`, 'is required');
      return undefined;
    }
    const m = c.str(o.member, `${path}.member`);
    if (m !== undefined && !ctx.memberNames.has(m)) {
      const near = closest(m, [...ctx.memberNames]);
      c.fail(
        `${path}.member`,
        `no member is named "${m}"${near === null ? '' : ` (did you mean "${near}"?)`}`,
      );
      return undefined;
    }
    return m;
  };
  const topic = (): string | undefined => {
    if (o.topic === undefined) {
      c.fail(`${path}.topic`, 'is required');
      return undefined;
    }
    const t = c.str(o.topic, `${path}.topic`);
    if (t !== undefined && !ctx.knownTopics.has(t)) {
      c.fail(`${path}.topic`, `no topic is named "${t}" at this point`);
      return undefined;
    }
    return t;
  };
  let action: ScenarioAction | undefined;
  switch (kind) {
    case 'add-member': {
      const gid = c.str(o.group, `${path}.group`);
      if (gid === undefined) break;
      const template = ctx.templates.get(gid);
      if (template === undefined) {
        c.fail(`${path}.group`, `no group has id "${gid}"`);
        break;
      }
      const members = readMembers(c, o.member, `${path}.member`, gid, template);
      if (members.length !== 1) {
        if (members.length > 1) c.fail(`${path}.member.count`, 'add one member per step');
        break;
      }
      const m = members[0];
      if (ctx.memberNames.has(m.name)) {
        c.fail(`${path}.member.name`, `member "${m.name}" already exists`);
        break;
      }
      ctx.memberNames.add(m.name);
      action = { do: 'add-member', member: { ...m, startAtMs: atMs ?? 0 } };
      break;
    }
    case 'crash':
    case 'shutdown':
    case 'start': {
      const m = member();
      if (m !== undefined) action = { do: kind, member: m };
      break;
    }
    case 'restart': {
      const m = member();
      const downForMs = o.downFor === undefined ? 0 : c.duration(o.downFor, `${path}.downFor`);
      const crash = o.crash === undefined ? false : c.bool(o.crash, `${path}.crash`);
      if (m !== undefined && downForMs !== undefined && crash !== undefined)
        action = { do: 'restart', member: m, downForMs, crash };
      break;
    }
    case 'network-partition': {
      const m = member();
      if (o.for === undefined) c.fail(`${path}.for`, 'is required (how long the member is cut off)');
      const forMs = o.for === undefined ? undefined : c.duration(o.for, `${path}.for`, { min: 1 });
      if (m !== undefined && forMs !== undefined) action = { do: 'network-partition', member: m, forMs };
      break;
    }
    case 'set-behaviour': {
      const m = member();
      if (o.behaviour === undefined) c.fail(`${path}.behaviour`, 'is required');
      const behaviour = o.behaviour === undefined ? {} : readBehaviour(c, o.behaviour, `${path}.behaviour`);
      const forMs = o.for === undefined ? null : (c.duration(o.for, `${path}.for`, { min: 1 }) ?? null);
      if (m !== undefined) action = { do: 'set-behaviour', member: m, behaviour, forMs };
      break;
    }
    case 'subscribe': {
      const m = member();
      const topics = c.strList(o.topics, `${path}.topics`, NAME_RE, 'topic name');
      if (topics !== undefined) {
        for (const [i, t] of topics.entries()) {
          if (!ctx.knownTopics.has(t))
            c.fail(`${path}.topics[${i}]`, `no topic is named "${t}" at this point`);
        }
      }
      if (m !== undefined && topics !== undefined) action = { do: 'subscribe', member: m, topics };
      break;
    }
    case 'add-partitions': {
      const t = topic();
      const partitions = c.int(o.partitions, `${path}.partitions`, 1, 100_000);
      if (t !== undefined && partitions !== undefined)
        action = { do: 'add-partitions', topic: t, partitions };
      break;
    }
    case 'create-topic': {
      const t = readTopic(c, o.topic, `${path}.topic`);
      if (t !== undefined) {
        if (ctx.knownTopics.has(t.name)) c.fail(`${path}.topic.name`, `topic "${t.name}" already exists`);
        ctx.knownTopics.add(t.name);
        action = { do: 'create-topic', topic: t };
      }
      break;
    }
    case 'delete-topic': {
      const t = topic();
      if (t !== undefined) action = { do: 'delete-topic', topic: t };
      break;
    }
    case 'set-produce-rate': {
      const t = topic();
      const rate = c.num(o.rate, `${path}.rate`, 0);
      if (t !== undefined && rate !== undefined) action = { do: 'set-produce-rate', topic: t, rate };
      break;
    }
  }
  if (action === undefined || atMs === undefined) return undefined;
  return { ...action, atMs, path };
}

// --- the initial state of a group ------------------------------------------------------------

const INITIAL_KEYS = {
  consumer: ['protocol', 'groupEpoch', 'assignmentEpoch', 'members'],
  classic: ['protocol', 'generation', 'protocolName', 'leader', 'members'],
} as const;
const INITIAL_MEMBER_KEYS = {
  consumer: [
    'member',
    'memberId',
    'memberEpoch',
    'previousMemberEpoch',
    'assigned',
    'pendingRevocation',
    'target',
  ],
  classic: ['member', 'memberId', 'assigned'],
} as const;
const MEMBER_ID_RE = /^\P{Cc}{1,255}$/u;

/**
 * `groups[].initialState`: the group as it stands when the run starts. Checked against the group
 * (members, their protocol) and the topics (names, partition counts); a state the coordinator
 * cannot be in (a partition held by two members, epochs out of order) is refused.
 */
function readInitialState(
  c: Checker,
  raw: Json,
  path: string,
  group: ScenarioGroup,
  partitions: ReadonlyMap<string, number>,
): ScenarioInitialState | undefined {
  const o = c.obj(raw, path);
  if (o === undefined) return undefined;
  if (o.protocol === undefined) {
    c.fail(`${path}.protocol`, 'is required: "consumer" or "classic"');
    return undefined;
  }
  const protocol = c.oneOf(o.protocol, `${path}.protocol`, ['consumer', 'classic'] as const);
  if (protocol === undefined) return undefined;
  c.keys(o, path, INITIAL_KEYS[protocol]);
  const before = c.problems.length;
  const required = (k: string): Json => {
    if (o[k] === undefined) c.fail(join(path, k), 'is required');
    return o[k];
  };
  const byName = new Map(group.members.map((m) => [m.name, m]));
  const members: ScenarioInitialMember[] = [];
  const memberIds = new Map<string, string>();
  const holders = new Map<string, string>();
  const targets = new Map<string, string>();
  const rawMembers = c.arr(required('members'), `${path}.members`) ?? [];
  if (o.members !== undefined && Array.isArray(o.members) && rawMembers.length === 0)
    c.fail(`${path}.members`, 'must list at least one member (or leave out initialState)');

  let groupEpoch = 0;
  let assignmentEpoch = 0;
  let generation = 0;
  if (protocol === 'consumer') {
    groupEpoch = c.int(required('groupEpoch'), `${path}.groupEpoch`, 1) ?? 0;
    assignmentEpoch = c.int(required('assignmentEpoch'), `${path}.assignmentEpoch`, 1) ?? 0;
    if (groupEpoch > 0 && assignmentEpoch > groupEpoch)
      c.fail(`${path}.assignmentEpoch`, `must not be above the group epoch (${groupEpoch})`);
  } else {
    generation = c.int(required('generation'), `${path}.generation`, 1) ?? 0;
  }

  rawMembers.forEach((rm, i) => {
    const mp = `${path}.members[${i}]`;
    const mo = c.obj(rm, mp);
    if (mo === undefined) return;
    c.keys(mo, mp, INITIAL_MEMBER_KEYS[protocol]);
    if (mo.member === undefined) c.fail(`${mp}.member`, 'is required (a member name from this group)');
    const name = mo.member === undefined ? undefined : c.str(mo.member, `${mp}.member`);
    const spec = name === undefined ? undefined : byName.get(name);
    if (name !== undefined && spec === undefined) {
      const near = closest(name, [...byName.keys()]);
      c.fail(
        `${mp}.member`,
        `group "${group.id}" has no member named "${name}"${near === null ? '' : ` (did you mean "${near}"?)`}`,
      );
    }
    if (spec !== undefined) {
      if (members.some((m) => m.member === spec.name))
        c.fail(`${mp}.member`, `"${spec.name}" is listed twice`);
      if (spec.startAtMs !== 0)
        c.fail(
          `${mp}.member`,
          `"${spec.name}" starts at ${spec.startAtMs} ms, but a member of the initial state runs from the start: remove its startAt`,
        );
      if (spec.explicit.groupProtocol && spec.config.groupProtocol !== protocol)
        c.fail(
          `${mp}.member`,
          `"${spec.name}" sets group.protocol=${spec.config.groupProtocol}, but the initial state is a ${protocol}-protocol group`,
        );
    }
    if (mo.memberId === undefined)
      c.fail(`${mp}.memberId`, 'is required (the id the coordinator knows it by)');
    const memberId =
      mo.memberId === undefined
        ? undefined
        : c.str(mo.memberId, `${mp}.memberId`, {
            pattern: MEMBER_ID_RE,
            what: 'member id (1-255 characters, no control characters)',
          });
    if (memberId !== undefined) {
      const other = memberIds.get(memberId);
      if (other !== undefined) c.fail(`${mp}.memberId`, `"${memberId}" is also the id of "${other}"`);
      memberIds.set(memberId, name ?? memberId);
    }
    let memberEpoch = generation;
    let previousMemberEpoch: number | null = null;
    if (protocol === 'consumer') {
      if (mo.memberEpoch === undefined) c.fail(`${mp}.memberEpoch`, 'is required');
      else {
        memberEpoch = c.int(mo.memberEpoch, `${mp}.memberEpoch`, 1) ?? 0;
        if (assignmentEpoch > 0 && memberEpoch > assignmentEpoch)
          c.fail(`${mp}.memberEpoch`, `must not be above the assignment epoch (${assignmentEpoch})`);
      }
      if (mo.previousMemberEpoch !== undefined && mo.previousMemberEpoch !== null) {
        previousMemberEpoch = c.int(mo.previousMemberEpoch, `${mp}.previousMemberEpoch`, -1) ?? null;
        if (previousMemberEpoch !== null && memberEpoch > 0 && previousMemberEpoch > memberEpoch)
          c.fail(`${mp}.previousMemberEpoch`, `must not be above the member epoch (${memberEpoch})`);
      }
    }
    const who = name ?? `members[${i}]`;
    const assigned = readAssignment(c, mo.assigned ?? {}, `${mp}.assigned`, partitions);
    const pending =
      protocol === 'consumer'
        ? readAssignment(c, mo.pendingRevocation ?? {}, `${mp}.pendingRevocation`, partitions)
        : {};
    const target =
      protocol === 'consumer' && mo.target !== undefined
        ? readAssignment(c, mo.target, `${mp}.target`, partitions)
        : assigned;
    for (const [field, a] of [
      ['assigned', assigned],
      ['pendingRevocation', pending],
    ] as const) {
      for (const [topic, parts] of Object.entries(a)) {
        for (const p of parts) {
          const key = `${topic}-${p}`;
          const other = holders.get(key);
          if (other !== undefined)
            c.fail(
              `${mp}.${field}`,
              other === who
                ? `${key} is both assigned and pending revocation`
                : `${key} is also held by "${other}": a partition has one owner`,
            );
          else holders.set(key, who);
        }
      }
    }
    if (protocol === 'consumer') {
      for (const [topic, parts] of Object.entries(target)) {
        for (const p of parts) {
          const key = `${topic}-${p}`;
          const other = targets.get(key);
          if (other !== undefined)
            c.fail(`${mp}.target`, `${key} is also in the target of "${other}": a target has one owner`);
          else targets.set(key, who);
        }
      }
    }
    if (name !== undefined && memberId !== undefined)
      members.push({
        member: name,
        memberId,
        memberEpoch,
        previousMemberEpoch,
        assigned,
        pendingRevocation: pending,
        target,
      });
  });

  if (protocol === 'classic') {
    const protocolRaw = required('protocolName');
    let protocolName: string | undefined;
    if (protocolRaw !== undefined) {
      const n = c.str(protocolRaw, `${path}.protocolName`);
      if (n !== undefined) {
        protocolName = CLIENT_ASSIGNORS[n];
        if (protocolName === undefined)
          c.fail(
            `${path}.protocolName`,
            `unknown assignor "${n}"; use range, roundrobin, sticky or cooperative-sticky`,
          );
      }
    }
    if (protocolName !== undefined) {
      for (const [i, m] of members.entries()) {
        const spec = byName.get(m.member);
        if (
          spec?.explicit.assignor === true &&
          !spec.config.partitionAssignmentStrategy.includes(protocolName)
        )
          c.fail(
            `${path}.members[${i}].member`,
            `"${m.member}" does not list ${protocolName} in partition.assignment.strategy, so the group cannot have selected it`,
          );
      }
    }
    const leaderRaw = required('leader');
    const leader = leaderRaw === undefined ? undefined : c.str(leaderRaw, `${path}.leader`);
    if (leader !== undefined && !members.some((m) => m.member === leader))
      c.fail(`${path}.leader`, `"${leader}" is not one of the members of the initial state`);
    if (c.problems.length > before || protocolName === undefined || leader === undefined) return undefined;
    return { protocol, generation, protocolName, leader, members };
  }
  if (c.problems.length > before) return undefined;
  return { protocol, groupEpoch, assignmentEpoch, members };
}

/** `{ "orders": [0, 1, 2] }`: partitions of topics that exist at the start, each once. */
function readAssignment(
  c: Checker,
  raw: Json,
  path: string,
  partitions: ReadonlyMap<string, number>,
): Assignment {
  const o = c.obj(raw, path);
  if (o === undefined) return {};
  const out: Record<string, number[]> = {};
  for (const [topic, list] of Object.entries(o)) {
    const tp = join(path, topic);
    const n = partitions.get(topic);
    if (n === undefined) {
      c.fail(tp, `no topic is named "${topic}" in "topics"`);
      continue;
    }
    const arr = c.arr(list, tp);
    if (arr === undefined) continue;
    const seen = new Set<number>();
    arr.forEach((v, i) => {
      const p = c.int(v, `${tp}[${i}]`, 0);
      if (p === undefined) return;
      if (p >= n) {
        c.fail(
          `${tp}[${i}]`,
          `partition ${p} does not exist: "${topic}" has ${n} partition${n === 1 ? '' : 's'} (0 to ${n - 1})`,
        );
        return;
      }
      if (seen.has(p)) c.fail(`${tp}[${i}]`, `partition ${p} is listed twice`);
      seen.add(p);
    });
    if (seen.size > 0) out[topic] = [...seen].sort((a, b) => a - b);
  }
  return out;
}

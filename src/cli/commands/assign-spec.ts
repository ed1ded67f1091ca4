/**
 * The input of `kgd assign` (docs/assign.md): topics and members as JSON, validated field by
 * field. Every error names the file, the JSON path and the reason.
 */
import { stringHashCode } from '../../simulator/java/hash';
import { Uuid, uuidSyntaxError } from '../../simulator/java/uuid';
import { Random } from '../../simulator/random';
import { UserError } from '../io';

export interface SpecTopic {
  readonly name: string;
  readonly id: string;
  readonly partitions: number;
}

export interface SpecMember {
  readonly id: string;
  readonly instanceId: string | null;
  readonly rack: string | null;
  readonly subscriptions: readonly string[];
  /** Topic name → partitions, in the order written. */
  readonly assignment: readonly (readonly [string, readonly number[]])[];
  readonly generation: number | null;
}

export interface AssignSpec {
  readonly topics: readonly SpecTopic[];
  readonly members: readonly SpecMember[];
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const MAX_PARTITIONS = 1_000_000;

class SpecError extends UserError {}

function fail(source: string, path: string, reason: string): never {
  throw new SpecError(`${source}: ${path}: ${reason}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(
  source: string,
  path: string,
  obj: Record<string, unknown>,
  allowed: readonly string[],
): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      fail(source, `${path}.${k}`, `unknown field (expected one of: ${allowed.join(', ')})`);
    }
  }
}

function optionalString(source: string, path: string, v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length === 0)
    fail(source, path, `must be a non-empty string or null, got ${describe(v)}`);
  return v;
}

/**
 * A stable topic id for a topic given without one (Kafka would have assigned a random one). The
 * seed is an FNV-1a hash of the name: String.hashCode would give "Aa" and "BB" the same id.
 */
export function defaultTopicId(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return Uuid.random(new Random(h ^ stringHashCode(name))).toString();
}

/** Parses and validates a spec. `side` decides whether two members may claim one partition. */
export function parseAssignSpec(text: string, source: string, side: 'server' | 'client'): AssignSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new SpecError(`${source}: not valid JSON (${why}). See docs/assign.md for the format.`);
  }
  if (!isRecord(raw))
    fail(source, '$', `must be an object with "topics" and "members", got ${describe(raw)}`);
  checkKeys(source, '$', raw, ['topics', 'members']);
  if (!Array.isArray(raw.topics))
    fail(source, '$.topics', `must be an array of topics, got ${describe(raw.topics)}`);
  if (!Array.isArray(raw.members))
    fail(source, '$.members', `must be an array of members, got ${describe(raw.members)}`);

  const topics: SpecTopic[] = [];
  const byName = new Map<string, SpecTopic>();
  const ids = new Map<string, string>();
  (raw.topics as unknown[]).forEach((t, i) => {
    const path = `$.topics[${i}]`;
    if (!isRecord(t)) fail(source, path, `must be an object, got ${describe(t)}`);
    checkKeys(source, path, t, ['name', 'id', 'partitions']);
    if (typeof t.name !== 'string' || !TOPIC_NAME.test(t.name)) {
      fail(
        source,
        `${path}.name`,
        `must be a Kafka topic name (1-249 of a-z A-Z 0-9 . _ -), got ${describe(t.name)}`,
      );
    }
    if (byName.has(t.name)) fail(source, `${path}.name`, `topic "${t.name}" is listed twice`);
    let id: string;
    if (t.id === undefined || t.id === null) id = defaultTopicId(t.name);
    else {
      if (typeof t.id !== 'string')
        fail(source, `${path}.id`, `must be a Kafka topic id string, got ${describe(t.id)}`);
      const err = uuidSyntaxError(t.id);
      if (err !== null) fail(source, `${path}.id`, err);
      id = t.id;
    }
    const other = ids.get(id);
    if (other !== undefined) fail(source, `${path}.id`, `topic id ${id} is also the id of "${other}"`);
    if (
      typeof t.partitions !== 'number' ||
      !Number.isInteger(t.partitions) ||
      t.partitions < 0 ||
      t.partitions > MAX_PARTITIONS
    ) {
      fail(
        source,
        `${path}.partitions`,
        `must be an integer from 0 to ${MAX_PARTITIONS}, got ${describe(t.partitions)}`,
      );
    }
    const topic = { name: t.name, id, partitions: t.partitions };
    topics.push(topic);
    byName.set(t.name, topic);
    ids.set(id, t.name);
  });

  const members: SpecMember[] = [];
  const memberIds = new Set<string>();
  const instanceIds = new Map<string, string>();
  const owners = new Map<string, string>();
  (raw.members as unknown[]).forEach((m, i) => {
    const path = `$.members[${i}]`;
    if (!isRecord(m)) fail(source, path, `must be an object, got ${describe(m)}`);
    checkKeys(source, path, m, ['id', 'instanceId', 'rack', 'subscriptions', 'assignment', 'generation']);
    if (typeof m.id !== 'string' || m.id.length === 0)
      fail(source, `${path}.id`, `must be a non-empty string, got ${describe(m.id)}`);
    if (memberIds.has(m.id)) fail(source, `${path}.id`, `member "${m.id}" is listed twice`);
    memberIds.add(m.id);
    const instanceId = optionalString(source, `${path}.instanceId`, m.instanceId);
    if (instanceId !== null) {
      const holder = instanceIds.get(instanceId);
      if (holder !== undefined)
        fail(source, `${path}.instanceId`, `instance id "${instanceId}" is also used by member "${holder}"`);
      instanceIds.set(instanceId, m.id);
    }
    const rack = optionalString(source, `${path}.rack`, m.rack);
    if (!Array.isArray(m.subscriptions)) {
      fail(
        source,
        `${path}.subscriptions`,
        `must be an array of topic names, got ${describe(m.subscriptions)}`,
      );
    }
    const subscriptions: string[] = [];
    (m.subscriptions as unknown[]).forEach((s, k) => {
      if (typeof s !== 'string' || s.length === 0)
        fail(source, `${path}.subscriptions[${k}]`, `must be a topic name, got ${describe(s)}`);
      if (subscriptions.includes(s)) fail(source, `${path}.subscriptions[${k}]`, `"${s}" is listed twice`);
      subscriptions.push(s);
    });
    const assignment: [string, number[]][] = [];
    if (m.assignment !== undefined && m.assignment !== null) {
      if (!isRecord(m.assignment)) {
        fail(
          source,
          `${path}.assignment`,
          `must be an object of topic name → partitions, got ${describe(m.assignment)}`,
        );
      }
      for (const [name, ps] of Object.entries(m.assignment)) {
        const apath = `${path}.assignment.${name}`;
        const topic = byName.get(name);
        if (topic === undefined) fail(source, apath, `topic "${name}" is not in $.topics`);
        if (!Array.isArray(ps))
          fail(source, apath, `must be an array of partition numbers, got ${describe(ps)}`);
        const parts: number[] = [];
        (ps as unknown[]).forEach((p, k) => {
          if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) {
            fail(source, `${apath}[${k}]`, `must be a partition number (an integer ≥ 0), got ${describe(p)}`);
          }
          if (p >= topic.partitions) {
            fail(
              source,
              `${apath}[${k}]`,
              `partition ${p} does not exist (topic "${name}" has ${topic.partitions} partitions)`,
            );
          }
          if (parts.includes(p)) fail(source, `${apath}[${k}]`, `partition ${p} is listed twice`);
          const key = `${name}:${p}`;
          const owner = owners.get(key);
          if (owner !== undefined && side === 'server') {
            fail(
              source,
              `${apath}[${k}]`,
              `partition ${name}-${p} is also in member "${owner}"'s assignment (a target assignment gives each partition to one member)`,
            );
          }
          owners.set(key, m.id as string);
          parts.push(p);
        });
        if (parts.length > 0) assignment.push([name, parts]);
      }
    }
    let generation: number | null = null;
    if (m.generation !== undefined && m.generation !== null) {
      if (
        typeof m.generation !== 'number' ||
        !Number.isInteger(m.generation) ||
        m.generation < 0 ||
        m.generation > 2147483647
      ) {
        fail(
          source,
          `${path}.generation`,
          `must be a generation number (an integer ≥ 0) or null, got ${describe(m.generation)}`,
        );
      }
      generation = m.generation;
    }
    members.push({ id: m.id, instanceId, rack, subscriptions, assignment, generation });
  });
  return { topics, members };
}

/**
 * Our model of Java's collections (src/simulator/java) against a real JVM: random sequences of
 * put / computeIfAbsent / remove / iterator-remove / clear on HashMap and HashSet with String,
 * Integer, Kafka Uuid and TopicPartition keys, with capacities and keys chosen to collide (so
 * buckets grow into red-black tree bins, split on resize and shrink back), and Kafka's
 * TimelineHashMap. The iteration order must be identical after every step.
 */
import { strict as assert } from 'node:assert';
import { Random } from '../../src/simulator/random';
import { JavaHashMap, JavaHashSet } from '../../src/simulator/java/hashmap';
import {
  JAVA_INTEGER,
  JAVA_STRING,
  JAVA_TOPIC_PARTITION,
  JAVA_UUID,
  type JavaKeyType,
  type TopicPartitionKey,
} from '../../src/simulator/java/keys';
import { javaHashOrder, javaIntSetOrder } from '../../src/simulator/java/order';
import { TimelineHashOrder } from '../../src/simulator/java/timeline';
import { Uuid } from '../../src/simulator/java/uuid';
import { oracle } from './support/oracle';

type KeyTypeName = 'String' | 'Integer' | 'Uuid' | 'TopicPartition';
type Key = string | number | [string, number];
type Op = [string] | [string, Key];

interface CollectionsCase {
  id: number;
  kind: 'collections';
  keyType: KeyTypeName;
  ctor: string;
  copyOf?: Key[];
  ops: Op[];
}

const CASES = Number(process.env.KGD_ORACLE_COLLECTION_CASES ?? 600);
const COMPUTE_CASES = Math.ceil(CASES / 2);

function keyPool(rng: Random, type: KeyTypeName): Key[] {
  const n = rng.between(5, 120);
  const pool: Key[] = [];
  if (type === 'Integer') {
    const stride = [1, 16, 64, 128, 1024][rng.int(5)];
    for (let i = 0; i < n; i++)
      pool.push(rng.int(3) === 0 ? rng.int(70000) - 1000 : stride * rng.int(60) + rng.int(2) * rng.int(8));
  } else if (type === 'String') {
    const blocks = ['Aa', 'BB', 'C#', 'Db']; // "Aa" and "BB" (and "C#"/"Db") share hash codes
    for (let i = 0; i < n; i++) {
      let s = '';
      const len = rng.between(1, 4);
      for (let k = 0; k < len; k++)
        s += rng.int(4) === 0 ? String.fromCharCode(97 + rng.int(26)) : blocks[rng.int(4)];
      pool.push(s);
    }
  } else if (type === 'Uuid') {
    // Uuids made to share a few hash codes, so buckets collide on the full hash.
    const targets = [0, 7, 16 * 1024, -5];
    for (let i = 0; i < n; i++) {
      const w0 = rng.nextUint32() & 0x7fffffff;
      const w1 = rng.nextUint32() | 0;
      const w2 = rng.nextUint32() | 0;
      const target = rng.int(2) === 0 ? targets[rng.int(targets.length)] : rng.nextUint32() | 0;
      const w3 = (target ^ w0 ^ w1 ^ w2) | 0;
      pool.push(Uuid.fromWords(w0, w1, w2, w3).toString());
    }
  } else {
    for (let i = 0; i < n; i++) pool.push([['t', 'orders', 'Aa', 'BB'][rng.int(4)], rng.int(200)]);
  }
  return pool;
}

function randomCase(id: number): CollectionsCase {
  const rng = new Random(id * 31337);
  const keyType = (['String', 'Integer', 'Uuid', 'TopicPartition'] as const)[rng.int(4)];
  const pool = keyPool(rng, keyType);
  const pick = (): Key => pool[rng.int(pool.length)];
  const ctorKind = rng.int(3);
  const ctor = ctorKind === 0 ? 'default' : ctorKind === 1 ? `cap:${rng.int(80)}` : 'copy';
  const copyOf =
    ctor === 'copy'
      ? [
          ...new Map(
            Array.from({ length: rng.int(40) }, () => pick()).map((k) => [JSON.stringify(k), k]),
          ).values(),
        ]
      : undefined;
  const ops: Op[] = [];
  const steps = rng.between(5, 300);
  for (let i = 0; i < steps; i++) {
    const r = rng.int(100);
    if (r < 45) ops.push(['put', pick()]);
    else if (r < 65) ops.push(['cif', pick()]);
    else if (r < 85) ops.push(['remove', pick()]);
    else if (r < 93) ops.push(['iterRemove', pick()]);
    else if (r < 94) ops.push(['clear']);
    else ops.push(['snapshot']);
  }
  return { id, kind: 'collections', keyType, ctor, ...(copyOf ? { copyOf } : {}), ops };
}

function typeOf(name: KeyTypeName): JavaKeyType<unknown> {
  const types: Record<KeyTypeName, JavaKeyType<never>> = {
    String: JAVA_STRING,
    Integer: JAVA_INTEGER,
    Uuid: JAVA_UUID,
    TopicPartition: JAVA_TOPIC_PARTITION,
  };
  return types[name] as JavaKeyType<unknown>;
}

function toKey(name: KeyTypeName, k: Key): unknown {
  return name === 'TopicPartition'
    ? ({
        topic: (k as [string, number])[0],
        partition: (k as [string, number])[1],
      } satisfies TopicPartitionKey)
    : k;
}

function fromKey(name: KeyTypeName, k: unknown): Key {
  if (name === 'TopicPartition') {
    const tp = k as TopicPartitionKey;
    return [tp.topic, tp.partition];
  }
  return k as Key;
}

/** Runs a case on our model; null when a tree-bin tie had to be broken by identity (not reproducible). */
function runOurs(c: CollectionsCase): { order: Key[]; snapshots: Key[][]; copyOrder?: Key[] } | null {
  const type = typeOf(c.keyType);
  let map: JavaHashMap<unknown, boolean>;
  let copyOrder: Key[] | undefined;
  if (c.ctor === 'default') map = new JavaHashMap(type);
  else if (c.ctor.startsWith('cap:')) map = new JavaHashMap(type, Number(c.ctor.slice(4)));
  else {
    const items = (c.copyOf ?? []).map((k) => toKey(c.keyType, k));
    const set = JavaHashSet.copyOf(type, items, items.length);
    map = set.map;
    copyOrder = set.toArray().map((k) => fromKey(c.keyType, k));
  }
  const snapshots: Key[][] = [];
  for (const op of c.ops) {
    const k = op.length > 1 ? toKey(c.keyType, op[1] as Key) : undefined;
    switch (op[0]) {
      case 'put':
        map.set(k, true);
        break;
      case 'cif':
        map.computeIfAbsent(k, () => true);
        break;
      case 'computePut':
        map.compute(k, () => true);
        break;
      case 'computeRemove':
        map.compute(k, () => undefined);
        break;
      case 'remove':
        map.delete(k);
        break;
      case 'iterRemove':
        map.delete(k, false);
        break;
      case 'clear':
        map.clear();
        break;
      default:
        snapshots.push(map.keyArray().map((x) => fromKey(c.keyType, x)));
    }
  }
  if (map.identityTieBreak) return null;
  return {
    order: map.keyArray().map((x) => fromKey(c.keyType, x)),
    snapshots,
    ...(copyOrder ? { copyOrder } : {}),
  };
}

/** Runs the cases on the JVM and on our model: the cases that differ, and how many were compared. */
async function diffWithJava(
  cases: readonly CollectionsCase[],
): Promise<{ failures: string[]; compared: number }> {
  const results = await oracle().run(cases);
  let compared = 0;
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const r = results[i];
    assert.equal(r.error, undefined, `case ${c.id}: the oracle failed: ${r.error}`);
    const ours = runOurs(c);
    if (ours === null) continue;
    compared++;
    const expected = JSON.stringify({ order: r.order, snapshots: r.snapshots, copyOrder: r.copyOrder });
    const actual = JSON.stringify({
      order: ours.order,
      snapshots: ours.snapshots,
      copyOrder: ours.copyOrder,
    });
    if (expected !== actual) {
      failures.push(
        `case ${c.id} (${c.keyType}, ${c.ctor}, ${c.ops.length} ops):\n  Java ${JSON.stringify(r.order)}\n  ours ${JSON.stringify(ours.order)}`,
      );
    }
  }
  return { failures, compared };
}

describe('Java collections model vs a real JVM (JDK 17)', function () {
  this.timeout(120_000);

  it(`HashMap/HashSet iteration order matches on ${CASES} random operation sequences`, async () => {
    const cases = Array.from({ length: CASES }, (_, i) => randomCase(i + 1));
    const { failures, compared } = await diffWithJava(cases);
    assert.deepEqual(failures.slice(0, 3), [], `${failures.length} sequences differ`);
    assert.ok(compared > CASES * 0.9, `compared ${compared} of ${CASES}`);
  });

  it(`HashMap.compute (new keys at the bucket head, removal on null) matches on ${COMPUTE_CASES} random sequences`, async () => {
    // The same generator with computeIfAbsent → compute(k, v -> TRUE) and iterator removal →
    // compute(k, v -> null), on other seeds.
    const cases = Array.from({ length: COMPUTE_CASES }, (_, i) => {
      const c = randomCase(100_000 + i);
      const renamed: Record<string, string> = { cif: 'computePut', iterRemove: 'computeRemove' };
      const ops = c.ops.map((op): Op => (op.length === 2 ? [renamed[op[0]] ?? op[0], op[1]] : op));
      return { ...c, ops };
    });
    const { failures, compared } = await diffWithJava(cases);
    assert.deepEqual(failures.slice(0, 3), [], `${failures.length} sequences differ`);
    assert.ok(compared > COMPUTE_CASES * 0.9, `compared ${compared} of ${COMPUTE_CASES}`);
  });

  it('the fast order helpers agree with Java for the shapes the assignors build', async () => {
    const rng = new Random(99);
    const cases: CollectionsCase[] = [];
    const expectations: Key[][] = [];
    for (let i = 0; i < 300; i++) {
      const keyType = (['Integer', 'String', 'Uuid'] as const)[i % 3];
      const pool = [...new Map(keyPool(rng, keyType).map((k) => [JSON.stringify(k), k])).values()];
      const copy = rng.int(2) === 0;
      const cap = rng.int(3) === 0 ? rng.int(40) : undefined;
      cases.push({
        id: i,
        kind: 'collections',
        keyType,
        ctor: copy ? 'copy' : cap === undefined ? 'default' : `cap:${cap}`,
        ...(copy ? { copyOf: pool } : {}),
        ops: copy ? [] : pool.map((k) => ['put', k] as Op),
      });
      const ordered =
        keyType === 'Integer'
          ? javaIntSetOrder(pool as number[], copy ? 'copy' : cap)
          : javaHashOrder(typeOf(keyType) as JavaKeyType<Key>, pool, copy ? 'copy' : cap);
      expectations.push(ordered);
    }
    const results = await oracle().run(cases);
    for (let i = 0; i < cases.length; i++) {
      assert.deepEqual(
        expectations[i],
        results[i].order,
        `case ${i} (${cases[i].keyType}, ${cases[i].ctor})`,
      );
    }
  });

  it("TimelineHashMap slot order matches Kafka's on random insertions and removals", async () => {
    const rng = new Random(4242);
    const cases: object[] = [];
    const ours: string[][] = [];
    for (let i = 0; i < 200; i++) {
      const pool = keyPool(rng, 'String') as string[];
      const ops: [string, string][] = [];
      const expectedSize = rng.int(3) === 0 ? rng.int(40) : 0;
      const model = new TimelineHashOrder(JAVA_STRING, expectedSize);
      for (let k = rng.between(1, 200); k > 0; k--) {
        const key = pool[rng.int(pool.length)];
        if (rng.int(4) === 0) {
          ops.push(['remove', key]);
          model.delete(key);
        } else {
          ops.push(['put', key]);
          model.add(key);
        }
      }
      cases.push({ id: i, kind: 'timeline', keyType: 'String', expectedSize, ops });
      ours.push(model.keys());
    }
    const results = await oracle().run(cases);
    for (let i = 0; i < cases.length; i++) assert.deepEqual(ours[i], results[i].order, `timeline case ${i}`);
  });
});

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { spreadHash } from '../../../src/simulator/java/hash';
import {
  capacityFor,
  copyCapacity,
  DEFAULT_CAPACITY,
  HashOrderSim,
  spreadInt,
} from '../../../src/simulator/java/hash-order-sim';
import { hashSetCopyCapacity, JavaHashMap } from '../../../src/simulator/java/hashmap';
import { JAVA_INTEGER, type JavaKeyType } from '../../../src/simulator/java/keys';

type Op = readonly ['put' | 'cia' | 'remove', number];

/** Int keys whose hash codes come from a table (as topic or member indices stand for Uuids). */
function keyType(hashes: readonly number[]): JavaKeyType<number> {
  return { name: 'Indexed', hashCode: (k) => hashes[k], compare: (a, b) => a - b, id: (k) => k };
}

/** Runs the ops on the sim and on the full model; the model's order, and the sim's (null: -1). */
function both(
  type: JavaKeyType<number>,
  initialCapacity: number,
  ops: readonly Op[],
  sim = new HashOrderSim(),
): { model: number[]; sim: number[] | null; treeified: boolean } {
  const model = new JavaHashMap<number, true>(type, initialCapacity < 0 ? undefined : initialCapacity);
  sim.begin(initialCapacity);
  for (const [op, k] of ops) {
    const h = spreadHash(type.hashCode(k));
    if (op === 'put') assert.equal(sim.put(k, h), model.set(k, true) === undefined);
    else if (op === 'cia') {
      let added = false;
      model.computeIfAbsent(k, () => {
        added = true;
        return true;
      });
      assert.equal(sim.computeIfAbsent(k, h), added);
    } else assert.equal(sim.remove(k), model.delete(k));
    assert.equal(sim.size, model.size);
  }
  const out = new Int32Array(sim.size + 3);
  const n = sim.finish(out, 3);
  const r = { model: model.keyArray(), sim: n < 0 ? null : Array.from(out.subarray(3, 3 + n)) };
  // The sim gives up exactly when Java builds a tree bin.
  assert.equal(r.sim === null, model.treeified, 'the sim answers unless a tree bin formed');
  return { ...r, treeified: model.treeified };
}

const opArb = (keys: number): fc.Arbitrary<Op> =>
  fc.tuple(fc.constantFrom('put' as const, 'cia' as const, 'remove' as const), fc.nat(keys - 1));
const capacityArb = fc.oneof(fc.constant(DEFAULT_CAPACITY), fc.nat(40), fc.constant(0), fc.constant(1));

describe('HashOrderSim (Java HashMap order in typed arrays)', function () {
  this.timeout(120_000); // property runs, generous on a busy machine

  it('matches the full HashMap model for Integer keys under put, computeIfAbsent and remove', () => {
    const sim = new HashOrderSim(); // reused: begin() must forget the previous map
    fc.assert(
      fc.property(
        capacityArb,
        fc.integer({ min: 20, max: 1000 }),
        fc.array(fc.tuple(fc.constantFrom('put' as const, 'cia' as const, 'remove' as const), fc.nat()), {
          maxLength: 300,
          size: 'max',
        }),
        (cap, keys, raw) => {
          // Mostly insertions, over a key range wider than the table: buckets collide and move.
          const ops = raw.map(([op, k]): Op => [
            k % 4 === 0 ? 'remove' : op === 'remove' ? 'put' : op,
            k % keys,
          ]);
          const r = both(JAVA_INTEGER, cap, ops, sim);
          if (r.sim !== null) assert.deepEqual(r.sim, r.model);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('matches the model with colliding hash codes, including the resizes treeifyBin does', () => {
    let exact = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        capacityArb,
        // Few distinct hashes, many keys: long buckets, so treeifyBin runs often.
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
          minLength: 1,
          maxLength: 6,
          size: 'max',
        }),
        fc.array(opArb(60), { maxLength: 150, size: 'max' }),
        fc.nat(),
        (cap, distinct, ops, salt) => {
          const hashes = Array.from({ length: 60 }, (_, k) => distinct[(k * 7 + salt) % distinct.length]);
          const r = both(keyType(hashes), cap, ops);
          runs++;
          if (r.sim !== null) {
            exact++;
            assert.deepEqual(r.sim, r.model);
          }
        },
      ),
      { numRuns: 400 },
    );
    assert.ok(exact > runs / 4, `the sim should answer most runs (${exact} of ${runs})`);
  });

  it('answers -1 only when a tree bin forms, and for keys it cannot index', () => {
    const sim = new HashOrderSim();
    // 9 keys in one bucket of a 64-slot table: a tree bin.
    sim.begin(64);
    for (let i = 0; i < 9; i++) sim.put(i * 64, spreadInt(i * 64));
    assert.equal(sim.exact, false);
    assert.equal(sim.finish(new Int32Array(9), 0), -1);
    // The same keys in a 16-slot table: treeifyBin resizes (to 32, then 64) instead.
    const r = both(
      JAVA_INTEGER,
      16,
      Array.from({ length: 9 }, (_, i) => ['put', i * 64] as const),
    );
    assert.deepEqual(r.sim, r.model);
    sim.begin(DEFAULT_CAPACITY);
    sim.put(-1, spreadInt(-1));
    assert.equal(sim.finish(new Int32Array(1), 0), -1);
  });

  it('resizes when the size passes the threshold, not when it reaches it', () => {
    // 24 keys fit a default table of 32; the 25th doubles it to 64, which moves key 40.
    const keys = [...Array.from({ length: 24 }, (_, i) => i), 40];
    const at24 = both(
      JAVA_INTEGER,
      DEFAULT_CAPACITY,
      keys.slice(0, 24).map((k) => ['put', k] as const),
    );
    assert.deepEqual(at24.sim, keys.slice(0, 24));
    const at25 = both(
      JAVA_INTEGER,
      DEFAULT_CAPACITY,
      keys.map((k) => ['put', k] as const),
    );
    assert.deepEqual(at25.sim, keys);
    // computeIfAbsent grows only on the next call: at 25 keys in 32 slots, 40 sits in bucket 8.
    const cia = both(
      JAVA_INTEGER,
      DEFAULT_CAPACITY,
      keys.map((k) => ['cia', k] as const),
    );
    assert.deepEqual(cia.sim, [0, 1, 2, 3, 4, 5, 6, 7, 40, 8, ...keys.slice(9, 24)]);
  });

  it("sizes like Java's constructors", () => {
    for (let n = 0; n < 200; n++) assert.equal(copyCapacity(n), hashSetCopyCapacity(n));
    assert.deepEqual([0, 1, 2, 3, 20].map(capacityFor), [1, 2, 3, 5, 27]);
    assert.equal(spreadInt(0x12345), 0x12345 ^ 0x1);
  });
});

/**
 * JavaHashMap with String keys (a classic group's members, its protocol vote, the consumer
 * coordinator's assignor counts) against java.util.HashMap. The expected orders were printed by
 * OpenJDK 17 for the same operations (throw-away Java programs; the outputs are quoted here).
 */
import { strict as assert } from 'node:assert';
import { stringHashCode } from '../../../src/simulator/java/hash';
import { JavaHashMap } from '../../../src/simulator/java/hashmap';
import { JAVA_STRING } from '../../../src/simulator/java/keys';
import { javaHashSetCopyOrder } from '../../../src/simulator/java/order';

function mapOf(keys: readonly string[]): JavaHashMap<string, number> {
  const m = new JavaHashMap<string, number>(JAVA_STRING);
  keys.forEach((k, i) => m.set(k, i));
  return m;
}

describe('JavaHashMap (java.util.HashMap iteration order)', () => {
  it('hashes strings like String.hashCode', () => {
    assert.equal(stringHashCode('consumer-1'), -166239206);
    assert.equal(stringHashCode('ĀéΩ€'), 7887820);
    assert.equal(stringHashCode(''), 0);
  });

  it('iterates 40 keys (two resizes) in Java order', () => {
    const m = mapOf(Array.from({ length: 40 }, (_, i) => `member-${i}`));
    const java =
      'member-19,member-18,member-17,member-39,member-16,member-38,member-5,member-15,member-37,member-6,' +
      'member-14,member-36,member-3,member-13,member-35,member-4,member-12,member-34,member-9,member-11,' +
      'member-33,member-10,member-32,member-7,member-31,member-8,member-30,member-29,member-28,member-27,' +
      'member-26,member-25,member-24,member-23,member-22,member-21,member-20,member-1,member-2,member-0';
    assert.equal(m.keyArray().join(','), java);
    assert.equal(m.firstKey(), 'member-19');
  });

  it('keeps Java order through removals, re-insertions and value replacement', () => {
    const m = mapOf(Array.from({ length: 20 }, (_, i) => `consumer-g-${i}`));
    for (let i = 0; i < 20; i += 3) m.delete(`consumer-g-${i}`);
    for (let i = 20; i < 30; i++) m.set(`consumer-g-${i}`, i);
    m.set('consumer-g-3', 99);
    const java =
      'consumer-g-17,consumer-g-28,consumer-g-16,consumer-g-27,consumer-g-26,consumer-g-14,consumer-g-25,' +
      'consumer-g-19,consumer-g-29,consumer-g-8,consumer-g-7,consumer-g-5,consumer-g-4,consumer-g-20,' +
      'consumer-g-3,consumer-g-2,consumer-g-1,consumer-g-13,consumer-g-24,consumer-g-23,consumer-g-11,' +
      'consumer-g-22,consumer-g-10,consumer-g-21';
    assert.equal(m.keyArray().join(','), java);
    assert.equal(m.get('consumer-g-3'), 99);
    assert.equal(m.size, 24);
  });

  it('resizes instead of building a tree bin when a small table gets a ninth colliding key', () => {
    // k0..k164 below all land in bucket 5 of a 16-bucket table.
    const colliding = ['k0', 'k70', 'k81', 'k92', 'k120', 'k131', 'k142', 'k153', 'k164'];
    const m = mapOf(['zz', ...colliding]);
    assert.equal(m.keyArray().join(','), 'zz,k0,k70,k81,k92,k120,k131,k142,k153,k164');
  });

  it('orders the assignor names of a protocol vote like Java', () => {
    const m = mapOf(['roundrobin', 'range', 'cooperative-sticky', 'sticky']);
    assert.equal(m.keyArray().join(','), 'sticky,range,roundrobin,cooperative-sticky');
  });

  it('firstKey and valueArray follow the iteration order', () => {
    const m = mapOf(['roundrobin', 'range', 'cooperative-sticky', 'sticky']);
    assert.equal(m.firstKey(), 'sticky');
    assert.deepEqual(m.valueArray(), [3, 1, 0, 2]);
    m.delete('sticky');
    assert.equal(m.firstKey(), 'range');
    m.clear();
    assert.equal(m.firstKey(), undefined);
    assert.deepEqual(m.valueArray(), []);
  });

  it('compute links a new key at the head of its bucket and removes on undefined (JDK 17)', () => {
    // ConsumerGroup.computePreferredServerAssignor: new HashMap<>(counts), then compute(name, inc/dec).
    // "a" and "uniform" share bucket 1 of 16. Java: [a, uniform, range], and max() picks "a".
    const inc = (_: string, v: number | undefined): number => (v ?? 0) + 1;
    const dec = (_: string, v: number | undefined): number | undefined =>
      v === undefined || v === 1 ? undefined : v - 1;
    const countsOf = (...names: string[]): JavaHashMap<string, number> =>
      JavaHashMap.copyOf<string, number>(
        JAVA_STRING,
        names.map((name) => [name, 1] as const),
        names.length,
      );
    const m = countsOf('uniform', 'range');
    assert.equal(m.compute('a', inc), 1);
    assert.deepEqual(m.keyArray(), ['a', 'uniform', 'range']); // put would give [uniform, a, range]
    // Removed by dec and added back by inc: the key moves to the head. Java: [uniform, a].
    const n = countsOf('a', 'uniform');
    assert.equal(n.compute('uniform', dec), undefined);
    assert.deepEqual(n.keyArray(), ['a']);
    assert.equal(n.compute('uniform', inc), 1);
    assert.deepEqual(n.keyArray(), ['uniform', 'a']);
    assert.equal(n.compute('a', inc), 2);
    assert.deepEqual(n.keyArray(), ['uniform', 'a'], 'a present key keeps its place');
    assert.equal(n.compute('zz', dec), undefined);
    assert.equal(n.size, 2, 'undefined for an absent key adds nothing');
  });
});

describe('new HashSet<>(collection)', () => {
  it('counts repeated keys toward the capacity, as collection.size() does (JDK 17)', () => {
    // 11 distinct keys in a list of 12: capacity (int)(12 / .75f) + 1 = 17 → 32, where "p" comes
    // last (bucket 16); de-duplicated first, the capacity is 16 and "p" comes first (bucket 0).
    const items = ['p', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'p'];
    assert.equal(javaHashSetCopyOrder(JAVA_STRING, items).join(','), 'a,b,c,d,e,f,g,h,i,j,p');
    assert.equal(javaHashSetCopyOrder(JAVA_STRING, [...new Set(items)]).join(','), 'p,a,b,c,d,e,f,g,h,i,j');
  });
});

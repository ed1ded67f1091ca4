/**
 * JavaHashMap against java.util.HashMap. The expected orders were printed by OpenJDK 17 for the
 * same insertions and removals (a throw-away HashOrder.java; the outputs are quoted here).
 */
import { strict as assert } from 'node:assert';
import { JavaHashMap, javaStringHashCode } from '../../../src/simulator/classic/java-hash-map';
import { javaRandomUuid, newClassicMemberId } from '../../../src/simulator/classic/member-id';
import { Random } from '../../../src/simulator/random';

function mapOf(keys: readonly string[]): JavaHashMap<number> {
  const m = new JavaHashMap<number>();
  keys.forEach((k, i) => m.set(k, i));
  return m;
}

describe('JavaHashMap (java.util.HashMap iteration order)', () => {
  it('hashes strings like String.hashCode', () => {
    assert.equal(javaStringHashCode('consumer-1'), -166239206);
    assert.equal(javaStringHashCode('ĀéΩ€'), 7887820);
    assert.equal(javaStringHashCode(''), 0);
  });

  it('iterates 40 keys (two resizes) in Java order', () => {
    const m = mapOf(Array.from({ length: 40 }, (_, i) => `member-${i}`));
    const java =
      'member-19,member-18,member-17,member-39,member-16,member-38,member-5,member-15,member-37,member-6,' +
      'member-14,member-36,member-3,member-13,member-35,member-4,member-12,member-34,member-9,member-11,' +
      'member-33,member-10,member-32,member-7,member-31,member-8,member-30,member-29,member-28,member-27,' +
      'member-26,member-25,member-24,member-23,member-22,member-21,member-20,member-1,member-2,member-0';
    assert.equal(m.keys().join(','), java);
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
    assert.equal(m.keys().join(','), java);
    assert.equal(m.get('consumer-g-3'), 99);
    assert.equal(m.size, 24);
  });

  it('resizes instead of building a tree bin when a small table gets a ninth colliding key', () => {
    // k0..k164 below all land in bucket 5 of a 16-bucket table.
    const colliding = ['k0', 'k70', 'k81', 'k92', 'k120', 'k131', 'k142', 'k153', 'k164'];
    const m = mapOf(['zz', ...colliding]);
    assert.equal(m.keys().join(','), 'zz,k0,k70,k81,k92,k120,k131,k142,k153,k164');
  });

  it('orders the assignor names of a protocol vote like Java', () => {
    const m = mapOf(['roundrobin', 'range', 'cooperative-sticky', 'sticky']);
    assert.equal(m.keys().join(','), 'sticky,range,roundrobin,cooperative-sticky');
  });
});

describe('classic member ids', () => {
  it('print a version-4 java.util.UUID after the client or instance id', () => {
    const r = new Random(1);
    const uuid = javaRandomUuid(r);
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(newClassicMemberId(r, 'consumer-g-1', null), /^consumer-g-1-[0-9a-f-]{36}$/);
    assert.match(newClassicMemberId(r, 'consumer-g-1', 'instance-3'), /^instance-3-[0-9a-f-]{36}$/);
    assert.equal(javaRandomUuid(new Random(1)), uuid, 'same seed, same id');
  });
});

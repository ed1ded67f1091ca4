import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Random } from '../../../src/simulator/random';
import {
  stringHashCode,
  spreadHash,
  tableSizeFor,
  topicPartitionHashCode,
} from '../../../src/simulator/java/hash';
import { JavaHashMap, JavaHashSet } from '../../../src/simulator/java/hashmap';
import { JAVA_INTEGER, JAVA_STRING, JAVA_UUID } from '../../../src/simulator/java/keys';
import { javaHashOrder, javaIntSetOrder } from '../../../src/simulator/java/order';
import { fibonacciSlot, TimelineHashOrder } from '../../../src/simulator/java/timeline';
import { Uuid, uuidSyntaxError } from '../../../src/simulator/java/uuid';

describe('Java hash codes', () => {
  it('String.hashCode matches known JVM values, including collisions and int overflow', () => {
    assert.equal(stringHashCode(''), 0);
    assert.equal(stringHashCode('a'), 97);
    assert.equal(stringHashCode('hello'), 99162322);
    assert.equal(stringHashCode('Aa'), stringHashCode('BB'));
    assert.equal(stringHashCode('polygenelubricants'), -2147483648);
    assert.equal(stringHashCode('consumer-1'), -166239206); // all values checked with a JVM
  });

  it('TopicPartition.hashCode is 31·(31 + partition) + topic.hashCode()', () => {
    assert.equal(topicPartitionHashCode('t', 0), 31 * 31 + 116);
    assert.equal(topicPartitionHashCode('orders', 7), (31 * (31 + 7) + stringHashCode('orders')) | 0);
  });

  it('HashMap.hash folds the high half and tableSizeFor rounds up to a power of two', () => {
    assert.equal(spreadHash(0x12345678), (0x12345678 ^ 0x1234) | 0);
    assert.deepEqual([0, 1, 2, 3, 16, 17, 1000].map(tableSizeFor), [1, 1, 2, 4, 16, 32, 1024]);
  });
});

describe('Kafka Uuid', function () {
  // Property runs: generous on a busy machine (the default is 2 s).
  this.timeout(60_000);
  it('parses and prints URL-safe base64 without padding', () => {
    const u = Uuid.parse('T1-A4s3VTwiI5CTbEp6POw');
    assert.equal(u.toString(), 'T1-A4s3VTwiI5CTbEp6POw');
    assert.equal(Uuid.fromBytes(u.bytes()).toString(), 'T1-A4s3VTwiI5CTbEp6POw');
    assert.equal(Uuid.ZERO.toString(), 'AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(Uuid.ONE.toString(), 'AAAAAAAAAAAAAAAAAAAAAQ');
  });

  it('rejects what Kafka would not parse, and non-canonical spellings with a suggestion', () => {
    assert.match(uuidSyntaxError('short') ?? '', /22 URL-safe base64/);
    assert.match(uuidSyntaxError('T1-A4s3VTwiI5CTbEp6PO+') ?? '', /not URL-safe base64/);
    assert.match(uuidSyntaxError('T3-CU8fVTLCz5YMkLoDQsa') ?? '', /did you mean "T3-CU8fVTLCz5YMkLoDQsQ"/);
    assert.equal(uuidSyntaxError('T3-CU8fVTLCz5YMkLoDQsQ'), null);
    assert.throws(() => Uuid.parse('nope'), RangeError);
  });

  it('hashCode is (int)(x >> 32) ^ (int) x of msb ^ lsb, and compareTo is signed msb then lsb', () => {
    const u = Uuid.fromWords(0x00000001, 0x00000002, 0x00000004, 0x00000008);
    assert.equal(u.hashCode(), 1 ^ 2 ^ 4 ^ 8);
    const negative = Uuid.fromWords(-1, 0, 0, 0); // msb < 0 sorts first
    const positive = Uuid.fromWords(1, 0, 0, 0);
    assert.equal(negative.compareTo(positive), -1);
    assert.equal(Uuid.fromWords(0, -1, 0, 0).compareTo(Uuid.fromWords(0, 1, 0, 0)), 1); // low word unsigned
    assert.equal(Uuid.fromWords(0, 0, 5, 5).compareTo(Uuid.fromWords(0, 0, 5, 5)), 0);
  });

  it('randomUuid is a version-4 Uuid that never starts with "-" and is never 0 or 1, and is seeded', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Random(seed);
        for (let i = 0; i < 20; i++) {
          const u = Uuid.random(rng);
          const b = u.bytes();
          assert.equal(b[6] >> 4, 4);
          assert.equal(b[8] >> 6, 2);
          assert.ok(!u.toString().startsWith('-'));
          assert.ok(!u.equals(Uuid.ZERO) && !u.equals(Uuid.ONE));
        }
        assert.equal(Uuid.random(new Random(seed)).toString(), Uuid.random(new Random(seed)).toString());
      }),
    );
  });
});

describe('HashMap/HashSet model', function () {
  // Property runs: generous on a busy machine (the default is 2 s).
  this.timeout(60_000);
  it('orders by bucket, then insertion within a bucket', () => {
    const s = new JavaHashSet(JAVA_STRING);
    for (const k of ['BB', 'c', 'Aa', 'a']) s.add(k); // "Aa" and "BB" share bucket 0 (hash 2112)
    assert.deepEqual(s.toArray(), ['BB', 'Aa', 'a', 'c']);
  });

  it('resizes instead of treeifying while the table is shorter than 64 (checked against a JVM)', () => {
    const keys = [0, 16, 32, 48, 64, 80, 96, 112, 128];
    const s = new JavaHashSet(JAVA_INTEGER);
    for (const k of keys) s.add(k);
    assert.equal(s.map.capacity, 32);
    assert.deepEqual(s.toArray(), [0, 32, 64, 96, 128, 16, 48, 80, 112]);
    assert.deepEqual(javaIntSetOrder(keys), [0, 32, 64, 96, 128, 16, 48, 80, 112]);
  });

  it('computeIfAbsent links new keys at the head of the bucket and grows before looking up', () => {
    const m = new JavaHashMap<string, number>(JAVA_UUID, 0);
    m.computeIfAbsent('YcipCLFDSSWcEm-f5TxEzg', () => 1);
    m.computeIfAbsent('D-DddTNIRuyGOqV9zDogPg', () => 2);
    assert.deepEqual(m.keyArray(), ['D-DddTNIRuyGOqV9zDogPg', 'YcipCLFDSSWcEm-f5TxEzg']);
    assert.equal(m.capacity, 2);
    m.computeIfAbsent('D-DddTNIRuyGOqV9zDogPg', () => 3); // present, but size 2 > threshold 1
    assert.equal(m.capacity, 4);
  });

  it('clear keeps the table; copy constructors pre-size like JDK 17', () => {
    const m = new JavaHashMap<number, boolean>(JAVA_INTEGER);
    for (let i = 0; i < 100; i++) m.set(i, true);
    m.clear();
    assert.equal(m.capacity, 256);
    assert.equal(JavaHashSet.copyOf(JAVA_INTEGER, [1, 2, 3], 3).map.capacity, 16);
    assert.equal(
      JavaHashSet.copyOf(
        JAVA_INTEGER,
        Array.from({ length: 12 }, (_, i) => i),
        12,
      ).map.capacity,
      32,
    );
  });

  it('the fast order helper agrees with the full model on random keys', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 60 }),
        fc.option(fc.nat(70)),
        (keys, cap) => {
          const s = new JavaHashSet(JAVA_STRING, cap ?? undefined);
          for (const k of keys) s.add(k);
          assert.deepEqual(javaHashOrder(JAVA_STRING, keys, cap ?? undefined), s.toArray());
        },
      ),
    );
  });

  it('survives many colliding keys (tree bins) and keeps every key exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(40)), { maxLength: 400 }), (ops) => {
        const m = new JavaHashMap<number, boolean>(JAVA_INTEGER);
        const model = new Set<number>();
        for (const [add, n] of ops) {
          const k = n * 1024; // all in bucket 0 until the table is large
          if (add) {
            m.set(k, true);
            model.add(k);
          } else {
            m.delete(k);
            model.delete(k);
          }
        }
        assert.deepEqual(
          [...m.keyArray()].sort((a, b) => a - b),
          [...model].sort((a, b) => a - b),
        );
      }),
    );
  });
});

describe('TimelineHashMap order', () => {
  it('uses Fibonacci hashing on the top bits and iterates each slot from its last entry', () => {
    assert.equal(fibonacciSlot(0, 1), 0);
    assert.equal(fibonacciSlot(1, 4), 9); // 0x9E37… >>> 60
    const t = new TimelineHashOrder(JAVA_STRING);
    for (const k of ['a', 'b', 'c']) t.add(k);
    assert.deepEqual(t.keys(), ['c', 'b', 'a']); // checked against Kafka's TimelineHashMap
    t.delete('b');
    assert.deepEqual(t.keys(), ['c', 'a']);
  });
});

/**
 * The Java iteration orders the consumer coordinator relies on (src/simulator/java), checked
 * against the real classes: the fixture was produced by `test/fixtures/consumer/JavaOrder.java`
 * running Kafka 4.3.1's `TimelineHashMap` and the JDK's `HashMap`/`HashSet` on random keys.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JavaHashMap } from '../../../src/simulator/java/hashmap';
import { JAVA_STRING } from '../../../src/simulator/java/keys';
import { javaHashOrder, javaHashSetCopyOrder } from '../../../src/simulator/java/order';
import { fibonacciHigh32, fibonacciSlot, TimelineHashOrder } from '../../../src/simulator/java/timeline';

interface Fixture {
  readonly timeline: readonly { readonly ops: readonly string[]; readonly order: readonly string[] }[];
  readonly hashMaps: readonly {
    readonly keys: readonly string[];
    readonly hashMap: readonly string[];
    readonly hashSet: readonly string[];
    readonly copySize: number;
    readonly copy: readonly string[];
  }[];
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, '../../../../test/fixtures/consumer/java-order.golden.json'), 'utf8'),
) as Fixture;

describe('Java iteration orders (oracle: Kafka TimelineHashMap, JDK HashMap)', () => {
  it(`TimelineHashMap key order after inserts, replaces and removals (${fixture.timeline.length} cases)`, () => {
    assert.ok(fixture.timeline.length >= 40);
    for (const [i, c] of fixture.timeline.entries()) {
      const order = new TimelineHashOrder(JAVA_STRING);
      for (const op of c.ops) {
        const key = op.slice(1);
        if (op[0] === '-') order.delete(key);
        else order.add(key);
      }
      assert.deepEqual(order.keys(), c.order, `case ${i}`);
      assert.equal(order.size, c.order.length);
    }
  });

  it(`HashMap, new HashSet<>(list) and new HashMap<>(map) orders (${fixture.hashMaps.length} cases)`, () => {
    for (const [i, c] of fixture.hashMaps.entries()) {
      assert.deepEqual(javaHashOrder(JAVA_STRING, c.keys), c.hashMap, `HashMap case ${i}`);
      assert.deepEqual(javaHashSetCopyOrder(JAVA_STRING, c.keys), c.hashSet, `HashSet case ${i}`);
      const firstHalf = c.keys.slice(0, Math.floor(c.keys.length / 2));
      const copy = JavaHashMap.copyOf<string, number>(
        JAVA_STRING,
        firstHalf.map((k) => [k, 0] as const),
        new Set(firstHalf).size,
      );
      for (const k of c.keys.slice(firstHalf.length)) copy.set(k, 0);
      assert.deepEqual(copy.keyArray(), c.copy, `copy case ${i}`);
    }
  });
});

describe('TimelineHashOrder lookups', () => {
  it('first() is the first key of the iteration and has() tells the live keys (fixture cases)', () => {
    for (const [i, c] of fixture.timeline.entries()) {
      const order = new TimelineHashOrder(JAVA_STRING);
      const removed = new Set<string>();
      for (const op of c.ops) {
        const key = op.slice(1);
        if (op[0] === '-') {
          order.delete(key);
          removed.add(key);
        } else {
          order.add(key);
          removed.delete(key);
        }
      }
      assert.equal(order.first(), c.order[0], `case ${i}`);
      for (const k of c.order) assert.ok(order.has(k), `case ${i}: ${k}`);
      for (const k of removed) assert.ok(!order.has(k), `case ${i}: ${k} was removed`);
    }
    assert.equal(new TimelineHashOrder(JAVA_STRING).first(), undefined);
  });

  it('fibonacciHigh32 is the high word of the 64-bit product with -7046029254386353131', () => {
    const exact = (h: number): number => Number(BigInt.asUintN(64, BigInt(h) * -7046029254386353131n) >> 32n);
    for (const h of [0, 1, -1, 2147483647, -2147483648, 0x10000, -0x10000, 97])
      assert.equal(fibonacciHigh32(h), exact(h), `h=${h}`);
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (h) => fibonacciHigh32(h) === exact(h)),
    );
    assert.equal(fibonacciSlot(1, 4), 9);
    assert.equal(fibonacciSlot(-1, 32), exact(-1));
  });
});

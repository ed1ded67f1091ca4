/**
 * The Java iteration orders the coordinator emulates, checked against the real classes: the
 * fixture was produced by `test/fixtures/consumer/JavaOrder.java` running Kafka 4.3.1's
 * `TimelineHashMap` and the JDK's `HashMap`/`HashSet` on random keys.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  javaHashMapCopyCapacity,
  javaHashOrder,
  javaHashSetFromCollectionOrder,
  TimelineKeyOrder,
} from '../../../src/simulator/consumer/java-order';

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
      const order = new TimelineKeyOrder();
      for (const op of c.ops) {
        const key = op.slice(1);
        if (op[0] === '-') order.remove(key);
        else order.add(key);
      }
      assert.deepEqual(order.keys(), c.order, `case ${i}`);
      assert.equal(order.size, c.order.length);
    }
  });

  it(`HashMap, new HashSet<>(list) and new HashMap<>(map) orders (${fixture.hashMaps.length} cases)`, () => {
    for (const [i, c] of fixture.hashMaps.entries()) {
      assert.deepEqual(javaHashOrder(c.keys), c.hashMap, `HashMap case ${i}`);
      assert.deepEqual(javaHashSetFromCollectionOrder(c.keys), c.hashSet, `HashSet case ${i}`);
      const firstHalf = c.keys.slice(0, Math.floor(c.keys.length / 2));
      const capacity = javaHashMapCopyCapacity(new Set(firstHalf).size);
      assert.deepEqual(javaHashOrder(c.keys, capacity), c.copy, `copy case ${i}`);
    }
  });
});

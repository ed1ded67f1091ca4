import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { PartitionSet } from '../../../src/simulator/assignors/partition-set';

describe("PartitionSet (the assignors' Set<number> view)", function () {
  this.timeout(60_000); // property runs, generous on a busy machine
  it('iterates its slice in order and answers has() for ascending and unordered slices', () => {
    const r = PartitionSet.range(3, 7);
    assert.deepEqual([...r], [3, 4, 5, 6]);
    assert.equal(r.size, 4);
    assert.ok(r.has(3) && r.has(6) && !r.has(7) && !r.has(2));
    const u = PartitionSet.of([48, 49, 40, 41]);
    assert.deepEqual([...u], [48, 49, 40, 41]);
    assert.ok(u.has(40) && !u.has(42));
    assert.equal(Object.prototype.toString.call(u), '[object Set]');
    assert.equal(JSON.stringify({ p: u }), '{"p":[48,49,40,41]}');
  });

  it('behaves like a Set under any mix of operations (copy on first write)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(200), { maxLength: 40 }),
        fc.array(fc.tuple(fc.constantFrom('add', 'delete', 'has', 'clear'), fc.nat(200)), { maxLength: 40 }),
        (initial, ops) => {
          const ours = PartitionSet.of(initial);
          const model = new Set(initial);
          for (const [op, v] of ops) {
            if (op === 'add') {
              ours.add(v);
              model.add(v);
            } else if (op === 'delete') assert.equal(ours.delete(v), model.delete(v));
            else if (op === 'clear') {
              ours.clear();
              model.clear();
            } else assert.equal(ours.has(v), model.has(v));
          }
          assert.deepEqual([...ours], [...model]);
          assert.equal(ours.size, model.size);
          const seen: number[] = [];
          ours.forEach((v, k) => {
            assert.equal(v, k);
            seen.push(v);
          });
          assert.deepEqual(seen, [...model.keys()]);
          assert.deepEqual([...ours.entries()], [...model.entries()]);
        },
      ),
    );
  });
});

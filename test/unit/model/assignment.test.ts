import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  assignmentOf,
  assignmentsEqual,
  formatAssignment,
  hasPartition,
  intersectAssignments,
  partitionCount,
  subtractAssignment,
  unionAssignments,
} from '../../../src/model';

const arbAssignment = fc
  .dictionary(fc.constantFrom('a', 'b', 'orders', 'payments'), fc.uniqueArray(fc.nat(40), { maxLength: 12 }))
  .map((d) => assignmentOf(d));

describe('Assignment helpers', () => {
  it('normalises: sorted topics and partitions, no empty topics', () => {
    const a = assignmentOf({ z: [3, 1, 1], a: [], m: [0] });
    assert.deepEqual(a, { m: [0], z: [1, 3] });
    assert.equal(JSON.stringify(a), '{"m":[0],"z":[1,3]}');
    assert.equal(formatAssignment(a), 'm:0;z:1,3');
    assert.equal(formatAssignment({}), '-');
  });

  it('set algebra: (a − b) ∪ (a ∩ b) = a, and (a − b) ∩ b = ∅', () => {
    fc.assert(
      fc.property(arbAssignment, arbAssignment, (a, b) => {
        assert.ok(
          assignmentsEqual(unionAssignments(subtractAssignment(a, b), intersectAssignments(a, b)), a),
        );
        assert.equal(partitionCount(intersectAssignments(subtractAssignment(a, b), b)), 0);
      }),
    );
  });

  it('hasPartition agrees with a linear scan', () => {
    fc.assert(
      fc.property(arbAssignment, fc.constantFrom('a', 'orders', 'x'), fc.nat(41), (a, t, p) => {
        assert.equal(hasPartition(a, t, p), (a[t] ?? []).includes(p));
      }),
    );
  });
});

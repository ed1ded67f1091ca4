import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CellStatus, buildAssignmentMatrix, cellStatusAt, topicAt } from '../../../src/model';
import { kip848Reconciliation, largeGroup } from '../../webview/fixtures';
import { snapshotArb } from '../protocol/arbitraries';

describe('assignment matrix', () => {
  it('colours a KIP-848 reconciliation: owned, pending revocation, waiting for release', () => {
    const s = kip848Reconciliation().snapshots[2];
    const m = buildAssignmentMatrix(s);
    assert.deepEqual(m.labels, ['consumer-1', 'consumer-2', 'consumer-3']);
    assert.deepEqual(
      m.topics.map((t) => [t.name, t.start, t.partitions]),
      [
        ['orders', 0, 6],
        ['payments', 6, 3],
      ],
    );
    const c2 = m.labels.indexOf('consumer-2');
    const c3 = m.labels.indexOf('consumer-3');
    assert.equal(cellStatusAt(m, c2, 5), CellStatus.Revoking, 'consumer-2 still holds orders-5');
    assert.equal(cellStatusAt(m, c3, 5), CellStatus.Unreleased, 'consumer-3 waits for orders-5');
    assert.equal(cellStatusAt(m, c3, 2), CellStatus.Owned);
    assert.equal(cellStatusAt(m, c2, 0), CellStatus.None);
    assert.equal(m.currentOwner[5], c2);
    assert.equal(m.targetOwner[5], c3);
    assert.equal(m.hasUnassignedRow, false);
    assert.equal(topicAt(m.topics, 7)?.name, 'payments');
  });

  it('invariants: cells sorted by row then column, counts add up, free partitions sit on the unassigned row', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const m = buildAssignmentMatrix(s);
        let total = 0;
        for (const v of Object.values(m.counts)) total += v;
        assert.equal(total, m.cellRow.length);
        for (let i = 1; i < m.cellRow.length; i++) {
          const a = (m.cellRow[i - 1] ?? 0) * 1e6 + (m.cellCol[i - 1] ?? 0);
          const b = (m.cellRow[i] ?? 0) * 1e6 + (m.cellCol[i] ?? 0);
          assert.ok(a < b);
        }
        assert.equal(m.rowStart[m.rows], m.cellRow.length);
        // A partition nobody holds or targets is on the unassigned row, and only there.
        for (let c = 0; c < m.columns; c++) {
          const free = m.currentOwner[c] === -1 && m.targetOwner[c] === -1;
          if (free) assert.equal(cellStatusAt(m, m.rows - 1, c), CellStatus.Unassigned);
        }
      }),
    );
  });

  it('orders members naturally (consumer-2 before consumer-10) and scales to 1,000 × 10,000', () => {
    const s = largeGroup(1000, 10_000);
    const m = buildAssignmentMatrix(s);
    assert.equal(m.rows, 1000);
    assert.equal(m.columns, 10_000);
    assert.equal(m.counts[CellStatus.Owned], 10_000);
    assert.deepEqual(m.labels.slice(0, 3), ['consumer-0', 'consumer-1', 'consumer-2']);
    assert.equal(m.labels[10], 'consumer-10');
  });
});

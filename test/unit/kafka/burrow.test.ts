import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  LagHistory,
  evaluatePartition,
  groupStatus,
  type LagObservation,
} from '../../../src/kafka/lag/burrow';
import type { GroupSnapshot, PartitionLag } from '../../../src/model';
import { testSnapshot } from '../../support/snapshots';

/** Observations one poll apart: committed offsets and log ends as given. */
function obs(rows: ReadonlyArray<[committed: number, logEnd: number]>, owned = true): LagObservation[] {
  return rows.map(([c, e], i) => ({
    timeMs: i * 1000,
    committedOffset: c,
    logEndOffset: e,
    lag: e - c,
    owned,
  }));
}

const full = { window: 5, minObservations: 5 };

describe('Burrow-style lag evaluation', () => {
  it('zero lag now is OK, whatever came before', () => {
    assert.equal(
      evaluatePartition(
        obs([
          [0, 10],
          [0, 10],
          [10, 10],
        ]),
        full,
      ),
      'OK',
    );
  });

  it('STOP: lag, the offset never moved, and nobody owns the partition', () => {
    assert.equal(
      evaluatePartition(
        obs(
          [
            [5, 10],
            [5, 12],
          ],
          false,
        ),
        full,
      ),
      'STOP',
    );
    // The same with an owner is not (yet) a stop.
    assert.equal(
      evaluatePartition(
        obs(
          [
            [5, 10],
            [5, 12],
          ],
          true,
        ),
        full,
      ),
      'OK',
    );
  });

  it('OK when the lag touched zero within the window (a consumer that keeps up in bursts)', () => {
    assert.equal(
      evaluatePartition(
        obs([
          [0, 5],
          [5, 5],
          [5, 8],
          [6, 9],
          [7, 12],
        ]),
        full,
      ),
      'OK',
    );
  });

  it('REWIND: the committed offset went backwards', () => {
    assert.equal(
      evaluatePartition(
        obs([
          [8, 10],
          [3, 10],
        ]),
        full,
      ),
      'REWIND',
    );
  });

  it('STALL: owned, lag, and the offset did not move over a full window', () => {
    const w = obs([
      [5, 10],
      [5, 10],
      [5, 11],
      [5, 11],
      [5, 12],
    ]);
    assert.equal(evaluatePartition(w, full), 'STALL');
    assert.equal(evaluatePartition(w.slice(0, 4), full), 'OK', 'not with less than a full window');
  });

  it('WARN: the lag never decreased over a full window; OK once it does', () => {
    assert.equal(
      evaluatePartition(
        obs([
          [1, 5],
          [2, 7],
          [3, 9],
          [4, 11],
          [5, 13],
        ]),
        full,
      ),
      'WARN',
    );
    assert.equal(
      evaluatePartition(
        obs([
          [1, 5],
          [2, 7],
          [6, 9],
          [7, 11],
          [8, 13],
        ]),
        full,
      ),
      'OK',
    );
  });

  it('group status is the worst partition, folded to OK/WARN/ERR', () => {
    assert.equal(groupStatus(['OK', null, 'OK']), 'OK');
    assert.equal(groupStatus(['OK', 'WARN']), 'WARN');
    for (const bad of ['STOP', 'STALL', 'REWIND'] as const)
      assert.equal(groupStatus(['WARN', bad, 'OK']), 'ERR');
  });

  it('invariants: zero lag is always OK; STOP needs an unowned partition; statuses are stable under time shifts', () => {
    const arbObs = fc.array(fc.record({ c: fc.nat(50), extra: fc.nat(20), owned: fc.boolean() }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(arbObs, fc.integer({ min: -1e6, max: 1e6 }), (rows, shift) => {
        const w: LagObservation[] = rows.map((r, i) => ({
          timeMs: i * 1000,
          committedOffset: r.c,
          logEndOffset: r.c + r.extra,
          lag: r.extra,
          owned: r.owned,
        }));
        const s = evaluatePartition(w, full);
        const last = w[w.length - 1];
        if (last.lag === 0) assert.equal(s, 'OK');
        if (s === 'STOP') assert.equal(last.owned, false);
        const shifted = w.map((o) => ({ ...o, timeMs: o.timeMs + shift }));
        assert.equal(evaluatePartition(shifted, full), s);
      }),
    );
  });

  it('LagHistory keeps a bounded window per partition and stamps each snapshot', () => {
    const h = new LagHistory({ window: 3, minObservations: 3 });
    const snap = (timeMs: number, parts: PartitionLag[]): GroupSnapshot =>
      testSnapshot(timeMs, [], {
        lag: { totalLag: 0, partitionsWithoutCommit: 0, status: null, partitions: parts },
      });
    const p = (committed: number | null, end: number, owner: string | null = 'm1'): PartitionLag => ({
      topic: 't',
      partition: 0,
      committedOffset: committed,
      logStartOffset: 0,
      logEndOffset: end,
      lag: committed === null ? null : end - committed,
      ownerMemberId: owner,
      belowLogStart: false,
      status: null,
    });
    let last: GroupSnapshot | undefined;
    for (let i = 0; i < 5; i++) last = h.observe(snap(i, [p(4, 9 + i)]));
    assert.equal(h.windowOf('t', 0).length, 3);
    assert.equal(last?.lag?.partitions[0].status, 'STALL');
    assert.equal(last?.lag?.status, 'ERR');
    const noCommit = h.observe(snap(6, [p(null, 20)]));
    assert.equal(noCommit.lag?.partitions[0].status, null, 'no commit, no status');
    assert.equal(h.windowOf('t', 0).length, 0);
  });
});

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { GroupSnapshot } from '../../../src/model';
import {
  DeltaError,
  applyDelta,
  applyListDelta,
  buildChain,
  computeDelta,
  decodeLag,
  decodeSnapshot,
  diffList,
  encodeLag,
  encodeSnapshot,
  expandChain,
  isEmptyDelta,
  jsonEqual,
} from '../../../src/protocol/dashboard';
import { kip848Reconciliation, largeGroup } from '../../webview/fixtures';
import { snapshotArb, snapshotPairArb } from './arbitraries';

const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('snapshot deltas', () => {
  it('applyDelta(a, computeDelta(a, b)) equals b, also after the delta went through JSON', () => {
    fc.assert(
      fc.property(snapshotPairArb, ([a, b]) => {
        const d = computeDelta(a, b);
        assert.ok(jsonEqual(applyDelta(a, d), b));
        assert.deepEqual(viaJson(applyDelta(a, d)), viaJson(b));
        assert.deepEqual(applyDelta(viaJson(a), viaJson(d)), viaJson(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('the delta of a snapshot to itself (or an equal copy) is empty', () => {
    fc.assert(
      fc.property(snapshotArb, (a) => {
        assert.ok(isEmptyDelta(computeDelta(a, a)));
        assert.ok(isEmptyDelta(computeDelta(a, viaJson(a))));
      }),
    );
  });

  it('applying never mutates its input and shares unchanged members', () => {
    fc.assert(
      fc.property(snapshotPairArb, ([a, b]) => {
        const before = JSON.stringify(a);
        const out = applyDelta(a, computeDelta(a, b));
        assert.equal(JSON.stringify(a), before);
        for (const m of out.members) {
          const old = a.members.find((x) => x.memberId === m.memberId);
          if (old !== undefined && jsonEqual(old, m))
            assert.equal(m, old, 'unchanged member is the same object');
        }
      }),
    );
  });

  it('a tick of a 1,000 × 10,000 group costs what changed: a few members and the offsets that moved', () => {
    const a = largeGroup(1000, 10_000, 0);
    const lag = a.lag;
    assert.ok(lag !== null);
    const b: GroupSnapshot = {
      ...a,
      timeMs: 100,
      members: a.members.map((m, i) =>
        i % 250 === 7 ? { ...m, memberEpoch: 11, reconciliation: 'UNREVOKED_PARTITIONS' } : m,
      ),
      lag: {
        ...lag,
        partitions: lag.partitions.map((p, i) =>
          i % 20 === 0 ? { ...p, logEndOffset: p.logEndOffset + 5, lag: (p.lag ?? 0) + 5 } : p,
        ),
      },
    };
    const d = computeDelta(a, b);
    const full = JSON.stringify(b).length;
    const delta = JSON.stringify(d).length;
    assert.equal(d.members?.changed?.length, 4);
    assert.ok(d.lag !== undefined && 'patch' in d.lag);
    assert.equal(d.lag.patch.offsets.length, 500 * 5, 'offset-only changes travel as 5 numbers each');
    assert.equal(d.lag.patch.partitions.changed, undefined);
    assert.ok(delta < full / 50, `delta ${delta} B vs full ${full} B`);
    assert.deepEqual(applyDelta(a, d), b);
  });

  it('list deltas: reordering falls back to an explicit order, duplicate keys to a full replace', () => {
    const key = (x: { k: string }): string => x.k;
    const a = [{ k: 'a' }, { k: 'b' }, { k: 'c' }];
    const b = [{ k: 'c' }, { k: 'a' }, { k: 'b' }, { k: 'd' }];
    const d = diffList(a, b, key);
    assert.deepEqual(d.order, ['c', 'a', 'b', 'd']);
    assert.deepEqual(applyListDelta(a, d, key), b);
    const dup = diffList(a, [{ k: 'a' }, { k: 'a' }], key);
    assert.ok(dup.replace !== undefined);
  });

  it('a delta that does not fit throws DeltaError (the webview then asks for a fresh init)', () => {
    const key = (x: { k: string }): string => x.k;
    assert.throws(() => applyListDelta([{ k: 'a' }], { added: [[5, { k: 'z' }]] }, key), DeltaError);
    assert.throws(() => applyListDelta([{ k: 'a' }], { order: ['a', 'q'] }, key), DeltaError);
    const [s0, s1] = kip848Reconciliation().snapshots;
    assert.ok(s0 !== undefined && s1 !== undefined);
    assert.throws(
      () =>
        applyDelta(
          { ...s0, lag: null },
          {
            lag: {
              patch: { totalLag: 0, partitionsWithoutCommit: 0, status: null, partitions: {}, offsets: [] },
            },
          },
        ),
      DeltaError,
    );
    assert.throws(() => expandChain({ base: null, deltas: [computeDelta(s0, s1)] }, null), DeltaError);
  });
});

describe('lag on the wire', () => {
  it('travels as columns and decodes to the same partitions', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const w = encodeSnapshot(s);
        if (s.lag !== null && s.lag.partitions.length > 0) assert.ok(w.lag !== null && 'columns' in w.lag);
        assert.deepEqual(viaJson(decodeSnapshot(viaJson(w))), viaJson(s));
      }),
    );
  });

  it('falls back to objects when a partition carries fields the columns do not know', () => {
    const s = kip848Reconciliation().snapshots[0];
    const lag = s.lag;
    assert.ok(lag !== null);
    const odd = {
      ...lag,
      partitions: lag.partitions.map((p, i) => (i === 0 ? { ...p, leaderEpoch: 7 } : p)),
    };
    const w = encodeLag(odd);
    assert.ok('partitions' in w);
    assert.deepEqual(decodeLag(viaJson(w)), odd);
  });

  it('the columns are much cheaper than objects for a 10,000-partition group', () => {
    const s = largeGroup(1000, 10_000);
    assert.ok(s.lag !== null);
    const w = encodeLag(s.lag);
    assert.ok(JSON.stringify(w).length < JSON.stringify(s.lag).length / 2);
  });
});

describe('buildChain (what the host sends)', () => {
  const { snapshots } = kip848Reconciliation();

  it('without a previous snapshot: a full base and deltas that rebuild every snapshot', () => {
    const chain = buildChain(null, snapshots, 100);
    assert.ok(chain.base !== null);
    assert.deepEqual(decodeSnapshot(chain.base), snapshots[0]);
    assert.deepEqual(expandChain(viaJson(chain), null), snapshots);
  });

  it('continuing: only the snapshots after the last one sent, as deltas', () => {
    const chain = buildChain(snapshots[1] ?? null, snapshots, 100);
    assert.equal(chain.base, null);
    assert.equal(chain.deltas.length, snapshots.length - 2);
    assert.deepEqual(expandChain(viaJson(chain), snapshots[1] ?? null), snapshots.slice(2));
    assert.deepEqual(buildChain(snapshots[snapshots.length - 1] ?? null, snapshots, 100), {
      base: null,
      deltas: [],
    });
  });

  it('thins a long run evenly and always ends with the newest snapshot', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 30 }), (n, max) => {
        const base = snapshots[4];
        const run = Array.from({ length: n }, (_, i) => ({ ...base, timeMs: 100_000 + i, groupEpoch: i }));
        const chain = buildChain(null, run, max);
        const out = expandChain(chain, null);
        assert.equal(out.length, Math.min(n, max));
        assert.deepEqual(out[out.length - 1], run[run.length - 1]);
        for (let i = 1; i < out.length; i++) assert.ok((out[i]?.timeMs ?? 0) > (out[i - 1]?.timeMs ?? 0));
      }),
    );
  });

  it('a last-sent snapshot that fell out of the history still continues by time', () => {
    const copy = viaJson(snapshots[2]);
    const chain = buildChain(copy, snapshots, 100);
    assert.deepEqual(expandChain(chain, copy), snapshots.slice(3));
  });
});

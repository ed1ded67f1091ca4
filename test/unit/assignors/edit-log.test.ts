import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { TopicId } from '../../../src/simulator/assignors/api';
import { AssignmentTable } from '../../../src/simulator/assignors/assignment-view';
import { JavaAssignment, TopicTable } from '../../../src/simulator/assignors/server/common';
import { EditLog } from '../../../src/simulator/assignors/server/edit-log';
import { DEFAULT_CAPACITY } from '../../../src/simulator/java/hash-order-sim';
import { Uuid } from '../../../src/simulator/java/uuid';
import { Random } from '../../../src/simulator/random';

type Edit =
  | { readonly kind: 'removeTopic'; readonly t: TopicId }
  | { readonly kind: 'removePartition'; readonly t: TopicId; readonly p: number }
  | { readonly kind: 'add'; readonly t: TopicId; readonly p: number; readonly capacity: number };

interface Member {
  readonly old: Map<TopicId, Set<number>>;
  readonly edits: Edit[];
  /** Copied without edits. */
  readonly copyOnly: boolean;
}

function pairs(a: ReadonlyMap<TopicId, ReadonlySet<number>>): [TopicId, number[]][] {
  return [...a].map(([t, ps]) => [t, [...ps]]);
}

/** A member's previous assignment and valid edits (only held partitions removed, only new ones added). */
function randomMember(rng: Random, topics: readonly TopicId[]): Member {
  const maxPartition = [20, 200, 5000][rng.int(3)];
  const size = (): number => (rng.int(6) === 0 ? [12, 24, 13, 48][rng.int(4)] : rng.between(0, 30));
  const old = new Map<TopicId, Set<number>>();
  for (const t of topics) {
    if (rng.int(3) !== 0) continue;
    const ps = new Set<number>();
    const n = size();
    // Sometimes multiples of 64 or 128: long buckets, and now and then a tree bin.
    const stride = rng.int(5) === 0 ? [64, 128][rng.int(2)] : 1;
    while (ps.size < Math.min(n, maxPartition)) ps.add(rng.int(maxPartition) * stride);
    old.set(t, ps);
  }
  const state = new Map([...old].map(([t, ps]) => [t, new Set(ps)]));
  const edits: Edit[] = [];
  const steps = rng.int(4) === 0 ? 0 : rng.between(1, 80);
  for (let s = 0; s < steps; s++) {
    const r = rng.int(10);
    const held = [...state.keys()];
    if (r === 0 && held.length > 0) {
      const t = held[rng.int(held.length)];
      state.delete(t);
      edits.push({ kind: 'removeTopic', t });
    } else if (r <= 3 && held.length > 0) {
      const t = held[rng.int(held.length)];
      const ps = [...(state.get(t) as Set<number>)];
      if (ps.length === 0) continue;
      const p = ps[rng.int(ps.length)];
      (state.get(t) as Set<number>).delete(p);
      if (state.get(t)?.size === 0) state.delete(t);
      edits.push({ kind: 'removePartition', t, p });
    } else {
      const t = topics[rng.int(topics.length)];
      const p = rng.int(maxPartition) * (rng.int(4) === 0 ? 64 : 1);
      if (state.get(t)?.has(p) === true) continue;
      let set = state.get(t);
      if (set === undefined) state.set(t, (set = new Set()));
      set.add(p);
      const capacity = rng.int(3) === 0 ? DEFAULT_CAPACITY : rng.int(40);
      edits.push({ kind: 'add', t, p, capacity });
    }
  }
  return { old, edits, copyOnly: edits.length === 0 && rng.int(2) === 0 };
}

/** The reference: the same edits on the Java collections model. */
function reference(m: Member): [TopicId, number[]][] {
  const edit = JavaAssignment.deepCopy(m.old);
  for (const e of m.edits) {
    if (e.kind === 'removeTopic') edit.removeTopic(e.t);
    else if (e.kind === 'removePartition') edit.removePartition(e.t, e.p);
    else edit.addPartition(e.t, e.p, e.capacity === DEFAULT_CAPACITY ? undefined : e.capacity);
  }
  return pairs(edit.toOutput());
}

describe("EditLog (the server assignors' exact-mode edits)", function () {
  this.timeout(120_000); // property runs, generous on a busy machine

  it('lists each member like the Java collections model, with edits of many members interleaved', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const rng = new Random(seed);
        const topics = Array.from({ length: rng.between(1, 12) }, () => Uuid.random(rng).toString());
        const members = Array.from({ length: rng.between(1, 6) }, () => randomMember(rng, topics));
        const table = new TopicTable();
        // Some topics are numbered before the log runs, others only when an output meets them.
        for (const t of topics) if (rng.int(2) === 0) table.intern(t);
        const log = new EditLog(members.length, table);
        const cursors = members.map(() => 0);
        for (;;) {
          const open = members.flatMap((m, i) => (cursors[i] < m.edits.length ? [i] : []));
          if (open.length === 0) break;
          const i = open[rng.int(open.length)];
          const e = members[i].edits[cursors[i]++];
          const t = table.intern(e.t);
          if (e.kind === 'removeTopic') log.removeTopic(i, t);
          else if (e.kind === 'removePartition') log.removePartition(i, t, e.p);
          else log.addPartition(i, t, e.p, e.capacity);
        }
        members.forEach((m, i) => {
          if (m.copyOnly) log.copy(i);
        });
        const out = new AssignmentTable(table.ids);
        members.forEach((m, i) => {
          assert.equal(log.isCopied(i), m.edits.length > 0 || m.copyOnly);
          if (!log.isCopied(i)) return;
          assert.deepEqual(pairs(log.output(i, m.old, out)), reference(m), `member ${i}`);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to the full model for a member whose partition set grows a tree bin', () => {
    const t = Uuid.random(new Random(7)).toString();
    const table = new TopicTable();
    const log = new EditLog(1, table);
    // Nine partitions in one bucket of a 64-slot set: Java makes that bucket a tree.
    const ps = Array.from({ length: 9 }, (_, k) => 5 + 64 * k);
    for (const p of ps) log.addPartition(0, table.intern(t), p, 64);
    const m: Member = {
      old: new Map(),
      edits: ps.map((p) => ({ kind: 'add', t, p, capacity: 64 })),
      copyOnly: false,
    };
    assert.deepEqual(pairs(log.output(0, m.old, new AssignmentTable(table.ids))), reference(m));
  });
});

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { AssignmentTable, type AssignmentView } from '../../../src/simulator/assignors/assignment-view';

const TOPICS = Array.from({ length: 40 }, (_, i) => `topic-${i}`);

/** A member's entries: distinct topic numbers, each with a list of partitions. */
const memberArb = fc.uniqueArray(
  fc.tuple(fc.nat(TOPICS.length - 1), fc.uniqueArray(fc.nat(300), { maxLength: 20 })),
  { selector: ([t]) => t, maxLength: 30, size: 'max' },
);

function pairs(m: ReadonlyMap<string, ReadonlySet<number>>): [string, number[]][] {
  return [...m].map(([t, ps]) => [t, [...ps]]);
}

/** The members' views over one table: half the entries point into given data, half were written. */
function build(members: readonly (readonly [number, number[]])[][]): AssignmentView[] {
  const given = members.flatMap((m) => m.flatMap(([, ps]) => ps));
  const table = new AssignmentTable(TOPICS, Int32Array.from(given), given.length, 3);
  let offset = 0;
  return members.map((m, i) => {
    const first = table.count;
    for (const [t, ps] of m) {
      if (i % 2 === 0) table.add(t, offset, offset + ps.length);
      else {
        const d = table.reserve(ps.length);
        ps.forEach((p, k) => (d[table.used + k] = p));
        table.addWritten(t, ps.length);
      }
      offset += ps.length;
    }
    return table.view(first);
  });
}

describe("AssignmentView (the server assignors' Map<TopicId, Set<number>> view)", function () {
  this.timeout(60_000); // property runs, generous on a busy machine

  it('reads like the Map of its entries: order, size, get and has, small and large', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 6 }), (members) => {
        const views = build(members);
        members.forEach((m, i) => {
          const view = views[i];
          const model = new Map(m.map(([t, ps]) => [TOPICS[t], ps]));
          assert.deepEqual(pairs(view), [...model]);
          assert.equal(view.size, model.size);
          assert.deepEqual([...view.keys()], [...model.keys()]);
          assert.deepEqual(
            [...view.values()].map((s) => [...s]),
            [...model.values()],
          );
          const seen: string[] = [];
          view.forEach((s, t, map) => {
            assert.equal(map, view);
            assert.deepEqual([...s], model.get(t));
            seen.push(t);
          });
          assert.deepEqual(seen, [...model.keys()]);
          for (const t of TOPICS) {
            assert.equal(view.has(t), model.has(t));
            const s = view.get(t);
            assert.deepEqual(s === undefined ? undefined : [...s], model.get(t));
            if (s !== undefined) {
              assert.equal(view.get(t), s, 'a set is made once');
              for (let p = 0; p <= 300; p += 7) assert.equal(s.has(p), (model.get(t) ?? []).includes(p));
            }
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('becomes a Map on the first write and then behaves like one', () => {
    fc.assert(
      fc.property(
        memberArb,
        fc.array(
          fc.tuple(
            fc.constantFrom(
              'set' as const,
              'delete' as const,
              'clear' as const,
              'get' as const,
              'has' as const,
            ),
            fc.nat(TOPICS.length - 1),
          ),
          { maxLength: 30 },
        ),
        (member, ops) => {
          const [view] = build([member]);
          const model = new Map<string, Set<number>>(member.map(([t, ps]) => [TOPICS[t], new Set(ps)]));
          for (const [op, k] of ops) {
            const t = TOPICS[k];
            if (op === 'set') {
              const s = new Set([k]);
              assert.equal(view.set(t, s), view);
              model.set(t, s);
            } else if (op === 'delete') assert.equal(view.delete(t), model.delete(t));
            else if (op === 'clear') {
              view.clear();
              model.clear();
            } else if (op === 'has') assert.equal(view.has(t), model.has(t));
            else assert.deepEqual([...(view.get(t) ?? [])], [...(model.get(t) ?? [])]);
            assert.equal(view.size, model.size);
          }
          assert.deepEqual(pairs(view), pairs(model));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('says it is a Map', () => {
    const [view] = build([[[0, [1, 2]]]]);
    assert.equal(Object.prototype.toString.call(view), '[object Map]');
    assert.deepEqual([...(new Map(view).get('topic-0') ?? [])], [1, 2]);
  });
});

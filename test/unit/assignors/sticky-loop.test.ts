/**
 * An input on which Kafka's own CooperativeStickyAssignor never returns (its balancing loop moves
 * partitions back and forth for ever; test/oracle/sticky-loop.test.ts shows Kafka 4.3.1's assignor
 * spinning on it). The whole-simulation property tests found it: a classic leader ran it and the
 * simulation hung. The simulator's assignor must say so instead of hanging.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import type { ClientSubscription } from '../../../src/simulator/assignors/api';
import {
  CooperativeStickyAssignor,
  StickyAssignorFailure,
  StickyAssignorLoop,
} from '../../../src/simulator/assignors/client/sticky';

interface LoopCase {
  readonly topics: { name: string; partitions: number }[];
  readonly members: {
    id: string;
    topics: string[];
    owned: [string, number][];
    generation: number | null;
  }[];
}

const CASE = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'sticky-loop.json'), 'utf8'),
) as LoopCase;

function input(c: LoopCase): [Map<string, number>, Map<string, ClientSubscription>] {
  return [
    new Map(c.topics.map((t) => [t.name, t.partitions])),
    new Map(
      c.members.map((m) => [
        m.id,
        {
          memberId: m.id,
          instanceId: null,
          rackId: null,
          topics: m.topics,
          ownedPartitions: m.owned.map(([topic, partition]) => ({ topic, partition })),
          generationId: m.generation,
        },
      ]),
    ),
  ];
}

describe('cooperative-sticky on an input where Kafka never returns', () => {
  it('throws StickyAssignorLoop (a StickyAssignorFailure) instead of spinning', () => {
    const [partitions, subscriptions] = input(CASE);
    assert.throws(
      () => new CooperativeStickyAssignor().assign(partitions, subscriptions, { ordering: 'exact' }),
      (err: unknown) => {
        assert.ok(err instanceof StickyAssignorLoop);
        assert.ok(err instanceof StickyAssignorFailure);
        assert.match(err.message, /never returns/);
        assert.match(err.message, /performReassignments/);
        return true;
      },
    );
  });

  it('a neighbouring input (one more partition of t0) is assigned as usual', () => {
    const [partitions, subscriptions] = input({
      ...CASE,
      topics: CASE.topics.map((t) => (t.name === 't0' ? { ...t, partitions: t.partitions + 1 } : t)),
    });
    const result = new CooperativeStickyAssignor().assign(partitions, subscriptions, { ordering: 'exact' });
    const assigned = [...result.values()].flat();
    assert.equal(new Set(assigned.map((tp) => `${tp.topic}-${tp.partition}`)).size, assigned.length);
    assert.ok(assigned.length > 0);
  });

  it('kgd assign says Kafka would never return, exits 1 and prints no stack trace', async () => {
    const spec = {
      topics: CASE.topics.map((t, i) => ({
        name: t.name,
        id: `T${i}AAAAAAAAAAAAAAAAAAAA`,
        partitions: t.partitions,
      })),
      members: CASE.members.map((m) => {
        const assignment: Record<string, number[]> = {};
        for (const [t, p] of m.owned) (assignment[t] ??= []).push(p);
        return { id: m.id, subscriptions: m.topics, assignment, generation: m.generation };
      }),
    };
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      readStdin: () => Promise.resolve(JSON.stringify(spec)),
      isTty: false,
    };
    const code = await main(['assign', '--assignor', 'cooperative-sticky', '--exact'], io);
    assert.equal(code, 1, err);
    assert.equal(out, '');
    assert.match(err, /cooperative-sticky assignor would fail on this input: it never returns/);
    assert.doesNotMatch(err, /\n\s+at /);
  });
});

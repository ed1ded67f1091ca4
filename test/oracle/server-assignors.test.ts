/**
 * Differential test: our server-side assignors in `exact` mode against Kafka 4.3.1's own
 * UniformAssignor and RangeAssignor (the Java oracle), on seeded random inputs. Zero differences
 * are required, in content and in Java iteration order. `canonical` mode is checked for validity
 * and for Kafka's balance.
 */
import { strict as assert } from 'node:assert';
import { ServerRangeAssignor, UniformAssignor } from '../../src/simulator/assignors/server/uniform';
import type { GroupAssignment, ServerAssignor } from '../../src/simulator/assignors/api';
import { oracle, type OracleResult } from './support/oracle';
import { randomServerCase, toGroupSpec, type ServerCase } from './support/server-cases';
import { diffAssignments, oracleAssignment, oursInJavaOrder } from './support/compare';

const CASES = Number(process.env.KGD_ORACLE_CASES ?? 1200);

const assignors: Record<string, ServerAssignor> = {
  uniform: new UniformAssignor(),
  range: new ServerRangeAssignor(),
};

function sizes(out: GroupAssignment): number[] {
  return [...out.values()].map((a) => [...a.values()].reduce((n, s) => n + s.size, 0));
}

for (const name of ['uniform', 'range']) {
  describe(`server assignor "${name}" vs Kafka 4.3.1`, function () {
    this.timeout(120_000);
    const assignor = assignors[name];
    const cases: ServerCase[] = [];
    let results: OracleResult[] = [];

    before(async () => {
      for (let seed = 1; seed <= CASES; seed++) cases.push(randomServerCase(seed, name, assignor));
      results = await oracle().run(cases);
    });

    it(`exact mode matches Kafka on ${CASES} random groups (content and iteration order)`, () => {
      const failures: string[] = [];
      let errorsAgreed = 0;
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        const r = results[i];
        const { spec, describer } = toGroupSpec(c);
        let ours: GroupAssignment | undefined;
        let ourError: string | undefined;
        try {
          ours = assignor.assign(spec, describer, { ordering: 'exact' });
        } catch (err) {
          ourError = err instanceof Error ? err.message : String(err);
        }
        if (r.error !== undefined || ourError !== undefined) {
          if (r.error === undefined || ourError === undefined) {
            failures.push(
              `case ${c.id} (${c.note}): Kafka ${r.error ?? 'succeeded'}; ours ${ourError ?? 'succeeded'}`,
            );
          } else errorsAgreed++;
          continue;
        }
        const diffs = diffAssignments(
          oracleAssignment(r.assignment),
          oursInJavaOrder(spec, ours as GroupAssignment),
          true,
        );
        if (diffs.length > 0) {
          failures.push(
            `case ${c.id} (${c.note}; ${c.subscriptionType}, ${c.members.length} members, ${c.topics.length} topics):\n  ${diffs.slice(0, 4).join('\n  ')}`,
          );
        }
      }
      if (failures.length > 0) {
        assert.fail(
          `${failures.length} of ${cases.length} cases differ from Kafka. First ones:\n${failures.slice(0, 5).join('\n')}`,
        );
      }
      assert.ok(errorsAgreed < cases.length / 10, 'most cases should succeed');
    });

    it('canonical mode assigns every subscribed partition exactly once, to subscribers, balanced like Kafka', () => {
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        const r = results[i];
        if (r.error !== undefined) continue;
        const { spec, describer } = toGroupSpec(c);
        const out = assignor.assign(spec, describer, { ordering: 'canonical' });
        const owner = new Map<string, string>();
        for (const [memberId, a] of out) {
          const subs = spec.members.get(memberId)?.subscribedTopicIds ?? new Set();
          for (const [t, ps] of a) {
            assert.ok(subs.has(t), `case ${c.id}: ${memberId} got ${t} without subscribing`);
            for (const p of ps) {
              const key = `${t}:${p}`;
              assert.ok(!owner.has(key), `case ${c.id}: ${key} assigned twice`);
              owner.set(key, memberId);
            }
          }
        }
        const subscribedTopics = new Set(
          [...spec.members.values()].flatMap((m) => [...m.subscribedTopicIds]),
        );
        let expected = 0;
        for (const t of subscribedTopics) expected += describer.numPartitions(t);
        assert.equal(owner.size, expected, `case ${c.id}: every subscribed partition is assigned`);
        // Same per-member load profile as Kafka (homogeneous uniform and range are exactly determined).
        if (name === 'range' || c.subscriptionType === 'HOMOGENEOUS') {
          const kafka = sizes(
            new Map(
              [...oracleAssignment(r.assignment)].map(([m, a]) => [
                m,
                new Map(a.map(([t, ps]) => [t, new Set(ps)])),
              ]),
            ),
          ).sort((x, y) => x - y);
          assert.deepEqual(
            sizes(out).sort((x, y) => x - y),
            kafka,
            `case ${c.id}: load profile`,
          );
        }
      }
    });
  });
}

describe('server assignor "uniform" with kafkaVersion "4.0" vs Kafka 4.0.0', function () {
  this.timeout(120_000);
  const assignor = new UniformAssignor();
  const count = Math.max(200, Math.floor(CASES / 2));

  it(`exact mode matches Kafka 4.0.0's UniformAssignor on ${count} random groups`, async () => {
    const cases: ServerCase[] = [];
    for (let seed = 1; seed <= count; seed++)
      cases.push(randomServerCase(seed + 500_000, 'uniform', assignor));
    const results = await oracle('4.0').run(cases);
    const failures: string[] = [];
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const r = results[i];
      const { spec, describer } = toGroupSpec(c);
      let ours: GroupAssignment | undefined;
      try {
        ours = assignor.assign(spec, describer, { ordering: 'exact', kafkaVersion: '4.0' });
      } catch (err) {
        if (r.error === undefined) failures.push(`case ${c.id}: ours failed (${String(err)}), Kafka did not`);
        continue;
      }
      if (r.error !== undefined) {
        failures.push(`case ${c.id}: Kafka failed (${r.error}), ours did not`);
        continue;
      }
      const diffs = diffAssignments(oracleAssignment(r.assignment), oursInJavaOrder(spec, ours), true);
      if (diffs.length > 0) failures.push(`case ${c.id} (${c.note}):\n  ${diffs.slice(0, 3).join('\n  ')}`);
    }
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} cases differ from Kafka 4.0.0`);
  });
});

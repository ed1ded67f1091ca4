/**
 * Differential test: our client-side assignors in `exact` mode against Kafka 4.3.1's own
 * RangeAssignor, RoundRobinAssignor, StickyAssignor and CooperativeStickyAssignor, run through
 * ConsumerPartitionAssignor.assign(Cluster, GroupSubscription) with subscriptions encoded and
 * decoded by ConsumerProtocol (the Java oracle). Zero differences, list order included.
 */
import { strict as assert } from 'node:assert';
import type { TopicPartition } from '../../src/model';
import { clientAssignor, CLIENT_ASSIGNOR_NAMES } from '../../src/simulator/assignors/registry';
import type { ClientAssignor } from '../../src/simulator/assignors/api';
import { oracle, type OracleResult } from './support/oracle';
import { randomClientCase, toClientInput, type ClientCase } from './support/client-cases';

const CASES = Number(process.env.KGD_ORACLE_CASES ?? 1200);

function fmt(list: readonly TopicPartition[] | readonly [string, number][]): string {
  return list.map((x) => (Array.isArray(x) ? `${x[0]}-${x[1]}` : `${x.topic}-${x.partition}`)).join(' ');
}

for (const name of CLIENT_ASSIGNOR_NAMES) {
  describe(`client assignor "${name}" vs Kafka 4.3.1`, function () {
    this.timeout(180_000);
    const assignor = clientAssignor(name) as ClientAssignor;
    const cases: ClientCase[] = [];
    let results: OracleResult[] = [];

    before(async () => {
      for (let seed = 1; seed <= CASES; seed++) cases.push(randomClientCase(seed, name, assignor));
      results = await oracle().run(cases);
    });

    it(`exact mode matches Kafka on ${CASES} random groups (list order included)`, () => {
      const failures: string[] = [];
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        const r = results[i];
        const { partitionsPerTopic, subscriptions } = toClientInput(c);
        let ours: Map<string, TopicPartition[]> | undefined;
        let ourError: string | undefined;
        try {
          ours = assignor.assign(partitionsPerTopic, subscriptions, { ordering: 'exact' });
        } catch (err) {
          ourError = err instanceof Error ? err.message : String(err);
        }
        if (r.error !== undefined || ourError !== undefined) {
          if (r.error === undefined || ourError === undefined) {
            failures.push(
              `case ${c.id} (${c.note}): Kafka ${r.error ?? 'succeeded'}; ours ${ourError ?? 'succeeded'}`,
            );
          }
          continue;
        }
        const kafka = new Map((r.assignment as [string, [string, number][]][]).map(([m, l]) => [m, l]));
        const diffs: string[] = [];
        for (const id of new Set([...kafka.keys(), ...(ours as Map<string, TopicPartition[]>).keys()])) {
          const k = kafka.get(id);
          const o = ours?.get(id);
          if (k === undefined || o === undefined)
            diffs.push(`${id}: ${k === undefined ? 'not in Kafka output' : 'missing from ours'}`);
          else if (fmt(k) !== fmt(o)) diffs.push(`${id}: Kafka [${fmt(k)}] ours [${fmt(o)}]`);
        }
        if (diffs.length > 0)
          failures.push(
            `case ${c.id} (${c.note}; ${c.members.length} members):\n  ${diffs.slice(0, 4).join('\n  ')}`,
          );
      }
      if (failures.length > 0) {
        assert.fail(
          `${failures.length} of ${cases.length} cases differ from Kafka. First ones:\n${failures.slice(0, 5).join('\n')}`,
        );
      }
    });

    it('canonical mode gives every subscribed partition at most once, only to subscribers', () => {
      for (const c of cases) {
        const { partitionsPerTopic, subscriptions } = toClientInput(c);
        let out: Map<string, TopicPartition[]>;
        try {
          out = assignor.assign(partitionsPerTopic, subscriptions, { ordering: 'canonical' });
        } catch {
          continue; // the same inputs make Kafka fail too (checked above for exact mode)
        }
        const seen = new Set<string>();
        for (const [m, list] of out) {
          const subs = new Set(subscriptions.get(m)?.topics ?? []);
          for (const tp of list) {
            assert.ok(subs.has(tp.topic), `case ${c.id}: ${m} got ${tp.topic} without subscribing`);
            const key = `${tp.topic}-${tp.partition}`;
            assert.ok(!seen.has(key), `case ${c.id}: ${key} assigned twice`);
            seen.add(key);
          }
        }
        if (name !== 'cooperative-sticky') {
          let expected = 0;
          const subscribed = new Set([...subscriptions.values()].flatMap((s) => s.topics));
          for (const t of subscribed) expected += partitionsPerTopic.get(t) ?? 0;
          assert.equal(seen.size, expected, `case ${c.id}: all subscribed partitions assigned`);
        }
      }
    });
  });
}

/**
 * `kgd describe` against Kafka 4.3.1 itself: for the same live groups — KIP-848 (Kafka's Java
 * consumer, group.protocol=consumer), classic (kafkajs, and Kafka's Java consumer with
 * cooperative-sticky) and offset-only — our values equal what Kafka's kafka-consumer-groups prints.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { describeGroupSnapshots, openCluster, type GroupDescription } from '../../../src/kafka';
import type { GroupSnapshot } from '../../../src/model';
import { cliMemberRows, cliOffsetRows, parseCliTables, snapshotMemberRows } from '../../support/kafka-cli';
import { kafka } from '../support/env';
import { JavaConsumer, kafkaConsumerGroups, kafkaTopics } from '../support/kafka';
import { kgd, waitUntil } from '../support/kgd';

const T_ORDERS = 'it-orders';
const T_PAY = 'it-payments';
const T_LAG = 'it-lagged';
const G848 = 'it-848';
const G_JS = 'it-classic-js';
const G_JAVA = 'it-classic-java';
const G_OFFSETS = 'it-offsets-only';
const G_NOCOMMIT = 'it-848-nocommit';
const ALL = [G848, G_JS, G_JAVA, G_OFFSETS, G_NOCOMMIT];

async function describeNow(
  bootstrap: string,
  groups: readonly string[],
): Promise<Map<string, GroupDescription>> {
  const client = openCluster(
    { bootstrapServers: [bootstrap], tls: null, sasl: null, clientId: 'it', timeoutMs: 15_000 },
    { password: null },
  );
  try {
    return await client.withDeadline('describe', (d) =>
      describeGroupSnapshots(client, groups, d, { sourceId: 'it' }),
    );
  } finally {
    await client.close();
  }
}

function settled(s: GroupSnapshot, members: number): boolean {
  if (s.state !== 'Stable' || s.members.length !== members) return false;
  if (s.protocol === 'consumer') return s.members.every((m) => m.reconciliation === 'STABLE');
  return s.members.every((m) => Object.keys(m.assignment).length > 0);
}

describe('kgd describe equals kafka-consumer-groups (Kafka 4.3.1)', function () {
  this.timeout(180_000);
  const java: JavaConsumer[] = [];
  const js: Consumer[] = [];

  before(async function () {
    this.timeout(240_000);
    const { bootstrap } = kafka();
    await kafkaTopics(bootstrap, ['--create', '--topic', T_ORDERS, '--partitions', '6']);
    await kafkaTopics(bootstrap, ['--create', '--topic', T_PAY, '--partitions', '3']);
    await kafkaTopics(bootstrap, ['--create', '--topic', T_LAG, '--partitions', '3']);
    const client = new Kafka({ clientId: 'it-setup', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = client.producer();
    await producer.connect();
    for (const [topic, parts] of [
      [T_ORDERS, 6],
      [T_PAY, 3],
      [T_LAG, 3],
    ] as const) {
      for (let p = 0; p < parts; p++) {
        await producer.send({
          topic,
          messages: Array.from({ length: 10 }, (_, i) => ({ partition: p, value: `${topic}-${p}-${i}` })),
        });
      }
    }
    await producer.disconnect();

    // An offsets-only group with exact commits, one of them below the log start after a delete.
    const admin = client.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: G_OFFSETS,
      topic: T_LAG,
      partitions: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '2' },
      ],
    });
    await admin.fetchTopicMetadata({ topics: [T_LAG] });
    await admin.deleteTopicRecords({ topic: T_LAG, partitions: [{ partition: 1, offset: '5' }] });
    await admin.disconnect();

    // KIP-848: two Java consumers, one static with a rack; a third group that never commits.
    java.push(
      await JavaConsumer.start({ bootstrap, group: G848, topics: [T_ORDERS, T_PAY], clientId: 'k1' }),
    );
    java.push(
      await JavaConsumer.start({
        bootstrap,
        group: G848,
        topics: [T_ORDERS],
        clientId: 'k2',
        instanceId: 'it-static-2',
        properties: { 'client.rack': 'rack-b' },
      }),
    );
    java.push(
      await JavaConsumer.start({
        bootstrap,
        group: G_NOCOMMIT,
        topics: [T_PAY],
        clientId: 'n1',
        commit: false,
      }),
    );
    // Classic: Kafka's Java consumer with cooperative-sticky, and two kafkajs consumers.
    java.push(
      await JavaConsumer.start({
        bootstrap,
        group: G_JAVA,
        topics: [T_ORDERS],
        protocol: 'classic',
        clientId: 'cj1',
        assignor: 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
      }),
    );
    for (const id of ['js1', 'js2']) {
      const c = new Kafka({ clientId: id, brokers: [bootstrap], logLevel: logLevel.NOTHING }).consumer({
        groupId: G_JS,
      });
      await c.connect();
      await c.subscribe({ topics: [T_PAY], fromBeginning: true });
      await c.run({ eachMessage: () => Promise.resolve() });
      js.push(c);
    }
    const want: Record<string, number> = { [G848]: 2, [G_NOCOMMIT]: 1, [G_JAVA]: 1, [G_JS]: 2 };
    await waitUntil(
      'every group to settle',
      async () => {
        const d = await describeNow(bootstrap, Object.keys(want));
        return [...d.values()].every((g) => g.ok && settled(g.snapshot, want[g.snapshot.groupId] ?? 0))
          ? true
          : undefined;
      },
      120_000,
      1000,
    );
  });

  after(async () => {
    await Promise.all(js.map((c) => c.disconnect().catch(() => undefined)));
    await Promise.all(java.map((c) => c.close()));
  });

  it('--members --verbose: same members, epochs, current and target assignments as Kafka', async () => {
    const { bootstrap } = kafka();
    const groupArgs = ALL.flatMap((g) => ['--group', g]);
    const theirs = await kafkaConsumerGroups([
      '--bootstrap-server',
      bootstrap,
      '--describe',
      ...groupArgs,
      '--members',
      '--verbose',
    ]);
    const ours = await kgd(['describe', '--bootstrap', bootstrap, ...groupArgs, '--members', '--verbose']);
    assert.equal(ours.code, 0, ours.stderr);
    const kafkaRows = cliMemberRows(theirs);
    assert.deepEqual(cliMemberRows(ours.stdout), kafkaRows);
    // The comparison covered both protocols and a static member.
    const k848 = kafkaRows.filter((r) => r.group === G848);
    assert.equal(k848.length, 2);
    assert.ok(k848.every((r) => r.currentEpoch !== null && r.currentEpoch > 0 && r.targetEpoch !== null));
    assert.ok(k848.some((r) => r.groupInstanceId === 'it-static-2'));
    assert.equal(kafkaRows.filter((r) => r.group === G_JS).length, 2);
    assert.ok(kafkaRows.filter((r) => r.group === G_JS).every((r) => r.currentEpoch === null));
    // And the JSON snapshots carry the same values.
    const json = await kgd([
      'describe',
      '--bootstrap',
      bootstrap,
      ...groupArgs,
      '--members',
      '--format',
      'json',
    ]);
    const parsed = JSON.parse(json.stdout) as { groups: GroupSnapshot[] };
    assert.deepEqual(snapshotMemberRows(parsed.groups), kafkaRows);
  });

  it('--state --verbose: same coordinator, assignor, state, group epoch and target-assignment epoch', async () => {
    const { bootstrap } = kafka();
    const groupArgs = [G848, G_JAVA, G_JS].flatMap((g) => ['--group', g]);
    const theirs = parseCliTables(
      await kafkaConsumerGroups([
        '--bootstrap-server',
        bootstrap,
        '--describe',
        ...groupArgs,
        '--state',
        '--verbose',
      ]),
    ).flatMap((t) => t.rows);
    const ours = await kgd(['describe', '--bootstrap', bootstrap, ...groupArgs, '--state', '--verbose']);
    assert.equal(ours.code, 0, ours.stderr);
    const mine = parseCliTables(ours.stdout).flatMap((t) => t.rows);
    const byGroup = (rows: Record<string, string>[]): Record<string, string>[] =>
      [...rows].sort((a, b) => ((a['GROUP'] ?? '') < (b['GROUP'] ?? '') ? -1 : 1));
    assert.deepEqual(byGroup(mine), byGroup(theirs));
    assert.ok(
      theirs.some(
        (r) => r['GROUP'] === G848 && r['ASSIGNMENT-STRATEGY'] === 'uniform' && r['GROUP-EPOCH'] !== '-',
      ),
    );
    assert.ok(theirs.some((r) => r['GROUP'] === G_JAVA && r['ASSIGNMENT-STRATEGY'] === 'cooperative-sticky'));
  });

  it('offsets and lag: the same rows as kafka-consumer-groups --describe, and the right numbers', async () => {
    const { bootstrap } = kafka();
    const groupArgs = [G_OFFSETS, G_NOCOMMIT, G848].flatMap((g) => ['--group', g]);
    const theirs = cliOffsetRows(
      await kafkaConsumerGroups(['--bootstrap-server', bootstrap, '--describe', ...groupArgs]),
    );
    const ours = await kgd(['describe', '--bootstrap', bootstrap, ...groupArgs]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.deepEqual(cliOffsetRows(ours.stdout), theirs);

    // Exact numbers: 10 records per partition; commits 4 and 2; records before 5 deleted on p1.
    const d = await describeNow(bootstrap, [G_OFFSETS, G_NOCOMMIT]);
    const offsets = d.get(G_OFFSETS);
    assert.ok(offsets?.ok);
    assert.equal(offsets.snapshot.state, 'Empty');
    assert.deepEqual(
      offsets.snapshot.lag?.partitions.map((p) => [
        p.partition,
        p.committedOffset,
        p.logStartOffset,
        p.logEndOffset,
        p.lag,
        p.belowLogStart,
      ]),
      [
        [0, 4, 0, 10, 6, false],
        [1, 2, 5, 10, 8, true],
      ],
    );
    assert.equal(offsets.snapshot.lag?.totalLag, 14);
    const nocommit = d.get(G_NOCOMMIT);
    assert.ok(nocommit?.ok);
    assert.deepEqual(
      nocommit.snapshot.lag?.partitions.map((p) => [p.partition, p.committedOffset, p.lag]),
      [
        [0, null, null],
        [1, null, null],
        [2, null, null],
      ],
      'no commit is null, never 0',
    );
    assert.equal(nocommit.snapshot.lag?.partitionsWithoutCommit, 3);

    const lag = await kgd(['lag', '--bootstrap', bootstrap, '--group', G_OFFSETS, '--group', G_NOCOMMIT]);
    assert.equal(lag.code, 0, lag.stderr);
    assert.match(lag.stdout, /committed offset is below the log start/);
    assert.match(lag.stdout, /no commit/);
    assert.match(lag.stdout, new RegExp(`${G_OFFSETS}: total lag 14\\n`));
    assert.match(lag.stdout, new RegExp(`${G_NOCOMMIT}: total lag 0, 3 partition\\(s\\) without a commit`));
  });

  it('kgd lag --watch: a group with lag whose offsets never move and that nobody consumes is STOP (ERR)', async () => {
    const { bootstrap } = kafka();
    const r = await kgd([
      'lag',
      '--bootstrap',
      bootstrap,
      '--group',
      G_OFFSETS,
      '--watch',
      '--samples',
      '2',
      '--interval',
      '300ms',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const polls = r.stdout.split(/\n(?=\d{4}-\d\d-\d\dT)/).filter((p) => p.trim() !== '');
    assert.equal(polls.length, 2, 'two polls');
    assert.match(polls[1], /it-lagged\s+0\s+4\s+0\s+10\s+6\s+STOP/);
    assert.match(polls[1], new RegExp(`${G_OFFSETS}: total lag 14, status ERR`));
  });

  it('kgd groups: the same groups and types as kafka-consumer-groups --list --type', async () => {
    const { bootstrap } = kafka();
    const theirs = (await kafkaConsumerGroups(['--bootstrap-server', bootstrap, '--list', '--type']))
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((r) => ALL.includes(r[0] ?? ''))
      .map(([g, t]) => [g, (t ?? '').toLowerCase()])
      .sort();
    const ours = await kgd(['groups', '--bootstrap', bootstrap, '--format', 'json']);
    assert.equal(ours.code, 0, ours.stderr);
    const listed = (JSON.parse(ours.stdout) as { groups: Array<{ groupId: string; type: string }> }).groups
      .filter((g) => ALL.includes(g.groupId))
      .map((g) => [g.groupId, g.type])
      .sort();
    assert.deepEqual(listed, theirs);
    assert.equal(theirs.length, ALL.length);
    const consumerOnly = await kgd([
      'groups',
      '--bootstrap',
      bootstrap,
      '--type',
      'consumer',
      '--format',
      'json',
    ]);
    const ids = (JSON.parse(consumerOnly.stdout) as { groups: Array<{ groupId: string }> }).groups.map(
      (g) => g.groupId,
    );
    assert.ok(
      ids.includes(G848) && ids.includes(G_NOCOMMIT) && !ids.includes(G_JS) && !ids.includes(G_OFFSETS),
    );
  });

  it('a group that does not exist: exit 1 and the message Kafka prints', async () => {
    const { bootstrap } = kafka();
    const r = await kgd(['describe', '--bootstrap', bootstrap, '--group', 'it-no-such-group', '--members']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Consumer group 'it-no-such-group' does not exist\./);
  });
});

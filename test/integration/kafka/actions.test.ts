/**
 * Actions against the real broker, checked against Kafka's own tool: the reset plan (CSV export)
 * equals kafka-consumer-groups --reset-offsets --dry-run --export run with the command line kgd
 * prints ("copy as kafka-consumer-groups command"); a reset executes on an Empty group and is
 * refused on an active one; offsets and groups are deleted; a static member is removed at once.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import {
  describeGroupSnapshots,
  fetchCommittedOffsets,
  openCluster,
  type CommittedOffset,
} from '../../../src/kafka';
import type { GroupSnapshot } from '../../../src/model';
import { kafka } from '../support/env';
import { JavaConsumer, kafkaConsumerGroups, kafkaTopics } from '../support/kafka';
import { kgd, waitUntil } from '../support/kgd';

const TOPIC = 'it-reset';
const EMPTY = 'it-reset-empty';
const ACTIVE = 'it-reset-active';
const STATIC_848 = 'it-static-848';

function client(bootstrap: string): ReturnType<typeof openCluster> {
  return openCluster(
    { bootstrapServers: [bootstrap], tls: null, sasl: null, clientId: 'it', timeoutMs: 15_000 },
    { password: null },
  );
}

async function committed(bootstrap: string, group: string): Promise<Array<[number, number]>> {
  const c = client(bootstrap);
  try {
    const r = await c.withDeadline('offsets', (d) => fetchCommittedOffsets(c, [group], d));
    const g = r.get(group);
    assert.ok(g?.ok);
    return g.offsets.filter((o: CommittedOffset) => o.topic === TOPIC).map((o) => [o.partition, o.offset]);
  } finally {
    await c.close();
  }
}

async function snapshot(bootstrap: string, group: string): Promise<GroupSnapshot | null> {
  const c = client(bootstrap);
  try {
    const r = await c.withDeadline('describe', (d) =>
      describeGroupSnapshots(c, [group], d, { sourceId: 'it', lag: false }),
    );
    const g = r.get(group);
    return g?.ok === true ? g.snapshot : null;
  } finally {
    await c.close();
  }
}

describe('kgd actions on real groups (Kafka 4.3.1)', function () {
  this.timeout(120_000);
  const java: JavaConsumer[] = [];

  before(async function () {
    this.timeout(180_000);
    const { bootstrap } = kafka();
    await kafkaTopics(bootstrap, ['--create', '--topic', TOPIC, '--partitions', '3']);
    const k = new Kafka({ clientId: 'it-actions', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = k.producer();
    await producer.connect();
    for (let p = 0; p < 3; p++) {
      await producer.send({
        topic: TOPIC,
        messages: Array.from({ length: 10 }, (_, i) => ({ partition: p, value: `${p}-${i}` })),
      });
    }
    await producer.disconnect();
    const admin = k.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: EMPTY,
      topic: TOPIC,
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '5' },
        { partition: 2, offset: '9' },
      ],
    });
    await admin.disconnect();
    java.push(await JavaConsumer.start({ bootstrap, group: ACTIVE, topics: [TOPIC], clientId: 'active-1' }));
    await java[0].waitForOwned(3);
  });

  after(async () => {
    await Promise.all(java.map((c) => c.close()));
  });

  const scenarios: Array<[string, string[]]> = [
    ['to-earliest, all topics', ['--all-topics', '--to-earliest']],
    ['shift-by −3 (partition 0 clamps at the log start)', ['--all-topics', '--shift-by', '-3']],
    ['to-offset 7 on two partitions', ['--topic', `${TOPIC}:0,2`, '--to-offset', '7']],
    [
      'to-datetime in the future (falls back to the log end)',
      ['--topic', TOPIC, '--to-datetime', '2999-01-01T00:00:00.000'],
    ],
  ];
  for (const [name, args] of scenarios) {
    it(`reset plan = Kafka's dry run, run with kgd's printed command: ${name}`, async () => {
      const { bootstrap } = kafka();
      const base = ['reset-offsets', '--bootstrap', bootstrap, '--group', EMPTY, ...args];
      const ours = await kgd([...base, '--export']);
      assert.equal(ours.code, 0, ours.stderr);
      const printed = await kgd([...base, '--print-kafka-command']);
      assert.equal(printed.code, 0, printed.stderr);
      const line = printed.stdout.trim();
      assert.match(
        line,
        /^kafka-consumer-groups\.sh --bootstrap-server \S+ --group it-reset-empty --reset-offsets .* --dry-run$/,
      );
      const theirArgs = line.split(' ').slice(1);
      const theirs = await kafkaConsumerGroups([...theirArgs, '--export']);
      const lines = (s: string): string[] =>
        s
          .split('\n')
          .map((l) => l.trim())
          // Kafka prints its "falling back to the log end" warnings on stdout too.
          .filter((l) => l !== '' && !l.startsWith('Warn:'))
          .sort();
      assert.deepEqual(lines(ours.stdout), lines(theirs));
      assert.ok(lines(ours.stdout).length >= 2);
    });
  }

  it('the dry run changes nothing and shows current → new', async () => {
    const { bootstrap } = kafka();
    const r = await kgd([
      'reset-offsets',
      '--bootstrap',
      bootstrap,
      '--group',
      EMPTY,
      '--all-topics',
      '--shift-by',
      '-3',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /it-reset-empty\s+it-reset\s+0\s+2\s+0\s+-1 is before the log start; set to 0/);
    assert.match(r.stdout, /Dry run: nothing changed/);
    assert.deepEqual(await committed(bootstrap, EMPTY), [
      [0, 2],
      [1, 5],
      [2, 9],
    ]);
  });

  it('--execute resets an Empty group', async () => {
    const { bootstrap } = kafka();
    const r = await kgd([
      'reset-offsets',
      '--bootstrap',
      bootstrap,
      '--group',
      EMPTY,
      '--topic',
      `${TOPIC}:0,1`,
      '--to-offset',
      '7',
      '--execute',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Reset 2 partition\(s\) of group 'it-reset-empty'\./);
    assert.deepEqual(await committed(bootstrap, EMPTY), [
      [0, 7],
      [1, 7],
      [2, 9],
    ]);
  });

  it("refuses to reset a group with active members, in Kafka's words, and changes nothing", async () => {
    const { bootstrap } = kafka();
    await waitUntil('the active group to commit', async () =>
      (await committed(bootstrap, ACTIVE)).length === 3 ? true : undefined,
    );
    const before = await committed(bootstrap, ACTIVE);
    const r = await kgd([
      'reset-offsets',
      '--bootstrap',
      bootstrap,
      '--group',
      ACTIVE,
      '--all-topics',
      '--to-earliest',
      '--execute',
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /Assignments can only be reset if the group 'it-reset-active' is inactive, but the current state is Stable\./,
    );
    assert.deepEqual(await committed(bootstrap, ACTIVE), before);
    assert.ok(before.every(([, o]) => o === 10));
  });

  it('deletes offsets of an inactive group, and reports GROUP_SUBSCRIBED_TO_TOPIC for an active one', async () => {
    const { bootstrap } = kafka();
    const ok = await kgd([
      'delete-offsets',
      '--bootstrap',
      bootstrap,
      '--group',
      EMPTY,
      '--topic',
      `${TOPIC}:2`,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /it-reset\s+2\s+Successful/);
    assert.deepEqual(
      (await committed(bootstrap, EMPTY)).map(([p]) => p),
      [0, 1],
    );
    const refused = await kgd([
      'delete-offsets',
      '--bootstrap',
      bootstrap,
      '--group',
      ACTIVE,
      '--topic',
      TOPIC,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /GROUP_SUBSCRIBED_TO_TOPIC/);
  });

  it('deletes an inactive group; refuses a group with members (NON_EMPTY_GROUP)', async () => {
    const { bootstrap } = kafka();
    const refused = await kgd(['delete-groups', '--bootstrap', bootstrap, '--group', ACTIVE]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /NON_EMPTY_GROUP/);
    const ok = await kgd(['delete-groups', '--bootstrap', bootstrap, '--group', EMPTY]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(await snapshot(bootstrap, EMPTY), null);
  });

  it('removes a crashed static member of a KIP-848 group at once (instead of after its session timeout)', async () => {
    const { bootstrap } = kafka();
    const a = await JavaConsumer.start({
      bootstrap,
      group: STATIC_848,
      topics: [TOPIC],
      clientId: 's1',
      instanceId: 'it-inst-1',
    });
    java.push(a);
    const b = await JavaConsumer.start({
      bootstrap,
      group: STATIC_848,
      topics: [TOPIC],
      clientId: 's2',
      instanceId: 'it-inst-2',
    });
    java.push(b);
    await waitUntil('both static members to own partitions', async () => {
      const s = await snapshot(bootstrap, STATIC_848);
      return s !== null &&
        s.members.length === 2 &&
        s.members.every((m) => Object.keys(m.assignment).length > 0)
        ? s
        : undefined;
    });
    b.kill(); // no LeaveGroup: the coordinator keeps the member for session.timeout.ms
    const crashed = await snapshot(bootstrap, STATIC_848);
    assert.ok(
      crashed?.members.some((m) => m.instanceId === 'it-inst-2'),
      'the killed member is still there',
    );
    const r = await kgd([
      'remove-members',
      '--bootstrap',
      bootstrap,
      '--group',
      STATIC_848,
      '--instance-id',
      'it-inst-2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Removed static member 'it-inst-2'/);
    const after = await snapshot(bootstrap, STATIC_848);
    assert.deepEqual(
      after?.members.map((m) => m.instanceId),
      ['it-inst-1'],
    );
    const again = await kgd([
      'remove-members',
      '--bootstrap',
      bootstrap,
      '--group',
      STATIC_848,
      '--instance-id',
      'it-inst-2',
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /could not remove 'it-inst-2'/);
  });
});

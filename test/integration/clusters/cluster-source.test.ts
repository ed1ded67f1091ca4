/**
 * The extension's ClusterSource over the real backend (src/sources/cluster-backend.ts: our client
 * and ClusterWatch) against Kafka 4.3.1 — what the Groups tree and the dashboards get: the group
 * listed with its type and state and described, a watched group polled with lag; the view marked
 * stale when the broker stops, fresh again when it is back; over SASL, no password in the client's
 * log or in an exported snapshot, and a wrong password said plainly. (That describe and lag equal
 * kafka-consumer-groups is proven by the kafka/ tests; not repeated here.)
 *
 * It runs on a broker of its own (the suite's spare port), because it stops it.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import type { ConnectionSettings, Secrets } from '../../../src/kafka/connection';
import { createKafkaBackend, type KafkaClusterBackend } from '../../../src/sources/cluster-backend';
import { ClusterSource } from '../../../src/sources/cluster-source';
import { buildSnapshotFile, serializeSnapshotFile } from '../../../src/sources/snapshot-file';
import { JavaConsumer, TEST_PORTS, kafkaTopics, startKafka, type RunningKafka } from '../support/kafka';
import { waitUntil } from '../support/kgd';

const TOPIC = 'cs-orders';
const GROUP = 'cs-848';
const POLL_MS = 1_000;

function settingsOf(bootstrap: string, over: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    bootstrapServers: bootstrap.split(','),
    tls: null,
    sasl: null,
    clientId: 'it-cluster-source',
    timeoutMs: 3_000,
    ...over,
  };
}

function sourceOf(
  settings: ConnectionSettings,
  secrets: Secrets,
  log: string[] = [],
): ClusterSource<KafkaClusterBackend> {
  return new ClusterSource<KafkaClusterBackend>({
    name: 'it',
    address: settings.bootstrapServers.join(','),
    pollIntervalMs: POLL_MS,
    listIntervalMs: 2_000,
    maxBackoffMs: 4_000,
    connect: () =>
      Promise.resolve(
        createKafkaBackend(settings, secrets, {
          sourceId: 'cluster/it',
          pollIntervalMs: POLL_MS,
          maxBackoffMs: 4_000,
          log: (level, message) => log.push(`${level} ${message}`),
        }),
      ),
  });
}

describe('ClusterSource against Kafka 4.3.1 (what the tree and dashboards see)', function () {
  this.timeout(180_000);
  let broker: RunningKafka;
  let consumer: JavaConsumer | undefined;

  before(async function () {
    this.timeout(240_000);
    broker = await startKafka({
      mode: 'single',
      name: 'it-cluster-source',
      basePort: TEST_PORTS.spare,
      log: (l) => process.stderr.write(`  [kafka spare] ${l}\n`),
    });
    const { bootstrap } = broker;
    await kafkaTopics(bootstrap, ['--create', '--topic', TOPIC, '--partitions', '3']);
    const producer = new Kafka({
      clientId: 'cs',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    for (let p = 0; p < 3; p++) {
      await producer.send({
        topic: TOPIC,
        messages: Array.from({ length: 20 }, (_, i) => ({ partition: p, value: `${p}-${i}` })),
      });
    }
    await producer.disconnect();
    consumer = await JavaConsumer.start({ bootstrap, group: GROUP, topics: [TOPIC], clientId: 'cs-1' });
    await consumer.waitForOwned(3);
  });

  after(async function () {
    this.timeout(60_000);
    await consumer?.close().catch(() => undefined);
    await broker?.stop();
  });

  it('lists the KIP-848 group (type, state, members) and watches it with lag and history', async () => {
    const source = sourceOf(settingsOf(broker.bootstrap), { password: null });
    try {
      assert.equal(source.status().state, 'idle');
      source.groups(); // the tree expanding the cluster: connects
      const listed = await waitUntil('the group in the list, described', () => {
        const g = source.groups().find((x) => x.groupId === GROUP);
        return Promise.resolve(
          g !== undefined && g.memberCount === 1 && g.state === 'Stable' ? g : undefined,
        );
      });
      assert.equal(listed.protocol, 'consumer');
      assert.equal(listed.totalLag, null, 'unwatched: described without offsets');
      assert.equal(source.status().state, 'running');
      assert.match(source.status().detail, /^1 group · listed/);

      const stop = source.watch(GROUP); // a dashboard opens
      const watched = await waitUntil('lag for the watched group, committed to the end', () => {
        const s = source.snapshot(GROUP);
        return Promise.resolve(s?.lag !== null && s?.lag?.totalLag === 0 ? s : undefined);
      });
      assert.equal(watched.lag?.partitions.length, 3);
      assert.deepEqual(
        watched.lag?.partitions.map((p) => p.logEndOffset),
        [20, 20, 20],
      );
      assert.equal(watched.members[0]?.clientId, 'cs-1');
      assert.equal(watched.lag?.status, 'OK', 'Burrow status filled in');
      await waitUntil(
        'a history of polls',
        () => Promise.resolve(source.history(GROUP).length >= 3 ? true : undefined),
        20_000,
      );
      stop();
      assert.deepEqual(source.watched(), []);
    } finally {
      source.dispose();
    }
  });

  it('over SASL/SCRAM: neither the client log of a connect nor an exported snapshot holds the password', async () => {
    const user = broker.info.saslUsers.find((u) => u.mechanism === 'SCRAM-SHA-256');
    assert.ok(user !== undefined, 'the test broker has a SCRAM-SHA-256 user');
    const log: string[] = [];
    const settings = settingsOf(broker.info.bootstrap.saslPlaintext, {
      sasl: { mechanism: 'SCRAM-SHA-256', username: user.username },
    });
    const source = sourceOf(settings, { password: user.password }, log);
    try {
      source.watch(GROUP);
      const s = await waitUntil('the group over SASL', () => {
        const snap = source.snapshot(GROUP);
        return Promise.resolve(snap?.lag !== null && snap !== undefined ? snap : undefined);
      });
      const exported = serializeSnapshotFile(
        buildSnapshotFile(
          [{ snapshot: s, history: source.history(GROUP), events: source.events(GROUP) }],
          'it',
          new Date(),
        ),
      );
      assert.ok(log.length > 0, 'the client logged the connect (debug), so the check means something');
      assert.ok(
        log.some((l) => /SASL|SCRAM|authent/i.test(l)),
        `the log shows the SASL step:\n${log.slice(0, 20).join('\n')}`,
      );
      for (const text of [log.join('\n'), exported]) {
        assert.ok(!text.includes(user.password), 'the password appears nowhere');
      }
    } finally {
      source.dispose();
    }

    const wrong = sourceOf(settings, { password: 'not-the-password' });
    try {
      const started = Date.now();
      wrong.groups();
      const status = await waitUntil(
        'a plain error for a wrong password',
        () => {
          const st = wrong.status();
          return Promise.resolve(st.state === 'error' ? st : undefined);
        },
        20_000,
        100,
      );
      assert.ok(Date.now() - started < 3_000 + 2_000, 'within the timeout');
      assert.match(status.error ?? '', /SASL|authenticat|password/i);
      assert.ok(!(status.error ?? '').includes('not-the-password'));
    } finally {
      wrong.dispose();
    }
  });

  it('marks the view stale when the broker stops (never silently frozen) and fresh again when it is back', async () => {
    const source = sourceOf(settingsOf(broker.bootstrap), { password: null });
    try {
      source.watch(GROUP);
      const fresh = await waitUntil('a fresh snapshot', () => {
        const s = source.snapshot(GROUP);
        return Promise.resolve(s !== undefined && s.stale === null && s.lag !== null ? s : undefined);
      });
      const nodeId = broker.info.nodes[0].nodeId;
      const stoppedAt = Date.now();
      await broker.stopNode(nodeId);
      const stale = await waitUntil(
        'the watched group marked stale',
        () => {
          const s = source.snapshot(GROUP);
          return Promise.resolve(s?.stale !== null && s?.stale !== undefined ? s : undefined);
        },
        30_000,
        100,
      );
      const staleAfterMs = Date.now() - stoppedAt;
      process.stderr.write(`      stale ${staleAfterMs} ms after the broker stopped\n`);
      assert.ok(
        staleAfterMs < POLL_MS + 3_000 + 2_000,
        `stale within a poll and the timeout (took ${staleAfterMs} ms)`,
      );
      assert.ok(
        stale.stale !== null && stale.stale.sinceMs >= fresh.timeMs,
        'stale since the last good poll',
      );
      assert.equal(stale.members.length, 1, 'the last known state is kept, marked stale');
      assert.equal(source.status().state, 'stale');
      assert.ok((source.status().error ?? '').length > 0, 'the source says why');

      await broker.restartNode(nodeId);
      await waitUntil(
        'fresh again after the restart',
        () => {
          const s = source.snapshot(GROUP);
          return Promise.resolve(s !== undefined && s.stale === null && s.timeMs > stoppedAt ? s : undefined);
        },
        90_000,
      );
      await waitUntil('the source running again', () =>
        Promise.resolve(source.status().state === 'running' ? true : undefined),
      );
    } finally {
      source.dispose();
    }
  });
});

/**
 * A watch survives losing the group coordinator: on the three-node cluster, the broker that
 * coordinates a live KIP-848 group is killed mid-watch; the watch marks the view stale (or keeps
 * answering) and then shows the group again, fresh, from its new coordinator.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import { ClusterWatch, openCluster, type WatchUpdate } from '../../../src/kafka';
import type { GroupSnapshot } from '../../../src/model';
import { sharedCluster } from '../support/env';
import { JavaConsumer, kafkaTopics, type RunningKafka } from '../support/kafka';
import { waitUntil } from '../support/kgd';

const TOPIC = 'fo-orders';
const GROUP = 'fo-848';

function healthy(s: GroupSnapshot | null): s is GroupSnapshot {
  return (
    s !== null &&
    s.stale === null &&
    s.state === 'Stable' &&
    s.members.length === 2 &&
    s.members.every((m) => m.reconciliation === 'STABLE' && Object.keys(m.assignment).length > 0)
  );
}

describe('coordinator failover during a watch (three-node cluster)', function () {
  this.timeout(300_000);
  let cluster: RunningKafka;
  const java: JavaConsumer[] = [];

  before(async function () {
    this.timeout(300_000);
    cluster = await sharedCluster();
    const bootstrap = cluster.info.bootstrap.plaintext;
    await kafkaTopics(bootstrap, [
      '--create',
      '--topic',
      TOPIC,
      '--partitions',
      '6',
      '--replication-factor',
      '3',
    ]);
    const producer = new Kafka({
      clientId: 'fo',
      brokers: bootstrap.split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    for (let p = 0; p < 6; p++) {
      await producer.send({
        topic: TOPIC,
        messages: Array.from({ length: 5 }, (_, i) => ({ partition: p, value: `${i}` })),
      });
    }
    await producer.disconnect();
    for (const id of ['fo-1', 'fo-2']) {
      java.push(await JavaConsumer.start({ bootstrap, group: GROUP, topics: [TOPIC], clientId: id }));
    }
  });

  after(async () => {
    await Promise.all(java.map((c) => c.close(20_000)));
  });

  it('shows the group again, fresh, from the new coordinator after the old one is killed', async () => {
    const bootstrap = cluster.info.bootstrap.plaintext;
    const client = openCluster(
      {
        bootstrapServers: bootstrap.split(','),
        tls: null,
        sasl: null,
        clientId: 'it-watch',
        timeoutMs: 8000,
      },
      { password: null },
    );
    const watch = new ClusterWatch(client, { sourceId: 'cluster/it', intervalMs: 500, maxBackoffMs: 2000 });
    const updates: WatchUpdate[] = [];
    const stop = watch.watch(GROUP, (u) => updates.push(u));
    try {
      const before = await waitUntil(
        'a stable group in the watch',
        () => Promise.resolve(updates.map((u) => u.snapshot).find(healthy)),
        120_000,
        250,
      );
      const old = before.coordinator?.nodeId;
      assert.ok(old !== undefined);
      const seenBefore = updates.length;
      const killedAt = Date.now();
      await cluster.stopNode(old);

      const after = await waitUntil(
        'a fresh snapshot from a new coordinator',
        () =>
          Promise.resolve(
            updates
              .slice(seenBefore)
              .map((u) => u.snapshot)
              .find(
                (s): s is GroupSnapshot =>
                  healthy(s) && s.coordinator !== null && s.coordinator.nodeId !== old,
              ),
          ),
        120_000,
        250,
      );
      const failoverMs = Date.now() - killedAt;
      process.stderr.write(
        `      [failover] coordinator ${old} → ${after.coordinator?.nodeId} seen after ${failoverMs} ms\n`,
      );
      const during = updates.slice(seenBefore);
      // Every update while the coordinator moved was either fresh or an explicit stale mark.
      assert.ok(during.every((u) => (u.error === null) === (u.snapshot?.stale === null)));
      assert.ok(
        during.every(
          (u) => u.snapshot === null || u.snapshot.stale === null || u.snapshot.stale.reason.length > 0,
        ),
      );
      assert.ok(
        after.lag !== null && after.lag.partitions.length === 6,
        'lag of every partition, from the new leaders',
      );
      assert.equal(
        after.lag.partitionsWithoutCommit +
          after.lag.partitions.filter((p) => p.committedOffset !== null).length,
        6,
      );
      assert.ok(watch.active, 'still polling');
    } finally {
      stop();
      await watch.stop();
      await client.close();
    }
  });
});

import { strict as assert } from 'node:assert';
import { ClusterWatch, type WatchUpdate } from '../../../src/kafka';
import { replayClient } from '../../support/replay';

/** The groups of the capture: watching all of them repeats the captured (batched) requests. */
const CAPTURED = ['orders-848', 'orders-classic', 'payments-js', 'nocommit-848', 'no-such-group'];

/** The watch over captured Kafka 4.3.1 traffic, with the "broker" switched off and on again. */
describe('ClusterWatch', () => {
  it('turns polls into snapshots, marks them stale while the cluster is down, and recovers', async () => {
    const { client, transport } = replayClient(1500);
    let t = 1000;
    const watch = new ClusterWatch(client, { sourceId: 'cluster/replay', intervalMs: 60_000, now: () => t });
    const updates: WatchUpdate[] = [];
    const others = CAPTURED.slice(1).map((g) => watch.watch(g, () => undefined));
    const stop = watch.watch('orders-848', (u) => updates.push(u));
    try {
      await watch.pollNow();
      assert.equal(updates.length, 1);
      const first = updates[0];
      assert.equal(first.error, null);
      assert.equal(first.snapshot?.stale, null);
      assert.equal(first.snapshot?.state, 'Stable');
      assert.equal(first.snapshot?.lag?.status, 'OK', 'Burrow status is filled in');
      assert.deepEqual(first.events, []);

      transport.down = true;
      t = 2000;
      await watch.pollNow();
      const stale = updates[1];
      assert.ok(stale.error !== null && /did not finish|refused/.test(stale.error), stale.error ?? '');
      assert.deepEqual(stale.snapshot?.stale?.sinceMs, 1000, 'stale since the last good poll');
      assert.equal(stale.snapshot?.members.length, 2, 'the last known state, marked stale, not dropped');

      transport.down = false;
      t = 3000;
      await watch.pollNow();
      const back = updates[2];
      assert.equal(back.error, null);
      assert.equal(back.snapshot?.stale, null);
      assert.equal(back.snapshot?.timeMs, 3000);
      assert.deepEqual(back.events, [], 'nothing changed in the group itself');

      // A late subscriber gets the current snapshot at once.
      const late: WatchUpdate[] = [];
      const stopLate = watch.watch('orders-848', (u) => late.push(u));
      assert.equal(late[0]?.snapshot?.timeMs, 3000);
      stop();
      assert.ok(watch.active, 'still watched by the late subscriber');
      for (const o of others) o();
      stopLate();
      assert.equal(watch.active, false, 'polling stops when nobody watches');
    } finally {
      await watch.stop();
      await client.close();
    }
  });

  it('a new poll interval applies to the running watch (a setting changed)', async () => {
    const { client } = replayClient();
    const watch = new ClusterWatch(client, { sourceId: 'cluster/replay', intervalMs: 600_000 });
    const times: number[] = [];
    const stops = CAPTURED.slice(1).map((g) => watch.watch(g, () => undefined));
    const stop = watch.watch('orders-848', () => times.push(Date.now()));
    try {
      const until = async (n: number): Promise<void> => {
        const deadline = Date.now() + 10_000;
        while (times.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      };
      await until(1);
      assert.equal(times.length, 1, 'the first poll comes at once');
      watch.setIntervalMs(100);
      await until(3);
      assert.ok(times.length >= 3, 'polls now come every 100 ms, not every 10 minutes');
    } finally {
      stop();
      for (const s of stops) s();
      await watch.stop();
      await client.close();
    }
  });

  it('reports a group that does not exist without inventing a snapshot', async () => {
    const { client } = replayClient();
    const watch = new ClusterWatch(client, { sourceId: 'cluster/replay', intervalMs: 60_000 });
    const updates: WatchUpdate[] = [];
    const stops = CAPTURED.slice(0, 4).map((g) => watch.watch(g, () => undefined));
    const stop = watch.watch('no-such-group', (u) => updates.push(u));
    await watch.pollNow();
    stop();
    for (const s of stops) s();
    await watch.stop();
    await client.close();
    assert.equal(updates[0]?.snapshot, null);
    assert.match(updates[0]?.error ?? '', /does not exist/);
  });
});

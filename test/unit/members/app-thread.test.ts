import { strict as assert } from 'node:assert';
import { AppThread } from '../../../src/simulator/members/app-thread';
import { defaultConsumerConfig, DEFAULT_BEHAVIOUR } from '../../../src/simulator/members/config';
import { GROUP, harness } from './consumer-client-harness';

function thread(processingMs = 100, produceRate = 1000) {
  const h = harness(1, { orders: 4 }, produceRate);
  const config = defaultConsumerConfig(GROUP, 'c1', { maxPollRecords: 500, autoOffsetReset: 'earliest' });
  const app = new AppThread(h.world, config, { ...DEFAULT_BEHAVIOUR, processingMs });
  return { h, app };
}

describe('AppThread', () => {
  it('polls on a lattice every processingMs and reports the last and next poll analytically', () => {
    const { h, app } = thread(100);
    h.runTo(1_000);
    app.start();
    h.runTo(1_250);
    assert.equal(app.lastPollMs(), 1_200);
    assert.equal(app.nextPollMs(), 1_300);
    h.runTo(1_300);
    assert.equal(app.lastPollMs(), 1_300);
    assert.equal(app.nextPollMs(), 1_300);
  });

  it('runs queued tasks inside the next poll, in order, and the poll lasts as long as they do', () => {
    const { h, app } = thread(100);
    app.start();
    h.runTo(50);
    const log: string[] = [];
    app.runInPoll(
      'onPartitionsRevoked',
      1_000,
      () => log.push(`revoked@${h.scheduler.now()}`),
      () => log.push(`start@${h.scheduler.now()}`),
    );
    app.runInPoll('onPartitionsAssigned', 500, () => log.push(`assigned@${h.scheduler.now()}`));
    h.runTo(600);
    assert.equal(app.busyWith(), 'onPartitionsRevoked');
    // While callbacks run inside poll(), the last poll is the one that started them.
    assert.equal(app.lastPollMs(), 100);
    h.runTo(5_000);
    assert.deepEqual(log, ['start@100', 'revoked@1100', 'assigned@1600']);
    // poll() returned at 1600; the next poll comes one processing period later.
    assert.equal(app.lastPollMs(), 5_000 - ((5_000 - 1_700) % 100));
  });

  it('runs a task queued by a running task in the same poll, without an extra poll', () => {
    const { h, app } = thread(100);
    app.start();
    const at: number[] = [];
    app.runInPoll('first', 300, () => {
      at.push(h.scheduler.now());
      app.runInPoll('second', 200, () => at.push(h.scheduler.now()));
    });
    h.runTo(10_000);
    assert.deepEqual(at, [300, 500]);
    // Polls resumed one period after the chain ended at 500.
    assert.equal((app.lastPollMs() - 600) % 100, 0);
  });

  it('runs zero-time tasks at once inside the poll, in order with the others', () => {
    const { h, app } = thread(100);
    app.start();
    h.runTo(50);
    const log: string[] = [];
    app.runInPoll(null, 0, () => log.push(`hook@${h.scheduler.now()}`));
    app.runInPoll('onPartitionsAssigned', 200, () => log.push(`assigned@${h.scheduler.now()}`));
    app.runInPoll(null, 0, () => log.push(`after@${h.scheduler.now()}`));
    h.runTo(1_000);
    assert.deepEqual(log, ['hook@100', 'assigned@300', 'after@300']);
    assert.deepEqual(app.pendingTasks(), []);
  });

  it('keeps the batch in progress at the old pace and then polls at the new one', () => {
    const { h, app } = thread(100);
    app.start();
    h.runTo(1_050);
    app.setBehaviour({ processingMs: 400_000 });
    assert.equal(app.lastPollMs(), 1_000);
    h.runTo(1_150);
    assert.equal(app.lastPollMs(), 1_100);
    h.runTo(300_000);
    assert.equal(app.lastPollMs(), 1_100);
    assert.equal(app.nextPollMs(), 401_100);
  });

  it('consumes max.poll.records per period, shared by the fetched partitions, and nothing during callbacks', () => {
    const { h, app } = thread(100, 1_000_000);
    app.start();
    app.addOwned([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ]);
    h.runTo(1_000);
    // 500 records per 100 ms = 5000 records in 1 s, shared by two partitions.
    assert.deepEqual(
      app.currentPositions().map((p) => p.offset),
      [2_500, 2_500],
    );
    app.runInPoll('onPartitionsRevoked', 1_000, () => undefined);
    h.runTo(2_000);
    assert.deepEqual(
      app.currentPositions().map((p) => p.offset),
      [2_500, 2_500],
    );
    // poll() returned at 2000: consumption resumes.
    h.runTo(2_100);
    assert.deepEqual(
      app.currentPositions().map((p) => p.offset),
      [2_750, 2_750],
    );
  });

  it('stops fetching paused partitions and gives the others the whole throughput', () => {
    const { h, app } = thread(100, 1_000_000);
    app.start();
    app.addOwned([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ]);
    h.runTo(1_000);
    app.pause([{ topic: 'orders', partition: 1 }]);
    assert.deepEqual(app.paused(), { orders: [1] });
    h.runTo(2_000);
    assert.deepEqual(
      app.currentPositions().map((p) => p.offset),
      [7_500, 2_500],
    );
  });

  it('consumes nothing while fetching is blocked (cut off), and resumes after', () => {
    const { h, app } = thread(100, 1_000_000);
    app.start();
    app.addOwned([{ topic: 'orders', partition: 0 }]);
    h.runTo(1_000);
    app.setFetchBlocked(true);
    h.runTo(5_000);
    assert.equal(app.currentPositions()[0].offset, 5_000);
    app.setFetchBlocked(false);
    h.runTo(6_000);
    assert.equal(app.currentPositions()[0].offset, 10_000);
  });

  it('follows network partitions through the network watch', () => {
    const { h, app } = thread(100, 1_000_000);
    h.world.network.watch!('c1', (cut) => app.setFetchBlocked(cut));
    app.start();
    app.addOwned([{ topic: 'orders', partition: 0 }]);
    h.runTo(1_000);
    h.network.partition('c1', 3_000);
    h.runTo(3_000);
    assert.equal(app.isFetchBlocked, false);
    h.runTo(4_000);
    // Consumed 0–1 s and 3–4 s only.
    assert.equal(app.currentPositions()[0].offset, 10_000);
  });

  it('halts: drops tasks waiting for a poll, freezes positions, and still runs work with runNow', () => {
    const { h, app } = thread(100, 1_000_000);
    app.start();
    app.addOwned([{ topic: 'orders', partition: 0 }]);
    h.runTo(1_050);
    let dropped = false;
    app.runInPoll('onPartitionsAssigned', 0, () => (dropped = true));
    app.halt();
    assert.equal(app.lastPollMs(), 1_000);
    let ran = -1;
    app.runNow('onPartitionsRevoked', 2_000, () => (ran = h.scheduler.now()));
    assert.equal(app.busyWith(), 'onPartitionsRevoked');
    h.runTo(10_000);
    assert.equal(dropped, false);
    assert.equal(ran, 3_050);
    assert.equal(app.currentPositions()[0].offset, 5_250);
    assert.equal(app.lastPollMs(), 1_000);
  });

  it('stop() cancels a running task', () => {
    const { h, app } = thread(100);
    app.start();
    let ran = false;
    app.runInPoll('onPartitionsLost', 1_000, () => (ran = true));
    h.runTo(500);
    app.stop();
    h.runTo(5_000);
    assert.equal(ran, false);
    assert.equal(app.isRunning, false);
  });
});

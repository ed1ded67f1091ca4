/**
 * AppThread.pollNow: an application with nothing to process is inside poll() all the time, so the
 * work waiting for a poll runs at once instead of at the next processing period.
 */
import { strict as assert } from 'node:assert';
import { AppThread } from '../../../src/simulator/members/app-thread';
import { DEFAULT_BEHAVIOUR } from '../../../src/simulator/members/config';
import { clientConfig, scriptedWorld } from './classic-client-harness';

describe('AppThread.pollNow', () => {
  function thread(processingMs: number): { app: AppThread; now: () => number; run: (ms: number) => void } {
    const w = scriptedWorld();
    const app = new AppThread(w, clientConfig('c1'), { ...DEFAULT_BEHAVIOUR, processingMs });
    app.start();
    return {
      app,
      now: () => w.scheduler.now(),
      run: (ms) => w.scheduler.runUntil(w.scheduler.now() + ms),
    };
  }

  it('runs queued work now instead of at the next processing period', () => {
    const t = thread(10_000);
    t.run(3_000);
    let ranAt = -1;
    t.app.runInPoll(null, 0, () => (ranAt = t.now()));
    assert.equal(t.app.nextPollMs(), 10_000);
    t.app.pollNow();
    t.run(0);
    assert.equal(ranAt, 3_000);
  });

  it('restarts the loop at the current instant', () => {
    const t = thread(10_000);
    t.run(3_000);
    t.app.pollNow();
    assert.equal(t.app.lastPollMs(), 3_000);
    t.run(8_000);
    assert.equal(t.app.lastPollMs(), 3_000);
    t.run(2_000);
    assert.equal(t.app.lastPollMs(), 13_000);
  });

  it('does nothing while a poll() runs a callback or once the thread is halted', () => {
    const t = thread(1_000);
    t.app.runInPoll('onPartitionsRevoked', 5_000, () => undefined);
    t.run(2_000);
    assert.equal(t.app.busyWith(), 'onPartitionsRevoked');
    const before = t.app.lastPollMs();
    t.app.pollNow();
    assert.equal(t.app.lastPollMs(), before);
    t.run(10_000);
    t.app.halt();
    t.app.pollNow();
    assert.equal(t.app.nextPollMs(), Number.POSITIVE_INFINITY);
  });
});

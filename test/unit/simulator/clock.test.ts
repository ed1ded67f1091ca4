import { strict as assert } from 'node:assert';
import { VirtualScheduler } from '../../../src/simulator/clock';
import { Random } from '../../../src/simulator/random';

describe('VirtualScheduler', () => {
  it('fires timers in due order, and same-instant timers in scheduling order', () => {
    const s = new VirtualScheduler();
    const fired: string[] = [];
    s.schedule(20, () => fired.push('b'));
    s.schedule(10, () => fired.push('a'));
    s.schedule(20, () => fired.push('c'));
    s.runUntil(100);
    assert.deepEqual(fired, ['a', 'b', 'c']);
    assert.equal(s.now(), 100);
  });

  it('replaces a keyed timer and honours cancellation', () => {
    const s = new VirtualScheduler();
    const fired: string[] = [];
    s.schedule(10, () => fired.push('old'), 'session/m1');
    s.schedule(30, () => fired.push('new'), 'session/m1');
    s.schedule(5, () => fired.push('gone'), 'other');
    assert.equal(s.cancel('other'), true);
    assert.equal(s.cancel('other'), false);
    s.runUntil(25);
    assert.deepEqual(fired, []);
    assert.equal(s.isScheduled('session/m1'), true);
    s.runUntil(30);
    assert.deepEqual(fired, ['new']);
    assert.equal(s.pending, 0);
  });

  it('runs timers scheduled by timers within the same window', () => {
    const s = new VirtualScheduler();
    const times: number[] = [];
    const tick = (): void => {
      times.push(s.now());
      if (s.now() < 30) s.schedule(10, tick);
    };
    s.schedule(0, tick);
    s.runUntil(50);
    assert.deepEqual(times, [0, 10, 20, 30]);
  });

  it('refuses to go backwards', () => {
    const s = new VirtualScheduler(100);
    assert.throws(() => s.runUntil(50), RangeError);
    assert.throws(() => s.schedule(-1, () => undefined), RangeError);
  });
});

describe('Random', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa, sc);
  });

  it('keeps int(n) in range', () => {
    const r = new Random(7);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(6);
      assert.ok(v >= 0 && v < 6 && Number.isInteger(v));
    }
  });
});

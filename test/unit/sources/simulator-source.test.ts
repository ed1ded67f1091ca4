/**
 * The simulator as a GroupSource, on a wall clock the test drives by hand (an injected Ticker),
 * running the real simulation (createSimulation).
 */
import { strict as assert } from 'node:assert';
import type { GroupEvent, SimulatorCommand } from '../../../src/model';
import { createSimulation } from '../../../src/simulator/engine/parts';
import type { Simulation } from '../../../src/simulator/engine/simulation';
import { builtinScenario } from '../../../src/simulator/scenario/builtins';
import type { Scenario } from '../../../src/simulator/scenario/schema';
import type { SourceChange } from '../../../src/sources/source';
import {
  MAX_SPEED,
  MIN_SPEED,
  STATIC_RESTART_DOWN_MS,
  SimulatorSource,
  type SimulatorSourceOptions,
  type Ticker,
} from '../../../src/sources/simulator-source';

const GROUP = 'orders-app';

/** A wall clock that moves only when told to, running due `every` callbacks on the way. */
class ManualTicker implements Ticker {
  private wall = 1_000_000;
  private readonly timers: { ms: number; fn: () => void; next: number; cancelled: boolean }[] = [];
  /** Wall-clock ms that each now() call takes (simulates slow work, for the tick budget). */
  costPerRead = 0;

  now(): number {
    this.wall += this.costPerRead;
    return this.wall;
  }

  every(ms: number, fn: () => void): { cancel(): void } {
    const t = { ms, fn, next: this.wall + ms, cancelled: false };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }

  get active(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves the wall clock forward by `ms`, firing every callback that falls due, in order. */
  advance(ms: number): void {
    const end = this.wall + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (due === undefined) break;
      this.wall = Math.max(this.wall, due.next);
      due.next += due.ms;
      due.fn();
    }
    this.wall = Math.max(this.wall, end);
  }
}

function builtin(name: string): Scenario {
  const s = builtinScenario(name);
  if (s === undefined) throw new Error(name);
  return s;
}

function source(
  scenario = 'crash',
  options: SimulatorSourceOptions = {},
  factory = (s: Scenario, o: Parameters<typeof createSimulation>[1]) => createSimulation(s, o),
): { src: SimulatorSource; ticker: ManualTicker; changes: SourceChange[] } {
  const ticker = new ManualTicker();
  const src = new SimulatorSource(factory, builtin(scenario), {}, { ticker, ...options });
  const changes: SourceChange[] = [];
  src.onDidChange((c) => changes.push(c));
  return { src, ticker, changes };
}

function memberId(src: SimulatorSource, name: string): string {
  const id = src.simulation.members().find((m) => m.name === name)?.memberId;
  if (id === null || id === undefined) throw new Error(`${name} has no member id`);
  return id;
}

function actions(sim: Simulation, action: string): string[] {
  return sim.trace.flatMap((e) =>
    e.type === 'action' && e.action === action ? [`${e.target ?? ''}: ${e.detail ?? ''}`] : [],
  );
}

describe('SimulatorSource', function () {
  this.timeout(20_000);
  describe('playback', () => {
    it('play advances virtual time by wall time × speed', () => {
      const { src, ticker } = source();
      src.setSpeed(10);
      src.play();
      assert.equal(src.isPlaying, true);
      assert.equal(src.status().state, 'running');
      ticker.advance(1_000);
      assert.equal(src.simulation.now(), 10_000);
      src.setSpeed(100);
      ticker.advance(500);
      assert.equal(src.simulation.now(), 60_000);
      assert.match(src.status().detail, /^crash · consumer · 01:00\.000 · 100×$/);
    });

    it('pause stops the clock and the ticker', () => {
      const { src, ticker } = source();
      src.play();
      ticker.advance(200);
      src.pause();
      const at = src.simulation.now();
      assert.equal(ticker.active, 0);
      ticker.advance(5_000);
      assert.equal(src.simulation.now(), at);
      assert.equal(src.status().state, 'paused');
      assert.equal(src.controlState().running, false);
    });

    it('step goes to the next instant at which something happens, and no further', () => {
      const { src } = source();
      src.simulation.runUntil(59_000);
      const before = src.simulation.now();
      const seen = src.simulation.trace.length;
      src.step();
      const now = src.simulation.now();
      const added = src.simulation.trace.slice(seen);
      assert.ok(added.length > 0 && now > before);
      assert.ok(added.every((e) => e.timeMs === now));
      // The same scenario run on its own: nothing happened between `before` and `now`.
      const reference = createSimulation(builtin('crash'));
      reference.run();
      assert.equal(reference.trace.find((e) => e.timeMs > before)?.timeMs, now);
    });

    it('stops at the end of the scenario, and says so', () => {
      const { src, ticker } = source();
      src.setSpeed(MAX_SPEED);
      src.play();
      ticker.advance(10_000);
      assert.equal(src.simulation.now(), builtin('crash').durationMs);
      assert.equal(src.isPlaying, false);
      assert.equal(ticker.active, 0);
      assert.match(src.status().detail, /finished$/);
      // Playing again at the end plays on past it (see simulator-source-ui.test.ts, OVERTIME_MS).
      src.play();
      assert.equal(src.isPlaying, true, 'play at the end plays on');
    });

    it('speed is clamped to 1×–1000× and rounded', () => {
      const { src } = source();
      src.setSpeed(0);
      assert.equal(src.speed, MIN_SPEED);
      src.setSpeed(5_000);
      assert.equal(src.speed, MAX_SPEED);
      src.setSpeed(2.6);
      assert.equal(src.speed, 3);
      assert.throws(() => src.setSpeed(Number.NaN), RangeError);
      assert.equal(src.speed, 3);
    });

    it('works within its budget per tick and reports when it falls behind', () => {
      const { src, ticker } = source('scale-out', { budgetMs: 25 });
      ticker.costPerRead = 1; // every look at the wall clock costs 1 ms: the budget runs out
      src.setSpeed(MAX_SPEED);
      src.play();
      ticker.advance(50);
      assert.ok(src.simulation.now() < 50_000, 'it did not catch up in one tick');
      assert.match(src.status().detail, /behind$/);
      ticker.costPerRead = 0;
      ticker.advance(50);
      assert.doesNotMatch(src.status().detail, /behind$/);
    });

    it('an error inside the simulation stops playback and shows up in the status', () => {
      const failing = (s: Scenario, o: Parameters<typeof createSimulation>[1]): Simulation => {
        const sim = createSimulation(s, o);
        const step = sim.step.bind(sim);
        sim.step = () => {
          if (sim.now() > 5_000) throw new Error('coordinator state corrupted');
          return step();
        };
        return sim;
      };
      const { src, ticker } = source('crash', {}, failing);
      src.play();
      ticker.advance(2_000);
      assert.equal(src.isPlaying, false);
      assert.equal(src.status().state, 'error');
      assert.equal(src.status().error, 'The simulation stopped: coordinator state corrupted');
    });
  });

  describe('history', () => {
    it('keeps snapshots within its budget (members + partitions), and the latest one', () => {
      const budget = 200;
      const { src, ticker } = source('scale-out', { historyBudget: budget });
      src.setSpeed(100);
      src.play();
      ticker.advance(1_500);
      const history = src.history(GROUP);
      const weight = history.reduce((n, s) => n + 1 + s.members.length + (s.lag?.partitions.length ?? 0), 0);
      assert.ok(history.length >= 2);
      assert.ok(weight <= budget, `${weight} > ${budget}`);
      assert.equal(history[history.length - 1].timeMs, src.simulation.now());
      for (let i = 1; i < history.length; i++) assert.ok(history[i].timeMs > history[i - 1].timeMs);
    });

    it('keeps the newest events up to maxEvents', () => {
      const { src, ticker } = source('flapping-member', { maxEvents: 50 });
      src.setSpeed(MAX_SPEED);
      src.play();
      ticker.advance(1_000);
      const all = src.simulation.trace.filter((e) => e.groupId === GROUP);
      assert.ok(all.length > 50);
      assert.deepEqual(src.events(GROUP), all.slice(-50));
    });
  });

  describe('change notifications', () => {
    it('onDidChange carries every event once, in order', () => {
      const { src, ticker, changes } = source();
      src.setSpeed(100);
      src.play();
      ticker.advance(700);
      src.crashMember('consumer-1');
      ticker.advance(700);
      src.step();
      const delivered: GroupEvent[] = changes.flatMap((c) => [...c.events]);
      // The start at t=0 ran before anyone listened.
      const expected = src.simulation.trace.filter((e) => e.timeMs > 0);
      assert.deepEqual(
        delivered.filter((e) => e.timeMs > 0),
        expected,
      );
      const withEvents = changes.filter((c) => c.events.length > 0);
      assert.ok(withEvents.every((c) => c.groupIds.includes(GROUP)));
    });
  });

  describe('execute()', () => {
    const exec = (src: SimulatorSource, c: SimulatorCommand): Promise<void> => src.controls.execute(c);

    it('play, pause, step and set-speed', async () => {
      const { src, ticker } = source();
      await exec(src, { kind: 'play' });
      assert.equal(src.isPlaying, true);
      await exec(src, { kind: 'set-speed', speed: 1e6 });
      assert.equal(src.speed, MAX_SPEED);
      ticker.advance(100);
      await exec(src, { kind: 'pause' });
      assert.equal(src.isPlaying, false);
      await exec(src, { kind: 'play' });
      const at = src.simulation.now();
      await exec(src, { kind: 'step' });
      assert.equal(src.isPlaying, false, 'step pauses');
      assert.ok(src.simulation.now() > at);
    });

    it('choose-scenario loads and plays a built-in; an unknown one is refused', async () => {
      const { src, changes } = source();
      src.simulation.runUntil(30_000);
      await exec(src, { kind: 'choose-scenario', scenarioId: 'scale-out' });
      assert.equal(src.currentScenario.name, 'scale-out');
      assert.equal(src.controlState().scenarioId, 'scale-out');
      assert.equal(src.simulation.now(), 0);
      assert.equal(src.isPlaying, true);
      assert.ok(changes.some((c) => c.groupsListChanged));
      await assert.rejects(exec(src, { kind: 'choose-scenario', scenarioId: 'nope' }), {
        message: 'there is no built-in scenario "nope"',
      });
      assert.equal(src.currentScenario.name, 'scale-out');
    });

    it('add-member starts a consumer with the chosen protocol, assignor and instance id', async () => {
      const { src } = source();
      await exec(src, {
        kind: 'add-member',
        groupId: GROUP,
        protocol: 'consumer',
        assignor: 'range',
        instanceId: 'extra-1',
      });
      src.simulation.runUntil(src.simulation.now() + 1_000);
      const added = src.simulation.members().find((m) => m.name === 'consumer-5');
      assert.ok(added !== undefined && added.alive);
      assert.equal(added.instanceId, 'extra-1');
      const snap = src.snapshot(GROUP);
      const member = snap?.members.find((m) => m.memberId === added.memberId);
      assert.equal(member?.serverAssignor, 'range');
      await assert.rejects(
        exec(src, {
          kind: 'add-member',
          groupId: 'other',
          protocol: 'consumer',
          assignor: null,
          instanceId: null,
        }),
        /group "other" has no member to copy settings from/,
      );
    });

    it('crash-member stops the consumer; an unknown member id is refused', async () => {
      const { src } = source();
      await exec(src, { kind: 'crash-member', groupId: GROUP, memberId: memberId(src, 'consumer-3') });
      assert.equal(src.simulation.members().find((m) => m.name === 'consumer-3')?.alive, false);
      assert.deepEqual(actions(src.simulation, 'crash'), ['consumer-3: process killed: no leave, no commit']);
      await assert.rejects(exec(src, { kind: 'crash-member', groupId: GROUP, memberId: 'nobody' }), {
        message: 'that member is not one of the simulator’s consumers',
      });
      await assert.rejects(
        exec(src, { kind: 'crash-member', groupId: GROUP, memberId: memberId(src, 'consumer-1') }).then(() =>
          exec(src, { kind: 'crash-member', groupId: GROUP, memberId: memberId(src, 'consumer-1') }),
        ),
        /"consumer-1" is not running/,
      );
    });

    it('slow-member makes every batch take longer', async () => {
      const { src } = source();
      await exec(src, {
        kind: 'slow-member',
        groupId: GROUP,
        memberId: memberId(src, 'consumer-2'),
        delayMs: 2_000,
      });
      assert.deepEqual(actions(src.simulation, 'set-behaviour'), ['consumer-2: processing 2100 ms per poll']);
    });

    it('restart-static-member restarts a static member within its session; a dynamic one is refused', async () => {
      const { src } = source('rolling-restart-static');
      const id = memberId(src, 'consumer-2');
      await exec(src, { kind: 'restart-static-member', groupId: GROUP, memberId: id });
      src.simulation.runUntil(src.simulation.now() + STATIC_RESTART_DOWN_MS + 1_000);
      assert.deepEqual(actions(src.simulation, 'start'), ['consumer-2: restarted']);
      assert.equal(src.simulation.members().find((m) => m.name === 'consumer-2')?.alive, true);

      const dynamic = source('crash').src;
      await assert.rejects(
        exec(dynamic, {
          kind: 'restart-static-member',
          groupId: GROUP,
          memberId: memberId(dynamic, 'consumer-1'),
        }),
        { message: 'consumer-1 is not a static member: it has no group.instance.id' },
      );
    });

    it('add-partitions grows a topic by `count`; an unknown topic is refused', async () => {
      const { src } = source();
      await exec(src, { kind: 'add-partitions', topic: 'orders', count: 3 });
      assert.equal(src.simulation.topics().find((t) => t.name === 'orders')?.partitions, 15);
      assert.equal(src.snapshot(GROUP)?.topics.find((t) => t.name === 'orders')?.partitions, 15);
      await assert.rejects(exec(src, { kind: 'add-partitions', topic: 'payments', count: 1 }), {
        message: 'there is no topic "payments" in the simulation',
      });
    });

    it('change-subscription subscribes the member to the new list', async () => {
      const { src } = source('subscription-change');
      await exec(src, {
        kind: 'change-subscription',
        groupId: GROUP,
        memberId: memberId(src, 'consumer-2'),
        topics: ['payments'],
      });
      assert.deepEqual(src.simulation.memberSubscription('consumer-2'), ['payments']);
      assert.deepEqual(actions(src.simulation, 'subscribe'), ['consumer-2: payments']);
      await assert.rejects(
        exec(src, { kind: 'change-subscription', groupId: GROUP, memberId: 'x', topics: ['orders'] }),
        /not one of the simulator’s consumers/,
      );
    });

    it('switch-protocol reruns the scenario from the start under the other variant', async () => {
      const { src, ticker, changes } = source();
      src.setSpeed(100);
      src.play();
      ticker.advance(500);
      const old = src.simulation;
      assert.ok(old.now() > 0);
      await exec(src, { kind: 'switch-protocol', variant: 'eager' });
      assert.notEqual(src.simulation, old);
      assert.equal(src.simulation.variant, 'eager');
      assert.equal(src.controlState().variant, 'eager');
      assert.equal(src.simulation.now(), 0);
      assert.equal(src.isPlaying, true);
      assert.equal(src.snapshot(GROUP)?.protocol, 'classic');
      assert.ok(changes.some((c) => c.groupsListChanged && c.statusChanged));
    });
  });

  describe('load() and switchProtocol()', () => {
    it('start over: the clock, the history and the events begin again, and the old run is silent', () => {
      const { src, ticker, changes } = source();
      src.setSpeed(100);
      src.play();
      ticker.advance(1_000);
      const old = src.simulation;
      assert.ok(src.events(GROUP).length > 0);
      src.switchProtocol('cooperative');
      assert.equal(src.simulation.now(), 0);
      assert.equal(src.isPlaying, true, 'it keeps playing');
      assert.ok(src.history(GROUP).length <= 1);
      assert.ok(src.events(GROUP).every((e) => e.timeMs === 0));
      const count = changes.length;
      old.runUntil(old.now() + 60_000);
      assert.equal(changes.length, count, 'nothing from the old run');

      src.pause();
      src.load(builtin('scale-out'));
      assert.equal(src.currentScenario.name, 'scale-out');
      assert.equal(src.simulation.variant, 'cooperative', 'load keeps the options');
      assert.equal(src.isPlaying, false, 'a paused source stays paused');
      src.restartScenario();
      assert.equal(src.simulation.now(), 0);
    });
  });

  it('dispose stops the ticker and the notifications', () => {
    const { src, ticker, changes } = source();
    src.play();
    src.dispose();
    assert.equal(ticker.active, 0);
    const count = changes.length;
    ticker.advance(1_000);
    assert.equal(changes.length, count);
  });
});

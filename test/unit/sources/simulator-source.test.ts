import { strict as assert } from 'node:assert';
import { createSimulation } from '../../../src/simulator/engine/parts';
import { builtinScenario } from '../../../src/simulator/scenario/builtins';
import { OVERTIME_MS, SimulatorSource, type Ticker } from '../../../src/sources/simulator-source';

/** A wall clock moved by hand: `advance` runs the interval callbacks that fall due. */
class ManualTicker implements Ticker {
  private wall = 0;
  private readonly timers = new Set<{ every: number; next: number; fn: () => void }>();
  now(): number {
    return this.wall;
  }
  every(ms: number, fn: () => void): { cancel(): void } {
    const t = { every: ms, next: this.wall + ms, fn };
    this.timers.add(t);
    return { cancel: () => this.timers.delete(t) };
  }
  advance(ms: number): void {
    const end = this.wall + ms;
    for (;;) {
      const due = [...this.timers].sort((a, b) => a.next - b.next)[0];
      if (due === undefined || due.next > end) break;
      this.wall = due.next;
      due.next += due.every;
      due.fn();
    }
    this.wall = end;
  }
}

function source(name: string): { s: SimulatorSource; ticker: ManualTicker } {
  const scenario = builtinScenario(name);
  if (scenario === undefined) throw new Error(`no built-in ${name}`);
  const ticker = new ManualTicker();
  const s = new SimulatorSource(
    createSimulation,
    scenario,
    { variant: 'consumer' },
    { ticker, budgetMs: 1e9 },
  );
  s.setSpeed(1000);
  return { s, ticker };
}

function memberCount(s: SimulatorSource): number {
  return s.snapshot('orders-app')?.members.length ?? -1;
}

describe('SimulatorSource playback past the scenario’s end', () => {
  it('stops by itself at the end of the scenario and says so', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(1_000); // 1000 s of virtual time at 1000×: far past the 3-minute scenario
    assert.equal(s.isPlaying, false);
    assert.equal(s.simulation.now(), 180_000);
    assert.equal(s.atEnd, true);
    assert.match(s.status().detail, /· finished$/);
    assert.equal(s.status().state, 'paused');
  });

  it('plays on for OVERTIME_MS when the user plays again at the end', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(1_000);
    s.play();
    assert.equal(s.isPlaying, true);
    ticker.advance(1_000);
    assert.equal(s.simulation.now(), 180_000 + OVERTIME_MS);
    assert.equal(s.isPlaying, false);
    assert.match(s.status().detail, /· stopped$/);
  });

  it('a crash after the end resumes playback so the session timeout can remove the member', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(1_000);
    assert.equal(memberCount(s), 6);
    const epoch = s.snapshot('orders-app')!.groupEpoch;
    s.crashMember('consumer-2');
    assert.equal(s.isPlaying, true, 'acting on a finished scenario resumes it');
    ticker.advance(100); // 100 s virtual: more than the 45 s session timeout
    assert.equal(memberCount(s), 5);
    assert.ok(s.snapshot('orders-app')!.groupEpoch > epoch, 'the group epoch was bumped');
  });

  it('an action just before the end gets the time to play out', () => {
    const { s, ticker } = source('scale-out');
    s.setSpeed(1);
    s.play();
    while (s.simulation.now() < 179_000) ticker.advance(1_000);
    s.crashMember('consumer-2');
    s.setSpeed(1000);
    ticker.advance(1_000);
    assert.equal(memberCount(s), 5, 'the session timeout (45 s after the crash) removed consumer-2');
    assert.equal(s.simulation.now(), 179_000 + OVERTIME_MS);
  });

  it('an action while the user has paused does not resume playback', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(50);
    s.pause();
    const now = s.simulation.now();
    s.crashMember('consumer-2');
    ticker.advance(1_000);
    assert.equal(s.isPlaying, false);
    assert.equal(s.simulation.now(), now);
  });

  it('step at the end moves past it to the next thing that happens', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(1_000);
    s.step();
    assert.ok(s.simulation.now() > 180_000, `stepped to ${s.simulation.now()}`);
    assert.ok(s.simulation.now() <= 180_000 + OVERTIME_MS);
  });

  it('loading another scenario starts from its own end again', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(1_000);
    s.play();
    s.load(builtinScenario('crash')!);
    s.play();
    ticker.advance(1_000);
    assert.equal(s.simulation.now(), 180_000);
    assert.match(s.status().detail, /^crash · .* · finished$/);
  });
});

describe('SimulatorSource ordering', () => {
  it('a new ordering reruns the scenario from the start; the same one changes nothing', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(50);
    const at = s.simulation.now();
    assert.ok(at > 0);
    s.setOrdering('exact');
    assert.equal(s.simulation.now(), at, 'already exact: no restart');
    s.setOrdering('canonical');
    assert.equal(s.ordering, 'canonical');
    assert.equal(s.simulation.now(), 0);
    assert.equal(s.isPlaying, true, 'it keeps playing');
  });
});

describe('SimulatorSource members added by the user', () => {
  it('never takes a name the scenario timeline adds later (scale-out adds consumer-4..6)', () => {
    const { s, ticker } = source('scale-out');
    s.play();
    ticker.advance(20); // 20 s virtual: before the timeline's first add-member at 60 s
    const name = s.addMemberLike('orders-app', { protocol: 'consumer', assignor: null, instanceId: null });
    assert.equal(name, 'consumer-7');
    ticker.advance(1_000);
    assert.equal(s.status().error, null, 'the timeline still adds its own members');
    assert.equal(memberCount(s), 7);
  });

  it('uses the client.id the user chose, as text', () => {
    const { s, ticker } = source('scale-out');
    const clientId = '<img src=x onerror=alert(1)>';
    s.addMemberLike('orders-app', { protocol: 'consumer', assignor: null, instanceId: null, clientId });
    s.play();
    ticker.advance(100); // 100 s virtual
    const m = s.snapshot('orders-app')!.members.find((x) => x.clientId === clientId);
    assert.ok(m, 'the member reports the chosen client id');
  });
});

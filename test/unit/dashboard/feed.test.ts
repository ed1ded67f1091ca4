import { strict as assert } from 'node:assert';
import type {
  Finding,
  GroupEvent,
  GroupSnapshot,
  SimulatorCommand,
  SimulatorControlState,
} from '../../../src/model';
import {
  type HostMessage,
  type ReplyMessage,
  type UpdateMessage,
  expandChain,
} from '../../../src/protocol/dashboard';
import type { SimulatorControls } from '../../../src/sources/controls';
import { Emitter } from '../../../src/sources/emitter';
import type { GroupSource, SourceChange, SourceStatus } from '../../../src/sources/source';
import { DashboardFeed, type FeedTimers, UPDATE_INTERVAL_MS } from '../../../src/ui/dashboard/feed';
import { kip848Reconciliation } from '../../webview/fixtures';

const GROUP = 'orders-processor';

/** A source that holds a scripted history; `push` adds a snapshot the way a live source would. */
class ScriptedSource implements GroupSource {
  readonly id = 'simulator';
  readonly kind = 'simulator' as const;
  readonly label = 'Simulator';
  readonly changes = new Emitter<SourceChange>();
  watched = 0;
  private hist: GroupSnapshot[] = [];
  private evs: GroupEvent[] = [];
  statusValue: SourceStatus = { state: 'running', detail: 'scale-out · 1×', clockMs: 0, error: null };

  constructor(readonly controls?: SimulatorControls) {}

  push(s: GroupSnapshot, events: GroupEvent[] = []): void {
    if (s.groupId === GROUP) this.hist.push(s);
    this.evs.push(...events);
    this.changes.fire({ groupIds: [s.groupId], groupsListChanged: false, statusChanged: false, events });
  }
  status(): SourceStatus {
    return this.statusValue;
  }
  groups(): [] {
    return [];
  }
  snapshot(groupId: string): GroupSnapshot | undefined {
    return groupId === GROUP ? this.hist[this.hist.length - 1] : undefined;
  }
  history(groupId: string): readonly GroupSnapshot[] {
    return groupId === GROUP ? this.hist : [];
  }
  events(groupId: string): readonly GroupEvent[] {
    return this.evs.filter((e) => e.groupId === groupId);
  }
  watch(): () => void {
    this.watched++;
    return () => this.watched--;
  }
  onDidChange(l: (c: SourceChange) => void): () => void {
    return this.changes.event(l);
  }
  dispose(): void {
    this.changes.dispose();
  }
}

class RecordingControls implements SimulatorControls {
  readonly executed: SimulatorCommand[] = [];
  readonly changes = new Emitter<SimulatorControlState>();
  fail: string | null = null;
  state: SimulatorControlState = {
    running: true,
    speed: 1,
    clockMs: 0,
    scenarioId: null,
    variant: 'consumer',
    scenarios: [],
    assignors: { consumer: ['uniform'], classic: ['range'] },
    topics: ['orders'],
  };
  controlState(): SimulatorControlState {
    return this.state;
  }
  onDidChangeControlState(l: (s: SimulatorControlState) => void): () => void {
    return this.changes.event(l);
  }
  execute(c: SimulatorCommand): Promise<void> {
    if (this.fail !== null) return Promise.reject(new Error(this.fail));
    this.executed.push(c);
    return Promise.resolve();
  }
}

class ManualTimers implements FeedTimers {
  t = 1000;
  private due: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  set(fn: () => void, ms: number): unknown {
    const entry = { at: this.t + ms, fn };
    this.due.push(entry);
    return entry;
  }
  clear(h: unknown): void {
    this.due = this.due.filter((d) => d !== h);
  }
  advance(ms: number): void {
    this.t += ms;
    const run = this.due.filter((d) => d.at <= this.t);
    this.due = this.due.filter((d) => d.at > this.t);
    for (const d of run) d.fn();
  }
}

function setup(
  opts: { controls?: boolean; diagnose?: (h: readonly GroupSnapshot[]) => Finding[]; present?: boolean } = {},
) {
  const controls = opts.controls === false ? undefined : new RecordingControls();
  const source = new ScriptedSource(controls);
  const sourcesChanged = new Emitter<void>();
  let present = opts.present ?? true;
  const sent: HostMessage[] = [];
  const warnings: string[] = [];
  const saved: { groupId: string; snapshot: GroupSnapshot }[] = [];
  const details: string[] = [];
  const timers = new ManualTimers();
  const diagnose = opts.diagnose;
  const feed = new DashboardFeed({
    sourceId: 'simulator',
    groupId: GROUP,
    sources: {
      get: (id) => (present && id === 'simulator' ? source : undefined),
      onDidChange: (l) => sourcesChanged.event(() => l()),
    },
    post: (m) => sent.push(JSON.parse(JSON.stringify(m)) as HostMessage),
    log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    effects: {
      saveSnapshot: (groupId, snapshot) => {
        saved.push({ groupId, snapshot });
        return Promise.resolve('Snapshot saved to orders.json.');
      },
      showDetails: (c) => {
        details.push(c);
        return Promise.resolve();
      },
    },
    ...(diagnose !== undefined ? { diagnose: ({ history }) => diagnose(history) } : {}),
    timers,
  });
  const appear = (): void => {
    present = true;
    sourcesChanged.fire();
  };
  const last = <T extends HostMessage['type']>(type: T): Extract<HostMessage, { type: T }> => {
    const m = [...sent].reverse().find((x) => x.type === type);
    assert.ok(m !== undefined, `a ${type} message was sent`);
    return m as Extract<HostMessage, { type: T }>;
  };
  return { feed, source, controls, sent, warnings, saved, details, timers, appear, last };
}

const { snapshots, events } = kip848Reconciliation(GROUP);

describe('dashboard feed (host side of the protocol)', () => {
  it('says nothing until the webview is ready, then sends an init that rebuilds the history', async () => {
    const f = setup();
    f.source.push(snapshots[0], events.slice(0, 2));
    f.source.push(snapshots[1], events.slice(2, 5));
    f.timers.advance(500);
    assert.deepEqual(f.sent, [], 'no message before ready');
    assert.equal(f.source.watched, 1, 'the group is watched while the dashboard is open');
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    const init = f.last('init');
    assert.equal(init.seq, 1);
    assert.equal(init.init.groupId, GROUP);
    assert.deepEqual(expandChain(init.init.history, null), snapshots.slice(0, 2));
    assert.equal(init.init.events.length, 5);
    assert.equal(init.init.moreHistory, false);
    assert.ok(init.init.controls !== null);
    f.feed.dispose();
    assert.equal(f.source.watched, 0, 'disposing stops watching');
  });

  it('coalesces changes into one update per interval, as deltas from what was sent', async () => {
    const f = setup();
    f.source.push(snapshots[0]);
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    f.source.push(snapshots[1], events.slice(0, 5));
    f.source.push(snapshots[2], events.slice(5, 8));
    f.source.push({ ...snapshots[2], groupId: 'other-group' }, [{ ...events[0], groupId: 'other-group' }]);
    assert.equal(f.sent.filter((m) => m.type === 'update').length, 0, 'not before the interval');
    f.timers.advance(UPDATE_INTERVAL_MS);
    const updates = f.sent.filter((m): m is UpdateMessage => m.type === 'update');
    assert.equal(updates.length, 1);
    const u = updates[0];
    assert.equal(u.seq, 2);
    assert.equal(u.history.base, null, 'continues the chain');
    assert.deepEqual(expandChain(u.history, snapshots[0]), snapshots.slice(1, 3));
    assert.equal(u.events.length, 8, "only this group's events");
    f.timers.advance(1000);
    assert.equal(f.sent.filter((m) => m.type === 'update').length, 1, 'nothing new, nothing sent');
  });

  it('stops sending while hidden and starts over with an init when the webview is back', async () => {
    const f = setup();
    f.source.push(snapshots[0]);
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    f.feed.hidden();
    f.source.push(snapshots[1]);
    f.timers.advance(500);
    assert.equal(f.sent.filter((m) => m.type === 'update').length, 0);
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    const init = f.last('init');
    assert.equal(init.seq, 2);
    assert.deepEqual(expandChain(init.init.history, null).at(-1), snapshots[1]);
  });

  it('preloads: the init goes out with the page, the first ready is not answered again, a second is', async () => {
    const f = setup();
    f.source.push(snapshots[0]);
    f.feed.preload();
    assert.deepEqual(
      f.sent.map((m) => m.type),
      ['init'],
      'the init is sent without waiting for ready',
    );
    f.source.push(snapshots[1]);
    f.timers.advance(UPDATE_INTERVAL_MS);
    assert.deepEqual(
      f.sent.map((m) => [m.type, 'seq' in m ? m.seq : null]),
      [
        ['init', 1],
        ['update', 2],
      ],
      'updates follow the preloaded init',
    );
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    assert.equal(f.sent.length, 2, 'the ready that follows a preloaded init costs nothing');
    // A webview that missed the preloaded init says ready again (after READY_RETRY_MS).
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    const init = f.last('init');
    assert.equal(init.seq, 3, 'a fresh init, continuing the sequence');
    assert.deepEqual(expandChain(init.init.history, null).at(-1), snapshots[1]);
    // Hidden and shown again: the new page's ready is answered in full.
    f.feed.hidden();
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    assert.equal(f.last('init').seq, 4);
  });

  it('rejects malformed messages: answers a request id with an error, logs the rest', async () => {
    const f = setup();
    await f.feed.receive({ type: 'control', id: 7, command: { kind: 'rm', path: '/' } });
    const r = f.last('reply');
    assert.deepEqual([r.id, r.ok], [7, false]);
    await f.feed.receive('<script>');
    await f.feed.receive({ type: 'ready', protocolVersion: 1, extra: true });
    assert.equal(f.sent.length, 1, 'junk gets no answer');
    assert.equal(f.warnings.length, 3);
    assert.equal(f.sent.filter((m) => m.type === 'init').length, 0, 'a ready with extra keys is not a ready');
  });

  it('checks simulator commands against the group before the simulator sees them', async () => {
    const f = setup();
    f.source.push(snapshots[2]);
    const [a] = snapshots[2].members;
    assert.ok(a !== undefined);
    const send = async (id: number, command: unknown): Promise<ReplyMessage> => {
      await f.feed.receive({ type: 'control', id, command });
      return f.last('reply');
    };
    let r = await send(1, { kind: 'crash-member', groupId: 'someone-elses-group', memberId: a.memberId });
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /controls group "orders-processor" only/);
    r = await send(2, { kind: 'crash-member', groupId: GROUP, memberId: 'gone-member' });
    assert.match(r.message ?? '', /no longer in the group/);
    r = await send(3, { kind: 'restart-static-member', groupId: GROUP, memberId: a.memberId });
    assert.match(r.message ?? '', /consumer-1 is not a static member/);
    assert.deepEqual(f.controls?.executed, [], 'nothing refused reached the simulator');
    r = await send(4, { kind: 'slow-member', groupId: GROUP, memberId: a.memberId, delayMs: 10_000 });
    assert.deepEqual([r.id, r.ok, r.message], [4, true, 'Member slowed down by 10000 ms per poll.']);
    r = await send(5, { kind: 'set-speed', speed: 1000 });
    assert.equal(r.ok, true);
    assert.deepEqual(f.controls?.executed, [
      { kind: 'slow-member', groupId: GROUP, memberId: a.memberId, delayMs: 10_000 },
      { kind: 'set-speed', speed: 1000 },
    ]);
    if (f.controls !== undefined) f.controls.fail = 'The scenario is still loading; try again in a moment.';
    r = await send(6, { kind: 'play' });
    assert.deepEqual([r.ok, r.message], [false, 'The scenario is still loading; try again in a moment.']);
  });

  it('refuses simulator commands for sources that are not the simulator', async () => {
    const f = setup({ controls: false });
    await f.feed.receive({ type: 'control', id: 9, command: { kind: 'pause' } });
    const r = f.last('reply');
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /only available for groups of the built-in simulator/);
  });

  it('sends simulator state when it changes', async () => {
    const f = setup();
    f.source.push(snapshots[0]);
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    if (f.controls === undefined) throw new Error('controls');
    f.controls.state = { ...f.controls.state, running: false, speed: 50 };
    f.controls.changes.fire(f.controls.state);
    f.timers.advance(UPDATE_INTERVAL_MS);
    const u = f.last('update');
    assert.deepEqual(u.controls, f.controls.state);
    assert.equal(u.history.deltas.length, 0);
  });

  it('answers load-history with the snapshots before the given time, oldest first', async () => {
    const f = setup();
    for (const s of snapshots) f.source.push(s);
    await f.feed.receive({ type: 'load-history', id: 3, beforeTimeMs: 19000, max: 2 });
    const h = f.last('history');
    assert.equal(h.id, 3);
    assert.deepEqual(expandChain(h.history, null), snapshots.slice(1, 3));
    assert.equal(h.more, true);
  });

  it('tells the webview when the source is missing, and attaches when it appears', async () => {
    const f = setup({ present: false });
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    const first = f.last('init');
    assert.match(first.init.unavailable ?? '', /source "simulator" is not available/);
    f.source.push(snapshots[0]);
    f.appear();
    const second = f.last('init');
    assert.equal(second.init.unavailable, null);
    assert.deepEqual(expandChain(second.init.history, null), [snapshots[0]]);
  });

  it('sends findings with the init and again only when they change', async () => {
    let calls = 0;
    const f = setup({
      diagnose: (h) => {
        calls++;
        const s = h[h.length - 1];
        return s?.state === 'Reconciling'
          ? [
              {
                id: 'slow',
                rule: 'slow-revocation',
                severity: 'warning',
                title: 'consumer-2 is slow to revoke',
                detail: '',
                evidence: [],
              },
            ]
          : [];
      },
    });
    f.source.push(snapshots[0]);
    await f.feed.receive({ type: 'ready', protocolVersion: 1 });
    assert.deepEqual(f.last('init').init.findings, []);
    f.source.push(snapshots[1]);
    f.timers.advance(UPDATE_INTERVAL_MS);
    assert.equal(f.last('update').findings?.[0]?.title, 'consumer-2 is slow to revoke');
    f.source.push(snapshots[2]);
    f.timers.advance(UPDATE_INTERVAL_MS);
    assert.equal(f.last('update').findings, undefined, 'unchanged findings are not resent');
    assert.ok(calls >= 3);
  });

  it('exports the snapshot at the scrubbed time and opens details', async () => {
    const f = setup();
    for (const s of snapshots) f.source.push(s, []);
    await f.feed.receive({ type: 'select-time', timeMs: 4000 });
    await f.feed.receive({ type: 'export-snapshot', id: 11, timeMs: null });
    assert.equal(f.saved[0]?.snapshot, snapshots[2]);
    assert.equal(f.last('reply').message, 'Snapshot saved to orders.json.');
    const member = snapshots[2].members[1];
    assert.ok(member !== undefined);
    await f.feed.receive({
      type: 'open-details',
      id: 12,
      target: { kind: 'member', memberId: member.memberId },
      timeMs: 4000,
    });
    assert.match(f.details[0] ?? '', /epoch 3 waits for consumer-2 to revoke orders-5/);
    await f.feed.receive({
      type: 'open-details',
      id: 13,
      target: { kind: 'partition', topic: 'orders', partition: 99 },
      timeMs: null,
    });
    const r = f.last('reply');
    assert.deepEqual([r.id, r.ok, r.message], [13, false, 'That partition is not in this snapshot.']);
  });
});

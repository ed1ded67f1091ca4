import { strict as assert } from 'node:assert';
import type { GroupDescription } from '../../../src/kafka/describe';
import type { ListGroupsResult, ListedGroup } from '../../../src/kafka/groups';
import type { WatchUpdate } from '../../../src/kafka/watch';
import type { GroupEvent } from '../../../src/model';
import {
  ClusterSource,
  isConsumerGroup,
  type ClusterBackend,
  type SourceTimers,
} from '../../../src/sources/cluster-source';
import type { SourceChange } from '../../../src/sources/source';
import { testMember, testSnapshot } from '../../support/snapshots';

/** Timers driven by hand: `advance(ms)` runs what falls due. */
class ManualTimers implements SourceTimers {
  t = 1_000_000;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== h);
  }
  pending(): number[] {
    return this.queue.map((q) => q.at - this.t).sort((a, b) => a - b);
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (;;) {
      const due = this.queue.filter((q) => q.at <= this.t).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.queue = this.queue.filter((q) => q !== due);
      due.fn();
      await settle();
    }
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

function listed(groupId: string, type: string, state: string, protocolType = 'consumer'): ListedGroup {
  return { groupId, protocolType, state, type, coordinatorId: 1 };
}

/** A backend whose answers the test sets, recording what the source asked. */
class FakeBackend implements ClusterBackend {
  groups: ListedGroup[] = [];
  listError: Error | null = null;
  described: string[][] = [];
  watchers = new Map<string, Set<(u: WatchUpdate) => void>>();
  intervals: number[] = [];
  closed = false;
  listCalls = 0;

  listGroups(): Promise<ListGroupsResult> {
    this.listCalls++;
    if (this.listError !== null) return Promise.reject(this.listError);
    return Promise.resolve({ groups: this.groups, errors: [] });
  }
  describe(groupIds: readonly string[]): Promise<ReadonlyMap<string, GroupDescription>> {
    this.described.push([...groupIds]);
    const out = new Map<string, GroupDescription>();
    for (const g of groupIds) {
      const l = this.groups.find((x) => x.groupId === g);
      const protocol = l?.type === 'classic' ? 'classic' : 'consumer';
      const members = [
        testMember('m1', { memberType: protocol }),
        testMember('m2', { memberType: protocol }),
      ];
      out.set(g, {
        ok: true,
        snapshot: testSnapshot(1, members, { groupId: g, sourceId: 'cluster/c', protocol }),
        warnings: [],
      });
    }
    return Promise.resolve(out);
  }
  watch(groupId: string, listener: (u: WatchUpdate) => void): () => void {
    let s = this.watchers.get(groupId);
    if (s === undefined) this.watchers.set(groupId, (s = new Set()));
    s.add(listener);
    return () => {
      s.delete(listener);
      if (s.size === 0) this.watchers.delete(groupId);
    };
  }
  emit(u: WatchUpdate): void {
    for (const l of this.watchers.get(u.groupId) ?? []) l(u);
  }
  setPollInterval(ms: number): void {
    this.intervals.push(ms);
  }
  pollNow(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function setup(over: { connect?: () => Promise<FakeBackend>; pollIntervalMs?: number } = {}): {
  source: ClusterSource<FakeBackend>;
  backend: FakeBackend;
  timers: ManualTimers;
  changes: SourceChange[];
  connects: () => number;
} {
  const backend = new FakeBackend();
  const timers = new ManualTimers();
  let connects = 0;
  const source = new ClusterSource<FakeBackend>({
    name: 'c',
    address: '127.0.0.1:9092',
    connect:
      over.connect ??
      (() => {
        connects++;
        return Promise.resolve(backend);
      }),
    pollIntervalMs: over.pollIntervalMs ?? 5_000,
    timers,
  });
  const changes: SourceChange[] = [];
  source.onDidChange((c) => changes.push(c));
  return { source, backend, timers, changes, connects: () => connects };
}

describe('ClusterSource', () => {
  it('connects only when a view asks, then lists consumer groups with type and state', async () => {
    const { source, backend, changes, connects } = setup();
    backend.groups = [
      listed('orders', 'consumer', 'Stable'),
      listed('payments', 'classic', 'Empty'),
      listed('connect-sink', 'classic', 'Stable', 'connect'),
      listed('shares', 'share', 'Stable', 'share'),
    ];
    assert.equal(source.status().state, 'idle');
    assert.equal(connects(), 0, 'a configured cluster costs nothing until it is shown');
    assert.deepEqual(source.groups(), [], 'nothing yet: the list comes asynchronously');
    await settle();
    assert.equal(connects(), 1);
    assert.equal(source.status().state, 'running');
    assert.match(source.status().detail, /^2 groups · listed \d\d:\d\d:\d\d$/);
    const groups = source.groups();
    assert.deepEqual(
      groups.map((g) => [g.groupId, g.protocol, g.state, g.memberCount, g.totalLag]),
      [
        ['orders', 'consumer', 'Stable', 2, null],
        ['payments', 'classic', 'Stable', 2, null],
      ],
      'described (without lag) so the tree shows members; connect and share groups are left out',
    );
    assert.deepEqual(backend.described, [['orders', 'payments']]);
    assert.ok(changes.some((c) => c.groupsListChanged && c.statusChanged));
    assert.deepEqual(backend.intervals, [5_000], 'the poll interval reaches the watch');
    source.dispose();
    assert.equal(backend.closed, true);
  });

  it('summarises listed groups it did not describe from ListGroups (state and type)', async () => {
    const backend = new FakeBackend();
    backend.groups = [listed('a', 'consumer', 'Reconciling'), listed('b', 'classic', 'PreparingRebalance')];
    const source = new ClusterSource<FakeBackend>({
      name: 'c',
      address: 'x:1',
      connect: () => Promise.resolve(backend),
      describeLimit: 0,
      timers: new ManualTimers(),
    });
    await source.connect();
    await settle();
    assert.deepEqual(
      source.groups().map((g) => [g.groupId, g.protocol, g.state]),
      [
        ['a', 'consumer', 'Reconciling'],
        ['b', 'classic', 'PreparingRebalance'],
      ],
    );
    assert.match(source.status().detail, /2 groups \(2 not described\)/);
    source.dispose();
  });

  it('polls only watched groups, keeps their history and events, and stops when nobody watches', async () => {
    const { source, backend } = setup();
    backend.groups = [listed('g', 'consumer', 'Stable'), listed('other', 'consumer', 'Stable')];
    const stop1 = source.watch('g');
    const stop2 = source.watch('g');
    await settle();
    assert.deepEqual([...backend.watchers.keys()], ['g'], 'one backend subscription for two views');
    assert.deepEqual(backend.described, [['other']], 'a watched group is not described by the list');

    const s1 = testSnapshot(10, [testMember('m1')], { sourceId: 'cluster/c' });
    const event: GroupEvent = {
      type: 'group-epoch-bumped',
      timeMs: 20,
      groupId: 'g',
      from: 1,
      to: 2,
      reason: 'member joined',
    };
    const s2 = testSnapshot(20, [testMember('m1'), testMember('m2')], { groupEpoch: 2 });
    backend.emit({ groupId: 'g', snapshot: s1, events: [], error: null });
    backend.emit({ groupId: 'g', snapshot: s2, events: [event], error: null });
    assert.equal(source.snapshot('g'), s2);
    assert.deepEqual(source.history('g'), [s1, s2]);
    assert.deepEqual(source.events('g'), [event]);

    stop1();
    assert.ok(backend.watchers.has('g'), 'still watched by the second view');
    stop2();
    stop2();
    assert.equal(backend.watchers.size, 0, 'polling stops when the last view goes away');
    assert.deepEqual(source.watched(), []);
    source.dispose();
  });

  it('marks the source stale (never silently frozen) when the watch reports an outage, and recovers', async () => {
    const { source, backend, changes } = setup();
    backend.groups = [listed('g', 'consumer', 'Stable')];
    source.watch('g');
    await settle();
    const good = testSnapshot(10, [testMember('m1')]);
    backend.emit({ groupId: 'g', snapshot: good, events: [], error: null });
    const stale = { ...good, stale: { sinceMs: 10, reason: 'no answer in time' } };
    changes.length = 0;
    backend.emit({ groupId: 'g', snapshot: stale, events: [], error: 'no answer in time' });
    assert.equal(source.status().state, 'stale');
    assert.equal(source.status().error, 'no answer in time');
    assert.equal(source.snapshot('g')?.stale?.reason, 'no answer in time', 'the view shows it stale');
    assert.deepEqual(source.history('g'), [good], 'stale copies are not history');
    assert.ok(changes.some((c) => c.statusChanged && c.groupIds.includes('g')));

    const back = testSnapshot(30, [testMember('m1')]);
    backend.emit({ groupId: 'g', snapshot: back, events: [], error: null });
    assert.equal(source.status().state, 'running');
    assert.equal(source.snapshot('g')?.stale, null);
    source.dispose();
  });

  it('a watched group that does not exist has no snapshot and says why', async () => {
    const { source, backend } = setup();
    source.watch('gone');
    await settle();
    backend.emit({ groupId: 'gone', snapshot: testSnapshot(1, []), events: [], error: null });
    backend.emit({
      groupId: 'gone',
      snapshot: null,
      events: [],
      error: 'group gone does not exist',
      notFound: true,
    });
    assert.equal(source.snapshot('gone'), undefined);
    assert.equal(source.groupError('gone'), 'group gone does not exist');
    assert.equal(source.status().state, 'running', 'a missing group is not an outage');
    source.dispose();
  });

  it('backs off the list refresh while the cluster fails, and says so', async () => {
    const { source, backend, timers } = setup({ pollIntervalMs: 5_000 });
    backend.groups = [listed('g', 'consumer', 'Stable')];
    await source.connect();
    await settle();
    assert.deepEqual(timers.pending(), [30_000], 'lists every 30 s by default');
    backend.listError = new Error('127.0.0.1:9092: no answer in time. Check the broker.');
    await timers.advance(30_000);
    assert.equal(source.status().state, 'stale');
    assert.match(source.status().error ?? '', /no answer in time/);
    assert.match(source.status().detail, /^not answering · last answer \d\d:\d\d:\d\d$/);
    assert.deepEqual(timers.pending(), [30_000]);
    await timers.advance(30_000);
    assert.deepEqual(timers.pending(), [60_000], 'doubles');
    await timers.advance(60_000);
    assert.deepEqual(timers.pending(), [60_000], 'capped');
    backend.listError = null;
    await timers.advance(60_000);
    assert.equal(source.status().state, 'running');
    assert.deepEqual(timers.pending(), [30_000], 'back to the normal interval');
    source.dispose();
    assert.deepEqual(timers.pending(), [], 'dispose stops the refreshes');
  });

  it('does not retry a refused login by itself (retries can lock an account); Refresh does', async () => {
    const { source, backend, timers } = setup();
    backend.listError = Object.assign(
      new Error('127.0.0.1:9092: SASL authentication failed. Check the password.'),
      {
        kind: 'auth',
      },
    );
    await source.connect();
    await settle();
    assert.equal(source.status().state, 'error');
    assert.deepEqual(timers.pending(), [], 'no retry scheduled');
    backend.listError = null;
    await source.refresh();
    assert.equal(source.status().state, 'running');
    assert.equal(backend.listCalls, 2);
    source.dispose();
  });

  it('the list refreshes by itself only while a view shows it', async () => {
    const { source, backend, timers } = setup();
    await source.connect();
    await settle();
    assert.deepEqual(timers.pending(), [30_000]);
    source.setListActive(false);
    assert.deepEqual(timers.pending(), [], 'hidden: no background listing');
    const calls = backend.listCalls;
    source.setListActive(true);
    await settle();
    assert.equal(backend.listCalls, calls + 1, 'shown again: listed at once');
    assert.deepEqual(timers.pending(), [30_000]);
    source.dispose();
  });

  it('the list interval follows a longer poll interval, and setting changes reach the watch', async () => {
    const { source, backend, timers } = setup({ pollIntervalMs: 45_000 });
    await source.connect();
    await settle();
    assert.deepEqual(timers.pending(), [45_000]);
    source.setPollInterval(2_000);
    assert.deepEqual(backend.intervals, [45_000, 2_000]);
    source.dispose();
  });

  it('reports a failed connection as an error with the reason, and does not retry by itself', async () => {
    let attempts = 0;
    const { source, changes } = setup({
      connect: () => {
        attempts++;
        return Promise.reject(new Error('no password stored for SASL user "alice": run "Set Password"'));
      },
    });
    source.groups();
    await settle();
    assert.equal(source.status().state, 'error');
    assert.match(source.status().detail, /no password stored/);
    assert.ok(changes.some((c) => c.statusChanged));
    source.groups();
    source.watch('g');
    await settle();
    assert.equal(attempts, 1, 'views do not hammer a cluster that cannot be connected');
    await assert.rejects(source.connect(), /no password stored/);
    assert.equal(attempts, 2, 'an explicit connect (a command) tries again');
    source.dispose();
  });

  it('groups that disappear from the list leave the tree, unless a view watches them', async () => {
    const { source, backend, timers } = setup();
    backend.groups = [listed('a', 'consumer', 'Stable'), listed('b', 'consumer', 'Stable')];
    source.watch('b');
    await settle();
    backend.emit({ groupId: 'b', snapshot: testSnapshot(1, [], { groupId: 'b' }), events: [], error: null });
    backend.groups = [];
    await timers.advance(30_000);
    assert.deepEqual(
      source.groups().map((g) => g.groupId),
      ['b'],
    );
    source.dispose();
  });

  it('fresh(): a snapshot with lag from the next poll, then stops watching; says why when there is none', async () => {
    const { source, backend, timers } = setup();
    await source.connect();
    await settle();
    const withLag = testSnapshot(5, [testMember('m1')], {
      lag: { totalLag: 3, partitionsWithoutCommit: 0, status: 'OK', partitions: [] },
    });
    const pending = source.fresh('g', 10_000);
    assert.ok(backend.watchers.has('g'), 'it watches the group meanwhile');
    backend.emit({ groupId: 'g', snapshot: testSnapshot(4, []), events: [], error: null }); // lag-less: not yet
    backend.emit({ groupId: 'g', snapshot: withLag, events: [], error: null });
    assert.equal(await pending, withLag);
    assert.equal(backend.watchers.size, 0, 'and stops watching');

    const gone = assert.rejects(source.fresh('gone', 10_000), /group gone does not exist/);
    backend.emit({
      groupId: 'gone',
      snapshot: null,
      events: [],
      error: 'group gone does not exist',
      notFound: true,
    });
    await gone;

    const silent = assert.rejects(source.fresh('slow', 10_000), /no answer about slow within 10 s/);
    await timers.advance(10_000);
    await silent;
    assert.equal(backend.watchers.size, 0);
    source.dispose();
  });

  it('filters non-consumer groups the way kafka-consumer-groups --list does', () => {
    assert.equal(isConsumerGroup(listed('x', 'consumer', 'Stable')), true);
    assert.equal(isConsumerGroup(listed('x', 'classic', 'Empty', '')), true, 'offset-only group');
    assert.equal(isConsumerGroup(listed('x', 'classic', 'Stable', 'connect')), false);
    assert.equal(isConsumerGroup(listed('x', 'streams', 'Stable', 'streams')), false);
    assert.equal(isConsumerGroup({ ...listed('x', 'classic', 'Stable'), type: null }), true, 'before v5');
  });
});

/**
 * A real Kafka cluster as a GroupSource.
 *
 * - It connects lazily: a configured cluster costs nothing until a view asks for its groups, a
 *   group is watched, or a command needs it (`connect()`).
 * - The group list (ListGroups on every broker: type and state) refreshes at the list interval;
 *   listed groups that nobody watches are described once per refresh without offsets (one batched
 *   describe per coordinator), so the tree can show their members.
 * - Watched groups (an expanded tree node, an open dashboard) are polled by the backend's
 *   `ClusterWatch` at the poll interval: snapshots with lag and Burrow status, events from
 *   `diffSnapshots`, kept here as a bounded history per group.
 * - When the cluster stops answering, the source says so (state `stale`, with the reason and the
 *   time of the last good answer) and every watched group's snapshot is marked stale by the watch:
 *   a view is never silently frozen. Refreshes back off while it fails.
 *
 * Nothing here loads kafkajs: the backend (src/sources/cluster-backend.ts, which does) comes from
 * a factory the caller supplies, so the extension can load it with a dynamic import on first use.
 */
import type { GroupEvent, GroupProtocol, GroupSnapshot, GroupState } from '../model';
import type { GroupDescription } from '../kafka/describe';
import { parseGroupState } from '../kafka/snapshot';
import type { ListGroupsResult, ListedGroup } from '../kafka/groups';
import type { WatchUpdate } from '../kafka/watch';
import { Emitter, type Listener, type Unsubscribe } from './emitter';
import type { GroupSource, GroupSummary, SourceChange, SourceState, SourceStatus } from './source';

/** What the source needs from a connected cluster (cluster-backend.ts implements it over src/kafka). */
export interface ClusterBackend {
  /** Consumer groups of both protocols on every broker (ListGroups, v5 type filter where possible). */
  listGroups(): Promise<ListGroupsResult>;
  /** Describes groups without offsets (no lag): one batched round per coordinator. */
  describe(groupIds: readonly string[]): Promise<ReadonlyMap<string, GroupDescription>>;
  /** Polls a group with lag until the returned function is called (ClusterWatch). */
  watch(groupId: string, listener: (update: WatchUpdate) => void): () => void;
  setPollInterval(ms: number): void;
  /** Polls the watched groups now. */
  pollNow(): Promise<void>;
  close(): Promise<void>;
}

/** Wall-clock timers, injected so tests can drive them by hand. */
export interface SourceTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realSourceTimers: SourceTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ClusterSourceOptions<B extends ClusterBackend> {
  /** The cluster's name in the settings; the source id is `cluster/<name>`. */
  readonly name: string;
  /** Shown in the tree's tooltip and status, e.g. the bootstrap servers. */
  readonly address: string;
  /** Connects (may reject: a missing password, unreadable TLS files, bad settings). */
  readonly connect: () => Promise<B>;
  /** Watched groups are polled this often (default 5 s). */
  readonly pollIntervalMs?: number;
  /** The group list refreshes this often (default: 30 s, or the poll interval when longer). */
  readonly listIntervalMs?: number;
  /** Longest wait between list refreshes while the cluster fails (default 60 s). */
  readonly maxBackoffMs?: number;
  /** Unwatched groups beyond this many are listed but not described (default 1,000). */
  readonly describeLimit?: number;
  /** Snapshots kept per group (default 300). */
  readonly maxHistory?: number;
  /** Events kept per group (default 5,000). */
  readonly maxEvents?: number;
  readonly timers?: SourceTimers;
  /** Where problems are reported (never with secrets: the backend's errors carry none). */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface GroupEntry {
  /** From the last list, or null when the group was not in it (e.g. watched before it exists). */
  listed: ListedGroup | null;
  latest: GroupSnapshot | null;
  /** Snapshots from the watch, oldest first. */
  history: GroupSnapshot[];
  events: GroupEvent[];
  /** Why there is no (fresh) snapshot, if there is not. */
  error: string | null;
}

const DEFAULT_POLL_MS = 5_000;
const MIN_LIST_MS = 30_000;

/** Only consumer groups: a classic group with protocol type "connect" (etc.) is not one. */
export function isConsumerGroup(g: ListedGroup): boolean {
  if (g.type !== null) {
    const t = g.type.toLowerCase();
    if (t === 'consumer') return true;
    if (t !== 'classic') return false;
  }
  return g.protocolType === 'consumer' || g.protocolType === '';
}

function protocolOfListed(g: ListedGroup): GroupProtocol {
  return g.type?.toLowerCase() === 'consumer' ? 'consumer' : 'classic';
}

function stateOfListed(g: ListedGroup): GroupState {
  return parseGroupState(g.state ?? '', protocolOfListed(g));
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export class ClusterSource<B extends ClusterBackend = ClusterBackend> implements GroupSource {
  readonly kind = 'cluster' as const;
  readonly id: string;
  readonly label: string;
  private readonly changes = new Emitter<SourceChange>();
  private readonly entries = new Map<string, GroupEntry>();
  /** Group id → number of watchers, and the backend subscription once connected. */
  private readonly watchers = new Map<string, { count: number; stop: (() => void) | null }>();
  private backend: B | null = null;
  private connecting: Promise<B> | null = null;
  private state: SourceState = 'idle';
  private error: string | null = null;
  private lastListMs: number | null = null;
  private lastGoodMs: number | null = null;
  private listedCount = 0;
  private notDescribed = 0;
  private listTimer: unknown = null;
  private listing: Promise<void> | null = null;
  private listFailures = 0;
  private authFailed = false;
  /** Whether the list refreshes by itself (the view that shows it is visible). */
  private listActive = true;
  private pollIntervalMs: number;
  private disposed = false;
  private readonly timers: SourceTimers;
  private readonly maxHistory: number;
  private readonly maxEvents: number;
  private readonly describeLimit: number;
  private readonly maxBackoffMs: number;
  private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;

  constructor(private readonly options: ClusterSourceOptions<B>) {
    this.id = `cluster/${options.name}`;
    this.label = options.name;
    this.timers = options.timers ?? realSourceTimers;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.maxHistory = options.maxHistory ?? 300;
    this.maxEvents = options.maxEvents ?? 5_000;
    this.describeLimit = options.describeLimit ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.log = options.log ?? (() => undefined);
  }

  // --- GroupSource -----------------------------------------------------------------------------

  status(): SourceStatus {
    const address = this.options.address;
    let detail: string;
    switch (this.state) {
      case 'idle':
        detail = `${address} · not connected`;
        break;
      case 'connecting':
        detail = `${address} · connecting…`;
        break;
      case 'running': {
        const groups = `${this.listedCount} group${this.listedCount === 1 ? '' : 's'}`;
        const partial = this.notDescribed > 0 ? ` (${this.notDescribed} not described)` : '';
        detail = `${groups}${partial} · listed ${this.lastListMs === null ? '—' : clock(this.lastListMs)}`;
        break;
      }
      case 'stale':
        detail = `not answering · last answer ${this.lastGoodMs === null ? 'never' : clock(this.lastGoodMs)}`;
        break;
      default:
        detail = `${address} · ${this.error ?? 'failed'}`;
    }
    return { state: this.state, detail, clockMs: this.lastListMs, error: this.error };
  }

  groups(): readonly GroupSummary[] {
    this.ensureConnected();
    const out: GroupSummary[] = [];
    for (const [groupId, e] of this.entries) {
      if (e.listed === null && e.latest === null) continue;
      const s = e.latest;
      out.push({
        groupId,
        protocol: s?.protocol ?? (e.listed !== null ? protocolOfListed(e.listed) : 'classic'),
        state: s?.state ?? (e.listed !== null ? stateOfListed(e.listed) : 'Unknown'),
        memberCount: s?.members.length ?? 0,
        totalLag: s?.lag?.totalLag ?? null,
        lagStatus: s?.lag?.status ?? null,
      });
    }
    return out.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  snapshot(groupId: string): GroupSnapshot | undefined {
    return this.entries.get(groupId)?.latest ?? undefined;
  }

  history(groupId: string): readonly GroupSnapshot[] {
    const e = this.entries.get(groupId);
    if (e === undefined) return [];
    if (e.history.length > 0) return e.history;
    return e.latest !== null ? [e.latest] : [];
  }

  events(groupId: string): readonly GroupEvent[] {
    return this.entries.get(groupId)?.events ?? [];
  }

  /** Why a group has no fresh snapshot (it does not exist, the cluster does not answer), if so. */
  groupError(groupId: string): string | null {
    return this.entries.get(groupId)?.error ?? null;
  }

  watch(groupId: string): Unsubscribe {
    let w = this.watchers.get(groupId);
    if (w === undefined) {
      w = { count: 0, stop: null };
      this.watchers.set(groupId, w);
    }
    w.count++;
    if (w.count === 1) {
      if (this.backend !== null) this.subscribe(groupId, w);
      else this.ensureConnected();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const cur = this.watchers.get(groupId);
      if (cur === undefined) return;
      cur.count--;
      if (cur.count <= 0) {
        cur.stop?.();
        this.watchers.delete(groupId);
      }
    };
  }

  /**
   * A fresh snapshot of a group with lag (and so its topics' partition counts): watches it until
   * the next good poll answers — at once when a view watches it already. Rejects with why not
   * (the group does not exist, the cluster does not answer, no answer within `timeoutMs`).
   */
  fresh(groupId: string, timeoutMs = 30_000): Promise<GroupSnapshot> {
    return new Promise<GroupSnapshot>((resolve, reject) => {
      let done = false;
      let unwatch: (() => void) | undefined;
      let timer: unknown = null;
      const finish = (snapshot: GroupSnapshot | null, error: string | null): void => {
        if (done) return;
        done = true;
        unlisten();
        unwatch?.();
        if (timer !== null) this.timers.clearTimeout(timer);
        if (snapshot !== null) resolve(snapshot);
        else reject(new Error(error ?? `no answer about ${groupId}`));
      };
      const check = (): void => {
        const e = this.entries.get(groupId);
        if (e?.latest != null && e.latest.stale === null && e.latest.lag !== null) finish(e.latest, null);
        else if (e?.error != null) finish(null, e.error);
        else if (this.state === 'error') finish(null, this.error);
      };
      const unlisten = this.onDidChange((c) => {
        if (c.groupIds.includes(groupId) || (c.statusChanged && this.state === 'error')) check();
      });
      timer = this.timers.setTimeout(
        () => finish(null, `no answer about ${groupId} within ${timeoutMs / 1000} s`),
        timeoutMs,
      );
      // Watching may answer at once (a view watches it already): then `finish` ran inside.
      const stop = this.watch(groupId);
      if (done) stop();
      else unwatch = stop;
      if (!done && this.state === 'error' && this.backend === null) finish(null, this.error);
    });
  }

  /** Groups some view watches now. */
  watched(): string[] {
    return [...this.watchers.keys()].sort();
  }

  onDidChange(listener: Listener<SourceChange>): Unsubscribe {
    return this.changes.event(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.listTimer !== null) this.timers.clearTimeout(this.listTimer);
    this.listTimer = null;
    for (const w of this.watchers.values()) w.stop?.();
    this.watchers.clear();
    const b = this.backend;
    this.backend = null;
    // A connection still being made closes itself when it completes (see connect()).
    if (b !== null) void b.close().catch(() => undefined);
    this.changes.dispose();
  }

  // --- cluster specifics -------------------------------------------------------------------------

  /** The connected backend (connecting first when needed); rejects with why it cannot connect. */
  connect(): Promise<B> {
    if (this.disposed) return Promise.reject(new Error(`${this.label} was closed`));
    if (this.backend !== null) return Promise.resolve(this.backend);
    if (this.connecting !== null) return this.connecting;
    this.setState('connecting', null);
    this.connecting = this.options
      .connect()
      .then((b) => {
        if (this.disposed) {
          void b.close().catch(() => undefined);
          throw new Error(`${this.label} was closed`);
        }
        this.backend = b;
        b.setPollInterval(this.pollIntervalMs);
        for (const [groupId, w] of this.watchers) if (w.stop === null) this.subscribe(groupId, w);
        void this.refreshList();
        return b;
      })
      .catch((e: unknown) => {
        this.connecting = null;
        const message = e instanceof Error ? e.message : String(e);
        if (!this.disposed) {
          this.log('warn', `${this.label}: cannot connect: ${message}`);
          this.setState('error', message);
        }
        throw e;
      });
    return this.connecting;
  }

  /** Whether the backend exists (the source connected at least once). */
  get connected(): boolean {
    return this.backend !== null;
  }

  /** Lists the groups and polls the watched ones now (the Refresh command). */
  async refresh(): Promise<void> {
    const b = await this.connect();
    await Promise.all([this.refreshList(), b.pollNow()]);
  }

  /** The poll interval changed (a setting). */
  setPollInterval(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) return;
    this.pollIntervalMs = ms;
    this.backend?.setPollInterval(ms);
  }

  /**
   * Whether the group list refreshes by itself: off while no view shows the list (watched groups
   * are polled regardless, for as long as they are watched). Turning it on refreshes at once.
   */
  setListActive(active: boolean): void {
    if (active === this.listActive) return;
    this.listActive = active;
    if (!active) {
      if (this.listTimer !== null) this.timers.clearTimeout(this.listTimer);
      this.listTimer = null;
    } else if (this.backend !== null && !this.disposed) {
      void this.refreshList();
    }
  }

  private listIntervalMs(): number {
    return this.options.listIntervalMs ?? Math.max(MIN_LIST_MS, this.pollIntervalMs);
  }

  private ensureConnected(): void {
    if (this.backend === null && this.connecting === null && !this.disposed && this.state !== 'error') {
      this.connect().catch(() => undefined);
    }
  }

  private subscribe(groupId: string, w: { count: number; stop: (() => void) | null }): void {
    const b = this.backend;
    if (b === null) return;
    w.stop = b.watch(groupId, (u) => this.onWatchUpdate(u));
  }

  private entry(groupId: string): GroupEntry {
    let e = this.entries.get(groupId);
    if (e === undefined) {
      e = { listed: null, latest: null, history: [], events: [], error: null };
      this.entries.set(groupId, e);
    }
    return e;
  }

  private onWatchUpdate(u: WatchUpdate): void {
    if (this.disposed) return;
    const isNew = !this.entries.has(u.groupId);
    const e = this.entry(u.groupId);
    e.error = u.error;
    let statusChanged = false;
    if (u.snapshot !== null) {
      e.latest = u.snapshot;
      if (u.snapshot.stale === null) {
        const last = e.history[e.history.length - 1];
        if (last !== u.snapshot) e.history.push(u.snapshot);
        if (e.history.length > this.maxHistory) e.history.splice(0, e.history.length - this.maxHistory);
        for (const ev of u.events) e.events.push(ev);
        if (e.events.length > this.maxEvents) e.events.splice(0, e.events.length - this.maxEvents);
        this.lastGoodMs = u.snapshot.timeMs;
        if (this.state === 'stale') statusChanged = this.setState('running', null, false);
      } else {
        statusChanged = this.setState('stale', u.error ?? u.snapshot.stale.reason, false);
      }
    } else if (u.error !== null) {
      // No snapshot at all: the group does not exist (any more), or the cluster never answered.
      if (u.notFound === true) e.latest = null;
      else if (this.state === 'running' || this.state === 'connecting')
        statusChanged = this.setState(this.lastGoodMs === null ? 'error' : 'stale', u.error, false);
    }
    this.changes.fire({
      groupIds: [u.groupId],
      groupsListChanged: isNew,
      statusChanged,
      events: u.events,
    });
  }

  /** One list refresh (coalesced); schedules the next one, backing off while the cluster fails. */
  private refreshList(): Promise<void> {
    if (this.listing !== null) return this.listing;
    if (this.listTimer !== null) {
      this.timers.clearTimeout(this.listTimer);
      this.listTimer = null;
    }
    this.authFailed = false;
    this.listing = this.list().finally(() => {
      this.listing = null;
      if (this.disposed || this.authFailed || !this.listActive) return;
      const delay =
        this.listFailures === 0
          ? this.listIntervalMs()
          : Math.min(this.maxBackoffMs, this.listIntervalMs() * 2 ** (this.listFailures - 1));
      this.listTimer = this.timers.setTimeout(() => {
        this.listTimer = null;
        void this.refreshList();
      }, delay);
    });
    return this.listing;
  }

  private async list(): Promise<void> {
    const b = this.backend;
    if (b === null) return;
    let listed: ListGroupsResult;
    try {
      listed = await b.listGroups();
    } catch (e) {
      this.listFailed(e);
      return;
    }
    if (this.disposed) return;
    const groups = listed.groups.filter(isConsumerGroup);
    const ids = new Set(groups.map((g) => g.groupId));
    let listChanged = false;
    for (const [groupId, e] of this.entries) {
      if (!ids.has(groupId) && e.listed !== null) {
        e.listed = null;
        if (!this.watchers.has(groupId)) {
          this.entries.delete(groupId);
        }
        listChanged = true;
      }
    }
    for (const g of groups) {
      const e = this.entries.get(g.groupId);
      if (e === undefined || e.listed === null) listChanged = true;
      this.entry(g.groupId).listed = g;
    }
    // Describe (without lag) what no watch describes, so the tree can show members.
    const unwatched = groups.map((g) => g.groupId).filter((g) => !this.watchers.has(g));
    const toDescribe = unwatched.slice(0, this.describeLimit);
    this.notDescribed = unwatched.length - toDescribe.length;
    const changed: string[] = [];
    if (toDescribe.length > 0) {
      let described: ReadonlyMap<string, GroupDescription>;
      try {
        described = await b.describe(toDescribe);
      } catch (e) {
        this.listFailed(e);
        return;
      }
      if (this.disposed) return;
      for (const [groupId, d] of described) {
        if (this.watchers.has(groupId)) continue; // the watch's snapshot (with lag) is newer
        const e = this.entries.get(groupId);
        if (e === undefined) continue;
        if (d.ok) {
          // Keep the lag a past watch measured out of this lag-less snapshot? No: lag from an old
          // poll next to members of now would mix two instants. A lag-less snapshot says "unknown".
          e.latest = d.snapshot;
          e.error = null;
        } else {
          e.error = d.message;
          if (d.notFound) e.latest = null;
        }
        changed.push(groupId);
      }
    }
    const partialErrors = listed.errors.map((x) => `${x.broker}: ${x.message}`);
    this.listFailures = 0;
    this.listedCount = groups.length;
    this.lastListMs = this.timers.now();
    this.lastGoodMs = this.lastListMs;
    if (partialErrors.length > 0) {
      this.log(
        'warn',
        `${this.label}: some brokers could not list their groups: ${partialErrors.join('; ')}`,
      );
    }
    this.setState(
      partialErrors.length > 0 ? 'stale' : 'running',
      partialErrors.length > 0
        ? `some brokers did not answer, their groups are missing: ${partialErrors.join('; ')}`
        : null,
      false,
    );
    this.changes.fire({ groupIds: changed, groupsListChanged: listChanged, statusChanged: true, events: [] });
  }

  private listFailed(e: unknown): void {
    if (this.disposed) return;
    this.listFailures++;
    // A refused login does not get better by retrying (and retries can lock an account): wait
    // for the user (Refresh, Test Connection, a new password).
    this.authFailed = e instanceof Error && (e as { kind?: unknown }).kind === 'auth';
    const message = e instanceof Error ? e.message : String(e);
    this.log('warn', `${this.label}: ${message}`);
    this.setState(this.lastGoodMs === null ? 'error' : 'stale', message);
  }

  /** Sets the state; fires a status change unless `fire` is false. Returns whether it changed. */
  private setState(state: SourceState, error: string | null, fire = true): boolean {
    const changed = this.state !== state || this.error !== error;
    this.state = state;
    this.error = error;
    if (changed && fire)
      this.changes.fire({ groupIds: [], groupsListChanged: false, statusChanged: true, events: [] });
    return changed;
  }
}

/**
 * Live watch of groups on one cluster: one batched poll (describe + offsets) per interval for all
 * watched groups; every poll becomes a snapshot per group, with the events that explain the change
 * since the previous one (src/model/diff.ts) and Burrow-style lag statuses. When the cluster stops
 * answering, subscribers get the last snapshot marked stale (never a silently frozen view) and
 * polling backs off. Polling stops when the last subscriber of the last group goes away.
 */
import { diffSnapshots, type GroupEvent, type GroupSnapshot } from '../model';
import type { KafkaClient } from './client';
import { describeGroupSnapshots } from './describe';
import { DEFAULT_BURROW_OPTIONS, LagHistory, type BurrowOptions } from './lag/burrow';

export interface WatchUpdate {
  readonly groupId: string;
  /** The latest snapshot; `stale` is set when this poll failed (then it is the last good one). */
  readonly snapshot: GroupSnapshot | null;
  /** What changed since the previous good snapshot (empty for the first one and for stale ones). */
  readonly events: readonly GroupEvent[];
  /** Why this poll did not give a fresh snapshot, if it did not. */
  readonly error: string | null;
  /** True when the group does not exist (then `snapshot` is null): not an outage. */
  readonly notFound?: boolean;
}

export type WatchListener = (update: WatchUpdate) => void;

export interface WatchOptions {
  /** Poll interval (default 5 s). */
  readonly intervalMs?: number;
  /** Longest wait between polls while the cluster fails (default 60 s). */
  readonly maxBackoffMs?: number;
  readonly sourceId: string;
  /** Fetch offsets and compute lag (default true). */
  readonly lag?: boolean;
  readonly burrow?: BurrowOptions;
  readonly now?: () => number;
}

interface Watched {
  readonly listeners: Set<WatchListener>;
  readonly history: LagHistory;
  /** What subscribers last saw (possibly marked stale). */
  last: GroupSnapshot | null;
  /** The last fresh snapshot: events are the difference from it, so none are lost in an outage. */
  lastGood: GroupSnapshot | null;
}

export class ClusterWatch {
  private readonly groups = new Map<string, Watched>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;
  private intervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: WatchOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts (or joins) watching a group; returns the function that stops this subscription. */
  watch(groupId: string, listener: WatchListener): () => void {
    let w = this.groups.get(groupId);
    if (w === undefined) {
      w = {
        listeners: new Set(),
        history: new LagHistory(this.options.burrow ?? DEFAULT_BURROW_OPTIONS),
        last: null,
        lastGood: null,
      };
      this.groups.set(groupId, w);
    }
    w.listeners.add(listener);
    if (w.last !== null) listener({ groupId, snapshot: w.last, events: [], error: null });
    this.schedule(0);
    return () => {
      const g = this.groups.get(groupId);
      if (g === undefined) return;
      g.listeners.delete(listener);
      if (g.listeners.size === 0) this.groups.delete(groupId);
      if (this.groups.size === 0) this.pause();
    };
  }

  /**
   * Changes the poll interval (a setting changed). The next poll comes at the new interval from
   * now, or at once when it is due already; the lag history and the backoff state are kept.
   */
  setIntervalMs(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0 || ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
      this.schedule(this.failures === 0 ? ms : Math.min(this.maxBackoffMs, ms * 2 ** this.failures));
    }
  }

  /** Whether a poll is scheduled or running. */
  get active(): boolean {
    return this.timer !== null || this.polling !== null;
  }

  /** Polls now (also used by tests); resolves when the poll's updates have been delivered. */
  async pollNow(): Promise<void> {
    if (this.polling !== null) return this.polling;
    this.polling = this.poll().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  /** Stops for good (pending poll finishes, no new ones). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause();
    await this.polling?.catch(() => undefined);
  }

  private pause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.groups.size === 0) return;
    if (this.timer !== null && delayMs > 0) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pollNow().then(() => {
        const backoff =
          this.failures === 0
            ? this.intervalMs
            : Math.min(this.maxBackoffMs, this.intervalMs * 2 ** this.failures);
        this.schedule(backoff);
      });
    }, delayMs);
    // A watch alone does not keep a process alive (the CLI and tests end when they are done).
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const ids = [...this.groups.keys()];
    if (ids.length === 0) return;
    let described;
    try {
      described = await this.client.withDeadline('watch poll', (d) =>
        describeGroupSnapshots(this.client, ids, d, {
          sourceId: this.options.sourceId,
          lag: this.options.lag ?? true,
          now: this.now,
        }),
      );
    } catch (e) {
      this.failures++;
      const reason = e instanceof Error ? e.message : String(e);
      for (const [groupId, w] of this.groups) this.emitStale(groupId, w, reason);
      return;
    }
    this.failures = 0;
    for (const groupId of ids) {
      const w = this.groups.get(groupId);
      if (w === undefined) continue;
      const g = described.get(groupId);
      if (g === undefined || !g.ok) {
        const reason =
          g === undefined
            ? 'no answer for this group'
            : g.notFound
              ? `group ${groupId} does not exist`
              : g.message;
        if (g !== undefined && !g.ok && g.notFound) {
          // Not an outage: the group is gone (or not created yet). Say so without a snapshot.
          w.last = null;
          w.lastGood = null;
          this.emit(w, { groupId, snapshot: null, events: [], error: reason, notFound: true });
        } else this.emitStale(groupId, w, reason);
        continue;
      }
      const snapshot = w.history.observe(g.snapshot);
      const events = w.lastGood === null ? [] : diffSnapshots(w.lastGood, snapshot);
      w.last = snapshot;
      w.lastGood = snapshot;
      this.emit(w, { groupId, snapshot, events, error: null });
    }
  }

  private emitStale(groupId: string, w: Watched, reason: string): void {
    const stale =
      w.lastGood === null ? null : { ...w.lastGood, stale: { sinceMs: w.lastGood.timeMs, reason } };
    if (stale !== null) w.last = stale;
    this.emit(w, { groupId, snapshot: stale, events: [], error: reason });
  }

  private emit(w: Watched, update: WatchUpdate): void {
    for (const l of [...w.listeners]) {
      try {
        l(update);
      } catch {
        // A failing subscriber must not stop the others or the polling.
      }
    }
  }
}

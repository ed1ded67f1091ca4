/**
 * The simulator's virtual clock and timer wheel. Nothing in the simulator reads real time: every
 * delay is scheduled here, and time only moves when the driver asks for the next due timer.
 *
 * Determinism: timers fire in (due time, scheduling order). Two timers due at the same instant
 * fire in the order they were scheduled.
 */

export interface Clock {
  now(): number;
}

export interface TimerHandle {
  readonly key: string | null;
  readonly dueMs: number;
  /** False once the timer fired or was cancelled. */
  readonly active: boolean;
}

/** What coordinators and clients get: schedule and cancel, keyed like Kafka's CoordinatorTimer. */
export interface Timers extends Clock {
  /** Schedules `fn` after `delayMs`. A keyed timer replaces any pending timer with the same key. */
  schedule(delayMs: number, fn: () => void, key?: string): TimerHandle;
  /** Cancels the timer with this key (or this handle). Returns whether one was pending. */
  cancel(keyOrHandle: string | TimerHandle): boolean;
  isScheduled(key: string): boolean;
}

/** A scheduled timer; handed out as its own (read-only) TimerHandle, so scheduling allocates once. */
class Entry implements TimerHandle {
  active = true;
  constructor(
    readonly dueMs: number,
    readonly seq: number,
    readonly key: string | null,
    readonly fn: () => void,
  ) {}
}

export class VirtualScheduler implements Timers {
  private heap: Entry[] = [];
  private readonly keyed = new Map<string, Entry>();
  private seq = 0;
  private time: number;
  private live = 0;
  /** Cancelled entries still in the heap; compacted away when they dominate it. */
  private dead = 0;

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  /** Number of pending (not cancelled, not fired) timers. */
  get pending(): number {
    return this.live;
  }

  schedule(delayMs: number, fn: () => void, key?: string): TimerHandle {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new RangeError(`timer delay must be a finite, non-negative number of ms, got ${delayMs}`);
    }
    if (key !== undefined) this.cancel(key);
    const entry = new Entry(this.time + delayMs, this.seq++, key ?? null, fn);
    if (key !== undefined) this.keyed.set(key, entry);
    this.push(entry);
    this.live++;
    return entry;
  }

  cancel(keyOrHandle: string | TimerHandle): boolean {
    const entry =
      typeof keyOrHandle === 'string'
        ? this.keyed.get(keyOrHandle)
        : keyOrHandle instanceof Entry
          ? keyOrHandle
          : undefined;
    if (entry === undefined || !entry.active) return false;
    entry.active = false;
    this.live--;
    this.dead++;
    if (entry.key !== null && this.keyed.get(entry.key) === entry) this.keyed.delete(entry.key);
    if (this.dead > 1024 && this.dead > this.live) this.compact();
    return true;
  }

  isScheduled(key: string): boolean {
    return this.keyed.get(key)?.active === true;
  }

  /** Due time of the next active timer, or undefined when none is pending. */
  peek(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.dueMs;
  }

  /** Advances to the next due timer and runs it. Returns false when nothing is pending. */
  runNext(): boolean {
    this.dropCancelled();
    const entry = this.pop();
    if (entry === undefined) return false;
    this.fire(entry);
    return true;
  }

  /**
   * Runs every timer due at or before `untilMs` (including timers those timers schedule), then
   * leaves the clock at `untilMs`.
   */
  runUntil(untilMs: number): void {
    if (untilMs < this.time) throw new RangeError(`cannot run backwards from ${this.time} to ${untilMs}`);
    for (;;) {
      const next = this.peek();
      if (next === undefined || next > untilMs) break;
      this.runNext();
    }
    this.time = untilMs;
  }

  /** Moves the clock forward without running anything (only allowed when nothing is due sooner). */
  advanceTo(ms: number): void {
    const next = this.peek();
    if (next !== undefined && next < ms) throw new RangeError('advanceTo would skip a due timer');
    if (ms < this.time) throw new RangeError(`cannot move the clock backwards from ${this.time} to ${ms}`);
    this.time = ms;
  }

  private fire(entry: Entry): void {
    entry.active = false;
    this.live--;
    if (entry.key !== null && this.keyed.get(entry.key) === entry) this.keyed.delete(entry.key);
    this.time = Math.max(this.time, entry.dueMs);
    entry.fn();
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && !this.heap[0].active) {
      this.pop();
      this.dead--;
    }
  }

  /** Rebuilds the heap from its live entries (timers re-keyed often leave many dead ones). */
  private compact(): void {
    // A sorted array is a valid binary heap.
    this.heap = this.heap.filter((e) => e.active).sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
    this.dead = 0;
  }

  private less(a: Entry, b: Entry): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      const t = h[i];
      h[i] = h[parent];
      h[parent] = t;
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        const t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
      }
    }
    return top;
  }
}

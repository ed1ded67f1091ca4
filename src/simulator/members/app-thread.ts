/**
 * The application thread of a simulated consumer: the loop that calls poll(), processes the
 * records, and runs rebalance callbacks inside poll(). It also tracks the consumer's positions on
 * the partitions it owns, which is what lag is made of.
 *
 * To keep long simulations cheap, the loop is analytic: poll() calls happen every `processingMs`
 * after the previous one, and no timer fires for an ordinary poll. A timer fires only when
 * something must happen inside a poll (a callback, or work the client does at the start of a poll)
 * or when asked about (`lastPollMs`).
 *
 * The poll calls lie on a lattice: one at `anchorMs` and then every `processingMs`. A poll that
 * runs tasks (callbacks) lasts as long as its tasks; the next poll comes one processing period
 * after it returns, which moves the lattice.
 */
import { assignmentFromPartitions, type Assignment, type TopicPartition } from '../../model';
import type { TimerHandle } from '../clock';
import type { SimWorld } from '../engine/world';
import type { ConsumerConfig, MemberBehaviour } from './config';

interface Task {
  /** What the thread is doing while the task runs (e.g. "onPartitionsRevoked"); null for silent work. */
  readonly label: string | null;
  readonly durationMs: number;
  readonly onStart: (() => void) | null;
  readonly done: () => void;
}

/** The task the thread is running now. */
export interface RunningTask {
  readonly label: string;
  readonly startedMs: number;
  readonly durationMs: number;
}

interface Position {
  offset: number;
  /** Pending revocation or lost: no longer fetched, the position stays where it is. */
  paused: boolean;
}

export class AppThread {
  private running = false;
  /** The thread has left its poll loop for good (it is inside close()); tasks run only via runNow. */
  private halted = false;
  /** A poll() happens at anchorMs and then every processing period. */
  private anchorMs = 0;
  /** The last poll() before anchorMs. */
  private prevPollMs = 0;
  /** True while a poll() runs tasks; `chainPollMs` is when that poll() started. */
  private inPoll = false;
  private chainPollMs = 0;
  private readonly queue: Task[] = [];
  private current: { label: string | null; startedMs: number; durationMs: number } | null = null;
  private pollTimer: TimerHandle | null = null;
  /** Bumped by stop() and halt(): timers of an older generation do nothing. */
  private generation = 0;
  private readonly positions = new Map<string, Map<number, Position>>();
  private consumedUntilMs = 0;
  private fetchBlocked = false;

  constructor(
    private readonly world: SimWorld,
    private readonly config: ConsumerConfig,
    private currentBehaviour: MemberBehaviour,
  ) {}

  get behaviour(): MemberBehaviour {
    return this.currentBehaviour;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** True once the application left its poll loop (close()). */
  get isHalted(): boolean {
    return this.halted;
  }

  /** The application's first poll() happens now. */
  start(): void {
    const now = this.world.timers.now();
    this.running = true;
    this.halted = false;
    this.anchorMs = now;
    this.prevPollMs = now;
    this.consumedUntilMs = now;
  }

  /** Stops the thread for good (crash, or the end of close()). Pending tasks never run. */
  stop(): void {
    this.advance();
    this.running = false;
    this.halted = false;
    this.dropPending();
  }

  /**
   * The application stops calling poll() (it is inside close()). Tasks waiting for a poll are
   * dropped; positions stop moving; `runNow` still runs work on the thread.
   */
  halt(): void {
    if (!this.running || this.halted) return;
    this.advance();
    const last = this.lastPollMs();
    this.halted = true;
    this.inPoll = false;
    this.prevPollMs = last;
    this.anchorMs = Number.POSITIVE_INFINITY;
    this.dropPending();
  }

  /** The most recent poll() call at or before now (the start of the poll() that is running). */
  lastPollMs(): number {
    const now = this.world.timers.now();
    if (this.inPoll) return this.chainPollMs;
    if (now < this.anchorMs) return Math.min(this.prevPollMs, now);
    const period = this.period();
    return this.anchorMs + Math.floor((now - this.anchorMs) / period) * period;
  }

  /** The next poll() call at or after now (while a poll() runs tasks: after they should end). */
  nextPollMs(): number {
    const now = this.world.timers.now();
    if (this.halted) return Number.POSITIVE_INFINITY;
    if (this.inPoll) {
      const end = this.current === null ? now : this.current.startedMs + this.current.durationMs;
      return Math.max(now, end) + this.period();
    }
    if (now <= this.anchorMs) return this.anchorMs;
    const period = this.period();
    return this.anchorMs + Math.ceil((now - this.anchorMs) / period) * period;
  }

  /** The callback running now, if any. */
  busyWith(): string | null {
    return this.runningTask()?.label ?? null;
  }

  /** The labelled task running now, with when it started and how long it takes. */
  runningTask(): RunningTask | null {
    const c = this.current;
    if (c === null || c.label === null) return null;
    return { label: c.label, startedMs: c.startedMs, durationMs: c.durationMs };
  }

  /** Labels of the tasks waiting for the thread, in order. */
  pendingTasks(): string[] {
    return this.queue.filter((t) => t.label !== null).map((t) => t.label!);
  }

  /**
   * Runs work inside the next poll() call, e.g. a rebalance callback: it occupies the thread for
   * `durationMs`, then `done` runs (`onStart` runs when it begins). Tasks run in the order they
   * were queued; a task queued while a poll() runs tasks runs in that same poll().
   */
  runInPoll(label: string | null, durationMs: number, done: () => void, onStart?: () => void): void {
    if (!this.running || this.halted) return;
    this.queue.push({ label, durationMs, done, onStart: onStart ?? null });
    if (this.inPoll || this.current !== null) return;
    if (this.pollTimer === null || !this.pollTimer.active) {
      const at = this.nextPollMs();
      const gen = this.generation;
      this.pollTimer = this.world.timers.schedule(Math.max(0, at - this.world.timers.now()), () => {
        if (gen === this.generation) this.runQueue();
      });
    }
  }

  /**
   * Runs work on the thread at once, outside poll() (e.g. the callbacks close() runs). The caller
   * makes sure the thread is free: use it once the thread is halted.
   */
  runNow(label: string | null, durationMs: number, done: () => void): void {
    if (!this.running) return;
    this.advance();
    const gen = this.generation;
    this.current = { label, startedMs: this.world.timers.now(), durationMs };
    this.world.timers.schedule(durationMs, () => {
      if (gen !== this.generation) return;
      this.advance();
      this.current = null;
      done();
    });
  }

  /**
   * The application is inside poll() with no records to process (it has nothing it can fetch), so
   * poll() returns empty and is called again at once: a poll() happens now. Work waiting for a
   * poll (runInPoll) starts now instead of at the next processing period, and the loop's timing
   * restarts here. Does nothing while a poll() runs tasks or once the thread is halted.
   */
  pollNow(): void {
    if (!this.running || this.halted || this.inPoll || this.current !== null) return;
    this.advance();
    const now = this.world.timers.now();
    this.prevPollMs = now;
    this.anchorMs = now;
    if (
      this.queue.length > 0 &&
      this.pollTimer !== null &&
      this.pollTimer.active &&
      this.pollTimer.dueMs > now
    ) {
      this.world.timers.cancel(this.pollTimer);
      const gen = this.generation;
      this.pollTimer = this.world.timers.schedule(0, () => {
        if (gen === this.generation) this.runQueue();
      });
    }
  }

  setBehaviour(patch: Partial<MemberBehaviour>): void {
    this.advance();
    if (this.inPoll || this.halted || !this.running) {
      // The poll() running tasks ends under the new pace (see runQueue).
      this.currentBehaviour = { ...this.currentBehaviour, ...patch };
      return;
    }
    // The batch in progress finishes under the old pace; the new pace starts at the next poll.
    const next = this.nextPollMs();
    const last = this.lastPollMs();
    this.currentBehaviour = { ...this.currentBehaviour, ...patch };
    this.prevPollMs = last;
    this.anchorMs = next;
  }

  private period(): number {
    return Math.max(1, this.currentBehaviour.processingMs);
  }

  private dropPending(): void {
    this.generation++;
    this.queue.length = 0;
    if (this.pollTimer !== null) this.world.timers.cancel(this.pollTimer);
    this.pollTimer = null;
    this.current = null;
    this.inPoll = false;
  }

  private runQueue(): void {
    this.pollTimer = null;
    if (!this.running || this.halted) return;
    this.advance();
    this.inPoll = true;
    this.chainPollMs = this.world.timers.now();
    const gen = this.generation;
    const runNext = (): void => {
      // Tasks that take no time run at once; the loop stops at the first that takes time.
      for (;;) {
        if (gen !== this.generation) return;
        const task = this.queue.shift();
        if (task === undefined || !this.running || this.halted) {
          this.advance();
          this.current = null;
          this.inPoll = false;
          if (this.running && !this.halted) {
            // poll() returns after its tasks; the next poll comes one processing period later.
            this.prevPollMs = this.chainPollMs;
            this.anchorMs = this.world.timers.now() + this.period();
          }
          return;
        }
        this.current = { label: task.label, startedMs: this.world.timers.now(), durationMs: task.durationMs };
        task.onStart?.();
        if (gen !== this.generation) return;
        if (task.durationMs > 0) {
          this.world.timers.schedule(task.durationMs, () => {
            if (gen !== this.generation) return;
            this.advance();
            this.current = null;
            task.done();
            runNext();
          });
          return;
        }
        this.current = null;
        task.done();
      }
    };
    runNext();
  }

  // --- positions and consumption -------------------------------------------------------------

  /** Partitions the application owns now. */
  owned(): Assignment {
    const out: TopicPartition[] = [];
    for (const [topic, parts] of this.positions)
      for (const partition of parts.keys()) out.push({ topic, partition });
    return assignmentFromPartitions(out);
  }

  /** Starts consuming partitions from their committed offset, or per auto.offset.reset. */
  addOwned(partitions: readonly TopicPartition[]): void {
    this.advance();
    const now = this.world.timers.now();
    for (const { topic, partition } of partitions) {
      let byTopic = this.positions.get(topic);
      if (byTopic === undefined) {
        byTopic = new Map();
        this.positions.set(topic, byTopic);
      }
      if (byTopic.has(partition)) continue;
      const committed = this.world.offsets.committed(this.config.groupId, topic, partition);
      const offset =
        committed !== undefined
          ? committed.offset
          : this.config.autoOffsetReset === 'earliest'
            ? this.world.logs.logStartOffset(topic, partition)
            : this.world.logs.logEndOffset(topic, partition, now);
      byTopic.set(partition, { offset, paused: false });
    }
  }

  removeOwned(partitions: readonly TopicPartition[]): void {
    this.advance();
    for (const { topic, partition } of partitions) {
      const byTopic = this.positions.get(topic);
      if (byTopic === undefined) continue;
      byTopic.delete(partition);
      if (byTopic.size === 0) this.positions.delete(topic);
    }
  }

  /**
   * Stops fetching from owned partitions (pending revocation): they stay owned, their positions
   * stop moving, and the other partitions get the whole throughput.
   */
  pause(partitions: readonly TopicPartition[]): void {
    this.advance();
    for (const { topic, partition } of partitions) {
      const pos = this.positions.get(topic)?.get(partition);
      if (pos !== undefined) pos.paused = true;
    }
  }

  /** Owned partitions that are paused. */
  paused(): Assignment {
    const out: TopicPartition[] = [];
    for (const [topic, parts] of this.positions)
      for (const [partition, pos] of parts) if (pos.paused) out.push({ topic, partition });
    return assignmentFromPartitions(out);
  }

  /** Fetching fails (the client is cut off from the cluster): nothing is consumed meanwhile. */
  setFetchBlocked(blocked: boolean): void {
    if (this.fetchBlocked === blocked) return;
    this.advance();
    this.fetchBlocked = blocked;
  }

  get isFetchBlocked(): boolean {
    return this.fetchBlocked;
  }

  /** Current positions of owned partitions, sorted by topic and partition. */
  currentPositions(): { topic: string; partition: number; offset: number }[] {
    this.advance();
    const out: { topic: string; partition: number; offset: number }[] = [];
    for (const topic of [...this.positions.keys()].sort()) {
      const parts = this.positions.get(topic)!;
      for (const partition of [...parts.keys()].sort((a, b) => a - b)) {
        out.push({ topic, partition, offset: Math.floor(parts.get(partition)!.offset) });
      }
    }
    return out;
  }

  /**
   * Moves positions forward to now. Throughput is max.poll.records per processing period, shared
   * evenly by the owned partitions that are fetched; nothing is consumed while a task runs, while
   * fetching fails, or once the thread is halted or stopped.
   */
  private advance(): void {
    const now = this.world.timers.now();
    const from = this.consumedUntilMs;
    this.consumedUntilMs = now;
    const consuming =
      this.running && !this.halted && !this.inPoll && this.current === null && !this.fetchBlocked;
    const elapsed = now - from;
    if (!consuming || elapsed <= 0) return;
    let count = 0;
    for (const parts of this.positions.values()) for (const pos of parts.values()) if (!pos.paused) count++;
    if (count === 0) return;
    const perPartition = (this.config.maxPollRecords / this.period()) * (elapsed / count);
    for (const [topic, parts] of this.positions) {
      for (const [partition, pos] of parts) {
        if (pos.paused) continue;
        const end = this.world.logs.logEndOffset(topic, partition, now);
        // Fractional progress is kept so that frequent observations do not stall consumption.
        pos.offset = Math.min(end, pos.offset + perPartition);
      }
    }
  }
}

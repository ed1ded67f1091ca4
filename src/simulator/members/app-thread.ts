/**
 * The application thread of a simulated consumer: the loop that calls poll(), processes the
 * records, and runs rebalance callbacks inside poll(). It also tracks the consumer's positions on
 * the partitions it owns, which is what lag is made of.
 *
 * To keep long simulations cheap, the loop is analytic: poll() calls happen every `processingMs`
 * from the last phase start, and no timer fires for an ordinary poll. A timer fires only when
 * something must happen inside a poll (a callback) or when asked about (`lastPollMs`).
 */
import { assignmentFromPartitions, type Assignment, type TopicPartition } from '../../model';
import type { TimerHandle } from '../clock';
import type { SimWorld } from '../engine/world';
import type { ConsumerConfig, MemberBehaviour } from './config';

interface Task {
  readonly label: string;
  readonly durationMs: number;
  readonly done: () => void;
}

interface Position {
  offset: number;
}

export class AppThread {
  private running = false;
  /** Time of a poll() call from which polls repeat every `processingMs`. */
  private phaseStartMs = 0;
  /** A poll() call that ran tasks (it happened before phaseStart). */
  private explicitPollMs = 0;
  private readonly queue: Task[] = [];
  private busyUntilMs = -1;
  private busyLabel: string | null = null;
  private pollTimer: TimerHandle | null = null;
  private readonly positions = new Map<string, Map<number, Position>>();
  private consumedUntilMs = 0;

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

  start(): void {
    const now = this.world.timers.now();
    this.running = true;
    this.phaseStartMs = now;
    this.explicitPollMs = now;
    this.consumedUntilMs = now;
  }

  /** Stops the loop for good (crash or close). Pending callbacks never run. */
  stop(): void {
    this.advance();
    this.running = false;
    this.queue.length = 0;
    if (this.pollTimer !== null) this.world.timers.cancel(this.pollTimer);
    this.pollTimer = null;
    this.busyLabel = null;
  }

  /** The most recent poll() call at or before now. */
  lastPollMs(): number {
    const now = this.world.timers.now();
    const period = this.currentBehaviour.processingMs;
    if (now < this.phaseStartMs + period) return Math.min(this.explicitPollMs, now);
    return this.phaseStartMs + Math.floor((now - this.phaseStartMs) / period) * period;
  }

  /** The next poll() call at or after now (when the thread is not stuck in a callback). */
  nextPollMs(): number {
    const now = this.world.timers.now();
    if (this.busyUntilMs > now) return this.busyUntilMs + this.currentBehaviour.processingMs;
    const period = this.currentBehaviour.processingMs;
    if (now <= this.phaseStartMs) return this.phaseStartMs;
    return this.phaseStartMs + Math.ceil((now - this.phaseStartMs) / period) * period;
  }

  /** The callback running now, if any. */
  busyWith(): string | null {
    return this.world.timers.now() < this.busyUntilMs ? this.busyLabel : null;
  }

  /**
   * Runs work inside the next poll() call, e.g. a rebalance callback: it occupies the thread for
   * `durationMs`, then `done` runs. Tasks run in the order they were queued.
   */
  runInPoll(label: string, durationMs: number, done: () => void): void {
    if (!this.running) return;
    this.queue.push({ label, durationMs, done });
    if (this.pollTimer === null || !this.pollTimer.active) {
      const at = this.nextPollMs();
      this.pollTimer = this.world.timers.schedule(Math.max(0, at - this.world.timers.now()), () =>
        this.runQueue(),
      );
    }
  }

  setBehaviour(patch: Partial<MemberBehaviour>): void {
    this.advance();
    const now = this.world.timers.now();
    // The batch in progress finishes under the old pace; the new pace starts at the next poll.
    const next = this.busyUntilMs > now ? this.busyUntilMs : this.nextPollMs();
    this.currentBehaviour = { ...this.currentBehaviour, ...patch };
    this.phaseStartMs = next;
    this.explicitPollMs = Math.min(this.lastPollMs(), now);
  }

  private runQueue(): void {
    this.pollTimer = null;
    if (!this.running) return;
    const pollAt = this.world.timers.now();
    this.explicitPollMs = pollAt;
    const runNext = (): void => {
      const task = this.queue.shift();
      if (task === undefined || !this.running) {
        this.busyLabel = null;
        // poll() returns after the callbacks; the next poll comes one processing period later.
        this.phaseStartMs = this.world.timers.now();
        this.explicitPollMs = pollAt;
        return;
      }
      this.busyLabel = task.label;
      this.busyUntilMs = this.world.timers.now() + task.durationMs;
      this.world.timers.schedule(task.durationMs, () => {
        if (!this.running) return;
        task.done();
        runNext();
      });
    };
    runNext();
  }

  // --- positions and consumption -------------------------------------------------------------

  /** Partitions the application owns now. */
  owned(): Assignment {
    const out: Record<string, number[]> = {};
    for (const [t, parts] of this.positions) out[t] = [...parts.keys()];
    return assignmentFromPartitions(
      Object.entries(out).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition }))),
    );
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
      byTopic.set(partition, { offset });
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
   * evenly by the owned partitions; nothing is consumed while a callback runs.
   */
  private advance(): void {
    const now = this.world.timers.now();
    if (!this.running) {
      this.consumedUntilMs = now;
      return;
    }
    let from = this.consumedUntilMs;
    this.consumedUntilMs = now;
    if (this.busyUntilMs > from) from = Math.min(now, this.busyUntilMs);
    const elapsed = now - from;
    if (elapsed <= 0) return;
    let count = 0;
    for (const parts of this.positions.values()) count += parts.size;
    if (count === 0) return;
    const perPartition =
      (this.config.maxPollRecords / this.currentBehaviour.processingMs) * (elapsed / count);
    for (const [topic, parts] of this.positions) {
      for (const [partition, pos] of parts) {
        const end = this.world.logs.logEndOffset(topic, partition, now);
        // Fractional progress is kept so that frequent observations do not stall consumption.
        pos.offset = Math.min(end, pos.offset + perPartition);
      }
    }
  }
}

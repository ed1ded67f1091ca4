/**
 * Burrow-style consumer status (after LinkedIn's Burrow evaluator): each partition is judged over
 * a sliding window of observations, and a group is as bad as its worst partition.
 *
 * Burrow reads every commit from __consumer_offsets; we poll (OffsetFetch + ListOffsets), so an
 * observation is "what was committed and how far the log was at poll time". Its rules, adapted:
 *
 * - A partition with zero lag now is OK. A partition with no commit has no status (null).
 * - STOP   — lag > 0, the committed offset did not move for the whole window, and no member owns
 *            the partition: the consumer is gone. (Burrow: no commit for longer than the window.)
 * - OK     — the lag dropped to zero at some point in the window: it keeps up, in bursts.
 * - REWIND — the committed offset went backwards between two observations (an offset reset).
 * - STALL  — lag > 0 and the committed offset did not move for the whole window while a member
 *            owns the partition: the consumer is there but not progressing.
 * - WARN   — the lag never decreased across the window: it is falling behind.
 * - otherwise OK.
 * The checks run in that order, as Burrow's do. STALL and WARN need a full window
 * (`minObservations`); STOP and REWIND need two observations.
 *
 * Group status: ERR when any partition is STOP, STALL or REWIND; WARN when any is WARN; else OK.
 */
import type { GroupLag, GroupLagStatus, GroupSnapshot, PartitionLag, PartitionLagStatus } from '../../model';

export interface LagObservation {
  readonly timeMs: number;
  readonly committedOffset: number;
  readonly logEndOffset: number;
  readonly lag: number;
  /** Whether a member owned the partition at that time. */
  readonly owned: boolean;
}

export interface BurrowOptions {
  /** Observations kept per partition (Burrow's "intervals"); default 10. */
  readonly window: number;
  /** Observations needed before STALL or WARN can be declared; default = window. */
  readonly minObservations: number;
}

export const DEFAULT_BURROW_OPTIONS: BurrowOptions = { window: 10, minObservations: 10 };

/** Judges one partition over its window (oldest first). */
export function evaluatePartition(
  window: readonly LagObservation[],
  options: BurrowOptions = DEFAULT_BURROW_OPTIONS,
): PartitionLagStatus {
  const last = window[window.length - 1];
  if (last === undefined || last.lag <= 0 || window.length < 2) return 'OK';
  const first = window[0];
  const neverMoved = window.every((o) => o.committedOffset === first.committedOffset);
  if (neverMoved && !last.owned) return 'STOP';
  if (window.some((o) => o.lag === 0)) return 'OK';
  for (let i = 1; i < window.length; i++) {
    if (window[i].committedOffset < window[i - 1].committedOffset) return 'REWIND';
  }
  const full = window.length >= Math.min(options.minObservations, options.window);
  if (!full) return 'OK';
  if (neverMoved) return 'STALL';
  let notDecreasing = true;
  for (let i = 1; i < window.length; i++) {
    if (window[i].lag < window[i - 1].lag) {
      notDecreasing = false;
      break;
    }
  }
  return notDecreasing ? 'WARN' : 'OK';
}

export function groupStatus(statuses: Iterable<PartitionLagStatus | null>): GroupLagStatus {
  let result: GroupLagStatus = 'OK';
  for (const s of statuses) {
    if (s === 'STOP' || s === 'STALL' || s === 'REWIND') return 'ERR';
    if (s === 'WARN') result = 'WARN';
  }
  return result;
}

/**
 * Keeps the window of every partition of one group across polls and stamps each new snapshot's
 * lag with statuses. Feed it snapshots in time order.
 */
export class LagHistory {
  private readonly windows = new Map<string, LagObservation[]>();

  constructor(private readonly options: BurrowOptions = DEFAULT_BURROW_OPTIONS) {}

  /** Records the snapshot's lag and returns the snapshot with partition and group statuses. */
  observe(snapshot: GroupSnapshot): GroupSnapshot {
    const lag = snapshot.lag;
    if (lag === null) return snapshot;
    const seen = new Set<string>();
    const partitions = lag.partitions.map((p): PartitionLag => {
      const key = `${p.topic}\u0000${p.partition}`;
      seen.add(key);
      if (p.committedOffset === null || p.lag === null) {
        this.windows.delete(key);
        return { ...p, status: null };
      }
      const w = this.windows.get(key) ?? [];
      w.push({
        timeMs: snapshot.timeMs,
        committedOffset: p.committedOffset,
        logEndOffset: p.logEndOffset,
        lag: p.lag,
        owned: p.ownerMemberId !== null,
      });
      while (w.length > this.options.window) w.shift();
      this.windows.set(key, w);
      return { ...p, status: evaluatePartition(w, this.options) };
    });
    for (const key of [...this.windows.keys()]) if (!seen.has(key)) this.windows.delete(key);
    const evaluated: GroupLag = { ...lag, partitions, status: groupStatus(partitions.map((p) => p.status)) };
    return { ...snapshot, lag: evaluated };
  }

  /** The current window of a partition (oldest first), for explaining a status. */
  windowOf(topic: string, partition: number): readonly LagObservation[] {
    return this.windows.get(`${topic}\u0000${partition}`) ?? [];
  }
}

/**
 * Offsets and lag. Lag is log-end minus committed. A partition without a committed offset has
 * `committedOffset: null` and `lag: null` ("no commit"), never zero.
 */

/** Burrow-style evaluation of a partition's consumer over a window of offset observations. */
export type PartitionLagStatus = 'OK' | 'WARN' | 'STOP' | 'STALL' | 'REWIND';
/** Burrow-style group status: the worst of its partitions, folded to three levels. */
export type GroupLagStatus = 'OK' | 'WARN' | 'ERR';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset, or null when the group has never committed for this partition. */
  readonly committedOffset: number | null;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** logEndOffset − committedOffset; null when there is no commit. */
  readonly lag: number | null;
  /** The member that currently owns the partition, if any. */
  readonly ownerMemberId: string | null;
  /** True when the committed offset is below the log start (the data was deleted under the consumer). */
  readonly belowLogStart: boolean;
  readonly status: PartitionLagStatus | null;
}

export interface GroupLag {
  /** Sum of the lag of partitions that have a commit. */
  readonly totalLag: number;
  /** Partitions the group consumes that have no committed offset. */
  readonly partitionsWithoutCommit: number;
  readonly status: GroupLagStatus | null;
  readonly partitions: readonly PartitionLag[];
}

export function computeLag(committed: number | null, logEnd: number): number | null {
  if (committed === null) return null;
  return Math.max(0, logEnd - committed);
}

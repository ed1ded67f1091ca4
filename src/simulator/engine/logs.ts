/**
 * The partitions' logs, reduced to what lag needs: the log-end offset of every partition as a
 * function of virtual time. Producers write at a rate per topic (records per second, spread evenly
 * over the topic's partitions); the offset grows linearly between rate changes.
 */
interface Segment {
  /** Offset at `sinceMs`, possibly fractional. */
  base: number;
  sinceMs: number;
  /** Records per millisecond for this partition. */
  perMs: number;
}

export class LogModel {
  private readonly partitions = new Map<string, Segment[]>();
  private readonly rates = new Map<string, number>();

  /** Sets a topic's total produce rate (records/second) from `nowMs` on. */
  setProduceRate(topic: string, recordsPerSecond: number, nowMs: number): void {
    if (!Number.isFinite(recordsPerSecond) || recordsPerSecond < 0) {
      throw new Error(`produce rate for "${topic}" must be a non-negative number, got ${recordsPerSecond}`);
    }
    this.rates.set(topic, recordsPerSecond);
    this.rebase(topic, nowMs);
  }

  produceRate(topic: string): number {
    return this.rates.get(topic) ?? 0;
  }

  /** Declares the topic's partition count from `nowMs` on (new partitions start empty). */
  setPartitions(topic: string, count: number, nowMs: number): void {
    const segs = this.partitions.get(topic) ?? [];
    for (let p = segs.length; p < count; p++) segs.push({ base: 0, sinceMs: nowMs, perMs: 0 });
    segs.length = Math.max(segs.length, count);
    this.partitions.set(topic, segs);
    this.rebase(topic, nowMs);
  }

  /** Moves partitions' log-end offsets to the given values at `nowMs` (a topic that had records). */
  setLogEndOffsets(topic: string, offsets: readonly number[], nowMs: number): void {
    const segs = this.partitions.get(topic);
    if (segs === undefined) return;
    offsets.forEach((offset, p) => {
      const seg = segs[p];
      if (seg === undefined) return;
      seg.base = offset;
      seg.sinceMs = nowMs;
    });
  }

  deleteTopic(topic: string): void {
    this.partitions.delete(topic);
    this.rates.delete(topic);
  }

  logEndOffset(topic: string, partition: number, nowMs: number): number {
    const seg = this.partitions.get(topic)?.[partition];
    if (seg === undefined) return 0;
    return Math.floor(seg.base + seg.perMs * Math.max(0, nowMs - seg.sinceMs));
  }

  /** Log start offset: the simulator does not model retention, so logs start at 0. */
  logStartOffset(_topic: string, _partition: number): number {
    return 0;
  }

  private rebase(topic: string, nowMs: number): void {
    const segs = this.partitions.get(topic);
    if (segs === undefined || segs.length === 0) return;
    const perMs = (this.rates.get(topic) ?? 0) / 1000 / segs.length;
    for (const seg of segs) {
      seg.base = seg.base + seg.perMs * Math.max(0, nowMs - seg.sinceMs);
      seg.sinceMs = nowMs;
      seg.perMs = perMs;
    }
  }
}

/** Committed offsets per group, as the coordinator's offset manager keeps them. */
export interface CommittedOffset {
  readonly offset: number;
  readonly commitTimeMs: number;
  readonly memberId: string | null;
}

/** Group → topic → partition-indexed offsets (dense arrays: commits are hot in large groups). */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, (CommittedOffset | undefined)[]>>();

  commit(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let g = this.groups.get(groupId);
    if (g === undefined) {
      g = new Map();
      this.groups.set(groupId, g);
    }
    let t = g.get(topic);
    if (t === undefined) {
      t = [];
      g.set(topic, t);
    }
    t[partition] = value;
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.get(topic)?.[partition];
  }

  /** Every committed offset of a group, sorted by topic then partition. */
  all(groupId: string): { topic: string; partition: number; value: CommittedOffset }[] {
    const g = this.groups.get(groupId);
    if (g === undefined) return [];
    const out: { topic: string; partition: number; value: CommittedOffset }[] = [];
    for (const topic of [...g.keys()].sort()) {
      const parts = g.get(topic)!;
      for (let partition = 0; partition < parts.length; partition++) {
        const value = parts[partition];
        if (value !== undefined) out.push({ topic, partition, value });
      }
    }
    return out;
  }

  /** Topics the group has committed offsets for, sorted. */
  topics(groupId: string): string[] {
    return [...(this.groups.get(groupId)?.keys() ?? [])].sort();
  }

  deleteGroup(groupId: string): void {
    this.groups.delete(groupId);
  }
}

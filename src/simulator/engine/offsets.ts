/** Committed offsets per group, as the coordinator's offset manager keeps them. */
export interface CommittedOffset {
  readonly offset: number;
  readonly commitTimeMs: number;
  readonly memberId: string | null;
}

export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();

  commit(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let g = this.groups.get(groupId);
    if (g === undefined) {
      g = new Map();
      this.groups.set(groupId, g);
    }
    g.set(key(topic, partition), value);
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.get(key(topic, partition));
  }

  /** Every committed offset of a group, sorted by topic then partition. */
  all(groupId: string): { topic: string; partition: number; value: CommittedOffset }[] {
    const g = this.groups.get(groupId);
    if (g === undefined) return [];
    return [...g.entries()]
      .map(([k, value]) => {
        const i = k.lastIndexOf('\u0000');
        return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)), value };
      })
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  deleteGroup(groupId: string): void {
    this.groups.delete(groupId);
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

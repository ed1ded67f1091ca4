import type { GroupEvent, GroupSnapshot } from '../model';
import { Emitter, type Listener, type Unsubscribe } from './emitter';
import type { SnapshotFile } from './snapshot-file';
import type { GroupSource, GroupSummary, SourceChange, SourceStatus } from './source';

/** A snapshot file opened for viewing: a source that never changes. */
export class FileSource implements GroupSource {
  readonly kind = 'file' as const;
  readonly id: string;
  private readonly changes = new Emitter<SourceChange>();
  private readonly byGroup: ReadonlyMap<string, SnapshotFile['groups'][number]>;

  constructor(
    readonly label: string,
    private readonly file: SnapshotFile,
  ) {
    this.id = `file/${label}`;
    this.byGroup = new Map(file.groups.map((g) => [g.snapshot.groupId, g]));
  }

  status(): SourceStatus {
    const latest = Math.max(...this.file.groups.map((g) => g.snapshot.timeMs));
    return {
      state: 'idle',
      detail: `snapshot file, exported ${this.file.exportedAt || 'at an unknown time'}`,
      clockMs: Number.isFinite(latest) ? latest : null,
      error: null,
    };
  }

  groups(): GroupSummary[] {
    return this.file.groups
      .map(({ snapshot: s }) => ({
        groupId: s.groupId,
        protocol: s.protocol,
        state: s.state,
        memberCount: s.members.length,
        totalLag: s.lag?.totalLag ?? null,
        lagStatus: s.lag?.status ?? null,
      }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  snapshot(groupId: string): GroupSnapshot | undefined {
    return this.byGroup.get(groupId)?.snapshot;
  }

  history(groupId: string): readonly GroupSnapshot[] {
    const g = this.byGroup.get(groupId);
    if (g === undefined) return [];
    const last = g.history[g.history.length - 1];
    return last === g.snapshot || (last !== undefined && last.timeMs === g.snapshot.timeMs)
      ? g.history
      : [...g.history, g.snapshot];
  }

  events(groupId: string): readonly GroupEvent[] {
    return this.byGroup.get(groupId)?.events ?? [];
  }

  watch(): Unsubscribe {
    return () => undefined;
  }

  onDidChange(listener: Listener<SourceChange>): Unsubscribe {
    return this.changes.event(listener);
  }

  dispose(): void {
    this.changes.dispose();
  }
}

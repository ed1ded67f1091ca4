import { Emitter, type Listener, type Unsubscribe } from './emitter';
import type { GroupSource, SourceChange } from './source';

export interface RegistryChange {
  /** Set when a source was added or removed. */
  readonly sourcesChanged: boolean;
  /** The source whose content changed, with what changed. */
  readonly source: GroupSource | null;
  readonly change: SourceChange | null;
}

/** The sources the extension shows: the simulator, connected clusters, opened snapshot files. */
export class SourceRegistry {
  private readonly sources = new Map<string, { source: GroupSource; unsubscribe: Unsubscribe }>();
  private readonly changes = new Emitter<RegistryChange>();

  all(): GroupSource[] {
    return [...this.sources.values()].map((s) => s.source);
  }

  get(id: string): GroupSource | undefined {
    return this.sources.get(id)?.source;
  }

  /** Adds a source, replacing (and disposing) one with the same id. */
  add(source: GroupSource): void {
    this.remove(source.id, false);
    const unsubscribe = source.onDidChange((change) =>
      this.changes.fire({ sourcesChanged: false, source, change }),
    );
    this.sources.set(source.id, { source, unsubscribe });
    this.changes.fire({ sourcesChanged: true, source, change: null });
  }

  remove(id: string, notify = true): void {
    const entry = this.sources.get(id);
    if (entry === undefined) return;
    this.sources.delete(id);
    entry.unsubscribe();
    entry.source.dispose();
    if (notify) this.changes.fire({ sourcesChanged: true, source: null, change: null });
  }

  onDidChange(listener: Listener<RegistryChange>): Unsubscribe {
    return this.changes.event(listener);
  }

  dispose(): void {
    for (const id of [...this.sources.keys()]) this.remove(id, false);
    this.changes.dispose();
  }
}

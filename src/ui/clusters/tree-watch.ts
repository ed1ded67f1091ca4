import type * as vscode from 'vscode';
import type { SourceRegistry } from '../../sources/registry';
import type { GroupSource } from '../../sources/source';
import type { TreeNode } from '../tree/provider';

interface Watching {
  readonly sourceId: string;
  readonly groupId: string;
  source: GroupSource | undefined;
  stop: (() => void) | undefined;
}

/**
 * The Groups tree as a viewer: an expanded group row watches its group (a cluster then polls it
 * with lag), a collapsed one stops watching, and while the view is hidden nothing is watched on
 * its behalf. A source replaced in the registry (a reconnect) is watched again.
 */
export function watchExpandedGroups(
  view: vscode.TreeView<unknown>,
  registry: SourceRegistry,
): vscode.Disposable {
  const expanded = new Map<string, Watching>();

  const start = (w: Watching): void => {
    if (!view.visible) return;
    const source = registry.get(w.sourceId);
    if (source === w.source && w.stop !== undefined) return;
    w.stop?.();
    w.source = source;
    w.stop = source?.watch(w.groupId);
  };
  const stop = (w: Watching): void => {
    w.stop?.();
    w.stop = undefined;
    w.source = undefined;
  };
  const groupOf = (element: unknown): { id: string; sourceId: string; groupId: string } | undefined => {
    const d = (element as Partial<TreeNode> | undefined)?.descriptor;
    if (d?.kind !== 'group' || d.ref.groupId === undefined) return undefined;
    return { id: d.id, sourceId: d.ref.sourceId, groupId: d.ref.groupId };
  };

  const subscriptions: vscode.Disposable[] = [
    view.onDidExpandElement((e) => {
      const g = groupOf(e.element);
      if (g === undefined || expanded.has(g.id)) return;
      const w: Watching = { sourceId: g.sourceId, groupId: g.groupId, source: undefined, stop: undefined };
      expanded.set(g.id, w);
      start(w);
    }),
    view.onDidCollapseElement((e) => {
      const g = groupOf(e.element);
      const w = g === undefined ? undefined : expanded.get(g.id);
      if (w === undefined || g === undefined) return;
      stop(w);
      expanded.delete(g.id);
    }),
    view.onDidChangeVisibility((e) => {
      for (const w of expanded.values()) {
        if (e.visible) start(w);
        else stop(w);
      }
    }),
  ];
  const unsubscribe = registry.onDidChange((c) => {
    if (!c.sourcesChanged) return;
    for (const w of expanded.values()) start(w);
  });
  return {
    dispose: () => {
      unsubscribe();
      for (const s of subscriptions) s.dispose();
      for (const w of expanded.values()) stop(w);
      expanded.clear();
    },
  };
}

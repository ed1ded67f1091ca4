import * as vscode from 'vscode';
import type { SourceRegistry } from '../../sources/registry';
import { GroupsTreeProvider } from './provider';

export const GROUPS_VIEW_ID = 'kafkaGroups.groups';

export interface GroupsView {
  readonly provider: GroupsTreeProvider;
  readonly view: vscode.TreeView<unknown>;
}

/**
 * The "Groups" tree: sources → groups → members → partitions. With no source it has no items, so
 * VS Code shows the view's welcome content (start the simulator, open a snapshot).
 */
export function registerGroupsView(context: vscode.ExtensionContext, registry: SourceRegistry): GroupsView {
  const provider = new GroupsTreeProvider(registry);
  const view = vscode.window.createTreeView(GROUPS_VIEW_ID, {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  context.subscriptions.push(provider, view);
  return { provider, view: view };
}

import * as vscode from 'vscode';

export const GROUPS_VIEW_ID = 'kafkaGroups.groups';

/**
 * The "Groups" tree. Until a source (the simulator or a cluster) is running it has no items, so
 * VS Code shows the view's welcome content instead.
 */
class GroupsTreeProvider implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}

export function registerGroupsView(context: vscode.ExtensionContext): void {
  const view = vscode.window.createTreeView(GROUPS_VIEW_ID, {
    treeDataProvider: new GroupsTreeProvider(),
    showCollapseAll: true,
  });
  context.subscriptions.push(view);
}

import * as vscode from 'vscode';
import type { GroupSnapshot } from '../../model';
import type { SourceRegistry } from '../../sources/registry';
import type { GroupSource, GroupSummary } from '../../sources/source';
import { CommandId } from '../commands/ids';
import {
  groupNode,
  memberNode,
  memberPartitions,
  partitionNode,
  sourceNode,
  unassignedNode,
  unassignedPartitions,
  type NodeDescriptor,
} from './nodes';

/** A tree element: one object per node id for the provider's lifetime, updated in place. */
export class TreeNode {
  constructor(
    public descriptor: NodeDescriptor,
    readonly parent: TreeNode | undefined,
  ) {}
  get id(): string {
    return this.descriptor.id;
  }
}

/** Refreshes are coalesced so a simulator at 1000× does not redraw the tree 20 times a second. */
const REFRESH_MS = 250;

export class GroupsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes = new Map<string, TreeNode>();
  private readonly dirty = new Set<TreeNode | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly registry: SourceRegistry) {
    this.unsubscribe = registry.onDidChange((c) => {
      if (c.sourcesChanged || c.source === null) {
        this.schedule(undefined);
        return;
      }
      const sourceNodeId = `source/${c.source.id}`;
      const sn = this.nodes.get(sourceNodeId);
      if (sn === undefined) {
        this.schedule(undefined);
        return;
      }
      if (c.change?.groupsListChanged === true || c.change?.statusChanged === true) {
        // The source row shows the clock and status; its children are re-read lazily.
        this.schedule(sn);
        return;
      }
      for (const g of c.change?.groupIds ?? []) {
        const gn = this.nodes.get(`${sourceNodeId}/group/${g}`);
        this.schedule(gn ?? sn);
      }
    });
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const d = node.descriptor;
    const item = new vscode.TreeItem(
      d.label,
      d.collapsible === 'expanded'
        ? vscode.TreeItemCollapsibleState.Expanded
        : d.collapsible === 'collapsed'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None,
    );
    item.id = d.id;
    item.description = d.description;
    item.contextValue = d.contextValue;
    item.iconPath =
      d.icon.color === null
        ? new vscode.ThemeIcon(d.icon.id)
        : new vscode.ThemeIcon(d.icon.id, new vscode.ThemeColor(d.icon.color));
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown('**');
    md.appendText(d.tooltipTitle);
    md.appendMarkdown('**\n\n');
    for (const line of d.tooltip) {
      md.appendText(`${line.label}: `);
      md.appendMarkdown('`');
      md.appendText(line.value.replace(/`/g, "'"));
      md.appendMarkdown('`  \n');
    }
    item.tooltip = md;
    item.accessibilityInformation = { label: `${d.label}, ${d.description}` };
    if (d.kind === 'group') {
      item.command = {
        command: CommandId.OpenDashboard,
        title: 'Open Group Dashboard',
        arguments: [node],
      };
    }
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node === undefined) return this.registry.all().map((s) => this.node(sourceNode(s), undefined));
    const d = node.descriptor;
    const source = this.registry.get(d.ref.sourceId);
    if (source === undefined) return [];
    switch (d.kind) {
      case 'source':
        return source
          .groups()
          .map((g) => this.node(groupNode(source.id, g, source.snapshot(g.groupId)), node));
      case 'group':
        return this.groupChildren(source, node);
      case 'member':
        return this.memberChildren(source, node);
      case 'unassigned': {
        const s = source.snapshot(d.ref.groupId!);
        if (s === undefined) return [];
        const lag = lagIndex(s);
        return unassignedPartitions(s).map((p) =>
          this.node(
            partitionNode(
              source.id,
              s.groupId,
              d.id,
              { ...p, status: 'unassigned' },
              lag.get(`${p.topic}\u0000${p.partition}`),
            ),
            node,
          ),
        );
      }
      case 'partition':
        return [];
    }
  }

  /** Re-reads the whole tree. */
  refresh(): void {
    this.schedule(undefined);
  }

  /** The node for a group, if the tree has shown it (for reveal). */
  findGroup(sourceId: string, groupId: string): TreeNode | undefined {
    return this.nodes.get(`source/${sourceId}/group/${groupId}`);
  }

  dispose(): void {
    this.unsubscribe();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.emitter.dispose();
  }

  private groupChildren(source: GroupSource, node: TreeNode): TreeNode[] {
    const s = source.snapshot(node.descriptor.ref.groupId!);
    if (s === undefined) return [];
    const out = s.members.map((m) => this.node(memberNode(source.id, s, m), node));
    const unassigned = unassignedPartitions(s).length;
    if (unassigned > 0) out.push(this.node(unassignedNode(source.id, s, unassigned), node));
    return out;
  }

  private memberChildren(source: GroupSource, node: TreeNode): TreeNode[] {
    const s = source.snapshot(node.descriptor.ref.groupId!);
    const m = s?.members.find((x) => x.memberId === node.descriptor.ref.memberId);
    if (s === undefined || m === undefined) return [];
    const lag = lagIndex(s);
    return memberPartitions(m).map((p) =>
      this.node(
        partitionNode(source.id, s.groupId, node.id, p, lag.get(`${p.topic}\u0000${p.partition}`)),
        node,
      ),
    );
  }

  private node(d: NodeDescriptor, parent: TreeNode | undefined): TreeNode {
    const existing = this.nodes.get(d.id);
    if (existing !== undefined) {
      existing.descriptor = d;
      return existing;
    }
    const n = new TreeNode(d, parent);
    this.nodes.set(d.id, n);
    return n;
  }

  private schedule(node: TreeNode | undefined): void {
    this.dirty.add(node);
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const all = [...this.dirty];
      this.dirty.clear();
      if (all.includes(undefined)) {
        this.emitter.fire(undefined);
        return;
      }
      const summaries = new Map<string, Map<string, GroupSummary>>();
      for (const n of all) {
        if (n === undefined) continue;
        // VS Code redraws the element from getTreeItem: bring its own row up to date first (its
        // children are re-read through getChildren).
        const fresh = this.describe(n, summaries);
        if (fresh === undefined) {
          this.emitter.fire(undefined); // it is gone: let the parents drop it
          return;
        }
        n.descriptor = fresh;
        this.emitter.fire(n);
      }
    }, REFRESH_MS);
  }

  /**
   * The current descriptor of a source or group row; undefined when it no longer exists.
   * `summaries` caches each source's group summaries for one refresh.
   */
  private describe(
    n: TreeNode,
    summaries: Map<string, Map<string, GroupSummary>>,
  ): NodeDescriptor | undefined {
    const d = n.descriptor;
    const source = this.registry.get(d.ref.sourceId);
    if (source === undefined) return undefined;
    if (d.kind === 'source') return sourceNode(source);
    if (d.kind === 'group') {
      let bySource = summaries.get(source.id);
      if (bySource === undefined) {
        bySource = new Map(source.groups().map((g) => [g.groupId, g]));
        summaries.set(source.id, bySource);
      }
      const summary = d.ref.groupId === undefined ? undefined : bySource.get(d.ref.groupId);
      return summary === undefined
        ? undefined
        : groupNode(source.id, summary, source.snapshot(summary.groupId));
    }
    return d;
  }
}

function lagIndex(s: GroupSnapshot): Map<string, number | null> {
  const m = new Map<string, number | null>();
  for (const p of s.lag?.partitions ?? []) m.set(`${p.topic}\u0000${p.partition}`, p.lag);
  return m;
}

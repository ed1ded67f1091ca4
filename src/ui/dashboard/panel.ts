import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { GroupEvent, GroupSnapshot } from '../../model';
import { DASHBOARD_VIEW_TYPE, isPersistedDashboardState } from '../../protocol/dashboard';
import { dashboardHtml } from '../../protocol/shell';
import { snapshotExport } from './export';
import { type DashboardSources, type Diagnose, DashboardFeed } from './feed';

export type { DashboardSources, Diagnose } from './feed';

export interface DashboardServices {
  readonly extensionUri: vscode.Uri;
  readonly sources: DashboardSources;
  readonly log: vscode.LogOutputChannel;
  readonly diagnose?: Diagnose;
}

/**
 * One dashboard per (source, group): a webview panel fed by a `DashboardFeed` (feed.ts), which
 * validates everything the webview sends. No `retainContextWhenHidden`: a hidden webview is torn
 * down; shown again, it says `ready` and gets a fresh `init`; after a reload the serializer
 * restores the panel from the state the webview saved with `setState`.
 */
export class DashboardPanel implements vscode.Disposable {
  private static readonly open = new Map<string, DashboardPanel>();

  /** Opens (or reveals) the dashboard of a group. */
  static show(services: DashboardServices, sourceId: string, groupId: string): DashboardPanel {
    const existing = DashboardPanel.open.get(panelKey(sourceId, groupId));
    if (existing !== undefined) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      `Group ${groupId}`,
      vscode.ViewColumn.Active,
      webviewOptions(services.extensionUri),
    );
    return new DashboardPanel(services, panel, sourceId, groupId);
  }

  /** Restores a panel VS Code kept across a reload; the state comes from the webview, so it is checked. */
  static revive(services: DashboardServices, panel: vscode.WebviewPanel, state: unknown): void {
    if (!isPersistedDashboardState(state)) {
      services.log.warn('dashboard: discarding a restored panel with unreadable state');
      panel.dispose();
      return;
    }
    const existing = DashboardPanel.open.get(panelKey(state.sourceId, state.groupId));
    if (existing !== undefined) {
      panel.dispose();
      existing.panel.reveal();
      return;
    }
    panel.webview.options = webviewOptions(services.extensionUri);
    new DashboardPanel(services, panel, state.sourceId, state.groupId);
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly feed: DashboardFeed;
  private disposed = false;

  private constructor(
    private readonly services: DashboardServices,
    readonly panel: vscode.WebviewPanel,
    readonly sourceId: string,
    readonly groupId: string,
  ) {
    DashboardPanel.open.set(panelKey(sourceId, groupId), this);
    panel.title = `Group ${groupId}`;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icons', 'kafka-groups.svg');
    panel.webview.html = this.html();
    this.feed = new DashboardFeed({
      sourceId,
      groupId,
      sources: services.sources,
      log: services.log,
      ...(services.diagnose !== undefined ? { diagnose: services.diagnose } : {}),
      post: (m) => void panel.webview.postMessage(m),
      effects: {
        saveSnapshot: (g, snapshot, events) => saveSnapshot(g, snapshot, events),
        showDetails: async (content) => {
          const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
          await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        },
      },
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.feed.receive(m)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is destroyed; it says `ready` again when shown.
        if (!panel.visible) this.feed.hidden();
      }),
    );
    this.feed.preload();
  }

  private html(): string {
    const w = this.panel.webview;
    const dist = (f: string): string =>
      w.asWebviewUri(vscode.Uri.joinPath(this.services.extensionUri, 'dist', f)).toString();
    return dashboardHtml({
      cspSource: w.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: dist('webview.js'),
      styleUri: dist('webview.css'),
      codiconUri: dist('codicon.css'),
      codiconFontUri: dist('codicon.ttf'),
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    DashboardPanel.open.delete(panelKey(this.sourceId, this.groupId));
    this.feed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** "Export snapshot": asks where, writes the JSON, says where it went. */
async function saveSnapshot(
  groupId: string,
  snapshot: GroupSnapshot,
  events: readonly GroupEvent[],
): Promise<string> {
  const safe = groupId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'group';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Export group snapshot',
    ...(folder !== undefined
      ? { defaultUri: vscode.Uri.joinPath(folder, `${safe}-${Math.round(snapshot.timeMs)}.json`) }
      : {}),
    filters: { 'Snapshot JSON': ['json'] },
    saveLabel: 'Export',
  });
  if (target === undefined) return 'Export cancelled.';
  await vscode.workspace.fs.writeFile(
    target,
    new TextEncoder().encode(snapshotExport(snapshot, events, new Date())),
  );
  return `Snapshot saved to ${vscode.workspace.asRelativePath(target)}.`;
}

function panelKey(sourceId: string, groupId: string): string {
  return `${sourceId}\u0000${groupId}`;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/** Registers the serializer that restores dashboards after a reload. */
export function registerDashboardSerializer(services: DashboardServices): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      DashboardPanel.revive(services, panel, state);
      return Promise.resolve();
    },
  });
}

export interface Dashboards {
  /** Opens (or reveals) the dashboard of a group; what "Open Group Dashboard" calls. */
  open(sourceId: string, groupId: string): void;
}

/**
 * The dashboard feature: call once from `activate()` (package.json declares
 * `onWebviewPanel:kafkaGroups.dashboard`, so VS Code activates the extension to restore panels).
 */
export function registerDashboard(context: vscode.ExtensionContext, services: DashboardServices): Dashboards {
  context.subscriptions.push(registerDashboardSerializer(services));
  return {
    open: (sourceId, groupId) => {
      DashboardPanel.show(services, sourceId, groupId);
    },
  };
}

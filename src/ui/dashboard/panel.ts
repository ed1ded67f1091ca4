import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Finding, GroupEvent, GroupSnapshot, SimulatorCommand } from '../../model';
import {
  DASHBOARD_VIEW_TYPE,
  type DashboardInit,
  type DetailsTarget,
  type HostMessage,
  PROTOCOL_VERSION,
  type SourceStatusWire,
  type UpdateMessage,
  type WebviewRequest,
  buildChain,
  historyWindow,
  isPersistedDashboardState,
  jsonEqual,
  parseWebviewMessage,
} from '../../protocol/dashboard';
import { dashboardHtml } from '../../protocol/shell';
import { type SimulatorControls, hasControls } from '../../sources/controls';
import type { GroupSource } from '../../sources/source';
import { detailsDocument, snapshotAt, snapshotExport } from './export';

/** Where the dashboard finds sources by id (the simulator, clusters, snapshot files). */
export interface DashboardSources {
  get(sourceId: string): GroupSource | undefined;
  /** Fires when sources appear or go, so a restored dashboard can attach once its source is back. */
  onDidChange(listener: () => void): () => void;
}

/** Diagnostics rules over a group's recent history (src/diagnostics); findings in plain words. */
export type Diagnose = (input: {
  readonly history: readonly GroupSnapshot[];
  readonly events: readonly GroupEvent[];
}) => readonly Finding[];

export interface DashboardServices {
  readonly extensionUri: vscode.Uri;
  readonly sources: DashboardSources;
  readonly log: vscode.LogOutputChannel;
  readonly diagnose?: Diagnose;
}

/** Events the webview keeps; how many snapshots depends on the group's size (historyWindow). */
const WINDOW = { events: 2000 } as const;
/** At most this many snapshots per update; more (at high simulator speeds) are thinned evenly. */
const MAX_CHAIN = 20;
/** Updates are coalesced: at most one message per this many milliseconds. */
const UPDATE_INTERVAL_MS = 100;

/**
 * One dashboard per (source, group). Owns a webview panel, feeds it from the `GroupSource`
 * (snapshot deltas, events, findings, simulator state), and carries out the webview's requests
 * after validating them. No `retainContextWhenHidden`: a hidden webview is torn down; when it is
 * shown again it says `ready` and gets a fresh `init`, and after a reload the serializer restores
 * the panel from the state the webview saved.
 */
export class DashboardPanel implements vscode.Disposable {
  private static readonly open = new Map<string, DashboardPanel>();

  /** Opens (or reveals) the dashboard of a group. */
  static show(services: DashboardServices, sourceId: string, groupId: string): DashboardPanel {
    const key = panelKey(sourceId, groupId);
    const existing = DashboardPanel.open.get(key);
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
    const key = panelKey(state.sourceId, state.groupId);
    const existing = DashboardPanel.open.get(key);
    if (existing !== undefined) {
      panel.dispose();
      existing.panel.reveal();
      return;
    }
    panel.webview.options = webviewOptions(services.extensionUri);
    new DashboardPanel(services, panel, state.sourceId, state.groupId);
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly detach: (() => void)[] = [];
  private readonly sourceSubscriptions: (() => void)[] = [];
  private source: GroupSource | undefined;
  private controls: SimulatorControls | undefined;
  private ready = false;
  private seq = 0;
  private lastSent: GroupSnapshot | null = null;
  private lastFindings: readonly Finding[] = [];
  private lastStatus: SourceStatusWire | null = null;
  private lastUnavailable: string | null = null;
  private pendingEvents: GroupEvent[] = [];
  private controlsDirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPost = 0;
  private selectedTimeMs: number | null = null;
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
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is destroyed; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
    this.detach.push(services.sources.onDidChange(() => this.attach()));
    this.attach();
  }

  private html(): string {
    const root = this.services.extensionUri;
    const w = this.panel.webview;
    const dist = (f: string): string => w.asWebviewUri(vscode.Uri.joinPath(root, 'dist', f)).toString();
    return dashboardHtml({
      cspSource: w.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: dist('webview.js'),
      styleUri: dist('webview.css'),
      codiconUri: dist('codicon.css'),
    });
  }

  /** Connects to the source (again) when it exists; harmless to call repeatedly. */
  private attach(): void {
    const source = this.services.sources.get(this.sourceId);
    if (source === this.source) return;
    this.unsubscribeSource();
    this.source = source;
    this.controls = source !== undefined && hasControls(source) ? source.controls : undefined;
    if (source !== undefined) {
      const unwatch = source.watch(this.groupId);
      const unlisten = source.onDidChange((c) => {
        if (c.events.length > 0) {
          for (const e of c.events) if (e.groupId === this.groupId) this.pendingEvents.push(e);
          if (this.pendingEvents.length > WINDOW.events)
            this.pendingEvents.splice(0, this.pendingEvents.length - WINDOW.events);
        }
        if (
          c.groupIds.includes(this.groupId) ||
          c.statusChanged ||
          c.groupsListChanged ||
          c.events.length > 0
        ) {
          this.schedule();
        }
      });
      this.sourceSubscriptions.push(unwatch, unlisten);
      if (this.controls !== undefined) {
        this.sourceSubscriptions.push(
          this.controls.onDidChangeControlState(() => {
            this.controlsDirty = true;
            this.schedule();
          }),
        );
      }
    }
    // The webview may already be showing: start over with a fresh init.
    if (this.ready) this.postInit();
  }

  private unsubscribeSource(): void {
    for (const u of this.sourceSubscriptions.splice(0)) u();
  }

  private post(m: HostMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(m);
  }

  private unavailableReason(): string | null {
    if (this.source === undefined) {
      return `The source "${this.sourceId}" is not available. Start it (for the simulator: "Kafka Groups: Start Simulator"); this dashboard reconnects by itself.`;
    }
    if (this.source.snapshot(this.groupId) === undefined && this.source.history(this.groupId).length === 0) {
      const status = this.source.status();
      if (status.state === 'error' && status.error !== null) return status.error;
      return null; // no data yet: the webview shows "waiting for the first snapshot"
    }
    return null;
  }

  private status(): SourceStatusWire {
    const s = this.source?.status();
    if (s === undefined) return { state: 'error', detail: '', clockMs: null, error: null };
    return { state: s.state, detail: s.detail, clockMs: s.clockMs, error: s.error };
  }

  private findings(history: readonly GroupSnapshot[], events: readonly GroupEvent[]): readonly Finding[] {
    if (this.services.diagnose === undefined || history.length === 0) return [];
    try {
      return this.services.diagnose({ history, events });
    } catch (err) {
      this.services.log.error(`dashboard: diagnostics failed for group ${this.groupId}: ${String(err)}`);
      return [];
    }
  }

  /** The source's history of the group, ending with its latest snapshot. */
  private snapshots(): readonly GroupSnapshot[] {
    const history = this.source?.history(this.groupId) ?? [];
    const latest = this.source?.snapshot(this.groupId);
    return latest !== undefined && history[history.length - 1] !== latest ? [...history, latest] : history;
  }

  private postInit(): void {
    const source = this.source;
    const all = this.snapshots();
    const sizes = historyWindow(all[all.length - 1]);
    const window = all.slice(-sizes.init);
    const events = (source?.events(this.groupId) ?? []).slice(-WINDOW.events);
    const chain = buildChain(null, window, sizes.init);
    this.lastSent = window[window.length - 1] ?? null;
    this.lastFindings = this.findings(window, events);
    this.lastStatus = this.status();
    this.lastUnavailable = this.unavailableReason();
    this.pendingEvents = [];
    this.controlsDirty = false;
    this.seq += 1;
    const init: DashboardInit = {
      protocolVersion: PROTOCOL_VERSION,
      groupId: this.groupId,
      sourceId: this.sourceId,
      sourceLabel: source?.label ?? this.sourceId,
      sourceKind: source?.kind ?? 'simulator',
      status: this.lastStatus,
      history: chain,
      events,
      findings: this.lastFindings,
      controls: this.controls?.controlState() ?? null,
      window: { snapshots: sizes.keep, events: WINDOW.events },
      unavailable: this.lastUnavailable,
      moreHistory: all.length > window.length,
    };
    this.post({ type: 'init', seq: this.seq, init });
    this.lastPost = Date.now();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    const wait = Math.max(0, this.lastPost + UPDATE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (!this.ready || this.disposed) {
      this.pendingEvents = [];
      return;
    }
    const source = this.source;
    const all = this.snapshots();
    const chain = buildChain(this.lastSent, all, MAX_CHAIN);
    const events = this.pendingEvents;
    this.pendingEvents = [];
    const snapshotsChanged = chain.base !== null || chain.deltas.length > 0;
    const msg: { -readonly [K in keyof UpdateMessage]: UpdateMessage[K] } = {
      type: 'update',
      seq: this.seq + 1,
      history: chain,
      events,
    };
    if (snapshotsChanged) {
      const window = all.slice(-historyWindow(all[all.length - 1]).keep);
      const findings = this.findings(window, (source?.events(this.groupId) ?? []).slice(-WINDOW.events));
      if (!jsonEqual(findings, this.lastFindings)) {
        msg.findings = findings;
        this.lastFindings = findings;
      }
      this.lastSent = all[all.length - 1] ?? this.lastSent;
    }
    const status = this.status();
    if (!jsonEqual(status, this.lastStatus)) {
      msg.status = status;
      this.lastStatus = status;
    }
    const unavailable = this.unavailableReason();
    if (unavailable !== this.lastUnavailable) {
      msg.unavailable = unavailable;
      this.lastUnavailable = unavailable;
    }
    if (this.controlsDirty) {
      msg.controls = this.controls?.controlState() ?? null;
      this.controlsDirty = false;
    }
    const empty =
      !snapshotsChanged &&
      events.length === 0 &&
      msg.findings === undefined &&
      msg.status === undefined &&
      msg.unavailable === undefined &&
      msg.controls === undefined;
    if (empty) return;
    this.seq += 1;
    this.post(msg);
    this.lastPost = Date.now();
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.services.log.warn(
        `dashboard ${this.groupId}: rejected a message from the webview: ${parsed.error}`,
      );
      if (parsed.id !== null) this.reply(parsed.id, false, `Request refused: ${parsed.error}.`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready':
        if (m.protocolVersion !== PROTOCOL_VERSION) {
          this.services.log.warn(
            `dashboard: webview speaks protocol ${m.protocolVersion}, expected ${PROTOCOL_VERSION}`,
          );
        }
        this.ready = true;
        this.postInit();
        return;
      case 'select-time':
        this.selectedTimeMs = m.timeMs;
        return;
      default:
        await this.onRequest(m);
    }
  }

  private reply(id: number, ok: boolean, message: string | null): void {
    this.post({ type: 'reply', id, ok, message });
  }

  private async onRequest(r: WebviewRequest): Promise<void> {
    try {
      switch (r.type) {
        case 'control':
          this.reply(r.id, true, await this.control(r.command));
          return;
        case 'export-snapshot':
          this.reply(r.id, true, await this.exportSnapshot(r.timeMs ?? this.selectedTimeMs));
          return;
        case 'open-details':
          await this.openDetails(r.target, r.timeMs);
          this.reply(r.id, true, null);
          return;
        case 'load-history':
          this.sendHistory(r.id, r.beforeTimeMs, r.max);
          return;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.services.log.warn(`dashboard ${this.groupId}: ${r.type} failed: ${message}`);
      this.reply(r.id, false, message);
    }
  }

  /** Sends a chunk of the snapshots older than the webview's oldest (bounded by the group's size). */
  private sendHistory(id: number, beforeTimeMs: number, max: number): void {
    const all = this.snapshots();
    const older = all.filter((s) => s.timeMs < beforeTimeMs);
    const sizes = historyWindow(all[all.length - 1]);
    const chunk = older.slice(-Math.min(max, sizes.chunk));
    this.post({
      type: 'history',
      id,
      history: buildChain(null, chunk, chunk.length),
      more: older.length > chunk.length,
    });
  }

  /** Checks a command against this group before the simulator sees it. */
  private async control(command: SimulatorCommand): Promise<string> {
    const controls = this.controls;
    if (controls === undefined) {
      throw new Error('Simulator controls are only available for groups of the built-in simulator.');
    }
    if ('groupId' in command && command.groupId !== this.groupId) {
      throw new Error(`This dashboard controls group "${this.groupId}" only.`);
    }
    if ('memberId' in command) {
      const members = this.source?.snapshot(this.groupId)?.members ?? [];
      const member = members.find((x) => x.memberId === command.memberId);
      if (member === undefined) throw new Error('That member is no longer in the group.');
      if (command.kind === 'restart-static-member' && member.instanceId === null) {
        throw new Error(
          `${member.clientId} is not a static member (it has no group.instance.id), so it cannot be restarted as one.`,
        );
      }
    }
    await controls.execute(command);
    return describeCommand(command);
  }

  private async exportSnapshot(timeMs: number | null): Promise<string> {
    const source = this.source;
    if (source === undefined) throw new Error('The source is not available, so there is nothing to export.');
    const history = source.history(this.groupId);
    const snapshot = snapshotAt(history, source.snapshot(this.groupId), timeMs);
    if (snapshot === undefined) throw new Error('This group has no snapshot yet.');
    const events = source.events(this.groupId).filter((e) => e.timeMs <= snapshot.timeMs);
    const defaultName = `${this.groupId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'group'}-${Math.round(snapshot.timeMs)}.json`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export group snapshot',
      ...(folder !== undefined ? { defaultUri: vscode.Uri.joinPath(folder, defaultName) } : {}),
      filters: { 'Snapshot JSON': ['json'] },
      saveLabel: 'Export',
    });
    if (target === undefined) return 'Export cancelled.';
    const content = snapshotExport(snapshot, events, this.lastFindings);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
    return `Snapshot saved to ${vscode.workspace.asRelativePath(target)}.`;
  }

  private async openDetails(target: DetailsTarget, timeMs: number | null): Promise<void> {
    const source = this.source;
    if (source === undefined) throw new Error('The source is not available.');
    const snapshot = snapshotAt(source.history(this.groupId), source.snapshot(this.groupId), timeMs);
    if (snapshot === undefined) throw new Error('This group has no snapshot yet.');
    const content = detailsDocument(snapshot, source.events(this.groupId), target);
    if (content === undefined) {
      throw new Error(
        target.kind === 'member'
          ? 'That member is not in this snapshot.'
          : 'That partition is not in this snapshot.',
      );
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    DashboardPanel.open.delete(panelKey(this.sourceId, this.groupId));
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.unsubscribeSource();
    for (const d of this.detach.splice(0)) d();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
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

function describeCommand(c: SimulatorCommand): string {
  switch (c.kind) {
    case 'play':
      return 'Simulator running.';
    case 'pause':
      return 'Simulator paused.';
    case 'step':
      return 'Stepped to the next event.';
    case 'set-speed':
      return `Speed set to ${c.speed}×.`;
    case 'choose-scenario':
      return `Scenario ${c.scenarioId} loaded.`;
    case 'add-member':
      return `A ${c.protocol} member is joining${c.instanceId !== null ? ` as ${c.instanceId}` : ''}.`;
    case 'crash-member':
      return 'Member crashed: the coordinator will notice when its session times out.';
    case 'slow-member':
      return c.delayMs === 0
        ? 'Member back to normal speed.'
        : `Member slowed down by ${c.delayMs} ms per poll.`;
    case 'restart-static-member':
      return 'Static member restarting.';
    case 'add-partitions':
      return `Adding ${c.count} partition${c.count === 1 ? '' : 's'} to ${c.topic}.`;
    case 'change-subscription':
      return 'Subscription changed.';
    case 'switch-protocol':
      return `Member restarting with the ${c.protocol} protocol.`;
  }
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

// The group dashboard, running inside a VS Code webview. It speaks only the protocol in
// src/protocol/dashboard.ts: it says `ready`, receives `init` and then `update`s, and sends typed
// requests. Only the UI elements used are imported, to keep the bundle small.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import {
  DASHBOARD_TABS,
  DeltaError,
  LIMITS,
  expandChain,
  type DashboardTab,
  type DetailsTarget,
  isInitMessage,
  isPersistedDashboardState,
  isHistoryMessage,
  isReplyMessage,
  isUpdateMessage,
  jsonEqual,
  type PersistedDashboardState,
} from '../protocol/dashboard';
import { ControlsView } from './controls';
import { DiagnosticsView } from './diagnostics';
import { el, replaceChildren, setText } from './dom';
import { HeaderView } from './header';
import { HostChannel } from './host';
import { LagView } from './lag';
import { MatrixView } from './matrix';
import { ReconciliationView } from './reconciliation';
import { type Change, DashboardStore } from './store';
import { TimelineView } from './timeline';

/** How long the webview waits for its first `init` before it says `ready` again. */
const READY_RETRY_MS = 1000;

const TAB_TITLES: Record<DashboardTab, string> = {
  reconciliation: 'Reconciliation',
  assignment: 'Assignment matrix',
  lag: 'Lag',
  diagnostics: 'Diagnostics',
};

class Dashboard {
  private readonly store = new DashboardStore();
  private readonly host = new HostChannel();
  private readonly header: HeaderView;
  private readonly controls: ControlsView;
  private readonly timeline: TimelineView;
  private readonly reconciliation: ReconciliationView;
  private readonly matrix: MatrixView;
  private readonly lag: LagView;
  private readonly diagnostics: DiagnosticsView;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly diagnosticsTab: HTMLElement;
  private readonly body: HTMLElement;
  private readonly unavailable = el('div', { className: 'unavailable', attrs: { role: 'alert' } });
  private tab: DashboardTab = 'reconciliation';
  private filter = '';
  private restoreTimeMs: number | null = null;
  private pending: Change | null = null;
  private frame = 0;
  private firstPaintDone = false;
  private selectTimer = 0;
  private selectedSent: number | null = null;
  private persisted: PersistedDashboardState | null = null;
  private moreHistory = false;
  /** Bumped on every init, so history loads for an older window stop. */
  private historyEpoch = 0;

  constructor(root: HTMLElement) {
    const saved = this.host.getState();
    if (isPersistedDashboardState(saved)) {
      this.tab = saved.tab;
      this.restoreTimeMs = saved.timeMs;
      this.filter = saved.filter;
    }
    const openMember = (memberId: string): void => this.openDetails({ kind: 'member', memberId });
    const openPartition = (topic: string, partition: number): void =>
      this.openDetails({ kind: 'partition', topic, partition });
    const select = (index: number | null): void => this.store.select(index);
    this.header = new HeaderView(this.store, {
      exportSnapshot: () => void this.exportSnapshot(),
      goLive: () => select(null),
    });
    this.controls = new ControlsView(this.store, (command) => this.host.control(command));
    this.timeline = new TimelineView(this.store, { select });
    this.reconciliation = new ReconciliationView(this.store, {
      selectMember: (id) => this.controls.chooseMember(id),
      openMember,
    });
    this.matrix = new MatrixView(this.store, { openMember, openPartition });
    this.lag = new LagView(this.store, { openPartition });
    this.diagnostics = new DiagnosticsView(this.store, {
      scrubTo: (t) => select(this.store.indexAtTime(t)),
      openMember,
    });
    const panels: Record<DashboardTab, HTMLElement> = {
      reconciliation: this.reconciliation.element,
      assignment: this.matrix.element,
      lag: this.lag.element,
      diagnostics: this.diagnostics.element,
    };
    this.diagnosticsTab = el('vscode-tab-header', {
      text: TAB_TITLES.diagnostics,
      attrs: { slot: 'header', 'data-tab': 'diagnostics' },
    });
    this.tabs = el('vscode-tabs', { attrs: { 'aria-label': 'Dashboard views' } }, [
      ...DASHBOARD_TABS.map((t) =>
        t === 'diagnostics'
          ? this.diagnosticsTab
          : el('vscode-tab-header', { text: TAB_TITLES[t], attrs: { slot: 'header', 'data-tab': t } }),
      ),
      ...DASHBOARD_TABS.map((t) => el('vscode-tab-panel', { attrs: { 'data-tab': t } }, [panels[t]])),
    ]);
    this.tabs.selectedIndex = Math.max(0, DASHBOARD_TABS.indexOf(this.tab));
    this.tabs.addEventListener('vsc-tabs-select', (e) => {
      const idx = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.tab = DASHBOARD_TABS[idx] ?? 'reconciliation';
      this.persist();
      // The panel becomes visible in this frame; draw it in the next.
      requestAnimationFrame(() => this.renderTab(true));
    });
    this.unavailable.hidden = true;
    this.body = el('div', { className: 'body' }, [this.controls.element, this.timeline.element, this.tabs]);
    this.body.hidden = true;
    replaceChildren(root, [this.header.element, this.unavailable, this.body]);
    root.removeAttribute('aria-busy');

    this.store.onChange((c) => this.schedule(c));
    window.addEventListener('message', (e: MessageEvent<unknown>) => this.onMessage(e.data));
    performance.mark('kgd:ready');
    this.host.ready();
    // The host sends the first init with the page, before this `ready` (DashboardFeed.preload);
    // should that one not have arrived, ask again.
    window.setTimeout(() => {
      if (!this.store.initialised) this.host.ready();
    }, READY_RETRY_MS);
  }

  private onMessage(data: unknown): void {
    const t0 = performance.now();
    try {
      if (isInitMessage(data)) {
        this.store.applyInit(data);
        if (this.restoreTimeMs !== null) {
          this.store.select(this.store.indexAtTime(this.restoreTimeMs));
          this.restoreTimeMs = null;
        }
        this.persist();
        performance.measure('kgd:init', { start: t0, end: performance.now() });
        this.moreHistory = data.init.moreHistory;
        this.historyEpoch += 1;
      } else if (isUpdateMessage(data)) {
        if (!this.store.applyUpdate(data)) {
          this.host.ready(); // out of sequence: ask for a fresh init
          return;
        }
        performance.measure('kgd:apply', { start: t0, end: performance.now() });
      } else if (isReplyMessage(data) || isHistoryMessage(data)) {
        this.host.settle(data);
      }
    } catch (err) {
      if (err instanceof DeltaError) this.host.ready();
      else throw err;
    }
  }

  private schedule(c: Change): void {
    const p = this.pending;
    this.pending =
      p === null
        ? c
        : {
            snapshots: p.snapshots || c.snapshots,
            selection: p.selection || c.selection,
            events: p.events || c.events,
            findings: p.findings || c.findings,
            controls: p.controls || c.controls,
            status: p.status || c.status,
            reset: p.reset || c.reset,
          };
    if (c.selection) this.onSelection();
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
  }

  private onSelection(): void {
    this.persist();
    const t = this.shownTime();
    if (t === this.selectedSent) return;
    window.clearTimeout(this.selectTimer);
    this.selectTimer = window.setTimeout(() => {
      const now = this.shownTime();
      if (now === this.selectedSent) return;
      this.selectedSent = now;
      this.host.selectTime(now);
    }, 150);
  }

  private flush(): void {
    this.frame = 0;
    const c = this.pending;
    this.pending = null;
    if (c === null) return;
    const t0 = performance.now();
    const unavailable = this.store.unavailable;
    this.unavailable.hidden = unavailable === null;
    if (unavailable !== null) setText(this.unavailable, unavailable);
    this.body.hidden = unavailable !== null || !this.store.initialised;
    this.header.render();
    if (c.controls || c.snapshots || c.reset) this.controls.render();
    this.timeline.render(c);
    if (c.findings || c.reset) {
      const n = this.store.findings.length;
      const worst = this.store.findings.some((f) => f.severity === 'error')
        ? 'error'
        : this.store.findings.some((f) => f.severity === 'warning')
          ? 'warning'
          : 'info';
      setText(this.diagnosticsTab, n > 0 ? `${TAB_TITLES.diagnostics} (${n})` : TAB_TITLES.diagnostics);
      this.diagnosticsTab.className = n > 0 ? `tab-${worst}` : '';
    }
    this.renderTab(c.reset);
    performance.measure('kgd:render', { start: t0, end: performance.now() });
    if (!this.firstPaintDone && this.store.initialised) {
      this.firstPaintDone = true;
      performance.mark('kgd:first-render');
      requestAnimationFrame(() => performance.mark('kgd:first-paint'));
    }
    if (c.reset && this.moreHistory) {
      // The first paint used a recent few snapshots; fetch the older ones once it is on screen.
      const epoch = this.historyEpoch;
      requestAnimationFrame(() => window.setTimeout(() => void this.loadOlderHistory(epoch), 0));
    }
  }

  /** Fills the scrubber's window with older snapshots, a chunk at a time, while there is room. */
  private async loadOlderHistory(epoch: number): Promise<void> {
    while (this.moreHistory && epoch === this.historyEpoch) {
      const oldest = this.store.snapshots[0];
      const room = this.store.historyRoom();
      if (oldest === undefined || room === 0) return;
      const r = await this.host.loadHistory(oldest.timeMs, Math.min(room, LIMITS.historyChunk));
      if (epoch !== this.historyEpoch) return; // a fresh init replaced the window meanwhile
      if (r.type !== 'history') return;
      let added: number;
      try {
        added = this.store.prependSnapshots(expandChain(r.history, null));
      } catch (err) {
        if (err instanceof DeltaError) return;
        throw err;
      }
      this.moreHistory = r.more;
      if (added === 0) return;
      await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
    }
  }

  private renderTab(force: boolean): void {
    this.matrix.setVisible(this.tab === 'assignment');
    this.lag.setVisible(this.tab === 'lag');
    switch (this.tab) {
      case 'reconciliation':
        this.reconciliation.render();
        break;
      case 'assignment':
        this.matrix.render();
        break;
      case 'lag':
        this.lag.render();
        break;
      case 'diagnostics':
        this.diagnostics.render();
        break;
    }
    if (force) {
      this.timeline.invalidate();
      this.timeline.draw();
    }
  }

  /** Saves what a reload should restore (only when it changed: live updates do not write). */
  private persist(): void {
    if (this.store.groupId === '' || this.store.sourceId === '') return;
    const state: PersistedDashboardState = {
      v: 1,
      groupId: this.store.groupId,
      sourceId: this.store.sourceId,
      tab: this.tab,
      timeMs: this.shownTime(),
      filter: this.filter,
    };
    if (this.persisted !== null && jsonEqual(state, this.persisted)) return;
    this.persisted = state;
    this.host.setState(state);
  }

  private shownTime(): number | null {
    return this.store.isLive() ? null : (this.store.current()?.timeMs ?? null);
  }

  private async exportSnapshot(): Promise<void> {
    const r = await this.host.exportSnapshot(this.shownTime());
    this.header.showNotice(r.message ?? (r.ok ? 'Exported.' : 'Export failed.'), !r.ok);
  }

  private openDetails(target: DetailsTarget): void {
    void this.host.openDetails(target, this.shownTime());
  }
}

const root = document.getElementById('app');
if (root !== null) new Dashboard(root);

// The dashboard's host-side logic without VS Code: it reads the group from a GroupSource, answers
// the webview's `ready` with an `init`, coalesces source changes into `update`s carrying deltas,
// validates every message from the webview and carries out its requests. DashboardPanel (panel.ts)
// wires it to a real webview; the unit tests drive it directly.
import type { Finding, GroupEvent, GroupSnapshot, SimulatorCommand } from '../../model';
import {
  type DashboardInit,
  type DetailsTarget,
  type HostMessage,
  PROTOCOL_VERSION,
  type SourceStatusWire,
  type UpdateMessage,
  type WebviewRequest,
  buildChain,
  historyWindow,
  jsonEqual,
  parseWebviewMessage,
} from '../../protocol/dashboard';
import { type SimulatorControls, hasControls } from '../../sources/controls';
import type { GroupSource } from '../../sources/source';
import { detailsDocument, snapshotAt } from './export';

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

export interface FeedLog {
  warn(message: string): void;
  error(message: string): void;
}

/** What only the editor can do: dialogs, files, documents. */
export interface FeedEffects {
  /** Asks where to save and saves; resolves to a sentence for the user. */
  saveSnapshot(
    groupId: string,
    snapshot: GroupSnapshot,
    events: readonly GroupEvent[],
    findings: readonly Finding[],
  ): Promise<string>;
  /** Shows a read-only JSON document beside the dashboard. */
  showDetails(content: string): Promise<void>;
}

/** setTimeout/clearTimeout, injectable so tests control time. */
export interface FeedTimers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface FeedOptions {
  readonly sourceId: string;
  readonly groupId: string;
  readonly sources: DashboardSources;
  readonly post: (m: HostMessage) => void;
  readonly log: FeedLog;
  readonly effects: FeedEffects;
  readonly diagnose?: Diagnose;
  readonly timers?: FeedTimers;
}

/** Events the webview keeps; how many snapshots depends on the group's size (historyWindow). */
export const EVENT_WINDOW = 2000;
/** At most this many snapshots per update; more (at high simulator speeds) are thinned evenly. */
export const MAX_CHAIN = 20;
/** Updates are coalesced: at most one message per this many milliseconds. */
export const UPDATE_INTERVAL_MS = 100;

const realTimers: FeedTimers = {
  now: () => Date.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class DashboardFeed {
  private readonly timers: FeedTimers;
  private readonly sourceSubscriptions: (() => void)[] = [];
  private readonly unlistenSources: () => void;
  private source: GroupSource | undefined;
  private controls: SimulatorControls | undefined;
  private ready = false;
  /** An init went out with the page (see `preload`); the webview's first `ready` needs no other. */
  private preloaded = false;
  private seq = 0;
  private lastSent: GroupSnapshot | null = null;
  private lastFindings: readonly Finding[] = [];
  private lastStatus: SourceStatusWire | null = null;
  private lastUnavailable: string | null = null;
  private pendingEvents: GroupEvent[] = [];
  private controlsDirty = false;
  private timer: unknown = undefined;
  private lastPost = 0;
  private selectedTimeMs: number | null = null;
  private disposed = false;

  constructor(private readonly o: FeedOptions) {
    this.timers = o.timers ?? realTimers;
    this.unlistenSources = o.sources.onDidChange(() => this.attach());
    this.attach();
  }

  /** The scrubbed time the webview reported (null: live). */
  get selectedTime(): number | null {
    return this.selectedTimeMs;
  }

  /**
   * The webview was just given its page: send `init` now instead of waiting for its `ready`.
   * VS Code holds messages for a webview until its page has loaded, and the page listens before
   * it has, so the first paint skips one round trip through the extension host (tens of ms in
   * code-server). The `ready` that follows is then answered with nothing; a webview that did not
   * get this init says `ready` again (src/webview/main.ts), and that one is answered in full.
   */
  preload(): void {
    this.ready = true;
    this.preloaded = true;
    this.postInit();
  }

  /** The webview was hidden (and so destroyed): stop sending until it says `ready` again. */
  hidden(): void {
    this.ready = false;
    this.preloaded = false;
  }

  /** Connects to the source (again) when it exists; harmless to call repeatedly. */
  private attach(): void {
    const source = this.o.sources.get(this.o.sourceId);
    if (source === this.source) return;
    this.unsubscribeSource();
    this.source = source;
    this.controls = source !== undefined && hasControls(source) ? source.controls : undefined;
    if (source !== undefined) {
      const unwatch = source.watch(this.o.groupId);
      const unlisten = source.onDidChange((c) => {
        for (const e of c.events) if (e.groupId === this.o.groupId) this.pendingEvents.push(e);
        if (this.pendingEvents.length > EVENT_WINDOW) {
          this.pendingEvents.splice(0, this.pendingEvents.length - EVENT_WINDOW);
        }
        if (
          c.groupIds.includes(this.o.groupId) ||
          c.statusChanged ||
          c.groupsListChanged ||
          c.events.length > 0
        ) {
          this.schedule();
        }
      });
      this.sourceSubscriptions.push(unwatch, unlisten);
      const controls = this.controls;
      if (controls !== undefined) {
        this.sourceSubscriptions.push(
          controls.onDidChangeControlState(() => {
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
    if (!this.disposed) this.o.post(m);
  }

  /** The source's history of the group, ending with its latest snapshot. */
  private snapshots(): readonly GroupSnapshot[] {
    const history = this.source?.history(this.o.groupId) ?? [];
    const latest = this.source?.snapshot(this.o.groupId);
    return latest !== undefined && history[history.length - 1] !== latest ? [...history, latest] : history;
  }

  private unavailableReason(): string | null {
    if (this.source === undefined) {
      return `The source "${this.o.sourceId}" is not available. Start it (for the simulator: "Kafka Groups: Start Simulator"); this dashboard reconnects by itself.`;
    }
    if (this.snapshots().length === 0) {
      const status = this.source.status();
      if (status.state === 'error' && status.error !== null) return status.error;
    }
    return null; // no data yet: the webview shows "waiting for the first snapshot"
  }

  private status(): SourceStatusWire {
    const s = this.source?.status();
    if (s === undefined) return { state: 'error', detail: '', clockMs: null, error: null };
    return { state: s.state, detail: s.detail, clockMs: s.clockMs, error: s.error };
  }

  private findings(history: readonly GroupSnapshot[], events: readonly GroupEvent[]): readonly Finding[] {
    if (this.o.diagnose === undefined || history.length === 0) return [];
    try {
      return this.o.diagnose({ history, events });
    } catch (err) {
      this.o.log.error(`dashboard: diagnostics failed for group ${this.o.groupId}: ${String(err)}`);
      return [];
    }
  }

  private postInit(): void {
    const source = this.source;
    const all = this.snapshots();
    const sizes = historyWindow(all[all.length - 1]);
    const window = all.slice(-sizes.init);
    const events = (source?.events(this.o.groupId) ?? []).slice(-EVENT_WINDOW);
    this.lastSent = window[window.length - 1] ?? null;
    this.lastFindings = this.findings(all.slice(-sizes.keep), events);
    this.lastStatus = this.status();
    this.lastUnavailable = this.unavailableReason();
    this.pendingEvents = [];
    this.controlsDirty = false;
    this.seq += 1;
    const init: DashboardInit = {
      protocolVersion: PROTOCOL_VERSION,
      groupId: this.o.groupId,
      sourceId: this.o.sourceId,
      sourceLabel: source?.label ?? this.o.sourceId,
      sourceKind: source?.kind ?? 'simulator',
      status: this.lastStatus,
      history: buildChain(null, window, sizes.init),
      events,
      findings: this.lastFindings,
      controls: this.controls?.controlState() ?? null,
      window: { snapshots: sizes.keep, events: EVENT_WINDOW },
      unavailable: this.lastUnavailable,
      moreHistory: all.length > window.length,
    };
    this.post({ type: 'init', seq: this.seq, init });
    this.lastPost = this.timers.now();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    const wait = Math.max(0, this.lastPost + UPDATE_INTERVAL_MS - this.timers.now());
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** Sends what changed since the last message (nothing when nothing did). */
  flush(): void {
    if (!this.ready || this.disposed) {
      this.pendingEvents = [];
      return;
    }
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
      const findings = this.findings(
        window,
        (this.source?.events(this.o.groupId) ?? []).slice(-EVENT_WINDOW),
      );
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
    this.lastPost = this.timers.now();
  }

  /** Handles one message from the webview. Everything is validated first; nothing else is trusted. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.o.log.warn(`dashboard ${this.o.groupId}: rejected a message from the webview: ${parsed.error}`);
      if (parsed.id !== null) this.reply(parsed.id, false, `Request refused: ${parsed.error}.`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready':
        if (m.protocolVersion !== PROTOCOL_VERSION) {
          this.o.log.warn(
            `dashboard: webview speaks protocol ${m.protocolVersion}, expected ${PROTOCOL_VERSION}`,
          );
        }
        this.ready = true;
        if (this.preloaded) this.preloaded = false;
        else this.postInit();
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
      this.o.log.warn(`dashboard ${this.o.groupId}: ${r.type} failed: ${message}`);
      this.reply(r.id, false, message);
    }
  }

  /** Sends a chunk of the snapshots older than the webview's oldest (bounded by the group's size). */
  private sendHistory(id: number, beforeTimeMs: number, max: number): void {
    const all = this.snapshots();
    const older = all.filter((s) => s.timeMs < beforeTimeMs);
    const chunk = older.slice(-Math.min(max, historyWindow(all[all.length - 1]).chunk));
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
    if ('groupId' in command && command.groupId !== this.o.groupId) {
      throw new Error(`This dashboard controls group "${this.o.groupId}" only.`);
    }
    if ('memberId' in command) {
      const members = this.source?.snapshot(this.o.groupId)?.members ?? [];
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
    const snapshot = snapshotAt(source.history(this.o.groupId), source.snapshot(this.o.groupId), timeMs);
    if (snapshot === undefined) throw new Error('This group has no snapshot yet.');
    const events = source.events(this.o.groupId).filter((e) => e.timeMs <= snapshot.timeMs);
    return this.o.effects.saveSnapshot(this.o.groupId, snapshot, events, this.lastFindings);
  }

  private async openDetails(target: DetailsTarget, timeMs: number | null): Promise<void> {
    const source = this.source;
    if (source === undefined) throw new Error('The source is not available.');
    const snapshot = snapshotAt(source.history(this.o.groupId), source.snapshot(this.o.groupId), timeMs);
    if (snapshot === undefined) throw new Error('This group has no snapshot yet.');
    const content = detailsDocument(snapshot, source.events(this.o.groupId), target);
    if (content === undefined) {
      throw new Error(
        target.kind === 'member'
          ? 'That member is not in this snapshot.'
          : 'That partition is not in this snapshot.',
      );
    }
    await this.o.effects.showDetails(content);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.unsubscribeSource();
    this.unlistenSources();
  }
}

export function describeCommand(c: SimulatorCommand): string {
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
      return `Rerunning the scenario from the start under the ${c.variant} protocol.`;
  }
}

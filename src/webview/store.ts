import {
  type Finding,
  type GroupEvent,
  type GroupSnapshot,
  type GroupStep,
  type SimulatorControlState,
  type SinceEntry,
  advanceSince,
  describeReconciliation,
  isMemberMoving,
  memberLabels,
  shortMemberId,
  stepSince,
} from '../model';
import {
  type DashboardInit,
  type InitMessage,
  type SourceKindWire,
  type SourceStatusWire,
  type UpdateMessage,
  expandChain,
} from '../protocol/dashboard';

/** What changed in a store mutation, so views redraw only what they show. */
export interface Change {
  readonly snapshots: boolean;
  readonly selection: boolean;
  readonly events: boolean;
  readonly findings: boolean;
  readonly controls: boolean;
  readonly status: boolean;
  readonly reset: boolean;
}

const NOTHING: Change = {
  snapshots: false,
  selection: false,
  events: false,
  findings: false,
  controls: false,
  status: false,
  reset: false,
};

export type ChangeListener = (c: Change) => void;

const MAX_LABELS = 20_000;

/**
 * The webview's model of one group: a bounded window of snapshots (sharing unchanged members),
 * the event timeline, findings, simulator state, and which snapshot the scrubber selects.
 */
export class DashboardStore {
  groupId = '';
  sourceId = '';
  sourceLabel = '';
  sourceKind: SourceKindWire = 'simulator';
  status: SourceStatusWire = { state: 'idle', detail: '', clockMs: null, error: null };
  unavailable: string | null = null;
  snapshots: GroupSnapshot[] = [];
  events: GroupEvent[] = [];
  findings: readonly Finding[] = [];
  controls: SimulatorControlState | null = null;
  /** Index into `snapshots` of the scrubbed snapshot, or null when following the latest. */
  selected: number | null = null;
  seq = -1;
  initialised = false;
  private maxSnapshots = 500;
  private maxEvents = 5000;
  private readonly labels = new Map<string, string>();
  private liveSince = new Map<string, SinceEntry>();
  private readonly listeners = new Set<ChangeListener>();
  private stepCache: { snapshot: GroupSnapshot; index: number; step: GroupStep } | null = null;

  onChange(l: ChangeListener): void {
    this.listeners.add(l);
  }

  private emit(c: Partial<Change>): void {
    const full = { ...NOTHING, ...c };
    for (const l of this.listeners) l(full);
  }

  applyInit(m: InitMessage): void {
    const init: DashboardInit = m.init;
    this.seq = m.seq;
    this.groupId = init.groupId;
    this.sourceId = init.sourceId;
    this.sourceLabel = init.sourceLabel;
    this.sourceKind = init.sourceKind;
    this.status = init.status;
    this.unavailable = init.unavailable;
    this.maxSnapshots = Math.max(1, init.window.snapshots);
    this.maxEvents = Math.max(1, init.window.events);
    this.snapshots = [];
    this.liveSince = new Map();
    this.labels.clear();
    this.stepCache = null;
    this.appendSnapshots(expandChain(init.history, null));
    this.events = init.events.slice(-this.maxEvents);
    this.findings = init.findings;
    this.controls = init.controls;
    if (this.selected !== null && this.selected >= this.snapshots.length) this.selected = null;
    this.initialised = true;
    this.emit({
      snapshots: true,
      selection: true,
      events: true,
      findings: true,
      controls: true,
      status: true,
      reset: true,
    });
  }

  /** Returns false when the update does not follow the last message (the caller must resync). */
  applyUpdate(m: UpdateMessage): boolean {
    if (!this.initialised || m.seq !== this.seq + 1) return false;
    this.seq = m.seq;
    const latest = this.latest();
    const fresh = expandChain(m.history, latest ?? null);
    const dropped = this.appendSnapshots(fresh);
    let selection = false;
    if (this.selected !== null && dropped > 0) {
      this.selected = Math.max(0, this.selected - dropped);
      selection = true;
    }
    if (m.events.length > 0) {
      this.events.push(...m.events);
      if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
    }
    if (m.findings !== undefined) this.findings = m.findings;
    if (m.controls !== undefined) this.controls = m.controls;
    if (m.status !== undefined) this.status = m.status;
    if (m.unavailable !== undefined) this.unavailable = m.unavailable;
    this.emit({
      snapshots: fresh.length > 0,
      selection: selection || (this.selected === null && fresh.length > 0),
      events: m.events.length > 0,
      findings: m.findings !== undefined,
      controls: m.controls !== undefined,
      status: m.status !== undefined || m.unavailable !== undefined,
    });
    return true;
  }

  /** Appends snapshots, trimming the window; returns how many old snapshots were dropped. */
  private appendSnapshots(fresh: readonly GroupSnapshot[]): number {
    for (const s of fresh) {
      this.snapshots.push(s);
      this.liveSince = advanceSince(this.liveSince, s);
    }
    const last = fresh[fresh.length - 1];
    if (last !== undefined) {
      for (const [id, label] of memberLabels(last)) {
        this.labels.delete(id);
        this.labels.set(id, label);
      }
      while (this.labels.size > MAX_LABELS) {
        const first = this.labels.keys().next();
        if (first.done === true) break;
        this.labels.delete(first.value);
      }
    }
    const excess = this.snapshots.length - this.maxSnapshots;
    if (excess > 0) this.snapshots.splice(0, excess);
    return Math.max(0, excess);
  }

  /** Room left in the window for older snapshots. */
  historyRoom(): number {
    return Math.max(0, this.maxSnapshots - this.snapshots.length);
  }

  /**
   * Puts older snapshots (oldest first) in front of the window, keeping the scrubbed snapshot
   * selected. Snapshots not older than the current oldest, or beyond the window, are dropped.
   */
  prependSnapshots(older: readonly GroupSnapshot[]): number {
    const first = this.snapshots[0];
    const fitting = older.filter((s) => first === undefined || s.timeMs < first.timeMs);
    const take = fitting.slice(Math.max(0, fitting.length - this.historyRoom()));
    if (take.length === 0) return 0;
    this.snapshots.unshift(...take);
    if (this.selected !== null) this.selected += take.length;
    this.stepCache = null;
    this.emit({ snapshots: true, selection: true });
    return take.length;
  }

  latest(): GroupSnapshot | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }

  currentIndex(): number {
    return this.selected ?? this.snapshots.length - 1;
  }

  current(): GroupSnapshot | undefined {
    return this.snapshots[this.currentIndex()];
  }

  isLive(): boolean {
    return this.selected === null;
  }

  /** Selects a snapshot by index (null or the last index: follow live). */
  select(index: number | null): void {
    let next: number | null = index;
    if (next !== null) {
      next = Math.max(0, Math.min(this.snapshots.length - 1, Math.round(next)));
      if (next === this.snapshots.length - 1) next = null;
    }
    if (next === this.selected) return;
    this.selected = next;
    this.emit({ selection: true });
  }

  /** The index of the last snapshot at or before `timeMs` (0 when it is before all of them). */
  indexAtTime(timeMs: number): number {
    let lo = 0;
    let hi = this.snapshots.length - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.snapshots[mid];
      if (s !== undefined && s.timeMs <= timeMs) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  label(memberId: string): string {
    return this.labels.get(memberId) ?? shortMemberId(memberId);
  }

  readonly labeler = (memberId: string): string => this.label(memberId);

  /** The reconciliation view of the selected snapshot (cached until the selection changes). */
  step(): GroupStep | undefined {
    const s = this.current();
    if (s === undefined) return undefined;
    const index = this.currentIndex();
    if (this.stepCache !== null && this.stepCache.snapshot === s && this.stepCache.index === index) {
      return this.stepCache.step;
    }
    let since: Map<string, number>;
    if (this.isLive()) {
      since = new Map();
      for (const m of s.members) {
        if (!isMemberMoving(m, s)) continue;
        const e = this.liveSince.get(m.memberId);
        if (e !== undefined) since.set(m.memberId, e.sinceMs);
      }
    } else {
      since = stepSince(this.snapshots, index, isMemberMoving);
    }
    const step = describeReconciliation(s, since);
    this.stepCache = { snapshot: s, index, step };
    return step;
  }
}

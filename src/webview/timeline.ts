import { type EventCategory, type GroupEvent, describeEvent, eventCategory } from '../model';
import { el, onWidthChange, replaceChildren, setText } from './dom';
import { timeText } from './header';
import type { DashboardStore } from './store';
import { type Rgba, cssFont, cssVar, onThemeChange } from './theme';
import { VirtualTable } from './virtual-table';

export const LANES: readonly { category: EventCategory; title: string; fallback: string }[] = [
  { category: 'epoch', title: 'Epochs', fallback: '#3794ff' },
  { category: 'join', title: 'Joins', fallback: '#89d185' },
  { category: 'leave', title: 'Leaves', fallback: '#d18616' },
  { category: 'fence', title: 'Fencing', fallback: '#f14c4c' },
  { category: 'revoke', title: 'Revocations', fallback: '#cca700' },
  { category: 'assign', title: 'Assignments', fallback: '#b180d7' },
  { category: 'timeout', title: 'Timeouts', fallback: '#f14c4c' },
  { category: 'other', title: 'Other', fallback: '#999999' },
];

const LANE_H = 15;
const AXIS_W = 86;

interface EventRow {
  readonly id: number;
  readonly event: GroupEvent;
  readonly category: EventCategory;
}

/**
 * The timeline: event lanes over the snapshot window, a scrubber over the snapshots (the whole
 * dashboard follows it), and the list of events with the one at the scrubbed time highlighted.
 */
export class TimelineView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly range: HTMLInputElement;
  private readonly position: HTMLSpanElement;
  private readonly liveButton: HTMLElement;
  private readonly table: VirtualTable<EventRow>;
  private readonly tip: HTMLDivElement;
  private readonly ids = new WeakMap<GroupEvent, number>();
  private nextId = 1;
  private colors = new Map<EventCategory, Rgba>();
  private category: EventCategory | 'all' = 'all';
  private rowsFor: unknown = null;
  private width = 800;
  private dirty = true;

  constructor(
    private readonly store: DashboardStore,
    private readonly actions: { select(index: number | null): void },
  ) {
    this.canvas = el('canvas', {
      className: 'timeline-canvas',
      attrs: { 'aria-hidden': 'true' },
    });
    this.tip = el('div', { className: 'matrix-tooltip', attrs: { role: 'tooltip' } });
    this.tip.hidden = true;
    this.range = el('input', {
      className: 'scrubber',
      attrs: {
        type: 'range',
        min: 0,
        max: 0,
        step: 1,
        value: 0,
        'aria-label': 'Scrubber: choose the snapshot to show',
        'data-testid': 'scrubber',
      },
      on: {
        input: () => {
          const v = Number(this.range.value);
          this.actions.select(v >= this.store.snapshots.length - 1 ? null : v);
        },
      },
    });
    this.position = el('span', { className: 'position', attrs: { 'data-testid': 'scrubber-position' } });
    const prev = el('vscode-button', {
      attrs: {
        secondary: true,
        icon: 'arrow-left',
        title: 'Previous event (scrub back)',
        'aria-label': 'Previous event',
      },
      on: { click: () => this.jumpEvent(-1) },
    });
    const next = el('vscode-button', {
      attrs: { secondary: true, icon: 'arrow-right', title: 'Next event', 'aria-label': 'Next event' },
      on: { click: () => this.jumpEvent(1) },
    });
    this.liveButton = el('vscode-button', {
      text: 'Live',
      attrs: { icon: 'broadcast', title: 'Follow the latest snapshot', 'data-testid': 'live-button' },
      on: { click: () => this.actions.select(null) },
    });
    const categorySelect = el(
      'select',
      {
        className: 'native-select',
        attrs: { 'aria-label': 'Show events of kind' },
        on: {
          change: (e) => {
            this.category = (e.target as HTMLSelectElement).value as EventCategory | 'all';
            this.rowsFor = null;
            this.render({ events: true, snapshots: false, selection: true });
          },
        },
      },
      [
        el('option', { text: 'All events', attrs: { value: 'all' } }),
        ...LANES.map((l) => el('option', { text: l.title, attrs: { value: l.category } })),
      ],
    );
    this.table = new VirtualTable<EventRow>({
      label: 'Events',
      key: (r) => String(r.id),
      rowHeight: 22,
      emptyText: 'No events in this window.',
      // Live, the list follows the newest event (unless the user scrolled up to read).
      followTail: () => this.store.isLive(),
      onSelect: (r) => this.actions.select(this.indexAfter(r.event.timeMs)),
      onActivate: (r) => this.actions.select(this.indexAfter(r.event.timeMs)),
      rowClass: (r) => `ev-${r.category}`,
      columns: [
        {
          id: 'time',
          title: 'Time',
          width: '14ch',
          render: (r, c) => setText(c, timeText(this.store.sourceKind, r.event.timeMs)),
        },
        {
          id: 'kind',
          title: 'Kind',
          width: '12ch',
          render: (r, c) => {
            setText(c, LANES.find((l) => l.category === r.category)?.title ?? r.category);
            c.className = `vt-cell ev-kind ev-kind-${r.category}`;
          },
        },
        {
          id: 'text',
          title: 'What happened',
          width: 'minmax(30ch, 1fr)',
          render: (r, c) => {
            const text = describeEvent(r.event, this.store.labeler);
            setText(c, text);
            c.title = text;
          },
        },
      ],
    });
    const wrap = el('div', { className: 'timeline-wrap' }, [this.canvas, this.tip]);
    this.element = el('section', { className: 'timeline', attrs: { 'aria-label': 'Timeline' } }, [
      el('div', { className: 'toolbar' }, [
        el('h2', { text: 'Timeline' }),
        this.position,
        el('div', { className: 'grow' }),
        prev,
        next,
        this.liveButton,
      ]),
      wrap,
      this.range,
      el('div', { className: 'toolbar' }, [el('div', { className: 'grow' }), categorySelect]),
      this.table.element,
    ]);
    this.canvas.addEventListener('click', (e) => {
      const t = this.timeAt(e.offsetX);
      if (t !== null) this.actions.select(this.store.indexAtTime(t));
    });
    this.canvas.addEventListener('mousemove', (e) => this.hover(e.offsetX, e.offsetY));
    this.canvas.addEventListener('mouseleave', () => (this.tip.hidden = true));
    onWidthChange(wrap, (w) => {
      this.width = w;
      this.dirty = true;
      this.draw();
    });
    onThemeChange(() => {
      this.colors.clear();
      this.dirty = true;
      this.draw();
    });
  }

  private idOf(e: GroupEvent): number {
    let id = this.ids.get(e);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(e, id);
    }
    return id;
  }

  /** The first snapshot at or after a time (events happen before the snapshot that shows them). */
  private indexAfter(timeMs: number): number | null {
    const snaps = this.store.snapshots;
    const i = this.store.indexAtTime(timeMs);
    const s = snaps[i];
    const idx = s !== undefined && s.timeMs < timeMs && i + 1 < snaps.length ? i + 1 : i;
    return idx >= snaps.length - 1 ? null : idx;
  }

  private jumpEvent(dir: 1 | -1): void {
    const cur = this.store.current();
    if (cur === undefined) return;
    const evs = this.store.events;
    if (dir < 0) {
      for (let i = evs.length - 1; i >= 0; i--) {
        const e = evs[i];
        if (e !== undefined && e.timeMs < cur.timeMs) {
          this.actions.select(this.store.indexAtTime(e.timeMs));
          return;
        }
      }
      this.actions.select(0);
    } else {
      for (const e of evs) {
        if (e.timeMs > cur.timeMs) {
          this.actions.select(this.indexAfter(e.timeMs));
          return;
        }
      }
      this.actions.select(null);
    }
  }

  render(changes: { events: boolean; snapshots: boolean; selection: boolean }): void {
    const n = this.store.snapshots.length;
    const idx = this.store.currentIndex();
    this.range.max = String(Math.max(0, n - 1));
    this.range.value = String(Math.max(0, idx));
    this.range.disabled = n <= 1;
    const s = this.store.current();
    const desc =
      s !== undefined
        ? `${timeText(this.store.sourceKind, s.timeMs)} · ${s.protocol === 'consumer' ? 'epoch' : 'generation'} ${s.groupEpoch} · ${s.state}${
            this.store.isLive() ? ' · live' : ` · ${n - 1 - idx} snapshot${n - 1 - idx === 1 ? '' : 's'} back`
          }`
        : 'no snapshots';
    this.range.setAttribute('aria-valuetext', desc);
    setText(this.position, desc);
    this.liveButton.toggleAttribute('secondary', !this.store.isLive());
    this.liveButton.setAttribute('aria-pressed', this.store.isLive() ? 'true' : 'false');

    if (changes.events || this.rowsFor === null) {
      this.rowsFor = this.store.events;
      const rows: EventRow[] = [];
      for (const e of this.store.events) {
        const category = eventCategory(e);
        if (this.category !== 'all' && category !== this.category) continue;
        rows.push({ id: this.idOf(e), event: e, category });
      }
      this.rows = rows;
      this.table.setRows(rows);
    }
    if (changes.selection || changes.events) {
      // Highlight the last event at or before the shown snapshot.
      let key: string | null = null;
      if (s !== undefined) {
        for (let i = this.rows.length - 1; i >= 0; i--) {
          const r = this.rows[i];
          if (r !== undefined && r.event.timeMs <= s.timeMs) {
            key = String(r.id);
            break;
          }
        }
      }
      // Scrubbed: show the event at that time. Back to live: show the newest (then follow it).
      const live = this.store.isLive();
      this.table.highlight(key, !live || !this.wasLive);
      this.wasLive = live;
    }
    this.dirty = true;
    this.draw();
  }

  private rows: EventRow[] = [];
  /** Whether the last render showed the live snapshot (going live again scrolls to the newest event). */
  private wasLive = false;

  private span(): { t0: number; t1: number } | null {
    const snaps = this.store.snapshots;
    const first = snaps[0];
    const last = snaps[snaps.length - 1];
    if (first === undefined || last === undefined) return null;
    const t0 = Math.min(first.timeMs, this.store.events[0]?.timeMs ?? first.timeMs);
    return { t0, t1: Math.max(last.timeMs, t0 + 1) };
  }

  private timeAt(x: number): number | null {
    const sp = this.span();
    if (sp === null || x < AXIS_W) return null;
    return sp.t0 + ((x - AXIS_W) / Math.max(1, this.width - AXIS_W - 8)) * (sp.t1 - sp.t0);
  }

  private hover(x: number, y: number): void {
    const sp = this.span();
    const lane = LANES[Math.floor(y / LANE_H)];
    if (sp === null || lane === undefined || x < AXIS_W) {
      this.tip.hidden = true;
      return;
    }
    const plotW = Math.max(1, this.width - AXIS_W - 8);
    const perPx = (sp.t1 - sp.t0) / plotW;
    const t = sp.t0 + (x - AXIS_W) * perPx;
    const near = this.store.events.filter(
      (e) => eventCategory(e) === lane.category && Math.abs(e.timeMs - t) <= perPx * 3,
    );
    if (near.length === 0) {
      this.tip.hidden = true;
      return;
    }
    const lines = near
      .slice(0, 5)
      .map((e) => `${timeText(this.store.sourceKind, e.timeMs)} ${describeEvent(e, this.store.labeler)}`);
    if (near.length > 5) lines.push(`… and ${near.length - 5} more`);
    replaceChildren(
      this.tip,
      lines.map((l) => el('div', { text: l })),
    );
    this.tip.hidden = false;
    this.tip.style.left = `${Math.max(0, Math.min(x + 12, this.width - 320))}px`;
    this.tip.style.top = `${y + 12}px`;
  }

  draw(): void {
    if (!this.dirty || !this.canvas.isConnected) return;
    this.dirty = false;
    const dpr = window.devicePixelRatio || 1;
    const cssH = LANES.length * LANE_H + 4;
    const W = Math.round(this.width * dpr);
    const H = Math.round(cssH * dpr);
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
      this.canvas.style.width = `${this.width}px`;
      this.canvas.style.height = `${cssH}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, cssH);
    if (this.colors.size === 0) {
      for (const l of LANES) this.colors.set(l.category, cssVar(`--kgd-ev-${l.category}`, l.fallback));
    }
    const fg = cssVar('--vscode-descriptionForeground', '#999');
    const line = cssVar('--kgd-matrix-line', '#80808040');
    ctx.font = cssFont(11);
    ctx.textBaseline = 'middle';
    LANES.forEach((l, i) => {
      ctx.fillStyle = fg.css;
      ctx.fillText(l.title, 2, i * LANE_H + LANE_H / 2 + 1);
      ctx.fillStyle = line.css;
      ctx.fillRect(AXIS_W, i * LANE_H + LANE_H - 1, this.width - AXIS_W, 1);
    });
    const sp = this.span();
    if (sp === null) return;
    const plotW = Math.max(1, this.width - AXIS_W - 8);
    const x = (t: number): number => AXIS_W + ((t - sp.t0) / (sp.t1 - sp.t0)) * plotW;
    const laneOf = new Map(LANES.map((l, i) => [l.category, i]));
    for (const e of this.store.events) {
      const cat = eventCategory(e);
      const lane = laneOf.get(cat) ?? LANES.length - 1;
      ctx.fillStyle = this.colors.get(cat)?.css ?? '#888';
      ctx.fillRect(Math.round(x(e.timeMs)), lane * LANE_H + 1, 2, LANE_H - 3);
    }
    const s = this.store.current();
    if (s !== undefined) {
      ctx.fillStyle = cssVar('--vscode-focusBorder', '#007fd4').css;
      ctx.fillRect(Math.round(x(s.timeMs)) - 1, 0, 2, cssH);
    }
  }

  invalidate(): void {
    this.dirty = true;
  }
}

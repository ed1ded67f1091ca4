import uPlot from 'uplot';
import { type GroupLag, type PartitionLag, formatClock, formatCount } from '../model';
import { el, onWidthChange, setText } from './dom';
import type { DashboardStore } from './store';
import { cssVar, onThemeChange } from './theme';
import { VirtualTable } from './virtual-table';

const MAX_TOPIC_SERIES = 6;
/** While live, the chart redraws at most this often (the table still updates every tick). */
const CHART_INTERVAL_MS = 250;
const SERIES_VARS = [
  '--kgd-series-1',
  '--kgd-series-2',
  '--kgd-series-3',
  '--kgd-series-4',
  '--kgd-series-5',
  '--kgd-series-6',
];
const SERIES_FALLBACK = ['#3794ff', '#89d185', '#d18616', '#b180d7', '#cca700', '#f14c4c'];

const num = (v: number | null): string => (v === null ? '—' : formatCount(v));
const byNullable = (a: number | null, b: number | null): number => (a ?? -1) - (b ?? -1);

/** Per-topic lag of one snapshot, cached by the lag object (shared between unchanged snapshots). */
const topicLagCache = new WeakMap<GroupLag, Map<string, number>>();
function topicLag(lag: GroupLag): Map<string, number> {
  let m = topicLagCache.get(lag);
  if (m === undefined) {
    m = new Map();
    for (const p of lag.partitions) if (p.lag !== null) m.set(p.topic, (m.get(p.topic) ?? 0) + p.lag);
    topicLagCache.set(lag, m);
  }
  return m;
}

/** Lag: a per-partition table (virtualised) and total and per-topic lag over time (uPlot). */
export class LagView {
  readonly element: HTMLElement;
  private readonly table: VirtualTable<PartitionLag>;
  private readonly chartBox: HTMLDivElement;
  private readonly summary = el('p', { className: 'counts', attrs: { 'data-testid': 'lag-summary' } });
  private chart: uPlot | null = null;
  private chartKey = '';
  private filterText = '';
  private shownLag: GroupLag | null | undefined = undefined;
  private chartFor: unknown = null;
  private width = 800;
  private chartDrawn = 0;
  private visible = false;
  private seriesTopics: string[] = [];
  private chartTimer = 0;

  constructor(
    private readonly store: DashboardStore,
    actions: { openPartition(topic: string, partition: number): void },
  ) {
    this.table = new VirtualTable<PartitionLag>({
      label: 'Lag per partition',
      key: (p) => `${p.topic}\u0000${p.partition}`,
      rowHeight: 22,
      emptyText: 'No partitions.',
      sort: { column: 'lag', descending: true },
      onActivate: (p) => actions.openPartition(p.topic, p.partition),
      rowClass: (p) => (p.status !== null && p.status !== 'OK' ? `lag-${p.status}` : ''),
      columns: [
        {
          id: 'partition',
          title: 'Partition',
          width: 'minmax(14ch, 1.2fr)',
          render: (p, c) => setText(c, `${p.topic}-${p.partition}`),
          compare: (a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition),
        },
        {
          id: 'owner',
          title: 'Owner',
          width: 'minmax(12ch, 1fr)',
          render: (p, c) => {
            setText(c, p.ownerMemberId !== null ? this.store.label(p.ownerMemberId) : 'unassigned');
            c.classList.toggle('muted', p.ownerMemberId === null);
          },
          compare: (a, b) => (a.ownerMemberId ?? '').localeCompare(b.ownerMemberId ?? ''),
        },
        {
          id: 'committed',
          title: 'Committed',
          width: '13ch',
          align: 'end',
          render: (p, c) => {
            setText(c, p.committedOffset === null ? 'no commit' : num(p.committedOffset));
            c.classList.toggle('warn', p.belowLogStart);
            c.title = p.belowLogStart
              ? 'Committed offset is below the log start: data was deleted before it was consumed'
              : '';
          },
          compare: (a, b) => byNullable(a.committedOffset, b.committedOffset),
        },
        {
          id: 'end',
          title: 'Log end',
          width: '13ch',
          align: 'end',
          render: (p, c) => setText(c, num(p.logEndOffset)),
          compare: (a, b) => a.logEndOffset - b.logEndOffset,
        },
        {
          id: 'lag',
          title: 'Lag',
          width: '11ch',
          align: 'end',
          render: (p, c) => setText(c, num(p.lag)),
          compare: (a, b) => byNullable(a.lag, b.lag),
        },
        {
          id: 'status',
          title: 'Status',
          width: '8ch',
          render: (p, c) => setText(c, p.status ?? ''),
          compare: (a, b) => (a.status ?? '').localeCompare(b.status ?? ''),
        },
      ],
    });
    const filter = el('input', {
      className: 'filter',
      attrs: {
        type: 'search',
        placeholder: 'Filter partitions',
        'aria-label': 'Filter partitions by topic or owner',
      },
      on: {
        input: (e) => {
          this.filterText = (e.target as HTMLInputElement).value.trim().toLowerCase();
          this.shownLag = undefined;
          this.render();
        },
      },
    });
    this.chartBox = el('div', {
      className: 'lag-chart',
      attrs: { role: 'img', 'aria-label': 'Total and per-topic lag over time', 'data-testid': 'lag-chart' },
    });
    this.element = el('section', { className: 'lag', attrs: { 'aria-label': 'Lag' } }, [
      this.chartBox,
      el('div', { className: 'toolbar' }, [this.summary, el('div', { className: 'grow' }), filter]),
      this.table.element,
    ]);
    onWidthChange(this.chartBox, (w) => {
      this.width = w;
      this.chart?.setSize({ width: w, height: 180 });
    });
    onThemeChange(() => {
      this.chart?.destroy();
      this.chart = null;
      this.chartKey = '';
      this.chartFor = null;
      this.render();
    });
  }

  /** Whether the lag tab is shown (set by the dashboard). */
  setVisible(visible: boolean): void {
    this.visible = visible;
  }

  render(): void {
    if (!this.visible) return;
    const s = this.store.current();
    const lag = s?.lag ?? null;
    if (lag !== this.shownLag) {
      this.shownLag = lag;
      if (lag === null) {
        setText(this.summary, 'No lag information from this source.');
        this.table.setRows([]);
      } else {
        const f = this.filterText;
        const rows =
          f === ''
            ? lag.partitions
            : lag.partitions.filter(
                (p) =>
                  `${p.topic}-${p.partition}`.toLowerCase().includes(f) ||
                  (p.ownerMemberId !== null && this.store.label(p.ownerMemberId).toLowerCase().includes(f)),
              );
        setText(
          this.summary,
          `Total lag ${num(lag.totalLag)} across ${num(lag.partitions.length)} partitions${
            lag.partitionsWithoutCommit > 0
              ? ` · ${lag.partitionsWithoutCommit} without a committed offset`
              : ''
          }${lag.status !== null ? ` · status ${lag.status}` : ''}`,
        );
        this.table.setRows(rows);
      }
    }
    this.renderChart();
  }

  /** Redraws the chart, at most a few times a second while following live updates. */
  private renderChart(): void {
    if (!this.visible) return;
    const snaps = this.store.snapshots;
    const key = `${snaps.length}:${snaps[snaps.length - 1]?.timeMs ?? 0}:${this.store.currentIndex()}`;
    if (key === this.chartFor) return;
    const now = performance.now();
    if (this.chart !== null && this.store.isLive() && now - this.chartDrawn < CHART_INTERVAL_MS) {
      if (this.chartTimer === 0) {
        this.chartTimer = window.setTimeout(() => {
          this.chartTimer = 0;
          this.renderChart();
        }, CHART_INTERVAL_MS);
      }
      return;
    }
    this.chartFor = key;
    this.chartDrawn = now;
    // Topics with the most lag now get their own series.
    const latestLag = snaps[snaps.length - 1]?.lag;
    // Topics with the most lag get their own series; the choice stays while those topics exist,
    // so the chart is not rebuilt every time two topics swap places.
    const current =
      latestLag !== null && latestLag !== undefined ? topicLag(latestLag) : new Map<string, number>();
    if (this.seriesTopics.length === 0 || this.seriesTopics.some((t) => !current.has(t))) {
      this.seriesTopics = [...current.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, MAX_TOPIC_SERIES - 1)
        .map(([t]) => t)
        .sort();
    }
    const topics = this.seriesTopics;
    const xs: number[] = [];
    const total: (number | null)[] = [];
    const perTopic: (number | null)[][] = topics.map(() => []);
    const simulator = this.store.sourceKind === 'simulator';
    for (const s of snaps) {
      xs.push(simulator ? s.timeMs : s.timeMs / 1000);
      total.push(s.lag?.totalLag ?? null);
      const tl = s.lag !== null ? topicLag(s.lag) : null;
      topics.forEach((t, i) => perTopic[i]?.push(tl?.get(t) ?? null));
    }
    const seriesKey = `${simulator}|${topics.join('\u0000')}`;
    if (this.chart === null || seriesKey !== this.chartKey) {
      this.chart?.destroy();
      this.chartKey = seriesKey;
      const fg = cssVar('--vscode-foreground', '#ccc').css;
      const grid = cssVar('--kgd-matrix-line', '#80808040').css;
      const colors = SERIES_VARS.map((v, i) => cssVar(v, SERIES_FALLBACK[i] ?? '#888').css);
      const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      this.chart = new uPlot(
        {
          width: Math.max(200, this.chartBox.clientWidth || this.width),
          height: 180,
          scales: { x: { time: !simulator } },
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          axes: [
            simulator ? { ...axis, values: (_u, ticks) => ticks.map((t) => formatClock(t)) } : axis,
            { ...axis, size: 60, values: (_u, ticks) => ticks.map((t) => compact(t)) },
          ],
          series: [
            {
              label: 'time',
              value: (_u, v) =>
                v === null ? '' : simulator ? formatClock(v) : new Date(v * 1000).toLocaleTimeString(),
            },
            {
              label: 'total lag',
              stroke: colors[0],
              width: 2,
              points: { show: false },
              value: (_u, v) => num(v),
            },
            ...topics.map((t, i) => ({
              label: t,
              stroke: colors[(i + 1) % colors.length],
              width: 1,
              points: { show: false },
              value: (_u: uPlot, v: number | null) => num(v),
            })),
          ],
        },
        [xs, total, ...perTopic],
        this.chartBox,
      );
    } else {
      this.chart.setData([xs, total, ...perTopic]);
    }
    // Mark the scrubbed time with the cursor.
    if (!this.store.isLive()) {
      const idx = this.store.currentIndex();
      const x = xs[idx];
      if (x !== undefined) this.chart.setCursor({ left: this.chart.valToPos(x, 'x'), top: 10 });
    }
  }
}

function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v));
}

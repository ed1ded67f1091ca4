import {
  type AssignmentMatrix,
  CELL_STATUS_NAMES,
  CellStatus,
  type GroupSnapshot,
  buildAssignmentMatrix,
  cellStatusAt,
  topicAt,
} from '../model';
import { el, onWidthChange, replaceChildren, setText } from './dom';
import type { DashboardStore } from './store';
import { type Rgba, cssFont, cssVar, onThemeChange } from './theme';

interface Viewport {
  row0: number;
  rows: number;
  col0: number;
  cols: number;
}

const LEFT = 150;
const TOP = 20;
const MIN_ZOOM_CELLS = 4;

/** The statuses in legend order, with the CSS custom property that colours each. */
const LEGEND: readonly { status: CellStatus; cssVar: string; fallback: string }[] = [
  { status: CellStatus.Owned, cssVar: '--kgd-owned', fallback: '#3794ff' },
  { status: CellStatus.Revoking, cssVar: '--kgd-revoking', fallback: '#f14c4c' },
  { status: CellStatus.Unreleased, cssVar: '--kgd-unreleased', fallback: '#d18616' },
  { status: CellStatus.Pending, cssVar: '--kgd-pending', fallback: '#89d185' },
  { status: CellStatus.Unassigned, cssVar: '--kgd-unassigned', fallback: '#b180d7' },
];

/**
 * Members × partitions on a canvas. Every cell is drawn into an ImageData buffer: when there are
 * more cells than pixels, a pixel shows the most urgent status of the cells under it (revoking >
 * waiting for release > pending > unassigned > owned), so nothing that needs attention is lost.
 * Zoom (+/−, Ctrl+wheel), pan (arrows, wheel), and hover or keyboard focus describe the cell(s).
 */
export class MatrixView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private readonly live: HTMLDivElement;
  private readonly summary: HTMLParagraphElement;
  private matrix: AssignmentMatrix | null = null;
  private builtFor: GroupSnapshot | null = null;
  private view: Viewport = { row0: 0, rows: 1, col0: 0, cols: 1 };
  private cursor = { row: 0, col: 0 };
  private colors: Rgba[] = [];
  private background: Rgba | null = null;
  private gridLine: Rgba | null = null;
  private foreground: Rgba | null = null;
  private cssWidth = 800;
  private cssHeight = 360;
  private dirty = true;
  private visible = false;
  private pointer: { x: number; y: number } | null = null;
  private image: ImageData | null = null;
  private priority: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly store: DashboardStore,
    private readonly actions: {
      openMember(memberId: string): void;
      openPartition(topic: string, p: number): void;
    },
  ) {
    this.canvas = el('canvas', {
      className: 'matrix-canvas',
      attrs: {
        tabindex: 0,
        role: 'application',
        'aria-roledescription': 'assignment matrix',
        'aria-label':
          'Assignment matrix: members by partitions. Arrow keys move, plus and minus zoom, Enter opens details.',
      },
    });
    this.tooltip = el('div', { className: 'matrix-tooltip', attrs: { role: 'tooltip' } });
    this.tooltip.hidden = true;
    this.live = el('div', { className: 'sr-only', attrs: { 'aria-live': 'polite' } });
    this.summary = el('p', { className: 'counts', attrs: { 'data-testid': 'matrix-summary' } });
    const legend = el(
      'ul',
      { className: 'legend', attrs: { 'aria-label': 'Legend' } },
      LEGEND.map((l) =>
        el('li', {}, [
          el('span', { className: `swatch swatch-${l.status}`, attrs: { 'aria-hidden': 'true' } }),
          CELL_STATUS_NAMES[l.status],
        ]),
      ),
    );
    const zoomButtons = el('div', { className: 'zoom' }, [
      el('vscode-button', {
        attrs: {
          secondary: true,
          icon: 'zoom-in',
          'icon-only': true,
          'aria-label': 'Zoom in',
          title: 'Zoom in (+)',
        },
        on: { click: () => this.zoom(0.5) },
      }),
      el('vscode-button', {
        attrs: {
          secondary: true,
          icon: 'zoom-out',
          'icon-only': true,
          'aria-label': 'Zoom out',
          title: 'Zoom out (−)',
        },
        on: { click: () => this.zoom(2) },
      }),
      el('vscode-button', {
        attrs: {
          secondary: true,
          icon: 'screen-full',
          'icon-only': true,
          'aria-label': 'Show all',
          title: 'Show all (0)',
        },
        on: { click: () => this.resetView() },
      }),
    ]);
    const wrap = el('div', { className: 'matrix-wrap' }, [this.canvas, this.tooltip]);
    this.element = el('section', { className: 'matrix', attrs: { 'aria-label': 'Assignment matrix' } }, [
      el('div', { className: 'toolbar' }, [
        this.summary,
        el('div', { className: 'grow' }),
        legend,
        zoomButtons,
      ]),
      wrap,
      this.live,
    ]);
    this.canvas.addEventListener('mousemove', (e) => {
      this.pointer = { x: e.offsetX, y: e.offsetY };
      this.showTooltipAt(e.offsetX, e.offsetY);
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.pointer = null;
      this.tooltip.hidden = true;
    });
    this.canvas.addEventListener('click', (e) => {
      const hit = this.hit(e.offsetX, e.offsetY);
      if (hit === null) return;
      this.cursor = { row: hit.r0, col: hit.c0 };
      this.canvas.focus();
      this.announce();
    });
    this.canvas.addEventListener('dblclick', () => this.openCursor());
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('focus', () => this.announce());
    this.canvas.addEventListener('blur', () => (this.tooltip.hidden = true));
    onWidthChange(wrap, (w) => {
      this.cssWidth = w;
      this.dirty = true;
      this.draw();
    });
    onThemeChange(() => {
      this.colors = [];
      this.dirty = true;
      this.draw();
    });
  }

  /** Rebuilds the matrix when the shown snapshot changed, then draws. */
  render(): void {
    const s = this.store.current();
    if (s !== this.builtFor) {
      const prev = this.matrix;
      this.builtFor = s ?? null;
      this.matrix = s !== undefined ? buildAssignmentMatrix(s, prev ?? undefined) : null;
      const m = this.matrix;
      if (m !== null) {
        if (prev === null || prev.rows !== m.rows || prev.columns !== m.columns) this.fitView(prev);
        setText(
          this.summary,
          `${m.memberIds.length} members × ${m.columns} partitions · ${m.counts[CellStatus.Revoking]} pending revocation · ${
            m.counts[CellStatus.Unreleased]
          } waiting for release · ${m.counts[CellStatus.Pending]} pending assignment · ${m.counts[CellStatus.Unassigned]} unassigned`,
        );
      } else setText(this.summary, 'No data.');
      this.dirty = true;
    }
    this.draw();
  }

  private fitView(prev: AssignmentMatrix | null): void {
    const m = this.matrix;
    if (m === null) return;
    if (prev === null || this.isFullView(prev)) {
      this.view = { row0: 0, rows: Math.max(1, m.rows), col0: 0, cols: Math.max(1, m.columns) };
    } else this.clampView();
    this.cursor.row = Math.min(this.cursor.row, Math.max(0, m.rows - 1));
    this.cursor.col = Math.min(this.cursor.col, Math.max(0, m.columns - 1));
  }

  private isFullView(m: AssignmentMatrix): boolean {
    return (
      this.view.row0 === 0 && this.view.col0 === 0 && this.view.rows >= m.rows && this.view.cols >= m.columns
    );
  }

  private resetView(): void {
    const m = this.matrix;
    if (m === null) return;
    this.view = { row0: 0, rows: Math.max(1, m.rows), col0: 0, cols: Math.max(1, m.columns) };
    this.dirty = true;
    this.draw();
  }

  private clampView(): void {
    const m = this.matrix;
    if (m === null) return;
    const v = this.view;
    v.rows = Math.max(1, Math.min(v.rows, m.rows));
    v.cols = Math.max(1, Math.min(v.cols, m.columns));
    v.row0 = Math.max(0, Math.min(v.row0, m.rows - v.rows));
    v.col0 = Math.max(0, Math.min(v.col0, m.columns - v.cols));
  }

  /** factor < 1 zooms in around the cursor, > 1 zooms out. */
  private zoom(factor: number, around?: { row: number; col: number }): void {
    const m = this.matrix;
    if (m === null) return;
    const c = around ?? this.cursor;
    const v = this.view;
    const rows = Math.max(Math.min(MIN_ZOOM_CELLS, m.rows), Math.round(v.rows * factor));
    const cols = Math.max(Math.min(MIN_ZOOM_CELLS, m.columns), Math.round(v.cols * factor));
    const fr = v.rows > 0 ? (c.row - v.row0) / v.rows : 0.5;
    const fc = v.cols > 0 ? (c.col - v.col0) / v.cols : 0.5;
    this.view = { rows, cols, row0: Math.round(c.row - fr * rows), col0: Math.round(c.col - fc * cols) };
    this.clampView();
    this.dirty = true;
    this.draw();
    this.announce();
  }

  private ensureColors(): void {
    if (this.colors.length > 0) return;
    this.colors = [];
    for (const l of LEGEND) this.colors[l.status] = cssVar(l.cssVar, l.fallback);
    this.background = cssVar('--kgd-matrix-empty', '#80808020');
    this.gridLine = cssVar('--kgd-matrix-line', '#80808040');
    this.foreground = cssVar('--vscode-foreground', '#cccccc');
  }

  private get plotW(): number {
    return Math.max(10, this.cssWidth - this.left);
  }

  private get plotH(): number {
    return Math.max(10, this.cssHeight - TOP);
  }

  private get left(): number {
    return this.matrix !== null && this.plotRowHeight() >= 11 ? LEFT : 12;
  }

  private plotRowHeight(): number {
    return (this.cssHeight - TOP) / Math.max(1, this.view.rows);
  }

  /** Draws the matrix if something changed and it is on screen. */
  draw(): void {
    if (!this.dirty || !this.visible || !this.canvas.isConnected) return;
    this.dirty = false;
    const m = this.matrix;
    const rowsWanted = m !== null ? Math.min(m.rows, 40) * 14 : 200;
    this.cssHeight = Math.max(160, Math.min(560, rowsWanted + TOP));
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(this.cssWidth * dpr);
    const H = Math.round(this.cssHeight * dpr);
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
      this.canvas.style.width = `${this.cssWidth}px`;
      this.canvas.style.height = `${this.cssHeight}px`;
      this.image = null;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    this.ensureColors();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    if (m === null || m.rows === 0 || m.columns === 0) {
      ctx.fillStyle = this.foreground?.css ?? '#888';
      ctx.font = cssFont();
      ctx.fillText(m === null ? 'No data.' : 'No partitions to show.', 12 * dpr, 24 * dpr);
      return;
    }
    const left = Math.round(this.left * dpr);
    const top = Math.round(TOP * dpr);
    const pw = W - left;
    const ph = H - top;
    if (this.image === null || this.image.width !== pw || this.image.height !== ph) {
      this.image = ctx.createImageData(pw, ph);
      this.priority = new Uint8Array(pw * ph);
    }
    const img = this.image;
    const px = new Uint32Array(img.data.buffer);
    px.fill(this.background?.packed ?? 0);
    this.priority.fill(0);
    const v = this.view;
    const cw = pw / v.cols;
    const ch = ph / v.rows;
    const rowEnd = Math.min(m.rows, v.row0 + v.rows);
    const colEnd = v.col0 + v.cols;
    const packed = this.colors.map((c) => c.packed);
    const prio = this.priority;
    for (let r = v.row0; r < rowEnd; r++) {
      const y0 = Math.floor((r - v.row0) * ch);
      const y1 = Math.max(y0 + 1, Math.floor((r - v.row0 + 1) * ch) - (ch >= 6 ? 1 : 0));
      const end = m.rowStart[r + 1] ?? 0;
      for (let i = m.rowStart[r] ?? 0; i < end; i++) {
        const c = m.cellCol[i] ?? 0;
        if (c < v.col0 || c >= colEnd) continue;
        const st = m.cellStatus[i] ?? 0;
        const color = packed[st] ?? 0;
        const x0 = Math.floor((c - v.col0) * cw);
        const x1 = Math.max(x0 + 1, Math.floor((c - v.col0 + 1) * cw) - (cw >= 6 ? 1 : 0));
        for (let y = y0; y < y1 && y < ph; y++) {
          const base = y * pw;
          for (let x = x0; x < x1 && x < pw; x++) {
            const k = base + x;
            if ((prio[k] ?? 0) < st) {
              prio[k] = st;
              px[k] = color;
            }
          }
        }
      }
    }
    ctx.putImageData(img, left, top);
    this.drawAxes(ctx, m, dpr, left, cw, ch);
    this.drawCursor(ctx, left, top, cw, ch, dpr);
    if (this.pointer !== null) this.showTooltipAt(this.pointer.x, this.pointer.y);
  }

  private drawAxes(
    ctx: CanvasRenderingContext2D,
    m: AssignmentMatrix,
    dpr: number,
    left: number,
    cw: number,
    ch: number,
  ): void {
    const v = this.view;
    ctx.font = cssFont();
    ctx.textBaseline = 'middle';
    ctx.fillStyle = this.foreground?.css ?? '#888';
    ctx.strokeStyle = this.gridLine?.css ?? '#8884';
    ctx.lineWidth = Math.max(1, dpr);
    ctx.scale(dpr, dpr);
    // Topic names and separators.
    for (const t of m.topics) {
      const a = Math.max(t.start, v.col0);
      const b = Math.min(t.start + t.partitions, v.col0 + v.cols);
      if (b <= a) continue;
      const x0 = (left + (a - v.col0) * cw) / dpr;
      const x1 = (left + (b - v.col0) * cw) / dpr;
      if (t.start >= v.col0) {
        ctx.beginPath();
        ctx.moveTo(x0, TOP - 4);
        ctx.lineTo(x0, this.cssHeight);
        ctx.stroke();
      }
      if (x1 - x0 > 30) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(x0, 0, x1 - x0, TOP);
        ctx.clip();
        const range =
          a === t.start && b === t.start + t.partitions ? '' : ` ${a - t.start}–${b - t.start - 1}`;
        ctx.fillText(`${t.name}${range}`, x0 + 3, TOP / 2);
        ctx.restore();
      }
    }
    // Member labels when rows are tall enough to read.
    const rowH = ch / dpr;
    if (rowH >= 11) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, TOP, LEFT - 4, this.cssHeight - TOP);
      ctx.clip();
      const end = Math.min(m.rows, v.row0 + v.rows);
      for (let r = v.row0; r < end; r++) {
        const label = r < m.labels.length ? (m.labels[r] ?? '') : '(unassigned)';
        ctx.fillText(label, 4, TOP + (r - v.row0 + 0.5) * rowH);
      }
      ctx.restore();
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  private drawCursor(
    ctx: CanvasRenderingContext2D,
    left: number,
    top: number,
    cw: number,
    ch: number,
    dpr: number,
  ): void {
    if (document.activeElement !== this.canvas) return;
    const v = this.view;
    const r = this.cursor.row - v.row0;
    const c = this.cursor.col - v.col0;
    if (r < 0 || c < 0 || r >= v.rows || c >= v.cols) return;
    ctx.strokeStyle = cssVar('--vscode-focusBorder', '#007fd4').css;
    ctx.lineWidth = 2 * dpr;
    const w = Math.max(cw, 4 * dpr);
    const h = Math.max(ch, 4 * dpr);
    ctx.strokeRect(left + c * cw - dpr, top + r * ch - dpr, w + 2 * dpr, h + 2 * dpr);
  }

  /** The rows and columns under a CSS-pixel point (a range when cells are smaller than a pixel). */
  private hit(x: number, y: number): { r0: number; r1: number; c0: number; c1: number } | null {
    const m = this.matrix;
    if (m === null) return null;
    const px = x - this.left;
    const py = y - TOP;
    if (px < 0 || py < 0 || px >= this.plotW || py >= this.plotH) return null;
    const v = this.view;
    const cw = this.plotW / v.cols;
    const ch = this.plotH / v.rows;
    const c0 = v.col0 + Math.floor(px / cw);
    const c1 = Math.max(c0 + 1, v.col0 + Math.floor((px + 1) / cw));
    const r0 = v.row0 + Math.floor(py / ch);
    const r1 = Math.max(r0 + 1, v.row0 + Math.floor((py + 1) / ch));
    return { r0, r1: Math.min(r1, m.rows), c0, c1: Math.min(c1, m.columns) };
  }

  private rowName(r: number): string {
    const m = this.matrix;
    if (m === null) return '';
    return r < m.labels.length ? (m.labels[r] ?? '') : 'unassigned partitions';
  }

  private colName(c: number): string {
    const m = this.matrix;
    const t = m !== null ? topicAt(m.topics, c) : undefined;
    return t !== undefined ? `${t.name}-${c - t.start}` : `#${c}`;
  }

  /** Plain-words description of a cell range. */
  describe(r0: number, r1: number, c0: number, c1: number): string {
    const m = this.matrix;
    if (m === null) return '';
    if (r1 - r0 === 1 && c1 - c0 === 1) {
      const st = cellStatusAt(m, r0, c0);
      const owner = m.currentOwner[c0] ?? -1;
      const target = m.targetOwner[c0] ?? -1;
      const parts = [`${this.rowName(r0)} × ${this.colName(c0)}: ${CELL_STATUS_NAMES[st]}`];
      if (owner !== -1 && owner !== r0) parts.push(`held by ${this.rowName(owner)}`);
      if (target !== -1 && target !== r0) parts.push(`target owner ${this.rowName(target)}`);
      if (target === -1 && owner === -1) parts.push('nobody owns it and nobody is to get it');
      return parts.join('; ');
    }
    const counts = new Map<number, number>();
    for (let r = r0; r < r1; r++) {
      const end = m.rowStart[r + 1] ?? 0;
      for (let i = m.rowStart[r] ?? 0; i < end; i++) {
        const c = m.cellCol[i] ?? 0;
        if (c < c0 || c >= c1) continue;
        const st = m.cellStatus[i] ?? 0;
        counts.set(st, (counts.get(st) ?? 0) + 1);
      }
    }
    const rows =
      r1 - r0 === 1 ? this.rowName(r0) : `${this.rowName(r0)} … ${this.rowName(r1 - 1)} (${r1 - r0} rows)`;
    const cols = c1 - c0 === 1 ? this.colName(c0) : `${this.colName(c0)} … ${this.colName(c1 - 1)}`;
    const tally = LEGEND.filter((l) => (counts.get(l.status) ?? 0) > 0)
      .map((l) => `${counts.get(l.status) ?? 0} ${CELL_STATUS_NAMES[l.status]}`)
      .join(', ');
    return `${rows} × ${cols}: ${tally === '' ? 'nothing assigned' : tally}`;
  }

  private showTooltipAt(x: number, y: number): void {
    const h = this.hit(x, y);
    if (h === null) {
      this.tooltip.hidden = true;
      return;
    }
    replaceChildren(this.tooltip, [this.describe(h.r0, h.r1, h.c0, h.c1)]);
    this.tooltip.hidden = false;
    const tx = Math.min(x + 14, this.cssWidth - 260);
    this.tooltip.style.left = `${Math.max(0, tx)}px`;
    this.tooltip.style.top = `${y + 16}px`;
  }

  private cursorStep(): { dr: number; dc: number } {
    const v = this.view;
    return {
      dr: Math.max(1, Math.ceil(v.rows / Math.max(1, this.plotH))),
      dc: Math.max(1, Math.ceil(v.cols / Math.max(1, this.plotW))),
    };
  }

  private announce(): void {
    const m = this.matrix;
    if (m === null) return;
    const { dr, dc } = this.cursorStep();
    const r0 = this.cursor.row;
    const c0 = this.cursor.col;
    const text = this.describe(r0, Math.min(m.rows, r0 + dr), c0, Math.min(m.columns, c0 + dc));
    setText(this.live, text);
    if (document.activeElement === this.canvas) {
      replaceChildren(this.tooltip, [text]);
      this.tooltip.hidden = false;
      const v = this.view;
      const x = this.left + ((c0 - v.col0 + 1) * this.plotW) / v.cols;
      const y = TOP + ((r0 - v.row0 + 1) * this.plotH) / v.rows;
      this.tooltip.style.left = `${Math.max(0, Math.min(x + 8, this.cssWidth - 260))}px`;
      this.tooltip.style.top = `${y + 8}px`;
    }
    this.dirty = true;
    this.draw();
  }

  private openCursor(): void {
    const m = this.matrix;
    if (m === null) return;
    const id = m.memberIds[this.cursor.row];
    if (id !== undefined) this.actions.openMember(id);
    else {
      const t = topicAt(m.topics, this.cursor.col);
      if (t !== undefined) this.actions.openPartition(t.name, this.cursor.col - t.start);
    }
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.matrix;
    if (m === null) return;
    const { dr, dc } = this.cursorStep();
    const c = this.cursor;
    switch (e.key) {
      case 'ArrowDown':
        c.row = Math.min(m.rows - 1, c.row + dr);
        break;
      case 'ArrowUp':
        c.row = Math.max(0, c.row - dr);
        break;
      case 'ArrowRight':
        c.col = Math.min(m.columns - 1, c.col + dc);
        break;
      case 'ArrowLeft':
        c.col = Math.max(0, c.col - dc);
        break;
      case 'Home':
        c.col = 0;
        break;
      case 'End':
        c.col = m.columns - 1;
        break;
      case '+':
      case '=':
        this.zoom(0.5);
        e.preventDefault();
        return;
      case '-':
        this.zoom(2);
        e.preventDefault();
        return;
      case '0':
        this.resetView();
        e.preventDefault();
        return;
      case 'Enter':
        this.openCursor();
        e.preventDefault();
        return;
      case 'Escape':
        this.tooltip.hidden = true;
        return;
      default:
        return;
    }
    e.preventDefault();
    // Keep the cursor in view by panning.
    const v = this.view;
    if (c.row < v.row0) v.row0 = c.row;
    if (c.row >= v.row0 + v.rows) v.row0 = c.row - v.rows + 1;
    if (c.col < v.col0) v.col0 = c.col;
    if (c.col >= v.col0 + v.cols) v.col0 = c.col - v.cols + 1;
    this.announce();
  }

  private onWheel(e: WheelEvent): void {
    const m = this.matrix;
    if (m === null) return;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      const h = this.hit(e.offsetX, e.offsetY);
      this.zoom(e.deltaY < 0 ? 0.7 : 1 / 0.7, h !== null ? { row: h.r0, col: h.c0 } : undefined);
      return;
    }
    const v = this.view;
    const zoomed = v.rows < m.rows || v.cols < m.columns;
    if (!zoomed) return;
    e.preventDefault();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      v.col0 += Math.sign(e.deltaX || e.deltaY) * Math.max(1, Math.round(v.cols / 10));
    } else v.row0 += Math.sign(e.deltaY) * Math.max(1, Math.round(v.rows / 10));
    this.clampView();
    this.dirty = true;
    this.draw();
  }

  /** Whether the matrix's tab is shown (set by the dashboard; drawing a hidden canvas is wasted work). */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.dirty = true;
  }
}

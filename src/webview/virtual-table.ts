import { el, setAttrs, uniqueId } from './dom';

export interface Column<R> {
  readonly id: string;
  readonly title: string;
  /** CSS grid track size, e.g. `8ch` or `minmax(12ch, 1fr)`. */
  readonly width: string;
  readonly align?: 'start' | 'end';
  /** Fills a cell (through textContent or child elements, never markup). */
  render(row: R, cell: HTMLElement): void;
  /** Present when the column can be sorted by. */
  readonly compare?: (a: R, b: R) => number;
}

export interface VirtualTableOptions<R> {
  readonly label: string;
  readonly columns: readonly Column<R>[];
  readonly key: (r: R) => string;
  readonly rowHeight?: number;
  readonly emptyText: string;
  readonly rowClass?: (r: R) => string;
  readonly onActivate?: (r: R) => void;
  readonly onSelect?: (r: R) => void;
  readonly sort?: { readonly column: string; readonly descending: boolean };
  /**
   * When this returns true and the view is scrolled to the last row, new rows keep it there (a log
   * that follows its tail); scrolling up stops following until the user scrolls back down.
   */
  readonly followTail?: () => boolean;
}

interface RowSlot<R> {
  readonly row: HTMLDivElement;
  readonly cells: HTMLDivElement[];
  item: R | undefined;
  index: number;
}

const OVERSCAN = 6;

/**
 * A grid that renders only the rows in view (plus a few), reusing row elements as it scrolls,
 * so 10,000 rows cost what 40 do. Keyboard: arrows, Page Up/Down, Home/End move the active row;
 * Enter activates it. Header buttons sort.
 */
export class VirtualTable<R> {
  readonly element: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly headerCells: HTMLDivElement[] = [];
  private readonly id = uniqueId('vt');
  private readonly rowHeight: number;
  private rows: readonly R[] = [];
  private sorted: readonly R[] = [];
  private slots: RowSlot<R>[] = [];
  private activeKey: string | null = null;
  private activeIndex = -1;
  private sortColumn: string | null;
  private descending: boolean;
  private frame = 0;
  private highlightKey: string | null = null;
  /** The body's height, kept by a ResizeObserver so rendering never forces a layout. */
  private viewH = 0;
  private shownCount = -1;
  /** The body's scroll position, tracked from scroll events (reading it would force a layout). */
  private scrollTop = 0;
  /** True while the view shows the last row (as of the last scroll): new rows then follow it. */
  private atEnd = true;

  constructor(private readonly o: VirtualTableOptions<R>) {
    this.rowHeight = o.rowHeight ?? 22;
    this.sortColumn = o.sort?.column ?? null;
    this.descending = o.sort?.descending ?? false;
    const template = o.columns.map((c) => c.width).join(' ');
    const header = el('div', { className: 'vt-row vt-header', attrs: { role: 'row', 'aria-rowindex': 1 } });
    for (const c of o.columns) {
      const cell = el('div', {
        className: `vt-cell${c.align === 'end' ? ' vt-end' : ''}`,
        attrs: { role: 'columnheader' },
      });
      if (c.compare !== undefined) {
        cell.appendChild(
          el('button', {
            className: 'vt-sort',
            text: c.title,
            attrs: { type: 'button', title: `Sort by ${c.title}` },
            on: { click: () => this.sortBy(c.id) },
          }),
        );
      } else cell.textContent = c.title;
      this.headerCells.push(cell);
      header.appendChild(cell);
    }
    this.spacer = el('div', { className: 'vt-spacer', attrs: { role: 'presentation' } });
    this.empty = el('div', { className: 'vt-empty', text: o.emptyText, attrs: { role: 'presentation' } });
    this.body = el('div', { className: 'vt-body', attrs: { role: 'rowgroup' } }, [this.spacer, this.empty]);
    this.element = el(
      'div',
      {
        className: 'vt',
        attrs: { role: 'grid', 'aria-label': o.label, tabindex: 0, 'aria-rowcount': 1, id: this.id },
        on: {
          keydown: (e) => this.onKey(e),
          focus: () => {
            if (this.activeIndex < 0 && this.sorted.length > 0) this.setActive(0, false);
          },
        },
      },
      [el('div', { className: 'vt-head', attrs: { role: 'rowgroup' } }, [header]), this.body],
    );
    this.element.style.setProperty('--vt-cols', template);
    this.element.style.setProperty('--vt-row-height', `${this.rowHeight}px`);
    this.body.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.body.scrollTop;
        const viewH = this.viewH || this.body.clientHeight;
        this.atEnd = this.scrollTop + viewH >= this.sorted.length * this.rowHeight - this.rowHeight / 2;
        this.schedule();
      },
      { passive: true },
    );
    new ResizeObserver((entries) => {
      const h = entries[entries.length - 1]?.contentRect.height ?? 0;
      if (h !== this.viewH) {
        this.viewH = h;
        this.schedule();
      }
    }).observe(this.body);
    this.body.addEventListener('click', (e) => {
      const idx = this.indexFromEvent(e);
      if (idx >= 0) this.setActive(idx, true);
    });
    this.body.addEventListener('dblclick', (e) => {
      const idx = this.indexFromEvent(e);
      const item = this.sorted[idx];
      if (item !== undefined) this.o.onActivate?.(item);
    });
    this.updateSortIndicators();
  }

  /** Replaces the rows (keeps scroll position, sort and the active row by key). */
  setRows(rows: readonly R[]): void {
    this.rows = rows;
    this.resort();
    this.render();
    if (this.atEnd && this.o.followTail?.() === true) {
      // Past the end on purpose: the browser clamps it to the last row.
      this.body.scrollTop = this.sorted.length * this.rowHeight;
      const top = this.body.scrollTop;
      if (top !== this.scrollTop) {
        this.scrollTop = top;
        this.render();
      }
    }
  }

  /** Marks one row (by key) as highlighted, e.g. the event at the scrubbed time, and scrolls to it. */
  highlight(key: string | null, scroll: boolean): void {
    this.highlightKey = key;
    if (key !== null && scroll) {
      const idx = this.sorted.findIndex((r) => this.o.key(r) === key);
      if (idx >= 0) this.scrollTo(idx);
    }
    this.render();
  }

  get rowCount(): number {
    return this.sorted.length;
  }

  /** Rows currently in the DOM (for tests and the benchmark: it stays small for any row count). */
  get renderedRows(): number {
    return this.slots.filter((s) => s.item !== undefined).length;
  }

  private sortBy(column: string): void {
    if (this.sortColumn === column) this.descending = !this.descending;
    else {
      this.sortColumn = column;
      this.descending = false;
    }
    this.updateSortIndicators();
    this.resort();
    this.render();
  }

  private updateSortIndicators(): void {
    this.o.columns.forEach((c, i) => {
      const cell = this.headerCells[i];
      if (cell === undefined || c.compare === undefined) return;
      const sort = c.id === this.sortColumn ? (this.descending ? 'descending' : 'ascending') : 'none';
      setAttrs(cell, { 'aria-sort': sort });
      cell.classList.toggle('vt-sorted', sort !== 'none');
      cell.classList.toggle('vt-desc', sort === 'descending');
    });
  }

  private resort(): void {
    const col = this.o.columns.find((c) => c.id === this.sortColumn);
    if (col?.compare === undefined) this.sorted = this.rows;
    else {
      const cmp = col.compare;
      const sign = this.descending ? -1 : 1;
      this.sorted = [...this.rows].sort((a, b) => sign * cmp(a, b));
    }
    if (this.activeKey !== null) {
      const key = this.activeKey;
      this.activeIndex = this.sorted.findIndex((r) => this.o.key(r) === key);
      if (this.activeIndex < 0) this.activeKey = null;
    }
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private indexFromEvent(e: Event): number {
    const row = (e.target as Element | null)?.closest('.vt-row[data-index]');
    if (row === null || row === undefined) return -1;
    return Number(row.getAttribute('data-index'));
  }

  private render(): void {
    const n = this.sorted.length;
    const rh = this.rowHeight;
    if (n !== this.shownCount) {
      this.shownCount = n;
      this.spacer.style.height = `${n * rh}px`;
      this.empty.hidden = n > 0;
      setAttrs(this.element, { 'aria-rowcount': n + 1 });
    }
    const viewH = this.viewH || 400;
    const top = this.scrollTop;
    const first = Math.max(0, Math.floor(top / rh) - OVERSCAN);
    const last = Math.min(n, Math.ceil((top + viewH) / rh) + OVERSCAN);
    const needed = last - first;
    while (this.slots.length < needed) this.slots.push(this.makeSlot());
    for (let k = 0; k < this.slots.length; k++) {
      const slot = this.slots[k];
      const i = first + k;
      const item = i < last ? this.sorted[i] : undefined;
      if (item === undefined) {
        if (slot.item !== undefined) {
          slot.item = undefined;
          slot.row.hidden = true;
          slot.row.removeAttribute('id');
        }
        continue;
      }
      const key = this.o.key(item);
      if (slot.item !== item || slot.index !== i) {
        slot.item = item;
        slot.index = i;
        slot.row.hidden = false;
        slot.row.style.transform = `translateY(${i * rh}px)`;
        setAttrs(slot.row, { 'aria-rowindex': i + 2, 'data-index': i, id: `${this.id}-r${i}` });
        slot.row.className = `vt-row${this.o.rowClass !== undefined ? ` ${this.o.rowClass(item)}` : ''}`;
        this.o.columns.forEach((c, ci) => {
          const cell = slot.cells[ci];
          if (cell !== undefined) c.render(item, cell);
        });
      }
      const active = i === this.activeIndex;
      slot.row.classList.toggle('vt-active', active);
      slot.row.classList.toggle('vt-highlight', key === this.highlightKey);
      setAttrs(slot.row, { 'aria-selected': active ? 'true' : 'false' });
    }
    if (this.activeIndex >= first && this.activeIndex < last) {
      setAttrs(this.element, { 'aria-activedescendant': `${this.id}-r${this.activeIndex}` });
    } else setAttrs(this.element, { 'aria-activedescendant': null });
  }

  private makeSlot(): RowSlot<R> {
    const row = el('div', { className: 'vt-row', attrs: { role: 'row' } });
    row.hidden = true;
    const cells = this.o.columns.map((c) =>
      el('div', { className: `vt-cell${c.align === 'end' ? ' vt-end' : ''}`, attrs: { role: 'gridcell' } }),
    );
    for (const c of cells) row.appendChild(c);
    this.spacer.appendChild(row);
    return { row, cells, item: undefined, index: -1 };
  }

  private scrollTo(index: number): void {
    const rh = this.rowHeight;
    const viewH = this.viewH || 400;
    const top = index * rh;
    let next = this.scrollTop;
    if (top < next) next = top;
    else if (top + rh > next + viewH) next = top + rh - viewH;
    if (next !== this.scrollTop) {
      this.scrollTop = next;
      this.body.scrollTop = next;
    }
  }

  private setActive(index: number, notify: boolean): void {
    const n = this.sorted.length;
    if (n === 0) return;
    const i = Math.max(0, Math.min(n - 1, index));
    const item = this.sorted[i];
    this.activeIndex = i;
    this.activeKey = this.o.key(item);
    this.scrollTo(i);
    this.render();
    if (notify) this.o.onSelect?.(item);
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.viewH || 400) / this.rowHeight) - 1);
    const cur = this.activeIndex;
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = cur + 1;
        break;
      case 'ArrowUp':
        next = cur - 1;
        break;
      case 'PageDown':
        next = cur + page;
        break;
      case 'PageUp':
        next = cur - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.sorted.length - 1;
        break;
      case 'Enter':
      case ' ': {
        const item = this.sorted[cur];
        if (item !== undefined) {
          e.preventDefault();
          this.o.onActivate?.(item);
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    this.setActive(next, true);
  }
}

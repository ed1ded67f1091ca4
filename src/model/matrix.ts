import type { Assignment } from './assignment';
import { memberLabels } from './describe';
import type { GroupSnapshot, MemberSnapshot } from './snapshot';

/**
 * The assignment matrix: members × partitions, each cell saying how a partition relates to a
 * member now and in the target assignment. Built in O(members + partitions) into typed arrays so
 * a 1,000 × 10,000 group is cheap to rebuild on every tick and to draw on a canvas.
 */
export const CellStatus = {
  None: 0,
  /** The member owns the partition and keeps it. */
  Owned: 1,
  /** Nobody owns the partition and nobody is to get it (drawn on the "unassigned" row). */
  Unassigned: 2,
  /** The partition is the member's in the target, free now: it gets it on its next heartbeat. */
  Pending: 3,
  /** The partition is the member's in the target, but another member still holds it. */
  Unreleased: 4,
  /** The member still holds the partition and must revoke it. */
  Revoking: 5,
} as const;
export type CellStatus = (typeof CellStatus)[keyof typeof CellStatus];

export const CELL_STATUS_NAMES: Readonly<Record<CellStatus, string>> = {
  0: 'not assigned',
  1: 'owned',
  2: 'unassigned',
  3: 'pending assignment',
  4: 'waiting for release',
  5: 'pending revocation',
};

export interface MatrixTopic {
  readonly name: string;
  /** First column of this topic. */
  readonly start: number;
  readonly partitions: number;
}

export interface AssignmentMatrix {
  /** Row order: members by label (the unassigned row, when present, is the last row). */
  readonly memberIds: readonly string[];
  readonly labels: readonly string[];
  /** True when the last row is the "unassigned" row. */
  readonly hasUnassignedRow: boolean;
  readonly rows: number;
  readonly columns: number;
  readonly topics: readonly MatrixTopic[];
  /** Cells sorted by row then column: `cellRow[i]`, `cellCol[i]`, `cellStatus[i]`. */
  readonly cellRow: Int32Array;
  readonly cellCol: Int32Array;
  readonly cellStatus: Uint8Array;
  /** Index of the first cell of each row in the cell arrays; `rowStart[rows]` is the cell count. */
  readonly rowStart: Int32Array;
  /** Per column: the row of the member holding it now (assigned or revoking), or -1. */
  readonly currentOwner: Int32Array;
  /** Per column: the row of the member that is to own it in the target, or -1. */
  readonly targetOwner: Int32Array;
  /** Cell counts per status. */
  readonly counts: Readonly<Record<CellStatus, number>>;
}

/** "consumer-2" before "consumer-10": digit runs compare as numbers. Deterministic, locale-free. */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const da = ca >= 48 && ca <= 57;
    const db = cb >= 48 && cb <= 57;
    if (da && db) {
      let ei = i;
      let ej = j;
      while (ei < a.length && a.charCodeAt(ei) >= 48 && a.charCodeAt(ei) <= 57) ei++;
      while (ej < b.length && b.charCodeAt(ej) >= 48 && b.charCodeAt(ej) <= 57) ej++;
      // Compare digit runs by value: strip leading zeros, then length, then digits.
      let si = i;
      let sj = j;
      while (si < ei - 1 && a.charCodeAt(si) === 48) si++;
      while (sj < ej - 1 && b.charCodeAt(sj) === 48) sj++;
      if (ei - si !== ej - sj) return ei - si - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

/** Where each topic's partitions sit among the columns. */
interface Layout {
  readonly topics: readonly MatrixTopic[];
  readonly start: ReadonlyMap<string, number>;
  readonly width: ReadonlyMap<string, number>;
  readonly columns: number;
  readonly key: string;
}

function layoutOf(width: ReadonlyMap<string, number>): Layout {
  const topics: MatrixTopic[] = [];
  const start = new Map<string, number>();
  let columns = 0;
  for (const name of [...width.keys()].sort()) {
    const partitions = width.get(name) ?? 0;
    topics.push({ name, start: columns, partitions });
    start.set(name, columns);
    columns += partitions;
  }
  return {
    topics,
    start,
    width,
    columns,
    key: topics.map((t) => `${t.name}\u0000${t.partitions}`).join('\u0001'),
  };
}

/** How a member relates to each column, before looking at the other members. */
const Base = { Held: 1, Revoking: 2, TargetOnly: 3 } as const;

interface MemberCells {
  readonly layoutKey: string;
  /** Columns, ascending. */
  readonly cols: Int32Array;
  /** Base relation per column (Held keeps, Revoking leaves, TargetOnly arrives). */
  readonly base: Uint8Array;
  /** Columns the member holds now (held or revoking). */
  readonly holds: Int32Array;
  /** Columns the member is to own (its target, or what it holds when there is no target). */
  readonly targets: Int32Array;
}

const cellCache = new WeakMap<MemberSnapshot, MemberCells>();

function colsOf(a: Assignment, layout: Layout): number[] | null {
  const out: number[] = [];
  for (const t in a) {
    const parts = a[t];
    const start = layout.start.get(t);
    const width = layout.width.get(t) ?? 0;
    if (parts === undefined) continue;
    if (start === undefined) {
      if (parts.length > 0) return null;
      continue;
    }
    for (const p of parts) {
      if (p >= width) return null;
      out.push(start + p);
    }
  }
  return out;
}

/** The member's cells in this layout, or null when it names a partition the layout lacks. */
function memberCells(m: MemberSnapshot, layout: Layout): MemberCells | null {
  const cached = cellCache.get(m);
  if (cached !== undefined && cached.layoutKey === layout.key) return cached;
  const s = memberSides(m);
  const held = new Set<number>();
  for (const a of s.held) {
    const cols = colsOf(a, layout);
    if (cols === null) return null;
    for (const c of cols) held.add(c);
  }
  const revoking = colsOf(s.revoking, layout);
  const target = s.target !== null ? colsOf(s.target, layout) : [...held];
  if (revoking === null || target === null) return null;
  const targetSet = new Set(target);
  const base = new Map<number, number>();
  for (const c of held) base.set(c, targetSet.has(c) ? Base.Held : Base.Revoking);
  for (const c of revoking) base.set(c, Base.Revoking);
  for (const c of target) if (!base.has(c)) base.set(c, Base.TargetOnly);
  const cols = Int32Array.from([...base.keys()].sort((x, y) => x - y));
  const cells: MemberCells = {
    layoutKey: layout.key,
    cols,
    base: Uint8Array.from(cols, (c) => base.get(c) ?? 0),
    holds: Int32Array.from(new Set([...held, ...revoking])),
    targets: Int32Array.from(targetSet),
  };
  cellCache.set(m, cells);
  return cells;
}

/** What the member holds and what it is to hold, from the coordinator's (or, for classic, the client's) view. */
function memberSides(m: MemberSnapshot): {
  held: Assignment[];
  revoking: Assignment;
  target: Assignment | null;
} {
  if (m.reconciliation !== null || m.targetAssignment !== null) {
    return {
      held: [m.assignment],
      revoking: m.pendingRevocation,
      target: m.targetAssignment ?? m.assignment,
    };
  }
  if (m.client !== null) {
    // Classic member seen by the simulator: it holds what its client owns; the coordinator's
    // assignment is where it is going.
    return { held: [m.client.owned], revoking: {}, target: m.assignment };
  }
  return { held: [m.assignment], revoking: {}, target: null };
}

function widen(width: Map<string, number>, a: Assignment): void {
  for (const t in a) {
    const parts = a[t];
    if (parts === undefined) continue;
    for (const p of parts) if (p + 1 > (width.get(t) ?? 0)) width.set(t, p + 1);
  }
}

/** Row order: by label, naturally; reused from `previous` when the members are the same. */
function rowOrder(
  snapshot: GroupSnapshot,
  previous: AssignmentMatrix | undefined,
): { ids: readonly string[]; labels: readonly string[]; index: readonly number[] } {
  const labelMap = memberLabels(snapshot);
  if (previous !== undefined && previous.memberIds.length === snapshot.members.length) {
    const pos = new Map(snapshot.members.map((m, i) => [m.memberId, i]));
    const index: number[] = [];
    let same = true;
    for (let r = 0; r < previous.memberIds.length; r++) {
      const id = previous.memberIds[r] ?? '';
      const i = pos.get(id);
      if (i === undefined || labelMap.get(id) !== previous.labels[r]) {
        same = false;
        break;
      }
      index.push(i);
    }
    if (same) return { ids: previous.memberIds, labels: previous.labels, index };
  }
  const order = snapshot.members
    .map((m, i) => ({ id: m.memberId, i, label: labelMap.get(m.memberId) ?? m.memberId }))
    .sort((a, b) => naturalCompare(a.label, b.label) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ids: order.map((o) => o.id), labels: order.map((o) => o.label), index: order.map((o) => o.i) };
}

/**
 * Builds the matrix. Each member's cells are cached on the member object, so with the snapshots'
 * structural sharing a tick costs a pass over the columns plus the members that changed. Pass
 * the previous matrix of the same group to also reuse the row order.
 */
export function buildAssignmentMatrix(
  snapshot: GroupSnapshot,
  previous?: AssignmentMatrix,
): AssignmentMatrix {
  const order = rowOrder(snapshot, previous);
  const width = new Map<string, number>();
  for (const t of snapshot.topics) width.set(t.name, Math.max(width.get(t.name) ?? 0, t.partitions));
  let layout = layoutOf(width);
  let cells = order.index.map((i) => memberCells(snapshot.members[i], layout));
  if (cells.some((c) => c === null)) {
    // Some member names a partition the topic metadata does not know yet: widen to fit.
    for (const m of snapshot.members) {
      widen(width, m.assignment);
      widen(width, m.pendingRevocation);
      if (m.targetAssignment !== null) widen(width, m.targetAssignment);
      if (m.client !== null) widen(width, m.client.owned);
    }
    layout = layoutOf(width);
    cells = order.index.map((i) => memberCells(snapshot.members[i], layout));
  }
  const columns = layout.columns;
  const currentOwner = new Int32Array(columns).fill(-1);
  const targetOwner = new Int32Array(columns).fill(-1);
  let total = 0;
  cells.forEach((c, row) => {
    if (c === null) return;
    for (const col of c.holds) currentOwner[col] = row;
    for (const col of c.targets) targetOwner[col] = row;
    total += c.cols.length;
  });
  const rowsCount = cells.length;
  let unassigned = 0;
  for (let c = 0; c < columns; c++) if (currentOwner[c] === -1 && targetOwner[c] === -1) unassigned++;
  const rows = rowsCount + (unassigned > 0 ? 1 : 0);
  const cellRow = new Int32Array(total + unassigned);
  const cellCol = new Int32Array(total + unassigned);
  const cellStatus = new Uint8Array(total + unassigned);
  const rowStart = new Int32Array(rows + 1);
  const counts: Record<CellStatus, number> = { 0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let k = 0;
  cells.forEach((c, row) => {
    rowStart[row] = k;
    if (c === null) return;
    for (let i = 0; i < c.cols.length; i++) {
      const col = c.cols[i] ?? 0;
      const base = c.base[i] ?? 0;
      let st: CellStatus;
      if (base === Base.Held) st = CellStatus.Owned;
      else if (base === Base.Revoking) st = CellStatus.Revoking;
      else {
        const holder = currentOwner[col] ?? -1;
        st = holder !== -1 && holder !== row ? CellStatus.Unreleased : CellStatus.Pending;
      }
      cellRow[k] = row;
      cellCol[k] = col;
      cellStatus[k] = st;
      counts[st] += 1;
      k++;
    }
  });
  rowStart[rowsCount] = k;
  for (let c = 0; c < columns; c++) {
    if (currentOwner[c] === -1 && targetOwner[c] === -1) {
      cellRow[k] = rowsCount;
      cellCol[k] = c;
      cellStatus[k] = CellStatus.Unassigned;
      counts[CellStatus.Unassigned] += 1;
      k++;
    }
  }
  rowStart[rows] = k;
  return {
    memberIds: order.ids,
    labels: order.labels,
    hasUnassignedRow: unassigned > 0,
    rows,
    columns,
    topics: layout.topics,
    cellRow,
    cellCol,
    cellStatus,
    rowStart,
    currentOwner,
    targetOwner,
    counts,
  };
}

/** The topic a column belongs to (binary search over the topics' start columns). */
export function topicAt(topics: readonly MatrixTopic[], column: number): MatrixTopic | undefined {
  let lo = 0;
  let hi = topics.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = topics[mid];
    if (t === undefined) break;
    if (column < t.start) hi = mid - 1;
    else if (column >= t.start + t.partitions) lo = mid + 1;
    else return t;
  }
  return undefined;
}

/** The status of one cell (binary search in the row's cells). */
export function cellStatusAt(m: AssignmentMatrix, row: number, column: number): CellStatus {
  let lo = m.rowStart[row] ?? 0;
  let hi = (m.rowStart[row + 1] ?? lo) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = m.cellCol[mid] ?? 0;
    if (c === column) return (m.cellStatus[mid] ?? 0) as CellStatus;
    if (c < column) lo = mid + 1;
    else hi = mid - 1;
  }
  return CellStatus.None;
}

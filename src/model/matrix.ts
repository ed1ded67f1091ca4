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

function eachPartition(a: Assignment, fn: (topic: string, p: number) => void): void {
  for (const t in a) {
    const parts = a[t];
    if (parts !== undefined) for (const p of parts) fn(t, p);
  }
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

/** "consumer-2" before "consumer-10". A fixed locale keeps the order the same everywhere. */
const NATURAL = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

export function buildAssignmentMatrix(snapshot: GroupSnapshot): AssignmentMatrix {
  const labelMap = memberLabels(snapshot);
  const order = snapshot.members
    .map((m, i) => ({ m, i, label: labelMap.get(m.memberId) ?? m.memberId }))
    .sort((a, b) => NATURAL.compare(a.label, b.label) || (a.m.memberId < b.m.memberId ? -1 : 1));

  // Columns: every topic's partitions, extended by any partition seen in an assignment.
  const width = new Map<string, number>();
  for (const t of snapshot.topics) width.set(t.name, Math.max(width.get(t.name) ?? 0, t.partitions));
  const see = (t: string, p: number): void => {
    if (p + 1 > (width.get(t) ?? 0)) width.set(t, p + 1);
  };
  for (const m of snapshot.members) {
    eachPartition(m.assignment, see);
    eachPartition(m.pendingRevocation, see);
    if (m.targetAssignment !== null) eachPartition(m.targetAssignment, see);
    if (m.client !== null) eachPartition(m.client.owned, see);
  }
  const topicNames = [...width.keys()].sort();
  const topics: MatrixTopic[] = [];
  const start = new Map<string, number>();
  let columns = 0;
  for (const name of topicNames) {
    const partitions = width.get(name) ?? 0;
    topics.push({ name, start: columns, partitions });
    start.set(name, columns);
    columns += partitions;
  }
  const col = (t: string, p: number): number => (start.get(t) ?? 0) + p;

  const currentOwner = new Int32Array(columns).fill(-1);
  const targetOwner = new Int32Array(columns).fill(-1);
  const sides = order.map(({ m }) => memberSides(m));
  sides.forEach((s, row) => {
    for (const a of s.held) eachPartition(a, (t, p) => (currentOwner[col(t, p)] = row));
    eachPartition(s.revoking, (t, p) => (currentOwner[col(t, p)] = row));
    if (s.target !== null) eachPartition(s.target, (t, p) => (targetOwner[col(t, p)] = row));
    else for (const a of s.held) eachPartition(a, (t, p) => (targetOwner[col(t, p)] = row));
  });

  const cellRow: number[] = [];
  const cellCol: number[] = [];
  const cellStatus: number[] = [];
  const rowsCount = order.length;
  const rowStart = new Int32Array(rowsCount + 2);
  const counts: Record<CellStatus, number> = { 0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  sides.forEach((s, row) => {
    rowStart[row] = cellRow.length;
    const cells = new Map<number, CellStatus>();
    const put = (c: number, st: CellStatus): void => {
      if ((cells.get(c) ?? 0) < st) cells.set(c, st);
    };
    for (const a of s.held) eachPartition(a, (t, p) => put(col(t, p), CellStatus.Owned));
    eachPartition(s.revoking, (t, p) => put(col(t, p), CellStatus.Revoking));
    if (s.target !== null) {
      const target = s.target;
      const heldHere = new Set<number>();
      for (const a of s.held) eachPartition(a, (t, p) => heldHere.add(col(t, p)));
      const targetCols = new Set<number>();
      eachPartition(target, (t, p) => targetCols.add(col(t, p)));
      // Held but not in the target: on its way out.
      for (const c of heldHere) if (!targetCols.has(c)) put(c, CellStatus.Revoking);
      eachPartition(target, (t, p) => {
        const c = col(t, p);
        if (heldHere.has(c)) return;
        const holder = currentOwner[c] ?? -1;
        put(c, holder !== -1 && holder !== row ? CellStatus.Unreleased : CellStatus.Pending);
      });
    }
    for (const c of [...cells.keys()].sort((x, y) => x - y)) {
      const st = cells.get(c) ?? CellStatus.None;
      cellRow.push(row);
      cellCol.push(c);
      cellStatus.push(st);
      counts[st] += 1;
    }
  });
  // The unassigned row: partitions nobody holds and nobody is to get.
  let hasUnassignedRow = false;
  rowStart[rowsCount] = cellRow.length;
  for (let c = 0; c < columns; c++) {
    if (currentOwner[c] === -1 && targetOwner[c] === -1) {
      hasUnassignedRow = true;
      cellRow.push(rowsCount);
      cellCol.push(c);
      cellStatus.push(CellStatus.Unassigned);
      counts[CellStatus.Unassigned] += 1;
    }
  }
  const rows = rowsCount + (hasUnassignedRow ? 1 : 0);
  rowStart[rows] = cellRow.length;
  return {
    memberIds: order.map(({ m }) => m.memberId),
    labels: order.map(({ label }) => label),
    hasUnassignedRow,
    rows,
    columns,
    topics,
    cellRow: Int32Array.from(cellRow),
    cellCol: Int32Array.from(cellCol),
    cellStatus: Uint8Array.from(cellStatus),
    rowStart: rowStart.slice(0, rows + 1),
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

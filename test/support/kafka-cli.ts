/**
 * Reads the tables Kafka's kafka-consumer-groups prints (ConsumerGroupCommand, 4.3.1) into plain
 * values, and puts our GroupSnapshots into the same shape, so tests compare values, not spacing.
 */
import { formatAssignment, type GroupSnapshot } from '../../src/model';

export interface CliTable {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, string>[];
}

/**
 * Splits output into tables. A table starts at a line whose first word is GROUP; columns are cut at
 * the header's word positions (values never exceed their column: Kafka sizes columns to fit).
 */
export function parseCliTables(text: string): CliTable[] {
  const tables: CliTable[] = [];
  let current: { columns: string[]; starts: number[]; rows: Record<string, string>[] } | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      current = null;
      continue;
    }
    if (/^GROUP\s/.test(line)) {
      const columns: string[] = [];
      const starts: number[] = [];
      // Column names contain single spaces only inside "COORDINATOR (ID)".
      const re = /\S+(?: \(\S+\))?/g;
      for (let m = re.exec(line); m !== null; m = re.exec(line)) {
        columns.push(m[0]);
        starts.push(m.index);
      }
      current = { columns, starts, rows: [] };
      tables.push(current);
      continue;
    }
    if (current === null) continue;
    const row: Record<string, string> = {};
    current.columns.forEach((c, i) => {
      const end = i + 1 < current!.starts.length ? current!.starts[i + 1] : undefined;
      row[c] = line.slice(current!.starts[i], end).trim();
    });
    current.rows.push(row);
  }
  return tables;
}

/** One member row of `--describe --members --verbose`, as values. */
export interface MemberRow {
  readonly group: string;
  readonly consumerId: string;
  readonly groupInstanceId: string | null;
  readonly host: string;
  readonly clientId: string;
  readonly partitions: number;
  readonly currentEpoch: number | null;
  readonly currentAssignment: string;
  readonly targetEpoch: number | null;
  readonly targetAssignment: string;
}

const num = (s: string | undefined): number | null =>
  s === undefined || s === '-' || s === '' ? null : Number(s);

/** Member rows from `--describe --members --verbose`, sorted by group then consumer id. */
export function cliMemberRows(text: string): MemberRow[] {
  const out: MemberRow[] = [];
  for (const t of parseCliTables(text)) {
    if (!t.columns.includes('CONSUMER-ID') || !t.columns.includes('#PARTITIONS')) continue;
    for (const r of t.rows) {
      out.push({
        group: r['GROUP'] ?? '',
        consumerId: r['CONSUMER-ID'] ?? '',
        groupInstanceId:
          r['GROUP-INSTANCE-ID'] === undefined || r['GROUP-INSTANCE-ID'] === ''
            ? null
            : r['GROUP-INSTANCE-ID'],
        host: r['HOST'] ?? '',
        clientId: r['CLIENT-ID'] ?? '',
        partitions: Number(r['#PARTITIONS']),
        currentEpoch: num(r['CURRENT-EPOCH']),
        currentAssignment: r['CURRENT-ASSIGNMENT'] ?? '',
        targetEpoch: num(r['TARGET-EPOCH']),
        targetAssignment: r['TARGET-ASSIGNMENT'] ?? '',
      });
    }
  }
  return out.sort(byGroupThen((r) => r.consumerId));
}

/** The same rows from our snapshots (what Kafka's tool derives from the same describe). */
export function snapshotMemberRows(snapshots: readonly GroupSnapshot[]): MemberRow[] {
  const out: MemberRow[] = [];
  for (const s of snapshots) {
    for (const m of s.members) {
      const consumer = s.protocol === 'consumer';
      out.push({
        group: s.groupId,
        consumerId: m.memberId,
        groupInstanceId: m.instanceId,
        host: m.clientHost,
        clientId: m.clientId,
        partitions: Object.values(m.assignment).reduce((n, ps) => n + ps.length, 0),
        currentEpoch: consumer ? m.memberEpoch : null,
        currentAssignment: formatAssignment(m.assignment),
        targetEpoch: consumer ? s.targetAssignmentEpoch : null,
        targetAssignment:
          consumer && m.targetAssignment !== null ? formatAssignment(m.targetAssignment) : '-',
      });
    }
  }
  return out.sort(byGroupThen((r) => r.consumerId));
}

/** One row of `--describe` (offsets). null = "-". */
export interface OffsetRow {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly currentOffset: number | null;
  readonly logEndOffset: number | null;
  readonly lag: number | null;
  readonly consumerId: string | null;
}

export function cliOffsetRows(text: string): OffsetRow[] {
  const out: OffsetRow[] = [];
  for (const t of parseCliTables(text)) {
    if (!t.columns.includes('CURRENT-OFFSET')) continue;
    for (const r of t.rows) {
      if (r['TOPIC'] === '-') continue; // a member without partitions
      out.push({
        group: r['GROUP'] ?? '',
        topic: r['TOPIC'] ?? '',
        partition: Number(r['PARTITION']),
        currentOffset: num(r['CURRENT-OFFSET']),
        logEndOffset: num(r['LOG-END-OFFSET']),
        lag: num(r['LAG']),
        consumerId: r['CONSUMER-ID'] === '-' ? null : (r['CONSUMER-ID'] ?? null),
      });
    }
  }
  return out.sort(byGroupThen((r) => `${r.topic}\u0000${String(r.partition).padStart(6, '0')}`));
}

export function snapshotOffsetRows(snapshots: readonly GroupSnapshot[]): OffsetRow[] {
  const out: OffsetRow[] = [];
  for (const s of snapshots) {
    for (const p of s.lag?.partitions ?? []) {
      out.push({
        group: s.groupId,
        topic: p.topic,
        partition: p.partition,
        currentOffset: p.committedOffset,
        logEndOffset: p.logEndOffset,
        lag: p.lag,
        consumerId: p.ownerMemberId,
      });
    }
  }
  return out.sort(byGroupThen((r) => `${r.topic}\u0000${String(r.partition).padStart(6, '0')}`));
}

function byGroupThen<T extends { readonly group: string }>(key: (r: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = `${a.group}\u0000${key(a)}`;
    const kb = `${b.group}\u0000${key(b)}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

/**
 * Tables in the layout of Kafka's kafka-consumer-groups (ConsumerGroupCommand in kafka-tools
 * 4.3.1): left-aligned columns, each as wide as its widest cell but at least Kafka's minimum, one
 * space apart, "-" for a missing value. Users and scripts that read Kafka's output read ours.
 */
import { formatAssignment, type GroupSnapshot } from '../../model';
import type { ListedGroup } from '../../kafka';

export interface Column {
  readonly name: string;
  /** Kafka's minimum width for this column (its %-Ns). */
  readonly min: number;
}

/** Renders one table: header row, then rows; trailing spaces trimmed. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) =>
    Math.max(c.min, c.name.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join(' ')
      .trimEnd();
  return [line(columns.map((c) => c.name)), ...rows.map(line)].join('\n') + '\n';
}

const dash = (v: number | string | null | undefined): string =>
  v === null || v === undefined || v === '' ? '-' : String(v);

function partitionCount(a: Readonly<Record<string, readonly number[]>>): number {
  return Object.values(a).reduce((n, ps) => n + ps.length, 0);
}

/** `--describe --members [--verbose]`: one table per group. */
export function membersTable(s: GroupSnapshot, verbose: boolean): string {
  const consumer = s.protocol === 'consumer';
  const withInstance = s.members.some((m) => m.instanceId !== null && m.instanceId !== '');
  const columns: Column[] = [
    { name: 'GROUP', min: 15 },
    { name: 'CONSUMER-ID', min: 15 },
    ...(withInstance ? [{ name: 'GROUP-INSTANCE-ID', min: 17 }] : []),
    { name: 'HOST', min: 15 },
    { name: 'CLIENT-ID', min: 15 },
    { name: '#PARTITIONS', min: 15 },
    ...(verbose
      ? [
          { name: 'CURRENT-EPOCH', min: 15 },
          { name: 'CURRENT-ASSIGNMENT', min: 20 },
          { name: 'TARGET-EPOCH', min: 15 },
          { name: 'TARGET-ASSIGNMENT', min: 20 },
        ]
      : []),
  ];
  const rows = s.members.map((m) => [
    s.groupId,
    m.memberId,
    ...(withInstance ? [m.instanceId ?? ''] : []),
    m.clientHost,
    m.clientId,
    String(partitionCount(m.assignment)),
    ...(verbose
      ? [
          consumer ? String(m.memberEpoch) : '-',
          formatAssignment(m.assignment),
          consumer ? dash(s.targetAssignmentEpoch) : '-',
          consumer && m.targetAssignment !== null ? formatAssignment(m.targetAssignment) : '-',
        ]
      : []),
  ]);
  return renderTable(columns, rows);
}

/** `--describe` (the offsets view): one row per partition the group has. */
export function offsetsTable(s: GroupSnapshot): string {
  const byId = new Map(s.members.map((m) => [m.memberId, m]));
  const rows = (s.lag?.partitions ?? []).map((p) => {
    const owner = p.ownerMemberId === null ? undefined : byId.get(p.ownerMemberId);
    return [
      s.groupId,
      p.topic,
      String(p.partition),
      dash(p.committedOffset),
      String(p.logEndOffset),
      dash(p.lag),
      dash(owner?.memberId),
      dash(owner?.clientHost),
      dash(owner?.clientId),
    ];
  });
  return renderTable(
    [
      { name: 'GROUP', min: 15 },
      { name: 'TOPIC', min: 15 },
      { name: 'PARTITION', min: 10 },
      { name: 'CURRENT-OFFSET', min: 15 },
      { name: 'LOG-END-OFFSET', min: 15 },
      { name: 'LAG', min: 15 },
      { name: 'CONSUMER-ID', min: 15 },
      { name: 'HOST', min: 15 },
      { name: 'CLIENT-ID', min: 0 },
    ],
    rows,
  );
}

/** `--describe --state [--verbose]`. */
export function stateTable(s: GroupSnapshot, verbose: boolean): string {
  const coordinator =
    s.coordinator === null ? '-' : `${s.coordinator.host}:${s.coordinator.port}  (${s.coordinator.nodeId})`;
  const consumer = s.protocol === 'consumer';
  return renderTable(
    [
      { name: 'GROUP', min: 15 },
      { name: 'COORDINATOR (ID)', min: 25 },
      { name: 'ASSIGNMENT-STRATEGY', min: 20 },
      { name: 'STATE', min: 20 },
      ...(verbose
        ? [
            { name: 'GROUP-EPOCH', min: 15 },
            { name: 'TARGET-ASSIGNMENT-EPOCH', min: 25 },
          ]
        : []),
      { name: '#MEMBERS', min: 0 },
    ],
    [
      [
        s.groupId,
        coordinator,
        dash(s.assignor),
        s.state,
        ...(verbose
          ? [consumer ? String(s.groupEpoch) : '-', consumer ? dash(s.targetAssignmentEpoch) : '-']
          : []),
        String(s.members.length),
      ],
    ],
  );
}

/** `kgd groups`. */
export function groupsTable(groups: readonly ListedGroup[]): string {
  return renderTable(
    [
      { name: 'GROUP', min: 25 },
      { name: 'TYPE', min: 10 },
      { name: 'STATE', min: 20 },
      { name: 'PROTOCOL-TYPE', min: 15 },
      { name: 'COORDINATOR', min: 0 },
    ],
    groups.map((g) => [
      g.groupId,
      g.type === null ? '-' : g.type.charAt(0).toUpperCase() + g.type.slice(1),
      dash(g.state),
      dash(g.protocolType),
      String(g.coordinatorId),
    ]),
  );
}

/** `kgd lag`: the offsets view plus log start, flags and Burrow status. */
export function lagTable(s: GroupSnapshot): string {
  const rows = (s.lag?.partitions ?? []).map((p) => [
    s.groupId,
    p.topic,
    String(p.partition),
    p.committedOffset === null ? 'no commit' : String(p.committedOffset),
    String(p.logStartOffset),
    String(p.logEndOffset),
    dash(p.lag),
    dash(p.status),
    dash(p.ownerMemberId),
    p.belowLogStart ? 'committed offset is below the log start (data was deleted before it was read)' : '',
  ]);
  return renderTable(
    [
      { name: 'GROUP', min: 15 },
      { name: 'TOPIC', min: 15 },
      { name: 'PARTITION', min: 10 },
      { name: 'COMMITTED', min: 12 },
      { name: 'LOG-START', min: 12 },
      { name: 'LOG-END', min: 12 },
      { name: 'LAG', min: 10 },
      { name: 'STATUS', min: 7 },
      { name: 'OWNER', min: 15 },
      { name: 'NOTE', min: 0 },
    ],
    rows,
  );
}

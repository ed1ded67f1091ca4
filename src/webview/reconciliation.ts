import {
  type MemberStep,
  formatDuration,
  formatPartitionList,
  naturalCompare,
  partitionCount,
} from '../model';
import { el, setText } from './dom';
import type { DashboardStore } from './store';
import { VirtualTable } from './virtual-table';

function partitionsCell(a: MemberStep['kept'], cell: HTMLElement, cls: string): void {
  const n = partitionCount(a);
  setText(cell, n === 0 ? '—' : `${n}: ${formatPartitionList(a, 4)}`);
  cell.title = n === 0 ? '' : formatPartitionList(a, 50);
  cell.className = `vt-cell ${n > 0 ? cls : 'muted'}`;
}

const stateOrder: Record<string, number> = {
  UNREVOKED_PARTITIONS: 0,
  UNRELEASED_PARTITIONS: 1,
  UNKNOWN: 2,
  REJOINING: 0,
  SYNC_PENDING: 1,
  ASSIGNING: 1,
  REVOKING: 0,
  AWAITING_SYNC: 2,
  JOINED: 3,
  STABLE: 9,
};

/**
 * One row per member: its epoch against the target, its state, what it keeps, revokes and waits
 * for, and one sentence for where it is.
 */
export class ReconciliationView {
  readonly element: HTMLElement;
  private readonly table: VirtualTable<MemberStep>;
  private readonly counts = el('p', {
    className: 'counts',
    attrs: { 'data-testid': 'reconciliation-counts' },
  });
  private shownFor: unknown = null;
  private filterText = '';

  constructor(
    private readonly store: DashboardStore,
    actions: { selectMember(memberId: string): void; openMember(memberId: string): void },
  ) {
    this.table = new VirtualTable<MemberStep>({
      label: 'Members and their reconciliation',
      key: (r) => r.memberId,
      rowHeight: 24,
      emptyText: 'No members.',
      sort: { column: 'state', descending: false },
      rowClass: (r) => (r.reconciled ? 'row-reconciled' : 'row-moving'),
      onSelect: (r) => actions.selectMember(r.memberId),
      onActivate: (r) => actions.openMember(r.memberId),
      columns: [
        {
          id: 'member',
          title: 'Member',
          width: 'minmax(10ch, 1.2fr)',
          render: (r, c) => {
            setText(c, r.label);
            c.title = `${r.memberId}${r.memberType === 'classic' ? ' (classic protocol)' : ''}`;
          },
          compare: (a, b) => naturalCompare(a.label, b.label),
        },
        {
          id: 'epoch',
          title: 'Epoch → target',
          width: '14ch',
          align: 'end',
          render: (r, c) => {
            setText(
              c,
              r.targetEpoch === null || r.targetEpoch === r.epoch
                ? String(r.epoch)
                : `${r.epoch} → ${r.targetEpoch}`,
            );
            c.classList.toggle('behind', r.targetEpoch !== null && r.epoch !== r.targetEpoch);
          },
          compare: (a, b) => a.epoch - b.epoch,
        },
        {
          id: 'state',
          title: 'State',
          width: '25ch',
          render: (r, c) => {
            setText(c, r.state);
            c.className = `vt-cell state-cell state-${r.state}`;
          },
          compare: (a, b) =>
            (stateOrder[a.state] ?? 5) - (stateOrder[b.state] ?? 5) ||
            (a.sinceMs ?? Infinity) - (b.sinceMs ?? Infinity),
        },
        {
          id: 'kept',
          title: 'Kept',
          width: 'minmax(12ch, 0.8fr)',
          render: (r, c) => partitionsCell(r.kept, c, 'kept'),
          compare: (a, b) => partitionCount(a.kept) - partitionCount(b.kept),
        },
        {
          id: 'revoking',
          title: 'Being revoked',
          width: 'minmax(15ch, 0.8fr)',
          render: (r, c) => partitionsCell(r.revoking, c, 'revoking'),
          compare: (a, b) => partitionCount(a.revoking) - partitionCount(b.revoking),
        },
        {
          id: 'awaiting',
          title: 'Waiting for release',
          width: 'minmax(21ch, 0.8fr)',
          render: (r, c) => partitionsCell(r.awaiting, c, 'awaiting'),
          compare: (a, b) => partitionCount(a.awaiting) - partitionCount(b.awaiting),
        },
        {
          id: 'since',
          title: 'For',
          width: '9ch',
          align: 'end',
          render: (r, c) => {
            const s = this.store.current();
            setText(c, r.sinceMs !== null && s !== undefined ? formatDuration(s.timeMs - r.sinceMs) : '');
          },
          compare: (a, b) => (a.sinceMs ?? Infinity) - (b.sinceMs ?? Infinity),
        },
        {
          id: 'step',
          title: 'Current step',
          width: 'minmax(24ch, 3fr)',
          render: (r, c) => {
            setText(c, r.sentence);
            c.title = r.sentence;
          },
        },
      ],
    });
    const filter = el('input', {
      className: 'filter',
      attrs: { type: 'search', placeholder: 'Filter members', 'aria-label': 'Filter members by name or id' },
      on: {
        input: (e) => {
          this.filterText = (e.target as HTMLInputElement).value.trim().toLowerCase();
          this.shownFor = null;
          this.render();
        },
      },
    });
    this.element = el('section', { className: 'reconciliation', attrs: { 'aria-label': 'Reconciliation' } }, [
      el('div', { className: 'toolbar' }, [this.counts, el('div', { className: 'grow' }), filter]),
      this.table.element,
    ]);
  }

  render(): void {
    const step = this.store.step();
    if (step === this.shownFor) return;
    this.shownFor = step;
    if (step === undefined) {
      setText(this.counts, '');
      this.table.setRows([]);
      return;
    }
    setText(
      this.counts,
      `${step.reconciledMembers} of ${step.totalMembers} member${step.totalMembers === 1 ? '' : 's'} reconciled`,
    );
    const f = this.filterText;
    const rows =
      f === ''
        ? step.members
        : step.members.filter(
            (m) => m.label.toLowerCase().includes(f) || m.memberId.toLowerCase().includes(f),
          );
    this.table.setRows(rows);
  }

  get renderedRows(): number {
    return this.table.renderedRows;
  }
}

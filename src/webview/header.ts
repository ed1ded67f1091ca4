import { formatClock, formatCount, formatDuration } from '../model';
import type { GroupSnapshot } from '../model';
import { el, icon, replaceChildren, setText } from './dom';
import type { DashboardStore } from './store';

interface Fact {
  readonly label: string;
  readonly value: string;
  readonly title: string | undefined;
}

/** A label/value pair in the header's facts list (`data-testid="fact-group-epoch"` for "Group epoch"). */
function factElement(f: Fact): HTMLElement {
  const testId = `fact-${f.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return el('div', { className: 'fact', attrs: { 'data-testid': testId } }, [
    el('dt', { text: f.label }),
    el('dd', { text: f.value, attrs: f.title !== undefined ? { title: f.title } : {} }),
  ]);
}

/**
 * The group header: state, protocol, assignor, coordinator, epochs (or generation and leader),
 * the one-sentence summary of the rebalance, and where the data comes from.
 */
export class HeaderView {
  readonly element: HTMLElement;
  private readonly title = el('h1', { className: 'group-id' });
  private readonly state = el('span', { className: 'state-badge', attrs: { 'data-testid': 'group-state' } });
  private readonly facts = el('dl', { className: 'facts', attrs: { 'aria-label': 'Group facts' } });
  private readonly summary = el('p', { className: 'summary', attrs: { 'data-testid': 'group-summary' } });
  private readonly source = el('p', { className: 'source-line' });
  private readonly stale = el('div', { className: 'banner banner-warning', attrs: { role: 'alert' } });
  private readonly scrubbed = el('div', { className: 'banner banner-info', attrs: { role: 'status' } });
  private readonly exportButton: HTMLElement;
  private factsKey = '';
  private readonly notice = el('p', {
    className: 'control-status',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });

  constructor(
    private readonly store: DashboardStore,
    actions: { exportSnapshot(): void; goLive(): void },
  ) {
    this.exportButton = el('vscode-button', {
      text: 'Export snapshot',
      attrs: { secondary: true, icon: 'desktop-download', 'aria-label': 'Export the shown snapshot as JSON' },
      on: { click: () => actions.exportSnapshot() },
    });
    const live = el('vscode-button', {
      text: 'Back to live',
      attrs: { secondary: true, icon: 'debug-continue' },
      on: { click: () => actions.goLive() },
    });
    this.scrubbed.append(el('span', { className: 'banner-text' }), live);
    this.stale.hidden = true;
    this.scrubbed.hidden = true;
    this.element = el('header', { className: 'header', attrs: { 'aria-label': 'Group' } }, [
      el('div', { className: 'title-row' }, [
        this.title,
        this.state,
        el('div', { className: 'grow' }),
        this.exportButton,
      ]),
      this.facts,
      this.summary,
      this.source,
      this.notice,
      this.stale,
      this.scrubbed,
    ]);
  }

  /** A one-line message under the header (e.g. the result of an export). */
  showNotice(text: string, error: boolean): void {
    setText(this.notice, text);
    this.notice.classList.toggle('error', error);
  }

  render(): void {
    const s = this.store.current();
    setText(this.title, this.store.groupId);
    document.title = `Group ${this.store.groupId}`;
    const status = this.store.status;
    setText(
      this.source,
      `${this.store.sourceLabel}${status.detail !== '' ? ` · ${status.detail}` : ''}${
        s !== undefined
          ? ` · ${this.store.isLive() ? 'live' : 'past'} snapshot at ${timeText(this.store.sourceKind, s.timeMs)}`
          : ''
      }`,
    );
    if (s === undefined) {
      setText(this.state, 'no data');
      this.state.className = 'state-badge state-Unknown';
      replaceChildren(this.facts, []);
      this.factsKey = '';
      setText(this.summary, this.store.unavailable ?? 'Waiting for the first snapshot of this group…');
      this.stale.hidden = true;
      this.scrubbed.hidden = true;
      return;
    }
    setText(this.state, s.state);
    this.state.className = `state-badge state-${s.state}`;
    this.state.setAttribute('aria-label', `Group state ${s.state}`);
    const facts = this.factsFor(s);
    const key = facts.map((f) => `${f.label}\u0000${f.value}\u0000${f.title ?? ''}`).join('\u0001');
    if (key !== this.factsKey) {
      this.factsKey = key;
      replaceChildren(
        this.facts,
        facts.map((f) => factElement(f)),
      );
    }
    const step = this.store.step();
    setText(this.summary, step !== undefined ? capitalise(step.sentence) : '');
    this.summary.classList.toggle('summary-moving', step?.reconciling === true);

    const staleText =
      s.stale !== null
        ? `Stale: ${s.stale.reason} (last good data ${formatDuration(s.timeMs - s.stale.sinceMs)} before this snapshot).`
        : status.error !== null
          ? status.error
          : null;
    this.stale.hidden = staleText === null;
    if (staleText !== null) replaceChildren(this.stale, [icon('warning'), ' ', staleText]);

    this.scrubbed.hidden = this.store.isLive();
    const bannerText = this.scrubbed.querySelector('.banner-text');
    if (bannerText !== null && !this.store.isLive()) {
      const latest = this.store.latest();
      setText(
        bannerText,
        `Showing the past: ${timeText(this.store.sourceKind, s.timeMs)}${
          latest !== undefined ? ` (${formatDuration(latest.timeMs - s.timeMs)} before the latest)` : ''
        }.`,
      );
    }
  }

  private factsFor(s: GroupSnapshot): Fact[] {
    const fact = (label: string, value: string, title?: string): Fact => ({ label, value, title });
    const out: Fact[] = [fact('Protocol', s.protocol === 'consumer' ? 'consumer (KIP-848)' : 'classic')];
    out.push(fact('Assignor', s.assignor ?? '—'));
    out.push(
      fact(
        'Coordinator',
        s.coordinator !== null ? `${s.coordinator.host}:${s.coordinator.port}` : '—',
        s.coordinator !== null ? `broker ${s.coordinator.nodeId}` : undefined,
      ),
    );
    if (s.protocol === 'consumer') {
      out.push(fact('Group epoch', String(s.groupEpoch)));
      out.push(
        fact('Target epoch', s.targetAssignmentEpoch !== null ? String(s.targetAssignmentEpoch) : '—'),
      );
    } else {
      out.push(fact('Generation', String(s.groupEpoch)));
      out.push(
        fact('Leader', s.leaderId !== null ? this.store.label(s.leaderId) : '—', s.leaderId ?? undefined),
      );
      out.push(fact('Phase', classicPhase(s)));
      out.push(fact('Rebalance', s.rebalanceProtocol ?? 'unknown'));
    }
    out.push(fact('Members', String(s.members.length)));
    if (s.lag !== null) out.push(fact('Total lag', formatCount(s.lag.totalLag)));
    return out;
  }
}

export function classicPhase(s: GroupSnapshot): string {
  switch (s.state) {
    case 'PreparingRebalance':
      return 'JoinGroup';
    case 'CompletingRebalance':
      return 'SyncGroup';
    case 'Stable':
      return 'stable';
    default:
      return s.state;
  }
}

export function timeText(kind: string, timeMs: number): string {
  return kind === 'simulator' ? `t=${formatClock(timeMs)}` : new Date(timeMs).toLocaleTimeString();
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0]?.toUpperCase() + s.slice(1) : s;
}

import type { Finding, FindingSeverity } from '../model';
import { el, icon, replaceChildren } from './dom';
import { timeText } from './header';
import type { DashboardStore } from './store';

const ICON: Record<FindingSeverity, string> = { error: 'error', warning: 'warning', info: 'info' };
const ORDER: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

/**
 * The findings the host's diagnostics sent, most severe first: a title in plain words, what it
 * means, and the evidence. Evidence tied to a moment is a button that scrubs to it.
 */
export class DiagnosticsView {
  readonly element: HTMLElement;
  private readonly list = el('ul', { className: 'findings', attrs: { 'aria-label': 'Findings' } });
  private shown: readonly Finding[] | null = null;

  constructor(
    private readonly store: DashboardStore,
    private readonly actions: { scrubTo(timeMs: number): void; openMember(memberId: string): void },
  ) {
    this.element = el('section', { className: 'diagnostics', attrs: { 'aria-label': 'Diagnostics' } }, [
      this.list,
    ]);
  }

  render(): void {
    const findings = this.store.findings;
    if (findings === this.shown) return;
    this.shown = findings;
    if (findings.length === 0) {
      replaceChildren(this.list, [
        el('li', { className: 'finding finding-none' }, [
          icon('pass'),
          ' No findings: nothing looks wrong with this group.',
        ]),
      ]);
      return;
    }
    const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
    replaceChildren(
      this.list,
      sorted.map((f) => this.item(f)),
    );
  }

  private item(f: Finding): HTMLElement {
    const evidence = el(
      'ul',
      { className: 'evidence', attrs: { 'aria-label': 'Evidence' } },
      f.evidence.map((e) => {
        const parts: (Node | string)[] = [];
        if (e.timeMs !== null) {
          const t = e.timeMs;
          parts.push(
            el('button', {
              className: 'link',
              text: timeText(this.store.sourceKind, t),
              attrs: { type: 'button', title: 'Show the dashboard at this moment' },
              on: { click: () => this.actions.scrubTo(t) },
            }),
            ' ',
          );
        }
        parts.push(el('span', { text: e.text }));
        if (e.memberId !== null) {
          const id = e.memberId;
          parts.push(
            ' ',
            el('button', {
              className: 'link',
              text: this.store.label(id),
              attrs: { type: 'button', title: 'Open this member\u2019s details' },
              on: { click: () => this.actions.openMember(id) },
            }),
          );
        }
        return el('li', {}, parts);
      }),
    );
    return el('li', { className: `finding finding-${f.severity}`, attrs: { 'data-rule': f.rule } }, [
      el('div', { className: 'finding-title' }, [
        icon(ICON[f.severity], `sev-${f.severity}`),
        el('span', { className: 'sr-only', text: `${f.severity}: ` }),
        el('strong', { text: f.title }),
      ]),
      el('p', { className: 'finding-detail', text: f.detail }),
      f.evidence.length > 0 ? evidence : null,
    ]);
  }
}

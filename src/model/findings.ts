/**
 * Diagnostics findings: what a rule concluded about a group, in plain words, with the evidence it
 * rests on. The rules (src/diagnostics) produce them; the dashboard, the tree and the CLI show them.
 */
export type FindingSeverity = 'error' | 'warning' | 'info';

export interface FindingEvidence {
  /** One observation in plain words, e.g. "consumer-2 sent no heartbeat for 45 s". */
  readonly text: string;
  /** When it was observed (same clock as the snapshots), or null when it is not tied to a moment. */
  readonly timeMs: number | null;
  /** The member the evidence is about, when there is one. */
  readonly memberId: string | null;
}

export interface Finding {
  /** Stable id of this finding, e.g. `<rule>/<member id>`; the same problem keeps the same id. */
  readonly id: string;
  /** The rule that produced it, e.g. `max-poll-interval-exceeded`. */
  readonly rule: string;
  readonly severity: FindingSeverity;
  /** One line, e.g. "consumer-2 left: `max.poll.interval.ms` exceeded". */
  readonly title: string;
  /** What it means and what to do about it. */
  readonly detail: string;
  readonly evidence: readonly FindingEvidence[];
}

export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['error', 'warning', 'info'];

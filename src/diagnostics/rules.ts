/**
 * Diagnostics: rules over a group's snapshot and its event timeline that explain, in plain words
 * and with evidence, what the group is doing and why — the questions people otherwise answer with
 * kafka-consumer-groups.sh and guesswork.
 *
 * Every rule is pure. Rules that need client-side facts (a consumer's poll timer, say) only fire
 * where those facts exist (the simulator); for clusters they work from what a broker shows.
 */
import {
  describeEvent,
  formatAssignment,
  formatClock,
  formatDuration,
  hasPartition,
  partitionCount,
  type Finding,
  type FindingEvidence,
  type FindingSeverity,
  type GroupEvent,
  type GroupSnapshot,
  type MemberLabeler,
  type MemberSnapshot,
} from '../model';

export type { Finding };
type Severity = FindingSeverity;

/** A finding while rules run: the model's Finding plus when its condition began, for ordering. */
interface Draft extends Finding {
  readonly sinceMs: number | null;
}

export interface DiagnosticsInput {
  readonly snapshot: GroupSnapshot;
  /** The group's timeline, oldest first. */
  readonly events: readonly GroupEvent[];
  readonly nowMs: number;
  /** Turns a member id into the name the user knows. */
  readonly label?: MemberLabeler;
  /** How far back event-based rules look (default 10 minutes). */
  readonly windowMs?: number;
}

type Rule = (ctx: Context) => Draft[];

interface Context {
  readonly s: GroupSnapshot;
  readonly recent: readonly GroupEvent[];
  readonly all: readonly GroupEvent[];
  readonly now: number;
  readonly label: MemberLabeler;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function diagnose(input: DiagnosticsInput): Finding[] {
  const windowMs = input.windowMs ?? 600_000;
  const byId = new Map(input.snapshot.members.map((m) => [m.memberId, m]));
  const label: MemberLabeler =
    input.label ??
    ((id) => {
      const m = byId.get(id);
      return m !== undefined ? m.clientId : id;
    });
  const ctx: Context = {
    s: input.snapshot,
    all: input.events,
    recent: input.events.filter((e) => e.timeMs >= input.nowMs - windowMs),
    now: input.nowMs,
    label,
  };
  const findings = RULES.flatMap((r) => r(ctx));
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (b.sinceMs ?? 0) - (a.sinceMs ?? 0) ||
      (a.id < b.id ? -1 : 1),
  );
}

function seconds(ms: number): string {
  return formatDuration(ms);
}

/** Evidence from an event: its time and its sentence. */
function at(e: GroupEvent, label: MemberLabeler): FindingEvidence {
  return {
    text: `${formatClock(e.timeMs)} ${describeEvent(e, label)}`,
    timeMs: e.timeMs,
    memberId: 'memberId' in e ? e.memberId : null,
  };
}

/** Evidence that is a plain observation. */
function fact(text: string, memberId: string | null = null, timeMs: number | null = null): FindingEvidence {
  return { text, timeMs, memberId };
}

// --- rules -------------------------------------------------------------------------------------

/** A consumer exceeded max.poll.interval.ms and was taken out of the group. */
const pollIntervalExceeded: Rule = ({ recent, label }) =>
  recent
    .filter((e) => e.type === 'client-timeout' && e.timeout === 'max.poll.interval.ms')
    .map((e) => {
      const who = 'memberId' in e ? e.memberId : '';
      const left = recent.find((x) => x.type === 'member-left' && x.memberId === who && x.timeMs >= e.timeMs);
      return {
        id: `poll-interval-exceeded/${who}/${e.timeMs}`,
        rule: 'poll-interval-exceeded',
        severity: 'warning' as const,
        title: `${label(who)} left: max.poll.interval.ms exceeded`,
        detail:
          'The application did not call poll() within max.poll.interval.ms, so the consumer left the group and its partitions were reassigned. ' +
          'Process records faster, lower max.poll.records, or raise max.poll.interval.ms.',
        evidence: [at(e, label), ...(left !== undefined ? [at(left, label)] : [])],
        sinceMs: e.timeMs,
      };
    });

/** A static member came back within the session timeout. */
const staticRestart: Rule = ({ recent, label }) =>
  recent.flatMap((e) => {
    if (e.type !== 'static-member-replaced') return [];
    return [
      {
        id: `static-restart/${e.instanceId}/${e.timeMs}`,
        rule: 'static-restart',
        severity: 'info' as const,
        title: e.rebalance
          ? `static member ${e.instanceId} restarted and caused a rebalance`
          : `static member ${e.instanceId} restarted within session.timeout.ms, no rebalance`,
        detail: e.rebalance
          ? 'The instance came back with different metadata (e.g. subscription or assignor), so the group rebalanced.'
          : 'group.instance.id let the new process take over the old member and its partitions without a rebalance.',
        evidence: [at(e, label)],
        sinceMs: e.timeMs,
      },
    ];
  });

/** KIP-848: partitions waiting for their previous owner to revoke them. */
const waitingOnRevocation: Rule = ({ s, all, now, label }) => {
  if (s.protocol !== 'consumer') return [];
  const out: Draft[] = [];
  for (const holder of s.members) {
    if (partitionCount(holder.pendingRevocation) === 0) continue;
    const waiters = s.members.filter(
      (m) =>
        m.memberId !== holder.memberId &&
        m.targetAssignment !== null &&
        Object.entries(holder.pendingRevocation).some(([t, ps]) =>
          ps.some((p) => hasPartition(m.targetAssignment!, t, p)),
        ),
    );
    const since = unrevokedSince(holder, all);
    const waited = since === null ? null : now - since;
    const epoch = s.targetAssignmentEpoch ?? s.groupEpoch;
    const partitions = formatAssignment(holder.pendingRevocation);
    out.push({
      id: `waiting-on-revocation/${holder.memberId}`,
      rule: 'waiting-on-revocation',
      severity: waited !== null && waited > 30_000 ? 'warning' : 'info',
      title: `epoch ${epoch} waits for ${label(holder.memberId)} to revoke ${partitions}${waited !== null ? ` (${seconds(waited)} so far)` : ''}`,
      detail:
        `${label(holder.memberId)} must acknowledge giving up ${partitions} before ${waiters.length > 0 ? waiters.map((w) => label(w.memberId)).join(', ') : 'the new owners'} can have them. ` +
        'A slow onPartitionsRevoked or a blocked poll loop holds the group in Reconciling; the rebalance timeout (max.poll.interval.ms) fences it eventually.',
      evidence: [
        fact(
          `${label(holder.memberId)}: epoch ${holder.memberEpoch}, ${holder.reconciliation ?? 'state unknown'}, pending revocation ${partitions}`,
          holder.memberId,
          since,
        ),
        ...waiters.map((w) =>
          fact(
            `${label(w.memberId)}: epoch ${w.memberEpoch}, ${w.reconciliation ?? ''}, target ${formatAssignment(w.targetAssignment ?? {})}`,
            w.memberId,
          ),
        ),
        ...(holder.client?.condition !== null && holder.client?.condition !== undefined
          ? [fact(`client: ${holder.client.condition}`, holder.memberId)]
          : []),
      ],
      sinceMs: since,
    });
  }
  return out;
};

function unrevokedSince(m: MemberSnapshot, events: readonly GroupEvent[]): number | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'member-epoch' && e.memberId === m.memberId) {
      return e.state === 'UNREVOKED_PARTITIONS' ? e.timeMs : null;
    }
  }
  return null;
}

/** Members removed by the coordinator because they went silent. */
const sessionTimeouts: Rule = ({ recent, label }) =>
  recent.flatMap((e) => {
    if (e.type !== 'member-left' || e.reason !== 'session-timeout') return [];
    return [
      {
        id: `session-timeout/${e.memberId}/${e.timeMs}`,
        rule: 'session-timeout',
        severity: 'warning' as const,
        title: `${label(e.memberId)} was removed: no heartbeat within the session timeout`,
        detail:
          'The coordinator stopped hearing from this consumer (crashed process, long GC pause, or a network problem) and gave its partitions to others after the session timeout. ' +
          'Until then nobody consumed them.',
        evidence: [at(e, label)],
        sinceMs: e.timeMs,
      },
    ];
  });

/** Many rebalances in a short time. */
const rebalanceStorm: Rule = ({ s, recent, label }) => {
  const bumps = recent.filter((e) => e.type === 'group-epoch-bumped' || e.type === 'join-completed');
  if (bumps.length < 5) return [];
  const span = bumps[bumps.length - 1].timeMs - bumps[0].timeMs;
  const joins = recent.filter((e) => e.type === 'member-joined');
  const counts = new Map<string, number>();
  for (const j of joins) {
    const key = j.type === 'member-joined' ? (j.instanceId ?? j.clientId) : '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const flappers = [...counts.entries()].filter(([, n]) => n >= 3).map(([k, n]) => `${k} joined ${n} times`);
  return [
    {
      id: 'rebalance-storm',
      rule: 'rebalance-storm',
      severity: 'warning',
      title: `${bumps.length} ${s.protocol === 'consumer' ? 'epoch bumps' : 'rebalances'} in ${seconds(span)}: a rebalance storm`,
      detail:
        'The group keeps rebalancing, so work is repeatedly paused or moved. ' +
        (flappers.length > 0
          ? 'A member keeps leaving and rejoining (a crash loop or flapping network).'
          : 'Look at what triggers each bump in the timeline.') +
        (s.protocol === 'classic'
          ? ' Static membership (group.instance.id) avoids rebalances on quick restarts.'
          : ''),
      evidence: [...flappers.map((f) => fact(f)), ...bumps.slice(-5).map((e) => at(e, label))],
      sinceMs: bumps[0].timeMs,
    },
  ];
};

/** Fencing: the coordinator rejected a stale member. */
const fenced: Rule = ({ recent, label }) => {
  const byMember = new Map<string, GroupEvent[]>();
  for (const e of recent)
    if (e.type === 'member-fenced') byMember.set(e.memberId, [...(byMember.get(e.memberId) ?? []), e]);
  return [...byMember.entries()].map(([memberId, es]) => ({
    id: `fenced/${memberId}`,
    rule: 'fenced',
    severity: 'warning' as const,
    title: `${label(memberId)} was fenced${es.length > 1 ? ` ${es.length} times` : ''} and had to rejoin`,
    detail:
      'Its member epoch was stale (or the coordinator no longer knew it), so it lost its partitions and rejoined from epoch 0. ' +
      'Typical causes: a long pause (GC, blocked poll loop) or a network problem longer than the session timeout.',
    evidence: es.slice(-3).map((e) => at(e, label)),
    sinceMs: es[0].timeMs,
  }));
};

/** More members than partitions: some consumers sit idle. */
const idleMembers: Rule = ({ s, label }) => {
  if (s.state !== 'Stable' || s.members.length === 0) return [];
  const idle = s.members.filter((m) => partitionCount(m.assignment) === 0);
  if (idle.length === 0) return [];
  const total = s.topics.reduce((n, t) => n + t.partitions, 0);
  return [
    {
      id: 'idle-members',
      rule: 'idle-members',
      severity: 'info',
      title: `${idle.length} member${idle.length === 1 ? ' has' : 's have'} no partitions`,
      detail: `The group has ${s.members.length} members for ${total} partitions; the extra consumers wait as standbys. Add partitions to use them.`,
      evidence: idle.slice(0, 10).map((m) => fact(`${label(m.memberId)}: no assignment`, m.memberId)),
      sinceMs: null,
    },
  ];
};

/** Subscribed partitions nobody owns or is about to own. */
const unassigned: Rule = ({ s }) => {
  if (s.members.length === 0 || (s.state !== 'Stable' && s.protocol === 'classic')) return [];
  const subscribed = new Set(s.members.flatMap((m) => m.subscribedTopicNames));
  const missing: string[] = [];
  for (const t of s.topics) {
    if (!subscribed.has(t.name)) continue;
    for (let p = 0; p < t.partitions; p++) {
      const held = s.members.some(
        (m) =>
          hasPartition(m.assignment, t.name, p) ||
          hasPartition(m.pendingRevocation, t.name, p) ||
          (m.targetAssignment !== null && hasPartition(m.targetAssignment, t.name, p)),
      );
      if (!held) missing.push(`${t.name}-${p}`);
    }
  }
  if (missing.length === 0) return [];
  return [
    {
      id: 'unassigned-partitions',
      rule: 'unassigned-partitions',
      severity: 'warning',
      title: `${missing.length} subscribed partition${missing.length === 1 ? ' is' : 's are'} not assigned to anyone`,
      detail:
        s.state === 'Assigning'
          ? 'The group is computing a new target assignment; they will be assigned on the next heartbeat.'
          : 'Nobody consumes these partitions. If it persists, check the assignor and the members’ subscriptions.',
      evidence: [
        fact(
          missing.slice(0, 20).join(', ') + (missing.length > 20 ? ` … and ${missing.length - 20} more` : ''),
        ),
      ],
      sinceMs: null,
    },
  ];
};

/** Eager classic rebalancing revokes everything every time. */
const eagerProtocol: Rule = ({ s }) => {
  if (s.protocol !== 'classic' || s.rebalanceProtocol !== 'eager' || s.members.length < 2) return [];
  return [
    {
      id: 'eager-rebalancing',
      rule: 'eager-rebalancing',
      severity: 'info',
      title: 'every rebalance stops the whole group (eager protocol)',
      detail:
        `With ${s.assignor ?? 'this assignor'}, each rebalance revokes all partitions from all members first. ` +
        'cooperative-sticky (partition.assignment.strategy) or the consumer protocol (group.protocol=consumer, Kafka 4.0+) move only what must move.',
      evidence: [fact(`selected protocol: ${s.assignor ?? 'unknown'} (eager)`)],
      sinceMs: null,
    },
  ];
};

/** Lag: partitions stalled, stopped or with data deleted under the consumer. */
const lagProblems: Rule = ({ s }) => {
  const parts = s.lag?.partitions ?? [];
  const out: Draft[] = [];
  const below = parts.filter((p) => p.belowLogStart);
  if (below.length > 0) {
    out.push({
      id: 'commit-below-log-start',
      rule: 'commit-below-log-start',
      severity: 'error',
      title: `${below.length} partition${below.length === 1 ? '' : 's'} committed below the log start: records were deleted before being consumed`,
      detail:
        'Retention removed data the group had not read. The consumer will jump per auto.offset.reset; the skipped records are lost to it.',
      evidence: below
        .slice(0, 10)
        .map((p) =>
          fact(`${p.topic}-${p.partition}: committed ${p.committedOffset}, log start ${p.logStartOffset}`),
        ),
      sinceMs: null,
    });
  }
  const bad = parts.filter((p) => p.status === 'STALL' || p.status === 'STOP');
  if (bad.length > 0) {
    out.push({
      id: 'lag-stalled',
      rule: 'lag-stalled',
      severity: 'error',
      title: `${bad.length} partition${bad.length === 1 ? ' is' : 's are'} not being consumed (${[...new Set(bad.map((p) => p.status))].join(', ')})`,
      detail:
        'The committed offset stopped moving while data keeps arriving (STALL), or commits stopped altogether (STOP).',
      evidence: bad
        .slice(0, 10)
        .map((p) => fact(`${p.topic}-${p.partition}: ${p.status}, lag ${p.lag ?? 'no commit'}`)),
      sinceMs: null,
    });
  }
  if (s.lag?.status === 'WARN' && bad.length === 0) {
    const growing = parts.filter((p) => p.status === 'WARN');
    out.push({
      id: 'lag-growing',
      rule: 'lag-growing',
      severity: 'warning',
      title: `lag is growing on ${growing.length} partition${growing.length === 1 ? '' : 's'}`,
      detail:
        'The consumers commit progress but fall further behind the producers. Add consumers (and partitions) or speed up processing.',
      evidence: growing.slice(0, 10).map((p) => fact(`${p.topic}-${p.partition}: lag ${p.lag ?? '?'}`)),
      sinceMs: null,
    });
  }
  return out;
};

/** The view is stale: the cluster stopped answering. */
const stale: Rule = ({ s, now }) =>
  s.stale === null
    ? []
    : [
        {
          id: 'stale',
          rule: 'stale',
          severity: 'warning',
          title: `this view is stale: ${s.stale.reason}`,
          detail: 'What you see is the last successful observation; the group may have changed since.',
          evidence: [
            fact(
              `last observation ${seconds(Math.max(0, now - s.stale.sinceMs))} ago`,
              null,
              s.stale.sinceMs,
            ),
          ],
          sinceMs: s.stale.sinceMs,
        },
      ];

const RULES: readonly Rule[] = [
  stale,
  lagProblems,
  waitingOnRevocation,
  pollIntervalExceeded,
  sessionTimeouts,
  fenced,
  rebalanceStorm,
  staticRestart,
  unassigned,
  idleMembers,
  eagerProtocol,
];

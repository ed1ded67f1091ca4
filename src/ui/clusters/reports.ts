/**
 * Documents the cluster commands open: the connection doctor's report and the offset-reset dry run,
 * as Markdown (read in the editor or its preview — no webview needed). Pure, unit-tested.
 * Everything that came from the network (group ids, topics, hosts, broker messages) is escaped.
 */
import type { DoctorReport, DoctorStep, StepName } from '../../kafka/doctor';
import type { ResetPlan, ResetScope, ResetSpec } from '../../kafka/reset';
import type { ClusterConfig } from './config';

/** Escapes text for Markdown (inline and table cells). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Text as an inline code span (no escapes inside one; a backtick in the text widens the fence). */
export function code(text: string): string {
  const t = text.replace(/\r?\n/g, ' ').replace(/\|/g, '¦');
  const fence = t.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${t}${fence.length > 1 ? ' ' : ''}${fence}`;
}

const STEP_NAMES: Readonly<Record<StepName, string>> = {
  dns: 'DNS',
  tcp: 'TCP',
  tls: 'TLS handshake',
  sasl: 'SASL',
  'api-versions': 'ApiVersions',
  metadata: 'Metadata',
  advertised: 'Advertised listener',
  listeners: 'Listener config',
};

const MARK: Readonly<Record<DoctorStep['status'], string>> = {
  ok: 'ok',
  warn: '**WARN**',
  fail: '**FAIL**',
  skip: 'skipped',
};

/** One line describing how we connect (never a secret). */
export function connectionLine(config: ClusterConfig): string {
  const s = config.settings;
  const parts = [`bootstrap ${code(s.bootstrapServers.join(','))}`, config.securityProtocol];
  if (s.sasl !== null) parts.push(`${s.sasl.mechanism} as ${code(s.sasl.username)}`);
  if (s.tls !== null) {
    parts.push(s.tls.caFile !== null ? `CA ${code(s.tls.caFile)}` : 'system CAs');
    if (s.tls.certFile !== null) parts.push('client certificate');
    if (!s.tls.verifyHostname) parts.push('hostname not verified');
  }
  parts.push(`timeout ${s.timeoutMs / 1000} s`);
  return parts.join(' · ');
}

export function doctorMarkdown(config: ClusterConfig, report: DoctorReport, at: Date): string {
  const out: string[] = [];
  const failed = report.steps.filter((s) => s.status === 'fail').length;
  const warned = report.steps.filter((s) => s.status === 'warn').length;
  out.push(`# Connection diagnosis: ${md(config.name)}`, '');
  out.push(`${connectionLine(config)}  `, `Run at ${at.toISOString()}`, '');
  out.push(
    report.ok
      ? `**No problems found.**${warned > 0 ? ` ${warned} warning${warned === 1 ? '' : 's'} below.` : ''}`
      : `**${failed} step${failed === 1 ? '' : 's'} failed.** What to change is listed under the table.`,
    '',
  );
  if (report.metadata !== null) {
    const brokers = report.metadata.brokers
      .map(
        (b) =>
          `node ${b.nodeId} ${code(`${b.host}:${b.port}`)}${b.rack !== null ? ` (rack ${md(b.rack)})` : ''}`,
      )
      .join(', ');
    out.push(
      `Cluster id ${code(report.metadata.clusterId ?? 'unknown')}; brokers as advertised: ${brokers || 'none'}.`,
      '',
    );
  }
  out.push('| Result | Target | Step | What we saw | Time |', '| --- | --- | --- | --- | ---: |');
  for (const s of report.steps) {
    out.push(
      `| ${MARK[s.status]} | ${code(s.target)} | ${STEP_NAMES[s.step]} | ${md(s.detail)} | ${s.ms} ms |`,
    );
  }
  const hints = report.steps.filter((s) => s.hint !== null && s.status !== 'ok' && s.status !== 'skip');
  if (hints.length > 0) {
    out.push('', '## What to change', '');
    for (const s of hints) out.push(`- **${md(s.target)} · ${STEP_NAMES[s.step]}**: ${md(s.hint ?? '')}`);
  }
  out.push(
    '',
    '---',
    '',
    'The same checks from a terminal: `kgd doctor --bootstrap … [--command-config client.properties]`.',
    '',
  );
  return out.join('\n');
}

/** A reset target in words, e.g. "the earliest offset" or "1 h 30 min back". */
export function describeSpec(spec: ResetSpec): string {
  switch (spec.kind) {
    case 'earliest':
      return 'the earliest offset (log start)';
    case 'latest':
      return 'the latest offset (log end)';
    case 'current':
      return 'the current offset';
    case 'offset':
      return `offset ${spec.offset}`;
    case 'shift-by':
      return `the current offset ${spec.by >= 0 ? '+' : '−'} ${Math.abs(spec.by)}`;
    case 'datetime':
      return `the first offset at or after ${new Date(spec.timestampMs).toISOString()}`;
    case 'duration':
      return `the first offset at or after ${formatBack(spec.backMs)} ago`;
  }
}

function formatBack(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${name}`);
    rest -= n * size;
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest} ms`);
  return parts.join(' ');
}

export function describeScope(scope: ResetScope): string {
  if (scope.kind === 'all-topics') return 'all topics the group has committed offsets for';
  return scope.topics
    .map((t) =>
      t.partitions === null ? `topic ${t.topic}` : `${t.topic} partitions ${t.partitions.join(', ')}`,
    )
    .join('; ');
}

export function resetPlanMarkdown(
  cluster: string,
  plan: ResetPlan,
  scope: ResetScope,
  kafkaCommand: string,
  at: Date,
): string {
  const out: string[] = [];
  out.push(`# Offset reset — dry run: group ${md(plan.groupId)} on ${md(cluster)}`, '');
  out.push(
    `Reset to ${md(describeSpec(plan.spec))}  `,
    `Scope: ${md(describeScope(scope))}  `,
    `Group state: **${md(plan.state === 'Dead' ? 'Dead (no such group yet)' : plan.state)}** · planned at ${at.toISOString()}`,
    '',
  );
  if (plan.refusal !== null) {
    out.push(
      `> **This reset cannot run now.** ${md(plan.refusal)} Stop the group's consumers and plan again.`,
      '',
    );
  } else {
    out.push('> Nothing has changed yet. Run the reset from the prompt that opened with this plan.', '');
  }
  let forward = 0;
  let back = 0;
  out.push(
    '| GROUP | TOPIC | PARTITION | CURRENT-OFFSET | NEW-OFFSET | MOVE | LOG-START-OFFSET | LOG-END-OFFSET | NOTE |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of plan.rows) {
    const move = r.current === null ? null : r.newOffset - r.current;
    if (move !== null && move > 0) forward += move;
    if (move !== null && move < 0) back -= move;
    out.push(
      `| ${md(plan.groupId)} | ${md(r.topic)} | ${r.partition} | ${r.current ?? '-'} | ${r.newOffset} | ${
        move === null ? 'new' : move > 0 ? `+${move}` : String(move)
      } | ${r.logStartOffset} | ${r.logEndOffset} | ${md(r.note ?? '')} |`,
    );
  }
  out.push('');
  if (plan.rows.length === 0) {
    out.push('No partitions: the group has no committed offsets in this scope.', '');
  } else {
    out.push(
      `${plan.rows.length} partition${plan.rows.length === 1 ? '' : 's'}: ${back} record${back === 1 ? '' : 's'} to be read again, ${forward} skipped.`,
      '',
    );
  }
  out.push('The same dry run with Kafka’s own tool:', '', '```sh', kafkaCommand, '```', '');
  return out.join('\n');
}

/**
 * "Copy as kafka-consumer-groups command": the Kafka CLI line (kafka-tools) that does the same
 * thing as one of our actions, for people who want to run or review it with Kafka's own tool.
 * Security settings go into a client properties file; the line refers to it as client.properties
 * and `clientProperties()` writes its content (without the password: a placeholder is left).
 */
import type { ConnectionSettings } from './connection';
import type { ResetScope, ResetSpec } from './reset';

export type GroupAction =
  | {
      readonly kind: 'describe';
      readonly groups: readonly string[];
      readonly view: 'offsets' | 'members' | 'state';
      readonly verbose: boolean;
    }
  | { readonly kind: 'list' }
  | {
      readonly kind: 'reset';
      readonly groups: readonly string[];
      readonly spec: ResetSpec;
      readonly scope: ResetScope;
      readonly execute: boolean;
    }
  | { readonly kind: 'delete'; readonly groups: readonly string[] }
  | { readonly kind: 'delete-offsets'; readonly group: string; readonly topics: readonly string[] };

/** Quotes for a POSIX shell when needed. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function isoDuration(ms: number): string {
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const time = `${h > 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}${s > 0 ? `${s}S` : ''}`;
  return `P${d > 0 ? `${d}D` : ''}${time !== '' ? `T${time}` : d > 0 ? '' : 'T0S'}`;
}

function specArgs(spec: ResetSpec): string[] {
  switch (spec.kind) {
    case 'earliest':
      return ['--to-earliest'];
    case 'latest':
      return ['--to-latest'];
    case 'current':
      return ['--to-current'];
    case 'offset':
      return ['--to-offset', String(spec.offset)];
    case 'shift-by':
      return ['--shift-by', String(spec.by)];
    case 'datetime':
      return ['--to-datetime', new Date(spec.timestampMs).toISOString().replace(/Z$/, '')];
    case 'duration':
      return ['--by-duration', isoDuration(spec.backMs)];
  }
}

function scopeArgs(scope: ResetScope): string[] {
  if (scope.kind === 'all-topics') return ['--all-topics'];
  return scope.topics.flatMap((t) => [
    '--topic',
    t.partitions === null ? t.topic : `${t.topic}:${t.partitions.join(',')}`,
  ]);
}

/** The kafka-consumer-groups.sh line for `action` against the cluster in `settings`. */
export function kafkaConsumerGroupsCommand(action: GroupAction, settings: ConnectionSettings): string {
  const args = ['kafka-consumer-groups.sh', '--bootstrap-server', settings.bootstrapServers.join(',')];
  if (settings.tls !== null || settings.sasl !== null) args.push('--command-config', 'client.properties');
  const groups = (gs: readonly string[]): string[] => gs.flatMap((g) => ['--group', g]);
  switch (action.kind) {
    case 'list':
      args.push('--list', '--type');
      break;
    case 'describe':
      args.push('--describe', ...groups(action.groups));
      if (action.view !== 'offsets') args.push(`--${action.view}`);
      if (action.verbose) args.push('--verbose');
      break;
    case 'reset':
      args.push(
        ...groups(action.groups),
        '--reset-offsets',
        ...scopeArgs(action.scope),
        ...specArgs(action.spec),
      );
      args.push(action.execute ? '--execute' : '--dry-run');
      break;
    case 'delete':
      args.push('--delete', ...groups(action.groups));
      break;
    case 'delete-offsets':
      args.push('--delete-offsets', '--group', action.group, ...action.topics.flatMap((t) => ['--topic', t]));
      break;
  }
  return args.map(shellQuote).join(' ');
}

/** The client.properties that kafkaConsumerGroupsCommand refers to (PEM files; password left out). */
export function clientProperties(settings: ConnectionSettings): string {
  const lines: string[] = [];
  const protocol = `${settings.sasl !== null ? 'SASL_' : ''}${settings.tls !== null ? 'SSL' : 'PLAINTEXT'}`;
  lines.push(`security.protocol=${protocol}`);
  if (settings.tls !== null) {
    if (settings.tls.caFile !== null)
      lines.push('ssl.truststore.type=PEM', `ssl.truststore.location=${settings.tls.caFile}`);
    if (settings.tls.certFile !== null) {
      lines.push(
        '# Kafka wants the key and the certificate chain in one PEM file:',
        `#   cat ${settings.tls.keyFile ?? 'client.key'} ${settings.tls.certFile} > client-keystore.pem`,
        'ssl.keystore.type=PEM',
        'ssl.keystore.location=client-keystore.pem',
      );
    }
    if (!settings.tls.verifyHostname) lines.push('ssl.endpoint.identification.algorithm=');
  }
  if (settings.sasl !== null) {
    const module =
      settings.sasl.mechanism === 'PLAIN'
        ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
        : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    lines.push(
      `sasl.mechanism=${settings.sasl.mechanism}`,
      `sasl.jaas.config=${module} required username="${settings.sasl.username}" password="<password>";`,
    );
  }
  return `${lines.join('\n')}\n`;
}

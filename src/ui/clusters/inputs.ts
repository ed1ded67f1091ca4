/**
 * Pure input handling of the cluster commands (unit-tested without VS Code): programmatic
 * arguments of Add Cluster, the complete check of a new cluster, the topics a group is known to
 * use, durations typed for "reset back by".
 */
import {
  ConnectionSettingsError,
  SASL_MECHANISMS,
  type SaslMechanism,
  type Secrets,
} from '../../kafka/connection';
import { parseIsoDuration } from '../../kafka/reset';
import type { GroupSnapshot } from '../../model';
import { parseDuration } from '../../simulator/scenario/duration';
import {
  SECURITY_PROTOCOLS,
  checkBootstrap,
  checkClusterName,
  checkUsername,
  entryOf,
  type ClusterEntry,
  type NewCluster,
  type SecurityProtocol,
} from './config';

/** A new cluster with its secrets, as the flow (or a caller of the command) gives it. */
export interface NewClusterInput extends NewCluster {
  readonly password?: string | null;
  readonly keyPassphrase?: string | null;
}

/** Reads arguments of a programmatic call (every field checked: it is untrusted input). */
export function newClusterArg(arg: unknown): NewClusterInput | undefined {
  if (typeof arg !== 'object' || arg === null || 'descriptor' in arg) return undefined;
  const o = arg as Record<string, unknown>;
  if (typeof o.name !== 'string' || typeof o.bootstrapServers !== 'string') return undefined;
  const protocol = typeof o.securityProtocol === 'string' ? o.securityProtocol.toUpperCase() : 'PLAINTEXT';
  if (!SECURITY_PROTOCOLS.includes(protocol as SecurityProtocol))
    throw new ConnectionSettingsError(`securityProtocol must be one of ${SECURITY_PROTOCOLS.join(', ')}`);
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const tls = typeof o.tls === 'object' && o.tls !== null ? (o.tls as Record<string, unknown>) : undefined;
  const sasl =
    typeof o.sasl === 'object' && o.sasl !== null ? (o.sasl as Record<string, unknown>) : undefined;
  const mechanism = typeof sasl?.mechanism === 'string' ? sasl.mechanism.toUpperCase() : '';
  if (sasl !== undefined && !SASL_MECHANISMS.includes(mechanism as SaslMechanism))
    throw new ConnectionSettingsError(`sasl.mechanism must be one of ${SASL_MECHANISMS.join(', ')}`);
  return {
    name: o.name,
    bootstrapServers: o.bootstrapServers,
    securityProtocol: protocol as SecurityProtocol,
    ...(tls !== undefined
      ? {
          tls: {
            caFile: str(tls.caFile),
            certFile: str(tls.certFile),
            keyFile: str(tls.keyFile),
            verifyHostname: tls.verifyHostname !== false,
          },
        }
      : {}),
    ...(sasl !== undefined
      ? {
          sasl: {
            mechanism: mechanism as SaslMechanism,
            username: typeof sasl.username === 'string' ? sasl.username : '',
          },
        }
      : {}),
    password: str(o.password),
    keyPassphrase: str(o.keyPassphrase),
  };
}

/** Checks a new cluster completely; throws a UserFacingError naming the first problem. */
export function validateNewCluster(c: NewClusterInput, taken: readonly string[]): ClusterEntry {
  const problem =
    checkClusterName(c.name, taken) ??
    checkBootstrap(c.bootstrapServers) ??
    (c.securityProtocol.startsWith('SASL_')
      ? c.sasl === undefined
        ? `${c.securityProtocol} needs a SASL mechanism and user name.`
        : (checkUsername(c.sasl.username) ??
          (c.password === undefined || c.password === null || c.password === ''
            ? `${c.securityProtocol} needs the password of "${c.sasl.username}".`
            : null))
      : null);
  if (problem !== null) throw new ConnectionSettingsError(problem);
  return entryOf(c);
}

/** Topics the group is known to use: subscribed, assigned or committed (from its latest snapshot). */
export function knownTopics(s: GroupSnapshot | undefined): { name: string; partitions: number | null }[] {
  if (s === undefined) return [];
  const out = new Map<string, number | null>();
  for (const t of s.topics) out.set(t.name, t.partitions);
  for (const p of s.lag?.partitions ?? []) if (!out.has(p.topic)) out.set(p.topic, null);
  for (const m of s.members) for (const t of m.subscribedTopicNames) if (!out.has(t)) out.set(t, null);
  return [...out.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, partitions]) => ({ name, partitions }));
}

/** Parses "1h30m", "90s", "PT1H30M", "P1DT2H" into ms; null when it is none of those. */
export function parseBackDuration(text: string): number | null {
  const t = text.trim();
  if (/^P/i.test(t)) {
    try {
      return parseIsoDuration(t.toUpperCase());
    } catch {
      return null;
    }
  }
  const compound = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m(?!s))?\s*(?:(\d+)s)?$/i.exec(t);
  if (compound !== null && t !== '') {
    const [, d, h, m, s] = compound;
    return (
      Number(d ?? 0) * 86_400_000 +
      Number(h ?? 0) * 3_600_000 +
      Number(m ?? 0) * 60_000 +
      Number(s ?? 0) * 1000
    );
  }
  return parseDuration(t);
}

/** Replaces every occurrence of the secrets in a log line (defence in depth: none should be there). */
export function redactor(secrets: Secrets): (line: string) => string {
  const values = [secrets.password, secrets.keyPassphrase].filter(
    (v): v is string => typeof v === 'string' && v.length >= 1,
  );
  return (line) => values.reduce((l, v) => l.split(v).join('***'), line);
}

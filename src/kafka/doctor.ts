/**
 * "Diagnose Connection": step by step, for each bootstrap server — DNS, TCP, TLS handshake,
 * SASL and ApiVersions, Metadata — then every broker's *advertised* address from here (the
 * Docker/Kubernetes trap: the bootstrap answers, the advertised host does not), then, where
 * DescribeConfigs is allowed, the brokers' listener settings. Each step says what it saw and, when
 * it failed, what to change.
 */
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import {
  KafkaClient,
  UnsupportedApiError,
  type BrokerInfo,
  type ClusterMetadata,
  type Deadline,
} from './client';
import {
  KafkaConnectionError,
  formatHostPort,
  parseHostPort,
  type ConnectionSettings,
  type HostPort,
  type Secrets,
} from './connection';
import { checkListenerConfig, parseListeners, parseProtocolMap, securityProtocolOf } from './listeners';
import type { Transport } from './transport/transport';
import { errorName } from './wire/errors';
import { DescribeConfigs } from './wire/messages';

export type StepName =
  'dns' | 'tcp' | 'tls' | 'sasl' | 'api-versions' | 'metadata' | 'advertised' | 'listeners';
export type StepStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorStep {
  /** host:port the step concerns, or "cluster". */
  readonly target: string;
  readonly step: StepName;
  readonly status: StepStatus;
  readonly detail: string;
  /** What to change, when something is wrong. */
  readonly hint: string | null;
  readonly ms: number;
}

export interface DoctorReport {
  readonly steps: readonly DoctorStep[];
  /** True when no step failed. */
  readonly ok: boolean;
  readonly metadata: { readonly clusterId: string | null; readonly brokers: readonly BrokerInfo[] } | null;
}

export interface DoctorOptions {
  readonly transport: Transport;
  /** For tests: a DNS lookup to use instead of the system's. */
  readonly lookupHost?: (host: string) => Promise<string[]>;
}

const KNOWN_APIS: ReadonlyArray<[number, string]> = [
  [69, 'ConsumerGroupDescribe (KIP-848)'],
  [68, 'ConsumerGroupHeartbeat (KIP-848)'],
  [16, 'ListGroups'],
  [15, 'DescribeGroups'],
  [9, 'OffsetFetch'],
  [2, 'ListOffsets'],
];

function stepTimeout(settings: ConnectionSettings): number {
  return Math.max(1000, Math.min(5000, Math.floor(settings.timeoutMs / 3)));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t };
}

function tcpProbe(hp: HostPort, timeoutMs: number): Promise<{ ok: true } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const s = netConnect({ host: hp.host, port: hp.port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ ok: false, code: 'TIMEOUT' });
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ ok: true });
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, code: e.code ?? e.message });
    });
  });
}

interface TlsOutcome {
  readonly ok: boolean;
  readonly detail: string;
  readonly hint: string | null;
}

function describeCert(c: PeerCertificate): string {
  const names = (c.subjectaltname ?? '').replace(/DNS:|IP Address:/g, '').trim();
  const cn = (x: Record<string, string | string[]> | undefined): string | null => {
    const v = x?.['CN'];
    return v === undefined ? null : Array.isArray(v) ? v.join('+') : v;
  };
  const subject = cn(c.subject as Record<string, string | string[]> | undefined);
  const issuer = cn(c.issuer as Record<string, string | string[]> | undefined);
  return (
    `certificate ${subject !== null ? `CN=${subject}` : '(no CN)'}, issued by ${issuer !== null ? `CN=${issuer}` : '?'}, ` +
    `valid until ${c.valid_to}${names ? `, names: ${names}` : ''}`
  );
}

function tlsProbe(hp: HostPort, options: ConnectionOptions, timeoutMs: number): Promise<TlsOutcome> {
  return new Promise((resolve) => {
    const s = tlsConnect({
      host: hp.host,
      port: hp.port,
      ...(isIP(hp.host) ? {} : { servername: hp.host }),
      ...options,
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({
        ok: false,
        detail: 'no TLS handshake in time',
        hint: "This port may not speak TLS: use the broker's SSL or SASL_SSL listener, or turn TLS off for a PLAINTEXT listener.",
      });
    }, timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = s.getPeerCertificate();
      const detail = `${s.getProtocol() ?? 'TLS'}, ${describeCert(cert)}`;
      s.destroy();
      resolve({ ok: true, detail, hint: null });
    });
    s.once('error', (e: Error) => {
      clearTimeout(timer);
      s.destroy();
      const msg = e.message;
      let hint: string;
      if (/wrong version number|packet length too long|unexpected eof|ECONNRESET/i.test(msg)) {
        hint = "This port does not speak TLS: use the broker's SSL or SASL_SSL listener, or turn TLS off.";
      } else if (/self[- ]signed|unable to (get|verify)|certificate chain/i.test(msg)) {
        hint =
          "The broker's certificate is not signed by a CA we trust: set the CA file to the CA that signed it.";
      } else if (/Hostname\/IP does not match|altnames/i.test(msg)) {
        hint =
          'The certificate does not name this host: connect by a name it lists, or turn off hostname verification.';
      } else if (/expired/i.test(msg)) {
        hint = "The broker's certificate has expired: it must be renewed on the broker.";
      } else if (/alert/i.test(msg)) {
        hint =
          'The broker rejected the handshake; it may require a client certificate (set certificate and key).';
      } else hint = 'Check the TLS settings (CA, client certificate and key).';
      resolve({ ok: false, detail: `TLS handshake failed: ${msg}`, hint });
    });
  });
}

function tlsOptionsOf(settings: ConnectionSettings, secrets: Secrets): ConnectionOptions {
  const t = settings.tls;
  if (t === null) return {};
  const o: ConnectionOptions = { rejectUnauthorized: true };
  try {
    if (t.caFile !== null) o.ca = readFileSync(t.caFile);
    if (t.certFile !== null) o.cert = readFileSync(t.certFile);
    if (t.keyFile !== null) o.key = readFileSync(t.keyFile);
  } catch {
    // Reported by the transport with the file name.
  }
  if (secrets.keyPassphrase) o.passphrase = secrets.keyPassphrase;
  if (!t.verifyHostname) o.checkServerIdentity = () => undefined;
  return o;
}

const TCP_HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED:
    'Nothing listens there: check the port and that the broker runs and listens on this interface.',
  TIMEOUT: 'No answer: a firewall, security group or wrong address drops the connection.',
  EHOSTUNREACH: 'No route to the host: check the network, VPN or firewall.',
  ENETUNREACH: 'No route to the network: check the network or VPN.',
};

/** Runs every check. Never throws for network trouble: it is what the report is about. */
export async function diagnoseConnection(
  settings: ConnectionSettings,
  secrets: Secrets,
  options: DoctorOptions,
): Promise<DoctorReport> {
  const steps: DoctorStep[] = [];
  const add = (s: DoctorStep): void => void steps.push(s);
  const dnsCache = new Map<string, boolean>();
  const resolveHost =
    options.lookupHost ?? (async (h: string) => (await lookup(h, { all: true })).map((a) => a.address));
  const client = new KafkaClient({ settings, transport: options.transport });
  const per = stepTimeout(settings);
  let metadata: ClusterMetadata | null = null;
  const reachable = new Set<string>();

  /** DNS → TCP → TLS → ApiVersions+SASL for one address; returns whether Kafka answered there. */
  async function probe(hp: HostPort, label: string): Promise<boolean> {
    const target = formatHostPort(hp);
    if (isIP(hp.host) === 0) {
      try {
        const { value, ms } = await timed(() => resolveHost(hp.host));
        dnsCache.set(hp.host, true);
        add({
          target,
          step: 'dns',
          status: 'ok',
          detail: `${hp.host} resolves to ${value.join(', ')}`,
          hint: null,
          ms,
        });
      } catch (e) {
        dnsCache.set(hp.host, false);
        add({
          target,
          step: 'dns',
          status: 'fail',
          detail: `${hp.host} does not resolve (${e instanceof Error ? e.message : String(e)})`,
          hint:
            label === 'bootstrap'
              ? 'Check the spelling, or use an address this machine can resolve.'
              : 'The broker advertises a host this machine cannot resolve: fix advertised.listeners on the broker (or add a DNS/hosts entry).',
          ms: 0,
        });
        return false;
      }
    } else {
      add({ target, step: 'dns', status: 'skip', detail: `${hp.host} is an IP address`, hint: null, ms: 0 });
    }
    const tcp = await timed(() => tcpProbe(hp, per));
    if (!tcp.value.ok) {
      add({
        target,
        step: 'tcp',
        status: 'fail',
        detail: `cannot connect (${tcp.value.code})`,
        hint: TCP_HINTS[tcp.value.code] ?? 'Check the address and the network.',
        ms: tcp.ms,
      });
      return false;
    }
    add({ target, step: 'tcp', status: 'ok', detail: `connected in ${tcp.ms} ms`, hint: null, ms: tcp.ms });
    if (settings.tls !== null) {
      const t = await timed(() => tlsProbe(hp, tlsOptionsOf(settings, secrets), per));
      add({
        target,
        step: 'tls',
        status: t.value.ok ? 'ok' : 'fail',
        detail: t.value.detail,
        hint: t.value.hint,
        ms: t.ms,
      });
      if (!t.value.ok) return false;
    } else {
      add({ target, step: 'tls', status: 'skip', detail: 'TLS is off in the settings', hint: null, ms: 0 });
    }
    const started = Date.now();
    try {
      const versions = await client.withDeadline('ApiVersions', () => client.apiVersions(hp), per * 2);
      const ms = Date.now() - started;
      add(
        settings.sasl === null
          ? { target, step: 'sasl', status: 'skip', detail: 'SASL is off in the settings', hint: null, ms: 0 }
          : {
              target,
              step: 'sasl',
              status: 'ok',
              detail: `authenticated as ${settings.sasl.username} (${settings.sasl.mechanism})`,
              hint: null,
              ms,
            },
      );
      const notable = KNOWN_APIS.map(([key, name]) => {
        const r = versions.get(key);
        return r === undefined ? `${name}: no` : `${name} v${r.min}–v${r.max}`;
      });
      const kip848 = versions.has(69);
      add({
        target,
        step: 'api-versions',
        status: kip848 ? 'ok' : 'warn',
        detail: `${versions.size} APIs; ${notable.join('; ')}`,
        hint: kip848
          ? null
          : 'This broker predates KIP-848 (Kafka 4.0): only classic groups can be described.',
        ms,
      });
      reachable.add(target);
      return true;
    } catch (e) {
      const ms = Date.now() - started;
      const err = e instanceof Error ? e : new Error(String(e));
      if (err instanceof KafkaConnectionError && err.kind === 'auth') {
        add({
          target,
          step: 'sasl',
          status: 'fail',
          detail: err.message.replace(`${target}: `, ''),
          hint: err.hint,
          ms,
        });
        return false;
      }
      let hint = err instanceof KafkaConnectionError ? err.hint : 'See the log for details.';
      if (
        settings.tls === null &&
        err instanceof KafkaConnectionError &&
        (err.kind === 'closed' || err.kind === 'timeout')
      ) {
        const probeTls = await tlsProbe(hp, { rejectUnauthorized: false }, per);
        if (probeTls.ok)
          hint =
            "This port speaks TLS: turn TLS on (and set the CA), or use the broker's PLAINTEXT listener.";
      }
      add({
        target,
        step: 'api-versions',
        status: 'fail',
        detail: err.message.replace(`${target}: `, ''),
        hint,
        ms,
      });
      return false;
    }
  }

  try {
    const bootstrap = settings.bootstrapServers.map(parseHostPort);
    let anyOk = false;
    for (const hp of bootstrap) if (await probe(hp, 'bootstrap')) anyOk = true;
    if (anyOk) {
      const started = Date.now();
      try {
        metadata = await client.withDeadline('Metadata', (d) => client.metadata([], d), per * 2);
        add({
          target: 'cluster',
          step: 'metadata',
          status: 'ok',
          detail:
            `cluster ${metadata.clusterId ?? '?'}, controller ${metadata.controllerId}, brokers: ` +
            metadata.brokers
              .map((b) => `${b.nodeId} at ${formatHostPort(b)}${b.rack ? ` (rack ${b.rack})` : ''}`)
              .join(', '),
          hint: null,
          ms: Date.now() - started,
        });
      } catch (e) {
        add({
          target: 'cluster',
          step: 'metadata',
          status: 'fail',
          detail: e instanceof Error ? e.message : String(e),
          hint:
            e instanceof UnsupportedApiError
              ? 'The broker is too old for this client (it needs Kafka 2.4 or newer).'
              : null,
          ms: Date.now() - started,
        });
      }
    }
    if (metadata !== null) {
      for (const b of metadata.brokers) {
        const target = formatHostPort(b);
        if (reachable.has(target)) {
          add({
            target,
            step: 'advertised',
            status: 'ok',
            detail: `broker ${b.nodeId} is the bootstrap address itself`,
            hint: null,
            ms: 0,
          });
          continue;
        }
        const ok = await probe(b, 'advertised');
        add({
          target,
          step: 'advertised',
          status: ok ? 'ok' : 'fail',
          detail: ok
            ? `broker ${b.nodeId} answers at its advertised address`
            : `broker ${b.nodeId} advertises ${target}, which this machine cannot reach (the bootstrap address answered)`,
          hint: ok
            ? null
            : 'After bootstrapping, clients talk to the advertised addresses. Set advertised.listeners (for the listener you ' +
              'bootstrap through) to a host and port this machine can reach — the usual trap with Docker and Kubernetes, where ' +
              'brokers advertise container names or pod IPs.',
          ms: 0,
        });
      }
      await checkListeners(client, metadata, settings, dnsCache, resolveHost, add, per);
    }
  } finally {
    await client.close().catch(() => undefined);
  }
  return {
    steps,
    ok: steps.every((s) => s.status !== 'fail'),
    metadata: metadata === null ? null : { clusterId: metadata.clusterId, brokers: metadata.brokers },
  };
}

async function checkListeners(
  client: KafkaClient,
  metadata: ClusterMetadata,
  settings: ConnectionSettings,
  dnsCache: Map<string, boolean>,
  resolveHost: (h: string) => Promise<string[]>,
  add: (s: DoctorStep) => void,
  per: number,
): Promise<void> {
  const started = Date.now();
  const bootstrap = settings.bootstrapServers.map(parseHostPort);
  const configs = new Map<number, Map<string, string | null>>();
  const errors: string[] = [];
  // A broker answers DescribeConfigs for itself; try the bootstrap addresses, then the advertised ones.
  const targets: HostPort[] = [...bootstrap, ...metadata.brokers];
  try {
    await client.withDeadline(
      'DescribeConfigs',
      async (d: Deadline) => {
        for (const t of targets) {
          const missing = metadata.brokers.filter((b) => !configs.has(b.nodeId));
          if (missing.length === 0) break;
          try {
            const { response } = await client.request(
              DescribeConfigs,
              t,
              () => ({
                Resources: missing.map((b) => ({
                  ResourceType: 4,
                  ResourceName: String(b.nodeId),
                  ConfigurationKeys: [
                    'listeners',
                    'advertised.listeners',
                    'listener.security.protocol.map',
                    'controller.listener.names',
                  ],
                })),
                IncludeSynonyms: false,
                IncludeDocumentation: false,
              }),
              d,
            );
            for (const r of response.Results) {
              if (r.ErrorCode !== 0) {
                errors.push(
                  `broker ${r.ResourceName}: ${errorName(r.ErrorCode)}${r.ErrorMessage ? ` (${r.ErrorMessage})` : ''}`,
                );
                continue;
              }
              configs.set(Number(r.ResourceName), new Map(r.Configs.map((c) => [c.Name, c.Value])));
            }
          } catch (e) {
            if (e instanceof UnsupportedApiError) throw e;
            // Unreachable (e.g. a wrong advertised address): try the next address.
          }
        }
      },
      per * 2,
    );
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  }
  if (configs.size === 0) {
    add({
      target: 'cluster',
      step: 'listeners',
      status: 'skip',
      detail: `the brokers' listener settings could not be read${errors.length > 0 ? ` (${[...new Set(errors)].join('; ')})` : ''}`,
      hint: 'DescribeConfigs on the broker resource needs the DescribeConfigs permission on the cluster.',
      ms: Date.now() - started,
    });
    return;
  }
  // Resolve every advertised host once, so the pure checks can ask.
  for (const c of configs.values()) {
    for (const l of parseListeners(c.get('advertised.listeners'))) {
      if (l.host === '' || isIP(l.host) !== 0 || dnsCache.has(l.host)) continue;
      try {
        await resolveHost(l.host);
        dnsCache.set(l.host, true);
      } catch {
        dnsCache.set(l.host, false);
      }
    }
  }
  for (const [nodeId, c] of [...configs.entries()].sort((a, b) => a[0] - b[0])) {
    const findings = checkListenerConfig(
      {
        nodeId,
        listeners: c.get('listeners') ?? null,
        advertisedListeners: c.get('advertised.listeners') ?? null,
        protocolMap: c.get('listener.security.protocol.map') ?? null,
        controllerListenerNames: c.get('controller.listener.names') ?? null,
      },
      (h) => dnsCache.get(h),
      new Set(bootstrap.map((b) => b.port)),
    );
    // Which listener did we come in through, and does its protocol match our settings?
    const map = parseProtocolMap(c.get('listener.security.protocol.map'));
    const ours = `${settings.sasl !== null ? 'SASL_' : ''}${settings.tls !== null ? 'SSL' : 'PLAINTEXT'}`;
    for (const l of parseListeners(c.get('listeners'))) {
      if (!bootstrap.some((b) => b.port === l.port)) continue;
      const proto = securityProtocolOf(l.name, map);
      if (proto !== null && proto !== ours) {
        findings.push({
          severity: 'error',
          message: `broker ${nodeId}: port ${l.port} is listener ${l.name} (${proto}), but the connection settings use ${ours}`,
        });
      }
    }
    const detail =
      `broker ${nodeId}: listeners=${c.get('listeners') ?? '?'}; advertised.listeners=${c.get('advertised.listeners') ?? '?'}` +
      (findings.length > 0 ? ` — ${findings.map((f) => f.message).join('; ')}` : '');
    add({
      target: `broker ${nodeId}`,
      step: 'listeners',
      status: findings.some((f) => f.severity === 'error') ? 'fail' : findings.length > 0 ? 'warn' : 'ok',
      detail,
      hint: findings.length > 0 ? 'Fix the listener settings on the broker as described.' : null,
      ms: Date.now() - started,
    });
  }
}

/**
 * Broker listener configuration (listeners, advertised.listeners, listener.security.protocol.map)
 * and the mistakes people make with it. Pure: the doctor feeds it what DescribeConfigs returned.
 */

export interface Listener {
  readonly name: string;
  /** "" means all interfaces. */
  readonly host: string;
  readonly port: number;
}

/** Parses "PLAINTEXT://:9092,SSL://[::1]:9093,EXTERNAL://kafka.example.com:29092". */
export function parseListeners(value: string | null | undefined): Listener[] {
  if (value === null || value === undefined || value.trim() === '') return [];
  return value.split(',').flatMap((raw) => {
    const m = /^\s*([A-Za-z0-9_-]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)\s*$/.exec(raw);
    if (m === null) return [];
    return [{ name: m[1].toUpperCase(), host: m[2].replace(/^\[|\]$/g, ''), port: Number(m[3]) }];
  });
}

/** "PLAINTEXT:PLAINTEXT,EXTERNAL:SASL_SSL" → listener name → security protocol. */
export function parseProtocolMap(value: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (value ?? '').split(',')) {
    const [k, v] = pair.split(':').map((s) => s.trim().toUpperCase());
    if (k && v) out.set(k, v);
  }
  return out;
}

/** The security protocol of a listener: from the map, or the name itself for the standard names. */
export function securityProtocolOf(name: string, map: ReadonlyMap<string, string>): string | null {
  return map.get(name) ?? (['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(name) ? name : null);
}

export interface ListenerFinding {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
}

export interface BrokerListenerConfig {
  readonly nodeId: number;
  readonly listeners: string | null;
  readonly advertisedListeners: string | null;
  readonly protocolMap: string | null;
  readonly controllerListenerNames: string | null;
}

/**
 * Checks a broker's listener settings:
 * - two listeners on one port (Kafka refuses this even on different interfaces);
 * - an advertised listener with no matching listener, or advertising 0.0.0.0 / an empty host;
 * - a listener without a security protocol.
 * `resolves` says whether a host name resolves from here (the doctor passes DNS results).
 */
export function checkListenerConfig(
  c: BrokerListenerConfig,
  resolves: (host: string) => boolean | undefined,
  /** Ports we bootstrap through: trouble on their listeners is ours; on others, a warning. */
  usedPorts: ReadonlySet<number> | null = null,
): ListenerFinding[] {
  const out: ListenerFinding[] = [];
  const listeners = parseListeners(c.listeners);
  const advertised = parseListeners(c.advertisedListeners);
  const map = parseProtocolMap(c.protocolMap);
  const controllers = new Set(
    (c.controllerListenerNames ?? '').split(',').map((s) => s.trim().toUpperCase()),
  );
  const byPort = new Map<number, Listener[]>();
  for (const l of listeners) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  for (const [port, ls] of byPort) {
    if (ls.length > 1) {
      out.push({
        severity: 'error',
        message:
          `broker ${c.nodeId}: listeners ${ls.map((l) => l.name).join(' and ')} share port ${port}; Kafka refuses two listeners ` +
          'on one port even on different interfaces — give each its own port',
      });
    }
  }
  for (const l of listeners) {
    if (securityProtocolOf(l.name, map) === null) {
      out.push({
        severity: 'error',
        message: `broker ${c.nodeId}: listener ${l.name} has no entry in listener.security.protocol.map`,
      });
    }
  }
  for (const a of advertised) {
    if (controllers.has(a.name)) continue;
    const l = listeners.find((x) => x.name === a.name);
    if (l === undefined) {
      out.push({
        severity: 'error',
        message: `broker ${c.nodeId}: advertised listener ${a.name} has no listener of that name in listeners`,
      });
    }
    if (a.host === '' || a.host === '0.0.0.0' || a.host === '::') {
      out.push({
        severity: 'error',
        message: `broker ${c.nodeId}: ${a.name} advertises "${a.host || '(empty)'}", which clients cannot connect to — advertise a host name or address clients can reach`,
      });
    } else if (resolves(a.host) === false) {
      const ours = usedPorts === null || (l !== undefined && usedPorts.has(l.port));
      out.push({
        severity: ours ? 'error' : 'warning',
        message:
          `broker ${c.nodeId}: ${a.name} advertises ${a.host}:${a.port}, and ${a.host} does not resolve from here — ` +
          (ours
            ? 'clients are sent to that address after bootstrapping; set advertised.listeners to a name this machine can ' +
              'resolve (the usual Docker/Kubernetes trap), or add a listener for outside clients'
            : 'clients of that listener cannot connect from this machine (fine if they run elsewhere, e.g. inside Docker)'),
      });
    }
  }
  return out;
}

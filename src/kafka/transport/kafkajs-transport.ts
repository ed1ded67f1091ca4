/**
 * Transport over kafkajs 2.2.4's own broker connections, so TLS and SASL (PLAIN, SCRAM) are
 * kafkajs's, while every request we send is encoded by us.
 *
 * kafkajs has no public API for raw requests, so this file uses three of its internal modules
 * (`src/broker`, `src/network/connectionPool`, `src/loggers`), pinned by the exact version in
 * package.json. It is the only file that touches kafkajs, and it loads it on first use only.
 *
 * kafkajs writes a v1 request header and hands back the response after the correlation id; the
 * header differences of flexible versions are dealt with in wire/frame.ts.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import {
  KafkaConnectionError,
  formatHostPort,
  type ConnectionSettings,
  type HostPort,
  type Secrets,
} from '../connection';
import type { ApiVersionMap, ApiVersionRange, RawRequest, Transport } from './transport';

// ───── the slice of kafkajs internals we use (typed here at the boundary) ─────

interface KjsLogger {
  namespace(name: string): KjsLogger;
}
interface KjsRequest {
  request: {
    apiKey: number;
    apiVersion: number;
    apiName: string;
    encode: () => Promise<{ buf: Buffer; buffer: Buffer }>;
  };
  response: { decode: (payload: Buffer) => Promise<Buffer>; parse: (data: Buffer) => Promise<Buffer> };
  requestTimeout?: number;
  logResponseError?: boolean;
}
interface KjsConnectionPool {
  send(request: KjsRequest): Promise<Buffer>;
  destroy(): Promise<void>;
  /** Its connections; rejectRequests fails their in-flight requests at once. */
  pool: Array<{ rejectRequests(error: Error): void }>;
}
interface KjsBroker {
  versions: Record<string, { minVersion: number; maxVersion: number }> | null;
  connectionPool: KjsConnectionPool;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
}
type KjsBrokerCtor = new (o: {
  connectionPool: KjsConnectionPool;
  logger: KjsLogger;
  authenticationTimeout: number;
  allowAutoTopicCreation: boolean;
}) => KjsBroker;
type KjsConnectionPoolCtor = new (o: Record<string, unknown>) => KjsConnectionPool;
interface KjsLoggers {
  createLogger(o: { level: number; logCreator: (level: number) => (entry: KjsLogEntry) => void }): KjsLogger;
}
interface KjsLogEntry {
  readonly namespace: string;
  readonly label: string;
  readonly log: { readonly message: string } & Record<string, unknown>;
}
type KjsSocketFactory = () => unknown;

interface KafkajsModules {
  Broker: KjsBrokerCtor;
  ConnectionPool: KjsConnectionPoolCtor;
  loggers: KjsLoggers;
  socketFactory: KjsSocketFactory;
}

let modules: KafkajsModules | undefined;
function loadKafkajs(): KafkajsModules {
  /* eslint-disable @typescript-eslint/no-require-imports -- kafkajs internals, loaded lazily on first use */
  modules ??= {
    Broker: require('kafkajs/src/broker') as KjsBrokerCtor,
    ConnectionPool: require('kafkajs/src/network/connectionPool') as KjsConnectionPoolCtor,
    loggers: require('kafkajs/src/loggers') as KjsLoggers,
    socketFactory: require('kafkajs/src/network/socketFactory') as KjsSocketFactory,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return modules;
}

/** A line of kafkajs's debug log, passed to our logger (never to the console). */
export type TransportLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string) => void;

// ───── error translation ─────

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Turns kafkajs's and Node's errors into one of ours, with what to do about it. */
export function translateError(
  err: unknown,
  broker: string,
  settings: ConnectionSettings,
): KafkaConnectionError {
  if (err instanceof KafkaConnectionError) return err;
  const name = err instanceof Error ? err.name : '';
  const msg = describeError(err);
  const tlsOn = settings.tls !== null;
  if (name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed/i.test(msg)) {
    return new KafkaConnectionError(
      'auth',
      broker,
      `SASL authentication failed (${msg.replace(/^SASL [A-Z0-9 -]+ authentication failed: /i, '')})`,
      `Check the user name and password, and that ${settings.sasl?.mechanism ?? 'the mechanism'} is enabled for this user on the broker.`,
    );
  }
  if (/UNSUPPORTED_SASL_MECHANISM|not supported by the broker|unsupported sasl mechanism/i.test(msg)) {
    return new KafkaConnectionError(
      'auth',
      broker,
      `the broker does not offer SASL ${settings.sasl?.mechanism ?? ''} on this listener`,
      'Pick a mechanism the listener enables (sasl.enabled.mechanisms), or the listener that offers it.',
    );
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(msg)) {
    return new KafkaConnectionError(
      'dns',
      broker,
      'the host name does not resolve',
      'Check the spelling; if this is the address a broker advertises, its advertised.listeners must name a host this machine can resolve.',
    );
  }
  if (/ECONNREFUSED/.test(msg)) {
    return new KafkaConnectionError(
      'refused',
      broker,
      'connection refused (nothing listens on that port)',
      'Check the port and that the broker is running.',
    );
  }
  if (/EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/.test(msg)) {
    return new KafkaConnectionError(
      'unreachable',
      broker,
      'no route to the host',
      'Check the network, VPN or firewall.',
    );
  }
  if (
    /certificate|self[- ]signed|SSL routines|wrong version number|unable to verify|Hostname\/IP does not match|ERR_TLS|alert/i.test(
      msg,
    )
  ) {
    const wrongVersion = /wrong version number|packet length too long|http request/i.test(msg);
    return new KafkaConnectionError(
      'tls',
      broker,
      `TLS handshake failed (${msg.replace(/^Connection error: /, '')})`,
      wrongVersion
        ? "This port does not speak TLS: turn TLS off, or use the broker's SSL/SASL_SSL listener."
        : /alert (bad|certificate required|handshake)|alert number 4[0-9]/i.test(msg)
          ? 'The broker rejected our certificate: it requires a client certificate signed by a CA it trusts (set the client certificate and key).'
          : /Hostname\/IP does not match/i.test(msg)
            ? 'The certificate does not name this host: connect by a name the certificate lists, or turn off hostname verification.'
            : "Check the CA file: it must contain the CA that signed the broker's certificate.",
    );
  }
  if (
    name === 'KafkaJSRequestTimeoutError' ||
    name === 'KafkaJSLockTimeout' ||
    /timeout|timed out|ETIMEDOUT/i.test(msg)
  ) {
    return new KafkaConnectionError(
      'timeout',
      broker,
      `no answer in time (${msg})`,
      tlsOn
        ? 'Check the address and port; a plaintext listener also hangs when spoken to with TLS.'
        : 'Check the address and port; a TLS listener also hangs when spoken to without TLS.',
    );
  }
  if (
    name === 'KafkaJSConnectionClosedError' ||
    /Closed connection|ECONNRESET|EPIPE|socket hang up/i.test(msg)
  ) {
    return new KafkaConnectionError(
      'closed',
      broker,
      `the broker closed the connection (${msg})`,
      settings.sasl === null
        ? 'The listener may require SASL or TLS; check security.protocol for this listener.'
        : 'The listener may not expect SASL or TLS here; check security.protocol for this listener.',
    );
  }
  return new KafkaConnectionError('protocol', broker, msg, 'See the log for details.');
}

// ───── the transport ─────

interface Entry {
  readonly broker: KjsBroker;
  connecting: Promise<ApiVersionMap> | null;
  versions: ApiVersionMap | null;
}

export interface KafkajsTransportOptions {
  readonly settings: ConnectionSettings;
  readonly secrets: Secrets;
  readonly log?: TransportLog;
}

function tlsOptions(settings: ConnectionSettings, secrets: Secrets): ConnectionOptions | null {
  const t = settings.tls;
  if (t === null) return null;
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new KafkaConnectionError(
        'tls',
        settings.bootstrapServers.join(','),
        `cannot read the ${what} file ${file} (${describeError(e)})`,
        'Check the path in the TLS settings.',
      );
    }
  };
  const o: ConnectionOptions = { rejectUnauthorized: true };
  if (t.caFile !== null) o.ca = read(t.caFile, 'CA');
  if (t.certFile !== null) o.cert = read(t.certFile, 'client certificate');
  if (t.keyFile !== null) o.key = read(t.keyFile, 'client key');
  if (secrets.keyPassphrase) o.passphrase = secrets.keyPassphrase;
  if (!t.verifyHostname) o.checkServerIdentity = () => undefined;
  return o;
}

function saslOptions(settings: ConnectionSettings, secrets: Secrets): Record<string, string> | null {
  if (settings.sasl === null) return null;
  if (secrets.password === null) {
    throw new KafkaConnectionError(
      'auth',
      settings.bootstrapServers.join(','),
      `no password for SASL user "${settings.sasl.username}"`,
      'Provide the password (it is never stored in the settings).',
    );
  }
  return {
    mechanism: settings.sasl.mechanism.toLowerCase(),
    username: settings.sasl.username,
    password: secrets.password,
  };
}

export class KafkajsTransport implements Transport {
  private readonly entries = new Map<string, Entry>();
  private readonly logger: KjsLogger;
  private readonly socketFactory: unknown;
  private readonly ssl: ConnectionOptions | null;
  private readonly sasl: Record<string, string> | null;
  private closed = false;

  constructor(private readonly options: KafkajsTransportOptions) {
    const k = loadKafkajs();
    const log = options.log;
    const LEVELS = { ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;
    this.logger = k.loggers.createLogger({
      level: log === undefined ? 0 : LEVELS.DEBUG,
      logCreator: () => (entry) => {
        if (log === undefined) return;
        const level =
          entry.label === 'ERROR'
            ? 'error'
            : entry.label === 'WARN'
              ? 'warn'
              : entry.label === 'INFO'
                ? 'info'
                : 'debug';
        log(level, `kafkajs ${entry.namespace}: ${entry.log.message}`);
      },
    });
    this.socketFactory = k.socketFactory();
    this.ssl = tlsOptions(options.settings, options.secrets);
    this.sasl = saslOptions(options.settings, options.secrets);
  }

  private entry(target: HostPort): Entry {
    const key = formatHostPort(target);
    let e = this.entries.get(key);
    if (e === undefined) {
      const k = loadKafkajs();
      const s = this.options.settings;
      // A third of the budget per connection attempt, so a silent broker leaves time to say why.
      const connectionTimeout = Math.max(1000, Math.min(10_000, Math.floor(s.timeoutMs / 3)));
      const connectionPool = new k.ConnectionPool({
        host: target.host,
        port: target.port,
        ssl: this.ssl,
        sasl: this.sasl,
        clientId: s.clientId,
        socketFactory: this.socketFactory,
        connectionTimeout,
        // kafkajs takes max(this, per-request timeout): the floor must be low, so that the
        // ApiVersions of a connection attempt also times out after connectionTimeout.
        requestTimeout: connectionTimeout,
        enforceRequestTimeout: true,
        maxInFlightRequests: null,
        logger: this.logger,
        reauthenticationThreshold: 10_000,
      });
      const broker = new k.Broker({
        connectionPool,
        logger: this.logger,
        authenticationTimeout: connectionTimeout,
        allowAutoTopicCreation: false,
      });
      e = { broker, connecting: null, versions: null };
      this.entries.set(key, e);
    }
    return e;
  }

  async connect(target: HostPort): Promise<ApiVersionMap> {
    if (this.closed) throw new Error('the Kafka connection was closed');
    const e = this.entry(target);
    if (e.versions !== null && e.broker.isConnected()) return e.versions;
    e.connecting ??= (async () => {
      try {
        await e.broker.connect();
      } catch (err) {
        await e.broker.disconnect().catch(() => undefined);
        throw translateError(err, formatHostPort(target), this.options.settings);
      }
      const map = new Map<number, ApiVersionRange>();
      for (const [key, v] of Object.entries(e.broker.versions ?? {})) {
        map.set(Number(key), { min: v.minVersion, max: v.maxVersion });
      }
      e.versions = map;
      return map;
    })().finally(() => {
      e.connecting = null;
    });
    return e.connecting;
  }

  async send(target: HostPort, request: RawRequest, timeoutMs: number): Promise<Uint8Array> {
    await this.connect(target);
    const e = this.entry(target);
    const body = request.body;
    try {
      return await e.broker.connectionPool.send({
        request: {
          apiKey: request.apiKey,
          apiVersion: request.apiVersion,
          apiName: request.apiName,
          encode: () => Promise.resolve({ buf: body, buffer: body }),
        },
        response: { decode: (payload) => Promise.resolve(payload), parse: (data) => Promise.resolve(data) },
        requestTimeout: Math.max(1, timeoutMs),
        logResponseError: false,
      });
    } catch (err) {
      const translated = translateError(err, formatHostPort(target), this.options.settings);
      if (translated.kind !== 'protocol') await this.disconnect(target);
      throw translated;
    }
  }

  async disconnect(target: HostPort): Promise<void> {
    const key = formatHostPort(target);
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    await e.broker.disconnect().catch(() => undefined);
  }

  /**
   * Closes every connection at once: in-flight requests fail now instead of running into their
   * timeouts (kafkajs's disconnect would wait for them).
   */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    const closing = new Error('the Kafka connection was closed');
    for (const e of all) for (const c of e.broker.connectionPool.pool) c.rejectRequests(closing);
    await Promise.all(all.map((e) => e.broker.disconnect().catch(() => undefined)));
  }
}

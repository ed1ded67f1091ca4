/**
 * How to reach a cluster: bootstrap servers, TLS files, SASL user. Passwords are never part of
 * these settings: the caller supplies them separately (VS Code SecretStorage, an environment
 * variable, a prompt), so settings can be saved, shown and logged safely.
 */

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export interface TlsSettings {
  /** PEM file of the CA(s) to trust; null uses the system's trust store. */
  readonly caFile: string | null;
  /** PEM client certificate (mutual TLS), with `keyFile`. */
  readonly certFile: string | null;
  readonly keyFile: string | null;
  /** Check that the broker's certificate names the host we connect to (default true). */
  readonly verifyHostname: boolean;
}

export interface SaslSettings {
  readonly mechanism: SaslMechanism;
  readonly username: string;
}

export interface ConnectionSettings {
  /** host:port pairs; IPv6 hosts in brackets: [::1]:9092. */
  readonly bootstrapServers: readonly string[];
  /** TLS on (with these files), or null for plaintext. */
  readonly tls: TlsSettings | null;
  readonly sasl: SaslSettings | null;
  readonly clientId: string;
  /** Budget for one whole operation (connect, authenticate, all requests, retries). */
  readonly timeoutMs: number;
}

export interface Secrets {
  /** The SASL password (required when `sasl` is set). */
  readonly password: string | null;
  /** Passphrase of an encrypted client key, if any. */
  readonly keyPassphrase?: string | null;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_CLIENT_ID = 'kafka-group-debugger';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses "host:port" and "[v6]:port"; throws ConnectionSettingsError on anything else. */
export function parseHostPort(s: string): HostPort {
  const text = s.trim();
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  const plain = /^([^:[\]\s/]+):(\d+)$/.exec(text);
  const m = v6 ?? plain;
  if (m === null) {
    throw new ConnectionSettingsError(
      `"${s}" is not a broker address; write host:port, e.g. localhost:9092 or [::1]:9092`,
    );
  }
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConnectionSettingsError(`"${s}": port ${m[2]} is outside 1–65535`);
  }
  return { host: m[1], port };
}

/** Splits a bootstrap list as Kafka writes it ("a:9092,b:9092"), validating each entry. */
export function parseBootstrap(list: string | readonly string[]): string[] {
  const parts = (typeof list === 'string' ? list.split(',') : list)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0)
    throw new ConnectionSettingsError('no bootstrap servers given (e.g. localhost:9092)');
  for (const p of parts) parseHostPort(p);
  return parts;
}

export function formatHostPort(hp: HostPort): string {
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

/** Settings that cannot work (caught before any network traffic). */
export class ConnectionSettingsError extends Error {
  override readonly name = 'ConnectionSettingsError';
}

export type ConnectionFailureKind =
  | 'dns' // the host name does not resolve
  | 'refused' // nothing listens there
  | 'unreachable' // no route / network down
  | 'timeout' // no answer in time
  | 'tls' // handshake failed (trust, certificate, protocol mismatch)
  | 'auth' // SASL failed (wrong user/password/mechanism)
  | 'closed' // the broker closed the connection (often: TLS/plaintext or SASL mismatch)
  | 'protocol' // the broker answered something we cannot use
  | 'unsupported'; // the broker is too old for what we ask

/** Reaching or talking to a broker failed. `hint` says what to try. */
export class KafkaConnectionError extends Error {
  override readonly name = 'KafkaConnectionError';
  constructor(
    readonly kind: ConnectionFailureKind,
    readonly broker: string,
    detail: string,
    readonly hint: string,
  ) {
    super(`${broker}: ${detail}. ${hint}`);
  }
}

export class OperationTimeoutError extends Error {
  override readonly name = 'OperationTimeoutError';
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    readonly lastError: Error | null,
  ) {
    super(
      `${operation} did not finish within ${timeoutMs} ms` +
        (lastError ? ` (last error: ${lastError.message})` : '') +
        '. Check that the brokers are reachable from here, or raise the timeout.',
    );
  }
}

/**
 * The `kafkaGroups.clusters` setting: what one entry looks like, how it is validated, and how it
 * becomes the ConnectionSettings of src/kafka. Pure (no `vscode`), so it is unit-tested in Node.
 *
 * An entry never holds a password: SASL passwords (and TLS key passphrases) live in VS Code's
 * SecretStorage, keyed by the cluster's name (secrets.ts).
 */
import {
  ConnectionSettingsError,
  DEFAULT_CLIENT_ID,
  SASL_MECHANISMS,
  parseBootstrap,
  type ConnectionSettings,
  type SaslMechanism,
} from '../../kafka/connection';
import type { ImportedConnection } from '../../kafka/properties';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = [
  'PLAINTEXT',
  'SSL',
  'SASL_PLAINTEXT',
  'SASL_SSL',
];

/** One entry of `kafkaGroups.clusters`, as written to settings.json. */
export interface ClusterEntry {
  readonly name: string;
  readonly bootstrapServers: string;
  readonly securityProtocol?: SecurityProtocol;
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly verifyHostname?: boolean;
  };
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string };
  readonly clientId?: string;
}

/** A valid entry, resolved. */
export interface ClusterConfig {
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  readonly settings: ConnectionSettings;
  /** The entry as it was in the settings (to write it back unchanged). */
  readonly entry: ClusterEntry;
}

export interface ClusterConfigs {
  readonly clusters: readonly ClusterConfig[];
  /** Entries that cannot be used, each in one sentence with where it is and what to change. */
  readonly problems: readonly string[];
}

export const SETTING_CLUSTERS = 'kafkaGroups.clusters';

const ENTRY_KEYS = ['name', 'bootstrapServers', 'securityProtocol', 'tls', 'sasl', 'clientId'];
const TLS_KEYS = ['caFile', 'certFile', 'keyFile', 'verifyHostname'];
const SASL_KEYS = ['mechanism', 'username', 'password'];

/** Checks a cluster name; null when it is fine, else what is wrong. */
export function checkClusterName(name: string, taken: readonly string[] = []): string | null {
  const n = name.trim();
  if (n === '') return 'Give the cluster a name, e.g. "prod" or "local".';
  if (n.length > 100) return 'Use at most 100 characters.';
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(n)) return 'The name cannot hold control characters.';
  if (taken.some((t) => t.toLowerCase() === n.toLowerCase()))
    return `There is a cluster named "${n}" already; choose another name.`;
  return null;
}

/** Checks a bootstrap list; null when it is fine, else what is wrong. */
export function checkBootstrap(text: string): string | null {
  try {
    parseBootstrap(text);
    return null;
  } catch (e) {
    return e instanceof ConnectionSettingsError ? capitalise(e.message) : String(e);
  }
}

/** Checks a SASL user name; null when it is fine. */
export function checkUsername(text: string): string | null {
  if (text.trim() === '') return 'Enter the SASL user name.';
  if (text !== text.trim()) return 'The user name starts or ends with a space; remove it.';
  return null;
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the setting. Valid entries become ClusterConfigs; each invalid one becomes a problem
 * (the others still work). `resolvePath` turns a file path from the settings into an absolute one
 * (`~` and workspace-relative paths); `timeoutMs` is `kafkaGroups.connection.timeoutMs`.
 */
export function parseClusterConfigs(
  raw: unknown,
  options: { readonly timeoutMs: number; readonly resolvePath?: (p: string) => string },
): ClusterConfigs {
  const resolvePath = options.resolvePath ?? ((p: string) => p);
  const clusters: ClusterConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { clusters, problems };
  if (!Array.isArray(raw)) {
    return { clusters, problems: [`${SETTING_CLUSTERS} must be a list of clusters, not ${typeof raw}.`] };
  }
  const names: string[] = [];
  raw.forEach((value: unknown, i) => {
    const where = (name?: string): string =>
      `${SETTING_CLUSTERS}[${i}]${name !== undefined ? ` ("${name}")` : ''}`;
    if (!isObject(value)) {
      problems.push(
        `${where()}: each cluster is an object like {"name": "local", "bootstrapServers": "localhost:9092"}.`,
      );
      return;
    }
    const name = typeof value.name === 'string' ? value.name.trim() : undefined;
    const fail = (what: string): void => void problems.push(`${where(name)}: ${what}`);
    if (name === undefined) return fail('"name" is missing (a text such as "prod").');
    const nameProblem = checkClusterName(name, names);
    if (nameProblem !== null) return fail(nameProblem);
    const unknown = Object.keys(value).filter((k) => !ENTRY_KEYS.includes(k));
    if (unknown.length > 0)
      return fail(
        `unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${ENTRY_KEYS.join(', ')}.`,
      );

    const bs = value.bootstrapServers;
    const bootstrapText = Array.isArray(bs) ? bs.filter((x) => typeof x === 'string').join(',') : bs;
    if (typeof bootstrapText !== 'string')
      return fail('"bootstrapServers" is missing: write "host:port", e.g. "localhost:9092".');
    let bootstrapServers: string[];
    try {
      bootstrapServers = parseBootstrap(bootstrapText);
    } catch (e) {
      return fail(`bootstrapServers: ${e instanceof Error ? e.message : String(e)}.`);
    }

    // TLS
    let tls: ConnectionSettings['tls'] = null;
    if (value.tls !== undefined) {
      if (!isObject(value.tls))
        return fail('"tls" must be an object with caFile, certFile, keyFile, verifyHostname.');
      const t = value.tls;
      const bad = Object.keys(t).filter((k) => !TLS_KEYS.includes(k));
      if (bad.length > 0)
        return fail(
          `tls: unknown field ${bad.map((k) => `"${k}"`).join(', ')}; allowed: ${TLS_KEYS.join(', ')}.`,
        );
      const file = (k: 'caFile' | 'certFile' | 'keyFile'): string | null | false => {
        const v = t[k];
        if (v === undefined || v === null || v === '') return null;
        if (typeof v !== 'string') {
          fail(`tls.${k} must be the path of a PEM file.`);
          return false;
        }
        return resolvePath(v.trim());
      };
      const caFile = file('caFile');
      const certFile = file('certFile');
      const keyFile = file('keyFile');
      if (caFile === false || certFile === false || keyFile === false) return;
      if ((certFile === null) !== (keyFile === null)) {
        return fail(
          'tls.certFile and tls.keyFile go together (mutual TLS); a Kafka PEM keystore that holds both can be given as both.',
        );
      }
      if (t.verifyHostname !== undefined && typeof t.verifyHostname !== 'boolean')
        return fail('tls.verifyHostname must be true or false.');
      tls = { caFile, certFile, keyFile, verifyHostname: t.verifyHostname !== false };
    }

    // SASL
    let sasl: ConnectionSettings['sasl'] = null;
    if (value.sasl !== undefined) {
      if (!isObject(value.sasl)) return fail('"sasl" must be an object with mechanism and username.');
      const s = value.sasl;
      if (s.password !== undefined) {
        return fail(
          'sasl.password must not be in the settings (they are plain text, often synced or committed). ' +
            'Remove it and run "Kafka Groups: Set Cluster Password…": passwords live in the OS keychain.',
        );
      }
      const bad = Object.keys(s).filter((k) => !SASL_KEYS.includes(k));
      if (bad.length > 0)
        return fail(
          `sasl: unknown field ${bad.map((k) => `"${k}"`).join(', ')}; allowed: mechanism, username.`,
        );
      const mechanism = typeof s.mechanism === 'string' ? s.mechanism.toUpperCase() : '';
      if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism))
        return fail(`sasl.mechanism must be one of ${SASL_MECHANISMS.join(', ')}.`);
      if (typeof s.username !== 'string' || s.username.trim() === '')
        return fail('sasl.username is missing.');
      sasl = { mechanism: mechanism as SaslMechanism, username: s.username.trim() };
    }

    // The protocol: explicit, or what tls/sasl imply.
    const implied: SecurityProtocol =
      sasl !== null ? (tls !== null ? 'SASL_SSL' : 'SASL_PLAINTEXT') : tls !== null ? 'SSL' : 'PLAINTEXT';
    let protocol: SecurityProtocol = implied;
    if (value.securityProtocol !== undefined) {
      const p = typeof value.securityProtocol === 'string' ? value.securityProtocol.toUpperCase() : '';
      if (!SECURITY_PROTOCOLS.includes(p as SecurityProtocol))
        return fail(`securityProtocol must be one of ${SECURITY_PROTOCOLS.join(', ')}.`);
      protocol = p as SecurityProtocol;
      const wantsSasl = protocol.startsWith('SASL_');
      const wantsTls = protocol === 'SSL' || protocol === 'SASL_SSL';
      if (wantsSasl && sasl === null)
        return fail(
          `securityProtocol ${protocol} needs "sasl": {"mechanism": "SCRAM-SHA-512", "username": "…"}.`,
        );
      if (!wantsSasl && sasl !== null)
        return fail(
          `"sasl" is set but securityProtocol is ${protocol}; use SASL_PLAINTEXT or SASL_SSL, or remove "sasl".`,
        );
      if (!wantsTls && tls !== null)
        return fail(
          `"tls" is set but securityProtocol is ${protocol}; use SSL or SASL_SSL, or remove "tls".`,
        );
      if (wantsTls && tls === null)
        tls = { caFile: null, certFile: null, keyFile: null, verifyHostname: true };
    }
    if (value.clientId !== undefined && (typeof value.clientId !== 'string' || value.clientId.trim() === ''))
      return fail('clientId must be a non-empty text.');

    names.push(name);
    clusters.push({
      name,
      securityProtocol: protocol,
      settings: {
        bootstrapServers,
        tls,
        sasl,
        clientId: typeof value.clientId === 'string' ? value.clientId.trim() : DEFAULT_CLIENT_ID,
        timeoutMs: options.timeoutMs,
      },
      entry: value as unknown as ClusterEntry,
    });
  });
  return { clusters, problems };
}

/** What the Add Cluster flow collects (the password goes to SecretStorage, not into the entry). */
export interface NewCluster {
  readonly name: string;
  readonly bootstrapServers: string;
  readonly securityProtocol: SecurityProtocol;
  readonly tls?: {
    readonly caFile: string | null;
    readonly certFile: string | null;
    readonly keyFile: string | null;
    readonly verifyHostname: boolean;
  };
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string };
}

/** The settings entry for a new cluster: only what differs from the defaults is written. */
export function entryOf(c: NewCluster): ClusterEntry {
  const wantsTls = c.securityProtocol === 'SSL' || c.securityProtocol === 'SASL_SSL';
  const wantsSasl = c.securityProtocol.startsWith('SASL_');
  const tls: { caFile?: string; certFile?: string; keyFile?: string; verifyHostname?: boolean } = {};
  if (wantsTls && c.tls !== undefined) {
    if (c.tls.caFile !== null) tls.caFile = c.tls.caFile;
    if (c.tls.certFile !== null) tls.certFile = c.tls.certFile;
    if (c.tls.keyFile !== null) tls.keyFile = c.tls.keyFile;
    if (!c.tls.verifyHostname) tls.verifyHostname = false;
  }
  if (wantsSasl && c.sasl === undefined)
    throw new ConnectionSettingsError(`${c.securityProtocol} needs a SASL mechanism and user name`);
  return {
    name: c.name.trim(),
    bootstrapServers: parseBootstrap(c.bootstrapServers).join(','),
    securityProtocol: c.securityProtocol,
    ...(wantsTls && Object.keys(tls).length > 0 ? { tls } : {}),
    ...(wantsSasl && c.sasl !== undefined
      ? { sasl: { mechanism: c.sasl.mechanism, username: c.sasl.username.trim() } }
      : {}),
  };
}

/** The protocol of imported (or any) connection settings, in Kafka's words. */
export function protocolOf(settings: Pick<ConnectionSettings, 'tls' | 'sasl'>): SecurityProtocol {
  if (settings.sasl !== null) return settings.tls !== null ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  return settings.tls !== null ? 'SSL' : 'PLAINTEXT';
}

/** A Kafka client .properties file, imported, as a new cluster (its password is handled apart). */
export function newClusterFromImport(name: string, imported: ImportedConnection): NewCluster {
  const s = imported.settings;
  return {
    name,
    bootstrapServers: s.bootstrapServers.join(','),
    securityProtocol: protocolOf(s),
    ...(s.tls !== null ? { tls: { ...s.tls } } : {}),
    ...(s.sasl !== null ? { sasl: { ...s.sasl } } : {}),
  };
}

/** The entry with `client.id` carried over when the file set one. */
export function entryOfImport(name: string, imported: ImportedConnection): ClusterEntry {
  const entry = entryOf(newClusterFromImport(name, imported));
  return imported.settings.clientId !== DEFAULT_CLIENT_ID
    ? { ...entry, clientId: imported.settings.clientId }
    : entry;
}

/** A name for an imported cluster: the file's base name, made unique. */
export function suggestName(base: string, taken: readonly string[]): string {
  const stem = base.replace(/\.properties$/i, '').trim() || 'cluster';
  if (checkClusterName(stem, taken) === null) return stem;
  for (let i = 2; ; i++) {
    const n = `${stem}-${i}`;
    if (checkClusterName(n, taken) === null) return n;
  }
}

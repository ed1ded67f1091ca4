/**
 * Kafka client `.properties` files (the `--command-config` of Kafka's tools, a client.properties)
 * → our ConnectionSettings and the secrets they contain. Understood keys: bootstrap.servers,
 * security.protocol, sasl.mechanism, sasl.jaas.config (username/password of PlainLoginModule or
 * ScramLoginModule), ssl.truststore.{type,location,certificates}, ssl.keystore.{type,location,
 * certificate.chain,key}, ssl.key.password, ssl.endpoint.identification.algorithm, client.id.
 * Only PEM trust and key stores can be used (JKS/PKCS12 need a JVM); anything else is reported.
 */
import {
  ConnectionSettingsError,
  DEFAULT_CLIENT_ID,
  DEFAULT_TIMEOUT_MS,
  SASL_MECHANISMS,
  parseBootstrap,
  type ConnectionSettings,
  type SaslMechanism,
  type Secrets,
} from './connection';

/** Parses the Java .properties format: `key=value`, `key: value`, `key value`, comments, continuations. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^\s+/, '');
    }
    const m = /^((?:\\.|[^=:\s\\])+)\s*(?:[=:]\s*|\s+|$)(.*)$/.exec(line);
    if (m === null) continue;
    out.set(unescape(m[1]), unescape(m[2]));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}

/** Reads `username="..."` and `password="..."` out of a JAAS line. */
export function parseJaasConfig(jaas: string): { loginModule: string; options: Map<string, string> } {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b([\s\S]*?);?\s*$/.exec(jaas);
  if (m === null)
    throw new ConnectionSettingsError(
      'sasl.jaas.config is not a JAAS line ("<LoginModule> required key="value" …;")',
    );
  const options = new Map<string, string>();
  const re = /([\w.-]+)\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^\s;]+))/g;
  for (let o = re.exec(m[3]); o !== null; o = re.exec(m[3])) {
    options.set(o[1], o[2] !== undefined ? o[2].replace(/\\(.)/g, '$1') : o[3]);
  }
  return { loginModule: m[1], options };
}

export interface ImportedConnection {
  readonly settings: ConnectionSettings;
  readonly secrets: Secrets;
  /** Keys we read but cannot honour, in plain words. */
  readonly warnings: readonly string[];
}

/**
 * Builds settings from client properties. `resolvePath` makes relative file paths absolute (they
 * are relative to the properties file). `overrides` win over the file (e.g. --bootstrap).
 */
export function connectionFromProperties(
  props: ReadonlyMap<string, string>,
  resolvePath: (p: string) => string = (p) => p,
): ImportedConnection {
  const warnings: string[] = [];
  const get = (k: string): string | undefined => {
    const v = props.get(k);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const protocol = (get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw new ConnectionSettingsError(
      `security.protocol=${protocol} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL`,
    );
  }
  const bootstrap = get('bootstrap.servers');
  if (bootstrap === undefined) throw new ConnectionSettingsError('bootstrap.servers is missing');

  let tls: ConnectionSettings['tls'] = null;
  let keyPassphrase: string | null = null;
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const pemFile = (kind: 'truststore' | 'keystore'): string | null => {
      const type = (get(`ssl.${kind}.type`) ?? 'JKS').toUpperCase();
      const location = get(`ssl.${kind}.location`);
      if (location === undefined) return null;
      if (type !== 'PEM') {
        warnings.push(
          `ssl.${kind}.location is a ${type} store; only PEM files can be used here — convert it ` +
            `(e.g. keytool -exportcert -rfc / openssl pkcs12 -nodes) and set ssl.${kind}.type=PEM`,
        );
        return null;
      }
      return resolvePath(location);
    };
    if (
      get('ssl.truststore.certificates') !== undefined ||
      get('ssl.keystore.certificate.chain') !== undefined
    ) {
      warnings.push(
        'inline PEM (ssl.truststore.certificates / ssl.keystore.certificate.chain) is not supported; put the PEM in files',
      );
    }
    const keystore = pemFile('keystore');
    keyPassphrase = get('ssl.key.password') ?? null;
    tls = {
      caFile: pemFile('truststore'),
      // Kafka's PEM keystore holds the key and the certificate chain in one file; Node reads both from it.
      certFile: keystore,
      keyFile: keystore,
      verifyHostname: (props.get('ssl.endpoint.identification.algorithm') ?? 'https').trim() !== '',
    };
  }

  let sasl: ConnectionSettings['sasl'] = null;
  let password: string | null = null;
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = (get('sasl.mechanism') ?? 'GSSAPI').toUpperCase();
    if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism)) {
      throw new ConnectionSettingsError(
        `sasl.mechanism=${mechanism} is not supported; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`,
      );
    }
    const jaas = get('sasl.jaas.config');
    if (jaas === undefined)
      throw new ConnectionSettingsError('sasl.jaas.config is missing (it carries the user name)');
    const { options } = parseJaasConfig(jaas);
    const username = options.get('username');
    if (username === undefined) throw new ConnectionSettingsError('sasl.jaas.config has no username="…"');
    password = options.get('password') ?? null;
    sasl = { mechanism: mechanism as SaslMechanism, username };
  }
  return {
    settings: {
      bootstrapServers: parseBootstrap(bootstrap),
      tls,
      sasl,
      clientId: get('client.id') ?? DEFAULT_CLIENT_ID,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    },
    secrets: { password, keyPassphrase },
    warnings,
  };
}

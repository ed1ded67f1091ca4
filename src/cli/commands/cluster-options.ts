/**
 * The connection options every cluster command takes, and running a command against a cluster
 * with errors turned into plain UserErrors. The SASL password never comes from a flag (it would
 * land in shell history and `ps`): it comes from an environment variable, a --command-config
 * file, or a prompt on the terminal.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  ConnectionSettingsError,
  DEFAULT_CLIENT_ID,
  DEFAULT_TIMEOUT_MS,
  KafkaConnectionError,
  KafkaProtocolError,
  OperationTimeoutError,
  SASL_MECHANISMS,
  UnsupportedApiError,
  openCluster,
  parseBootstrap,
  type ConnectionSettings,
  type Deadline,
  type KafkaClient,
  type SaslMechanism,
  type Secrets,
} from '../../kafka';
import { connectionFromProperties, parseProperties } from '../../kafka/properties';
import { UsageError, UserError, type CliIo } from '../io';
import { parseDuration, single, type OptionSpec, type ParsedArgs } from './args';

export const PASSWORD_ENV = 'KGD_SASL_PASSWORD';

export const CLUSTER_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  bootstrap: { value: true },
  'bootstrap-server': { value: true },
  'command-config': { value: true },
  tls: { value: false },
  'tls-ca': { value: true },
  'tls-cert': { value: true },
  'tls-key': { value: true },
  'tls-no-verify-hostname': { value: false },
  'sasl-mechanism': { value: true },
  'sasl-user': { value: true },
  'password-env': { value: true },
  timeout: { value: true },
  'client-id': { value: true },
};

export const CLUSTER_USAGE = `Connection:
  --bootstrap HOST:PORT[,HOST:PORT]   brokers to start from (also --bootstrap-server)
  --command-config FILE               a Kafka client .properties file (bootstrap.servers,
                                      security.protocol, sasl.*, PEM ssl.*); flags override it
  --tls                               use TLS (implied by --tls-ca/--tls-cert)
  --tls-ca FILE                       PEM CA to trust (default: the system's)
  --tls-cert FILE --tls-key FILE      PEM client certificate and key (mutual TLS)
  --tls-no-verify-hostname            accept a certificate that does not name the host
  --sasl-mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512
  --sasl-user NAME                    the password is read from $${PASSWORD_ENV} (or the variable
                                      named by --password-env), else asked for on the terminal;
                                      there is deliberately no --password flag
  --timeout DURATION                  budget for the whole command, e.g. 15s (default ${DEFAULT_TIMEOUT_MS / 1000}s)
  --client-id ID                      client.id the brokers see (default ${DEFAULT_CLIENT_ID})`;

export interface ClusterConnection {
  readonly settings: ConnectionSettings;
  readonly secrets: Secrets;
  readonly warnings: readonly string[];
}

/** Reads the connection options (and the password) into settings. */
export async function clusterConnection(
  p: ParsedArgs,
  io: CliIo,
  env = process.env,
): Promise<ClusterConnection> {
  let base: ClusterConnection | null = null;
  const configFile = single(p, 'command-config');
  if (configFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (e) {
      throw new UserError(
        `cannot read --command-config ${configFile}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    try {
      base = connectionFromProperties(parseProperties(text), (f) => resolve(dirname(configFile), f));
    } catch (e) {
      if (e instanceof ConnectionSettingsError) throw new UserError(`${configFile}: ${e.message}`);
      throw e;
    }
  }
  const bootstrapText = single(p, 'bootstrap') ?? single(p, 'bootstrap-server');
  let bootstrapServers: string[];
  try {
    if (bootstrapText !== undefined) bootstrapServers = parseBootstrap(bootstrapText);
    else if (base !== null) bootstrapServers = [...base.settings.bootstrapServers];
    else throw new UsageError('--bootstrap is required (e.g. --bootstrap localhost:9092)');
  } catch (e) {
    if (e instanceof ConnectionSettingsError) throw new UsageError(e.message);
    throw e;
  }

  const ca = single(p, 'tls-ca');
  const cert = single(p, 'tls-cert');
  const key = single(p, 'tls-key');
  if ((cert === undefined) !== (key === undefined))
    throw new UsageError('--tls-cert and --tls-key go together');
  const wantTls =
    p.flags.has('tls') || ca !== undefined || cert !== undefined || p.flags.has('tls-no-verify-hostname');
  let tls = base?.settings.tls ?? null;
  if (wantTls) {
    tls = {
      caFile: ca ?? tls?.caFile ?? null,
      certFile: cert ?? tls?.certFile ?? null,
      keyFile: key ?? tls?.keyFile ?? null,
      verifyHostname: !p.flags.has('tls-no-verify-hostname') && (tls?.verifyHostname ?? true),
    };
  }

  const mechText = single(p, 'sasl-mechanism');
  const user = single(p, 'sasl-user');
  let sasl = base?.settings.sasl ?? null;
  if (mechText !== undefined || user !== undefined) {
    const mechanism = (mechText ?? sasl?.mechanism ?? '').toUpperCase();
    if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism)) {
      throw new UsageError(`--sasl-mechanism must be one of ${SASL_MECHANISMS.join(', ')}`);
    }
    const username = user ?? sasl?.username;
    if (username === undefined) throw new UsageError('--sasl-user is required with --sasl-mechanism');
    sasl = { mechanism: mechanism as SaslMechanism, username };
  }

  let password = base?.secrets.password ?? null;
  if (sasl !== null) {
    const envName = single(p, 'password-env') ?? PASSWORD_ENV;
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') password = fromEnv;
    if (password === null) {
      password = (await io.readSecret?.(`Password for SASL user ${sasl.username}: `)) ?? null;
      if (password === null) {
        throw new UserError(
          `no password for SASL user "${sasl.username}": set $${envName} (or put sasl.jaas.config in a --command-config file)`,
        );
      }
    }
  }
  const timeoutText = single(p, 'timeout');
  return {
    settings: {
      bootstrapServers,
      tls,
      sasl,
      clientId: single(p, 'client-id') ?? base?.settings.clientId ?? DEFAULT_CLIENT_ID,
      timeoutMs: timeoutText === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(timeoutText, '--timeout'),
    },
    secrets: { password, keyPassphrase: base?.secrets.keyPassphrase ?? null },
    warnings: base?.warnings ?? [],
  };
}

/** A stable name for the cluster in snapshots' sourceId. */
export function sourceIdOf(settings: ConnectionSettings): string {
  return `cluster/${settings.bootstrapServers[0]}`;
}

/** Connection and protocol failures as one plain UserError (exit code 1, no stack trace). */
export function asUserError(e: unknown): unknown {
  if (
    e instanceof KafkaConnectionError ||
    e instanceof OperationTimeoutError ||
    e instanceof KafkaProtocolError ||
    e instanceof UnsupportedApiError ||
    e instanceof ConnectionSettingsError
  ) {
    return new UserError(e.message);
  }
  return e;
}

/**
 * Opens the cluster, hands `session` a function that runs one operation within the timeout, and
 * always closes the cluster at the end.
 */
export async function withClusterSession<T>(
  p: ParsedArgs,
  io: CliIo,
  session: (
    run: <R>(operation: string, fn: (client: KafkaClient, d: Deadline) => Promise<R>) => Promise<R>,
    connection: ClusterConnection,
  ) => Promise<T>,
): Promise<T> {
  const connection = await clusterConnection(p, io);
  for (const w of connection.warnings) io.stderr(`warning: ${w}\n`);
  const client = openCluster(connection.settings, connection.secrets);
  try {
    return await session(async (operation, fn) => {
      try {
        return await client.withDeadline(operation, (d) => fn(client, d));
      } catch (e) {
        throw asUserError(e);
      }
    }, connection);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** One operation against the cluster (see withClusterSession). */
export function withCluster<T>(
  p: ParsedArgs,
  io: CliIo,
  operation: string,
  fn: (client: KafkaClient, d: Deadline, connection: ClusterConnection) => Promise<T>,
): Promise<T> {
  return withClusterSession(p, io, (run, connection) =>
    run(operation, (client, d) => fn(client, d, connection)),
  );
}

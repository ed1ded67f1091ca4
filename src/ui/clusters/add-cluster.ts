/**
 * "Add Cluster…" in quick inputs, and "Import Cluster from .properties…". Both end in
 * `saveCluster`: the password goes to SecretStorage first, then the entry (without it) to the
 * settings — so the cluster's source, made when the setting changes, finds its password.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { SaslMechanism } from '../../kafka/connection';
import { connectionFromProperties, parseProperties, type ImportedConnection } from '../../kafka/properties';
import { UserFacingError } from '../errors';
import {
  SECURITY_PROTOCOLS,
  checkBootstrap,
  checkClusterName,
  checkUsername,
  entryOfImport,
  suggestName,
  type ClusterEntry,
  type NewCluster,
  type SecurityProtocol,
} from './config';
import type { NewClusterInput } from './inputs';
import type { ClusterManager } from './manager';
import { appendClusterEntry } from './settings';

const PROTOCOL_ITEMS: Readonly<Record<SecurityProtocol, { label: string; detail: string }>> = {
  PLAINTEXT: {
    label: 'None (PLAINTEXT)',
    detail: 'No encryption, no authentication — local and test clusters',
  },
  SSL: { label: 'TLS (SSL)', detail: 'Encrypted; optionally a client certificate (mutual TLS)' },
  SASL_PLAINTEXT: {
    label: 'SASL, not encrypted (SASL_PLAINTEXT)',
    detail: 'User name and password (PLAIN or SCRAM) over a plain connection',
  },
  SASL_SSL: {
    label: 'SASL over TLS (SASL_SSL)',
    detail: 'User name and password over TLS — most managed clusters',
  },
};

/** Stores the secrets, then appends the entry to `kafkaGroups.clusters`. */
export async function saveCluster(
  manager: ClusterManager,
  entry: ClusterEntry,
  secrets: { password?: string | null; keyPassphrase?: string | null },
): Promise<void> {
  if (entry.sasl !== undefined && secrets.password !== undefined && secrets.password !== null)
    await manager.secrets.setPassword(entry.name, secrets.password);
  if (secrets.keyPassphrase !== undefined)
    await manager.secrets.setKeyPassphrase(entry.name, secrets.keyPassphrase);
  await appendClusterEntry(entry);
}

async function checkPemFile(path: string, what: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return `cannot read ${what} ${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!/-----BEGIN [A-Z ]+-----/.test(text)) {
    return `${path} is not a PEM file (no "-----BEGIN …-----" line). Convert JKS/PKCS12 first, e.g. openssl pkcs12 -in store.p12 -nodes -out client.pem`;
  }
  return null;
}

async function pickPem(title: string): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Use this file',
    filters: { 'PEM files': ['pem', 'crt', 'cer', 'key'], 'All files': ['*'] },
  });
  return uris?.[0]?.fsPath;
}

/** The quick-input flow; undefined when the user gives up. */
export async function promptNewCluster(taken: readonly string[]): Promise<NewClusterInput | undefined> {
  const step = (n: number, what: string): string => `Add Kafka Cluster — ${what} (${n})`;
  const name = await vscode.window.showInputBox({
    title: step(1, 'name'),
    prompt: 'A name for the cluster, shown in the Groups view',
    placeHolder: 'e.g. prod-eu, local',
    ignoreFocusOut: true,
    validateInput: (v) => checkClusterName(v, taken),
  });
  if (name === undefined) return undefined;
  const bootstrapServers = await vscode.window.showInputBox({
    title: step(2, 'bootstrap servers'),
    prompt: 'host:port of one or more brokers, separated by commas',
    placeHolder: 'localhost:9092 or kafka-1:9093,kafka-2:9093',
    ignoreFocusOut: true,
    validateInput: checkBootstrap,
  });
  if (bootstrapServers === undefined) return undefined;
  const protocolPick = await vscode.window.showQuickPick(
    SECURITY_PROTOCOLS.map((p) => ({ ...PROTOCOL_ITEMS[p], protocol: p })),
    { title: step(3, 'security (security.protocol)'), ignoreFocusOut: true },
  );
  if (protocolPick === undefined) return undefined;
  const protocol = protocolPick.protocol;
  let sasl: NewCluster['sasl'];
  let password: string | null = null;
  if (protocol.startsWith('SASL_')) {
    const mech = await vscode.window.showQuickPick(
      [
        { label: 'SCRAM-SHA-512', detail: 'Salted challenge-response; the password never crosses the wire' },
        { label: 'SCRAM-SHA-256', detail: 'Salted challenge-response' },
        { label: 'PLAIN', detail: 'The password is sent as is — use it over TLS (SASL_SSL) only' },
      ],
      { title: step(4, 'SASL mechanism (sasl.mechanism)'), ignoreFocusOut: true },
    );
    if (mech === undefined) return undefined;
    const username = await vscode.window.showInputBox({
      title: step(5, 'SASL user name'),
      ignoreFocusOut: true,
      validateInput: checkUsername,
    });
    if (username === undefined) return undefined;
    const pw = await vscode.window.showInputBox({
      title: step(6, `password of ${username}`),
      prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v === '' ? 'Enter the password.' : null),
    });
    if (pw === undefined) return undefined;
    sasl = { mechanism: mech.label as SaslMechanism, username };
    password = pw;
  }
  let tls: NewCluster['tls'];
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const n = protocol === 'SSL' ? 4 : 7;
    const caChoice = await vscode.window.showQuickPick(
      [
        { label: 'Trust the system’s CAs', detail: 'For certificates from a public CA', file: false },
        {
          label: 'Choose a CA file (PEM)…',
          detail: 'For a private CA (ssl.truststore.location)',
          file: true,
        },
      ],
      { title: step(n, 'which CA signs the brokers’ certificates?'), ignoreFocusOut: true },
    );
    if (caChoice === undefined) return undefined;
    let caFile: string | null = null;
    if (caChoice.file) {
      const f = await pickPem('The CA certificate (PEM) that signed the brokers’ certificates');
      if (f === undefined) return undefined;
      const bad = await checkPemFile(f, 'the CA file');
      if (bad !== null) throw new UserFacingError(bad);
      caFile = f;
    }
    const certChoice = await vscode.window.showQuickPick(
      [
        { label: 'No client certificate', detail: 'The brokers do not require mutual TLS', mtls: false },
        {
          label: 'Choose a client certificate and key (PEM)…',
          detail: 'Mutual TLS (ssl.keystore.*)',
          mtls: true,
        },
      ],
      { title: step(n + 1, 'client certificate'), ignoreFocusOut: true },
    );
    if (certChoice === undefined) return undefined;
    let certFile: string | null = null;
    let keyFile: string | null = null;
    if (certChoice.mtls) {
      const cert = await pickPem(
        'The client certificate (PEM; a Kafka PEM keystore holding key and chain works too)',
      );
      if (cert === undefined) return undefined;
      const key = await pickPem('The client’s private key (PEM; choose the same file for a PEM keystore)');
      if (key === undefined) return undefined;
      const bad = (await checkPemFile(cert, 'the certificate')) ?? (await checkPemFile(key, 'the key'));
      if (bad !== null) throw new UserFacingError(bad);
      certFile = cert;
      keyFile = key;
    }
    const verify = await vscode.window.showQuickPick(
      [
        { label: 'Verify the brokers’ host names', detail: 'Recommended', verify: true },
        {
          label: 'Do not verify host names',
          detail: 'Only when the certificates do not name the hosts (ssl.endpoint.identification.algorithm=)',
          verify: false,
        },
      ],
      { title: step(n + 2, 'host name verification'), ignoreFocusOut: true },
    );
    if (verify === undefined) return undefined;
    tls = { caFile, certFile, keyFile, verifyHostname: verify.verify };
  }
  return {
    name: name.trim(),
    bootstrapServers,
    securityProtocol: protocol,
    ...(tls !== undefined ? { tls } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
    password,
  };
}

/** Reads and checks a .properties file; the result's warnings say what could not be used. */
export async function readPropertiesFile(path: string): Promise<ImportedConnection> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserFacingError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return connectionFromProperties(parseProperties(text), (p) => resolve(dirname(path), p));
  } catch (e) {
    if (e instanceof Error && e.name === 'ConnectionSettingsError')
      throw new UserFacingError(`${basename(path)}: ${e.message}`);
    throw e;
  }
}

/** The import flow: file → name → (password if the file has none) → saved. Returns the name. */
export async function importCluster(
  manager: ClusterManager,
  arg: unknown,
  log: vscode.LogOutputChannel,
): Promise<string | undefined> {
  const given = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
  let file = typeof given.file === 'string' ? given.file : undefined;
  if (file === undefined) {
    const uris = await vscode.window.showOpenDialog({
      title: 'Import a Kafka client .properties file',
      canSelectMany: false,
      openLabel: 'Import',
      filters: { 'Kafka client properties': ['properties', 'conf', 'config', 'cfg'], 'All files': ['*'] },
    });
    file = uris?.[0]?.fsPath;
    if (file === undefined) return undefined;
  }
  const imported = await readPropertiesFile(file);
  const taken = manager.clusters().map((c) => c.name);
  const name =
    typeof given.name === 'string'
      ? given.name
      : await vscode.window.showInputBox({
          title: `Import ${basename(file)}: name the cluster`,
          value: suggestName(basename(file), taken),
          ignoreFocusOut: true,
          validateInput: (v) => checkClusterName(v, taken),
        });
  if (name === undefined) return undefined;
  const nameProblem = checkClusterName(name, taken);
  if (nameProblem !== null) throw new UserFacingError(nameProblem);
  let password = imported.secrets.password;
  if (imported.settings.sasl !== null && password === null) {
    const pw =
      typeof given.password === 'string'
        ? given.password
        : await vscode.window.showInputBox({
            title: `Password of SASL user ${imported.settings.sasl.username}`,
            prompt: `${basename(file)} has no password in sasl.jaas.config. It is stored in the OS keychain.`,
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => (v === '' ? 'Enter the password.' : null),
          });
    if (pw === undefined) return undefined;
    password = pw;
  }
  const entry = entryOfImport(name.trim(), imported);
  await saveCluster(manager, entry, { password, keyPassphrase: imported.secrets.keyPassphrase ?? null });
  for (const w of imported.warnings) log.warn(`${entry.name} (imported from ${file}): ${w}`);
  if (imported.warnings.length > 0) {
    void vscode.window.showWarningMessage(
      `Kafka Groups: imported "${entry.name}", but ${imported.warnings.length === 1 ? imported.warnings[0] : `${imported.warnings.length} settings could not be used (see the output)`}.`,
    );
  }
  log.info(
    `${entry.name}: imported from ${file}${password !== null ? ' (password stored in SecretStorage)' : ''}`,
  );
  return entry.name;
}

/**
 * The real-cluster feature of the extension: the ClusterManager (settings ↔ sources), the tree's
 * watch of expanded groups, and the cluster commands. `registerClusterCommands` is called once
 * from extension.ts.
 */
import * as vscode from 'vscode';
import type { SourceRegistry } from '../../sources/registry';
import { CommandId } from '../commands/ids';
import { GROUPS_VIEW_ID } from '../tree/register';
import { UserFacingError, guarded } from '../errors';
import type { SimulatorController } from '../simulator/controller';
import { importCluster, promptNewCluster, saveCluster } from './add-cluster';
import { Cancelled, asUserFacing, confirmModal, openMarkdown, resolveCluster, withProgress } from './common';
import type { ClusterConfig } from './config';
import { newClusterArg, validateNewCluster, type NewClusterInput } from './inputs';
import {
  copyKafkaCommand,
  deleteGroup,
  deleteOffsets,
  removeStaticMember,
  resetOffsets,
} from './group-actions';
import { loadKafka } from './kafka';
import { ClusterManager } from './manager';
import { replayInSimulator } from './replay-command';
import { doctorMarkdown } from './reports';
import { ClusterSecrets } from './secrets';
import { removeClusterEntry } from './settings';
import { watchExpandedGroups } from './tree-watch';

export interface ClusterServices {
  readonly registry: SourceRegistry;
  readonly log: vscode.LogOutputChannel;
  readonly simulator: SimulatorController;
  /** The Groups tree (its expanded groups are watched). */
  readonly groupsView: vscode.TreeView<unknown>;
  readonly openDashboard: (sourceId: string, groupId: string) => void;
}

/** The outcome of Test Connection, also returned to programmatic callers. */
export interface ConnectionTestResult {
  readonly ok: boolean;
  readonly message: string;
}

export function registerClusterCommands(
  context: vscode.ExtensionContext,
  services: ClusterServices,
): ClusterManager {
  const { log, registry } = services;
  const manager = new ClusterManager(registry, log, new ClusterSecrets(context.secrets));
  manager.setViewVisible(services.groupsView.visible);
  context.subscriptions.push(
    manager,
    watchExpandedGroups(services.groupsView, registry),
    services.groupsView.onDidChangeVisibility((e) => manager.setViewVisible(e.visible)),
  );

  /** Handlers return a value for programmatic callers; problems become messages (guarded). */
  const register = (id: CommandId, handler: (arg?: unknown) => unknown): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (arg?: unknown) => {
        let result: unknown;
        await guarded(log, id, async () => {
          try {
            result = await handler(arg);
          } catch (e) {
            if (e instanceof Cancelled) {
              log.info(`${id}: cancelled`);
              return;
            }
            throw asUserFacing(e);
          }
        });
        return result;
      }),
    );
  };

  register(CommandId.AddCluster, async (arg) => {
    const given = newClusterArg(arg);
    const taken = manager.clusters().map((c) => c.name);
    const input: NewClusterInput | undefined = given ?? (await promptNewCluster(taken));
    if (input === undefined) return undefined;
    const entry = validateNewCluster(input, taken);
    await saveCluster(manager, entry, {
      password: input.password ?? null,
      ...(input.keyPassphrase !== undefined ? { keyPassphrase: input.keyPassphrase } : {}),
    });
    log.info(
      `${entry.name}: added (${entry.bootstrapServers}, ${entry.securityProtocol ?? 'PLAINTEXT'}${entry.sasl !== undefined ? ', password stored in SecretStorage' : ''})`,
    );
    if (given === undefined) void testConnection(entry.name);
    return entry.name;
  });

  register(CommandId.ImportCluster, async (arg) => {
    const name = await importCluster(manager, arg, log);
    if (name !== undefined && (typeof arg !== 'object' || arg === null)) void testConnection(name);
    return name;
  });

  /** Connects with a fresh client (the settings as they are now) and says what it found. */
  async function testConnection(name: string): Promise<ConnectionTestResult> {
    // Just added: the settings may be written before their change event has reached the manager.
    if (manager.config(name) === undefined) manager.sync();
    const config = manager.config(name);
    if (config === undefined) return { ok: false, message: `there is no cluster "${name}"` };
    const started = Date.now();
    try {
      const found = await withProgress(`Testing the connection to ${config.name}…`, async (token) => {
        const kafka = await loadKafka();
        const secrets = await manager.secretsFor(config);
        const client = kafka.openCluster(config.settings, secrets, {
          log: manager.clientLog(config.name, secrets),
        });
        try {
          return await client.withDeadline('test connection', async (d) => {
            const sub = token.onCancellationRequested(() => d.cancel());
            try {
              const metadata = await client.metadata([], d);
              const broker = await client.anyBroker(d);
              const versions = await client.apiVersions(broker);
              const groups = await kafka.listGroups(client, d, { types: ['consumer', 'classic'] });
              return { metadata, kip848: versions.has(69), groups: groups.groups.length };
            } finally {
              sub.dispose();
            }
          });
        } finally {
          await client.close().catch(() => undefined);
        }
      });
      const n = found.metadata.brokers.length;
      const message =
        `connected to ${config.name} in ${Date.now() - started} ms: ${n} broker${n === 1 ? '' : 's'}, ` +
        `cluster id ${found.metadata.clusterId ?? 'unknown'}, ${found.groups} consumer group${found.groups === 1 ? '' : 's'}, ` +
        (found.kip848
          ? 'KIP-848 consumer groups supported.'
          : 'no KIP-848 (ConsumerGroupDescribe): only classic groups are shown.');
      log.info(`${config.name}: ${message}`);
      void vscode.window.showInformationMessage(
        `Kafka Groups: ${message[0].toUpperCase()}${message.slice(1)}`,
      );
      // A source that failed to connect earlier gets a fresh start; an idle one connects (its row
      // would say "not connected" right after "connected").
      if (manager.source(config.name)?.status().state === 'error') manager.renew(config.name);
      manager
        .source(config.name)
        ?.connect()
        .catch(() => undefined);
      return { ok: true, message };
    } catch (e) {
      if (e instanceof Cancelled) return { ok: false, message: 'cancelled' };
      const err = asUserFacing(e);
      const message = err instanceof Error ? err.message : String(err);
      log.warn(`${config.name}: connection test failed: ${message}`);
      const diagnose = 'Diagnose Connection';
      const setPassword = 'Set Password…';
      const isAuth = /SASL|password|authenticat/i.test(message) && config.settings.sasl !== null;
      void vscode.window
        .showErrorMessage(
          `Kafka Groups: cannot connect to ${config.name}: ${message}`,
          ...(isAuth ? [setPassword] : []),
          diagnose,
        )
        .then((pick) => {
          if (pick === diagnose)
            void vscode.commands.executeCommand(CommandId.DiagnoseConnection, { cluster: config.name });
          if (pick === setPassword)
            void vscode.commands.executeCommand(CommandId.SetClusterPassword, { cluster: config.name });
        });
      return { ok: false, message };
    }
  }

  register(CommandId.TestConnection, async (arg) => {
    const config = await resolveCluster(manager, arg, 'Test the connection to which cluster?');
    return config === undefined ? undefined : testConnection(config.name);
  });

  register(CommandId.DiagnoseConnection, async (arg) => {
    const config = await resolveCluster(manager, arg, 'Diagnose the connection to which cluster?');
    if (config === undefined) return undefined;
    const report = await withProgress(
      `Diagnosing the connection to ${config.name} (DNS, TCP, TLS, SASL, ApiVersions, Metadata, listeners)…`,
      async () => {
        const kafka = await loadKafka();
        const secrets = await manager.secretsFor(config);
        return kafka.diagnoseConnection(config.settings, secrets, {
          transport: kafka.openTransport(config.settings, secrets, manager.clientLog(config.name, secrets)),
        });
      },
    );
    log.info(`${config.name}: diagnosis ${report.ok ? 'found no problem' : 'found problems'}`);
    await openMarkdown(doctorMarkdown(config, report, new Date()));
    return report;
  });

  register(CommandId.RemoveCluster, async (arg) => {
    const config = await resolveCluster(manager, arg, 'Remove which cluster?');
    if (config === undefined) return false;
    // A caller (a keybinding, a task, a test) may confirm in advance: nothing on the cluster changes.
    const confirmed =
      typeof arg === 'object' && arg !== null && (arg as { confirmed?: unknown }).confirmed === true;
    const ok =
      confirmed ||
      (await confirmModal(
        `Remove cluster "${config.name}"?`,
        'Its entry in kafkaGroups.clusters and its stored password are deleted. Nothing on the cluster changes.',
        'Remove Cluster',
      ));
    if (!ok) return false;
    const removed = await removeClusterEntry(config.name);
    await manager.secrets.forget(config.name);
    if (!removed) {
      throw new UserFacingError(
        `"${config.name}" is set in a settings scope this command cannot edit; its stored password was deleted — remove the entry from kafkaGroups.clusters by hand`,
      );
    }
    log.info(`${config.name}: removed (settings entry and stored secrets)`);
    return true;
  });

  register(CommandId.SetClusterPassword, async (arg) => {
    const config = await resolveCluster(
      manager,
      arg,
      'Set the password of which cluster?',
      (c) => c.settings.sasl !== null || c.settings.tls?.keyFile != null,
    );
    if (config === undefined) return false;
    return setPassword(config, arg);
  });

  async function setPassword(config: ClusterConfig, arg: unknown): Promise<boolean> {
    const given =
      typeof arg === 'object' && arg !== null ? (arg as { password?: unknown }).password : undefined;
    const sasl = config.settings.sasl;
    if (sasl === null && config.settings.tls?.keyFile == null)
      throw new UserFacingError(
        `${config.name} uses neither SASL nor an encrypted client key: it needs no password`,
      );
    const what =
      sasl !== null ? `the password of SASL user "${sasl.username}"` : 'the passphrase of the TLS client key';
    const value =
      typeof given === 'string'
        ? given
        : await vscode.window.showInputBox({
            title: `${config.name}: ${what}`,
            prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings',
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => (v === '' && sasl !== null ? 'Enter the password.' : null),
          });
    if (value === undefined) return false;
    if (sasl !== null) await manager.secrets.setPassword(config.name, value);
    else await manager.secrets.setKeyPassphrase(config.name, value);
    log.info(`${config.name}: ${sasl !== null ? 'password' : 'key passphrase'} stored in SecretStorage`);
    return true;
  }

  register(CommandId.RefreshCluster, async (arg) => {
    const config = await resolveCluster(manager, arg, 'Refresh which cluster?');
    if (config === undefined) return;
    const source = manager.source(config.name);
    if (source === undefined) return;
    if (source.status().state === 'error') manager.renew(config.name);
    await vscode.window.withProgress(
      { location: { viewId: GROUPS_VIEW_ID }, title: `Refreshing ${config.name}` },
      () => (manager.source(config.name) ?? source).refresh(),
    );
  });

  register(CommandId.ResetOffsets, (arg) => resetOffsets(manager, arg));
  register(CommandId.DeleteGroup, (arg) => deleteGroup(manager, arg));
  register(CommandId.DeleteOffsets, (arg) => deleteOffsets(manager, arg));
  register(CommandId.RemoveStaticMember, (arg) => removeStaticMember(manager, arg));
  register(CommandId.CopyKafkaCommand, (arg) => copyKafkaCommand(manager, arg));
  register(CommandId.ReplayInSimulator, (arg) =>
    replayInSimulator(registry, services.simulator, services.openDashboard, log, arg),
  );

  return manager;
}

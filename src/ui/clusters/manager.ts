import * as vscode from 'vscode';
import type { ClientLog, KafkaClient } from '../../kafka/client';
import type { Secrets } from '../../kafka/connection';
import type { KafkaClusterBackend } from '../../sources/cluster-backend';
import { ClusterSource } from '../../sources/cluster-source';
import type { SourceRegistry } from '../../sources/registry';
import { UserFacingError } from '../errors';
import { SETTING_CLUSTERS, type ClusterConfig } from './config';
import { redactor } from './inputs';
import { loadBackend, loadKafka } from './kafka';
import type { ClusterSecrets } from './secrets';
import { SETTING_POLL_INTERVAL, SETTING_TIMEOUT, pollIntervalMs, readClusterConfigs } from './settings';

export type KafkaClusterSource = ClusterSource<KafkaClusterBackend>;

interface Managed {
  readonly config: ClusterConfig;
  /** What the connection depends on; a change makes a new source. */
  readonly key: string;
  source: KafkaClusterSource;
}

/**
 * Keeps one ClusterSource in the registry per valid entry of `kafkaGroups.clusters`, in step with
 * the settings and the stored secrets: a changed entry (or password) gets a fresh source, a removed
 * one goes away, the poll interval applies to all at once. "Close Source" on a cluster disconnects
 * it: the cluster stays listed, idle, until a view uses it again.
 */
export class ClusterManager implements vscode.Disposable {
  private readonly managed = new Map<string, Managed>();
  private readonly disposables: vscode.Disposable[] = [];
  private shownProblems = '';
  private problems: readonly string[] = [];
  private disposed = false;
  private viewVisible = true;

  constructor(
    private readonly registry: SourceRegistry,
    private readonly log: vscode.LogOutputChannel,
    readonly secrets: ClusterSecrets,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTING_CLUSTERS) || e.affectsConfiguration(SETTING_TIMEOUT)) this.sync();
        if (e.affectsConfiguration(SETTING_POLL_INTERVAL)) {
          const ms = pollIntervalMs();
          for (const m of this.managed.values()) m.source.setPollInterval(ms);
          this.log.info(`clusters: polling watched groups every ${ms} ms`);
        }
      }),
      secrets.onDidChange((name) => this.renew(name)),
    );
    const unsubscribe = registry.onDidChange((c) => {
      if (!c.sourcesChanged || this.disposed) return;
      for (const m of this.managed.values()) {
        if (registry.get(m.source.id) === undefined) {
          // Closed from the tree: disconnect, keep the configured cluster listed.
          m.source = this.createSource(m.config);
          registry.add(m.source);
          this.log.info(`${m.config.name}: disconnected`);
        }
      }
    });
    this.disposables.push({ dispose: unsubscribe });
    this.sync();
  }

  /** The valid clusters, in settings order. */
  clusters(): ClusterConfig[] {
    return [...this.managed.values()].map((m) => m.config);
  }

  /** Problems of the setting (entries that are not used). */
  settingProblems(): readonly string[] {
    return this.problems;
  }

  config(name: string): ClusterConfig | undefined {
    return this.managed.get(name)?.config;
  }

  source(name: string): KafkaClusterSource | undefined {
    return this.managed.get(name)?.source;
  }

  /** The cluster whose source has this id (`cluster/<name>`). */
  bySourceId(sourceId: string): { config: ClusterConfig; source: KafkaClusterSource } | undefined {
    for (const m of this.managed.values()) if (m.source.id === sourceId) return m;
    return undefined;
  }

  /** Reads the settings again and brings the sources in line. */
  sync(): void {
    if (this.disposed) return;
    const { clusters, problems } = readClusterConfigs();
    this.problems = problems;
    const seen = new Set<string>();
    for (const config of clusters) {
      seen.add(config.name);
      const key = JSON.stringify([config.securityProtocol, config.settings]);
      const m = this.managed.get(config.name);
      if (m !== undefined && m.key === key) continue;
      const source = this.createSource(config);
      this.managed.set(config.name, { config, key, source });
      this.registry.add(source); // replaces (and disposes) the old one with the same id
      this.log.info(
        `${config.name}: ${m === undefined ? 'configured' : 'settings changed'} (${config.settings.bootstrapServers.join(',')}, ${config.securityProtocol})`,
      );
    }
    for (const [name, m] of [...this.managed]) {
      if (seen.has(name)) continue;
      this.managed.delete(name);
      this.registry.remove(m.source.id);
      this.log.info(`${name}: removed`);
    }
    this.reportProblems(problems);
  }

  /** The Groups view was shown or hidden: cluster lists refresh only while it is visible. */
  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    for (const m of this.managed.values()) m.source.setListActive(visible);
  }

  /** A fresh source for a cluster (after its password changed, or to retry a failed connection). */
  renew(name: string): void {
    const m = this.managed.get(name);
    if (m === undefined || this.disposed) return;
    m.source = this.createSource(m.config);
    this.registry.add(m.source);
  }

  /** The cluster's secrets; a clear error when its SASL password was never stored. */
  async secretsFor(config: ClusterConfig): Promise<Secrets> {
    const password = config.settings.sasl !== null ? await this.secrets.password(config.name) : null;
    if (config.settings.sasl !== null && password === null) {
      throw new UserFacingError(
        `no password is stored for SASL user "${config.settings.sasl.username}" of cluster "${config.name}". ` +
          'Run "Kafka Groups: Set Cluster Password…" (passwords live in the OS keychain, not in settings).',
      );
    }
    const keyPassphrase = config.settings.tls !== null ? await this.secrets.keyPassphrase(config.name) : null;
    return { password, keyPassphrase };
  }

  /** A client of its own (Test Connection checks the settings as they are now). Close it after use. */
  async openClient(config: ClusterConfig, log?: ClientLog): Promise<KafkaClient> {
    const secrets = await this.secretsFor(config);
    const kafka = await loadKafka();
    return kafka.openCluster(config.settings, secrets, log !== undefined ? { log } : {});
  }

  /** The connected client of the cluster's source (shared with the watch). */
  async client(name: string): Promise<KafkaClient> {
    const source = this.source(name);
    if (source === undefined)
      throw new UserFacingError(`there is no cluster "${name}" in ${SETTING_CLUSTERS}`);
    return (await source.connect()).client;
  }

  /** A log for a cluster's client that can never print its secrets. */
  clientLog(name: string, secrets: Secrets): ClientLog {
    const redact = redactor(secrets);
    return (level, message) => {
      const line = `${name}: ${redact(message)}`;
      if (level === 'debug') this.log.debug(line);
      else this.log[level](line);
    };
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    for (const m of this.managed.values()) this.registry.remove(m.source.id, false);
    this.managed.clear();
  }

  private createSource(config: ClusterConfig): KafkaClusterSource {
    const sourceId = `cluster/${config.name}`;
    const source = new ClusterSource<KafkaClusterBackend>({
      name: config.name,
      address: config.settings.bootstrapServers.join(','),
      pollIntervalMs: pollIntervalMs(),
      log: (level, message) => this.log[level](message),
      connect: async () => {
        const secrets = await this.secretsFor(config);
        const { createKafkaBackend } = await loadBackend();
        this.log.info(`${config.name}: connecting to ${config.settings.bootstrapServers.join(',')}`);
        return createKafkaBackend(config.settings, secrets, {
          sourceId,
          pollIntervalMs: pollIntervalMs(),
          log: this.clientLog(config.name, secrets),
        });
      },
    });
    source.setListActive(this.viewVisible);
    return source;
  }

  private reportProblems(problems: readonly string[]): void {
    const text = problems.join('\n');
    if (text === this.shownProblems) return;
    this.shownProblems = text;
    if (problems.length === 0) return;
    for (const p of problems) this.log.warn(p);
    const open = 'Open Settings';
    void vscode.window
      .showWarningMessage(
        `Kafka Groups: ${problems.length === 1 ? problems[0] : `${problems.length} clusters in ${SETTING_CLUSTERS} cannot be used (see the "Kafka Group Debugger" output): ${problems[0]}`}`,
        open,
      )
      .then((pick) => {
        if (pick === open)
          void vscode.commands.executeCommand('workbench.action.openSettingsJson', {
            revealSetting: { key: SETTING_CLUSTERS },
          });
      });
  }
}

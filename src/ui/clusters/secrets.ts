import type * as vscode from 'vscode';

/**
 * Cluster secrets in VS Code's SecretStorage (the OS keychain on the desktop): the SASL password
 * and the passphrase of an encrypted TLS client key, keyed by the cluster's name. Never in
 * settings, never in logs, never in snapshots.
 */
export class ClusterSecrets {
  private static readonly PREFIX = 'kafkaGroups.cluster/';

  constructor(private readonly storage: vscode.SecretStorage) {}

  static key(cluster: string, kind: 'password' | 'keyPassphrase'): string {
    return `${ClusterSecrets.PREFIX}${cluster}/${kind}`;
  }

  async password(cluster: string): Promise<string | null> {
    return (await this.storage.get(ClusterSecrets.key(cluster, 'password'))) ?? null;
  }

  async keyPassphrase(cluster: string): Promise<string | null> {
    return (await this.storage.get(ClusterSecrets.key(cluster, 'keyPassphrase'))) ?? null;
  }

  async setPassword(cluster: string, password: string): Promise<void> {
    await this.storage.store(ClusterSecrets.key(cluster, 'password'), password);
  }

  async setKeyPassphrase(cluster: string, passphrase: string | null): Promise<void> {
    if (passphrase === null || passphrase === '')
      await this.storage.delete(ClusterSecrets.key(cluster, 'keyPassphrase'));
    else await this.storage.store(ClusterSecrets.key(cluster, 'keyPassphrase'), passphrase);
  }

  /** Forgets every secret of a cluster (it was removed). */
  async forget(cluster: string): Promise<void> {
    await this.storage.delete(ClusterSecrets.key(cluster, 'password'));
    await this.storage.delete(ClusterSecrets.key(cluster, 'keyPassphrase'));
  }

  /** Fires with the cluster's name when one of its secrets changed (here or in another window). */
  onDidChange(listener: (cluster: string) => void): vscode.Disposable {
    return this.storage.onDidChange((e) => {
      if (!e.key.startsWith(ClusterSecrets.PREFIX)) return;
      const rest = e.key.slice(ClusterSecrets.PREFIX.length);
      const slash = rest.lastIndexOf('/');
      if (slash > 0) listener(rest.slice(0, slash));
    });
  }
}

/**
 * The ClusterSource's backend over src/kafka: one KafkaClient (connections over kafkajs, our own
 * codecs) and one ClusterWatch per connected cluster. Importing this module loads kafkajs's
 * transport code, so the extension imports it dynamically, when a cluster is first used.
 */
import { openCluster, type ClientLog, type KafkaClient, type Transport } from '../kafka';
import type { ConnectionSettings, Secrets } from '../kafka/connection';
import { describeGroupSnapshots } from '../kafka/describe';
import { listGroups } from '../kafka/groups';
import { ClusterWatch } from '../kafka/watch';
import type { ClusterBackend } from './cluster-source';

export interface KafkaClusterBackend extends ClusterBackend {
  /** For actions (reset, delete, …) on the same connections. */
  readonly client: KafkaClient;
}

export interface KafkaBackendOptions {
  readonly sourceId: string;
  readonly pollIntervalMs: number;
  readonly maxBackoffMs?: number;
  readonly log?: ClientLog;
  /** Another transport (tests). */
  readonly transport?: Transport;
}

export function createKafkaBackend(
  settings: ConnectionSettings,
  secrets: Secrets,
  options: KafkaBackendOptions,
): KafkaClusterBackend {
  const client = openCluster(settings, secrets, {
    ...(options.log ? { log: options.log } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  });
  const watch = new ClusterWatch(client, {
    sourceId: options.sourceId,
    intervalMs: options.pollIntervalMs,
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
  });
  return {
    client,
    listGroups: () =>
      client.withDeadline('list groups', (d) => listGroups(client, d, { types: ['consumer', 'classic'] })),
    describe: (groupIds) =>
      client.withDeadline('describe groups', (d) =>
        describeGroupSnapshots(client, groupIds, d, { sourceId: options.sourceId, lag: false }),
      ),
    watch: (groupId, listener) => watch.watch(groupId, listener),
    setPollInterval: (ms) => watch.setIntervalMs(ms),
    pollNow: () => watch.pollNow(),
    close: async () => {
      await watch.stop();
      await client.close();
    },
  };
}

/**
 * Real Kafka clusters. Nothing here loads kafkajs until `openCluster` is called (kafkajs-transport.ts requires it lazily), so importing this
 * module costs nothing for users who never connect to a cluster.
 */
import { KafkaClient, type ClientLog } from './client';
import type { ConnectionSettings, Secrets } from './connection';
import { KafkajsTransport } from './transport/kafkajs-transport';
import type { Transport } from './transport/transport';

export * from './admin';
export * from './client';
export * from './connection';
export * from './describe';
export * from './groups';
export * from './doctor';
export * from './kafka-command';
export * from './listeners';
export * from './offsets';
export * from './properties';
export * from './reset';
export * from './snapshot';
export * from './watch';
export { KafkaProtocolError, errorName } from './wire/errors';
export type { ApiVersionMap, Transport } from './transport/transport';

export interface OpenClusterOptions {
  readonly log?: ClientLog;
  /** Another transport (tests, or a future non-kafkajs one). */
  readonly transport?: Transport;
}

/** The byte pipe to a cluster (kafkajs's connections; loads kafkajs). */
export function openTransport(settings: ConnectionSettings, secrets: Secrets, log?: ClientLog): Transport {
  return new KafkajsTransport({ settings, secrets, ...(log ? { log } : {}) });
}

/**
 * Creates a client for one cluster (kafkajs is loaded here, on first use). It connects lazily, on
 * its first request.
 */
export function openCluster(
  settings: ConnectionSettings,
  secrets: Secrets,
  options: OpenClusterOptions = {},
): KafkaClient {
  const transport =
    options.transport ??
    new KafkajsTransport({
      settings,
      secrets,
      ...(options.log ? { log: options.log } : {}),
    });
  return new KafkaClient({ settings, transport, ...(options.log ? { log: options.log } : {}) });
}

/**
 * The one door from the extension to the code that loads kafkajs. Everything behind it is
 * imported dynamically (from its own bundle, dist/kafka.js), so activating the extension never
 * loads kafkajs (scripts/check-package.mjs checks the bundle); it loads when a cluster is first used.
 */
import type * as KafkaIndex from '../../kafka/index';
import type * as ClusterBackend from '../../sources/cluster-backend';
import type * as ClusterLazy from '../../sources/cluster-lazy';

export type KafkaModule = typeof KafkaIndex;
export type BackendModule = typeof ClusterBackend;

let lazy: Promise<typeof ClusterLazy> | undefined;

function load(): Promise<typeof ClusterLazy> {
  lazy ??= import('../../sources/cluster-lazy.js');
  return lazy;
}

export async function loadKafka(): Promise<KafkaModule> {
  return (await load()).kafka;
}

export async function loadBackend(): Promise<BackendModule> {
  return (await load()).backend;
}

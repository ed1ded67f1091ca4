/**
 * The one door from the extension to the code that loads kafkajs. Everything behind it is
 * imported dynamically, so activating the extension never loads kafkajs (scripts/check-package.mjs
 * checks the bundle's eager import graph); it loads when a cluster is first used.
 */
import type * as KafkaIndex from '../../kafka/index';
import type * as ClusterBackend from '../../sources/cluster-backend';

export type KafkaModule = typeof KafkaIndex;
export type BackendModule = typeof ClusterBackend;

export function loadKafka(): Promise<KafkaModule> {
  return import('../../kafka/index.js');
}

export function loadBackend(): Promise<BackendModule> {
  return import('../../sources/cluster-backend.js');
}

/**
 * Everything that loads kafkajs, behind one module: scripts/build.mjs builds it as its own bundle
 * (dist/kafka.js), which the extension imports the first time a cluster is used.
 */
export * as kafka from '../kafka/index';
export * as backend from './cluster-backend';

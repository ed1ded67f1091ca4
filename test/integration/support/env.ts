/**
 * The brokers of the integration suite, shared by all test files. The single node is started by
 * the root hooks (setup.ts); the three-node cluster is started on first use and stopped by them.
 */
import { startKafka, type RunningKafka } from './kafka';

let single: RunningKafka | undefined;
let cluster: Promise<RunningKafka> | undefined;

export function setSingle(k: RunningKafka): void {
  single = k;
}

/** The suite's single-node broker (all listeners: plaintext, SASL, TLS, misadvertised). */
export function kafka(): RunningKafka {
  if (single === undefined)
    throw new Error('the integration root hooks did not start Kafka (run through scripts/test.mjs)');
  return single;
}

/** The three-node cluster, started once on first use. */
export function sharedCluster(): Promise<RunningKafka> {
  cluster ??= startKafka({ mode: 'cluster', log: (l) => process.stderr.write(`  [kafka cluster] ${l}\n`) });
  return cluster;
}

export async function stopShared(): Promise<void> {
  if (cluster !== undefined) {
    const c = cluster;
    cluster = undefined;
    await (await c.catch(() => undefined))?.stop();
  }
}

/**
 * Root hooks of the integration suite (loaded by scripts/test.mjs with `mocha --require`): fetch
 * Kafka 4.3.1 from Maven Central when needed, start one single-node KRaft broker for the whole
 * suite, and always stop it. Tests that need the three-node cluster start it themselves through
 * `sharedCluster()`, once, and it is stopped here too.
 *
 * No JVM outlives the suite: stop() in afterAll, a synchronous kill on process exit and on
 * SIGINT/SIGTERM, and a watchdog per JVM (scripts/kafka/cluster.mjs) for the case where this
 * process is killed outright.
 */
import { killAllJavaConsumers, killAllSync, startKafka, type RunningKafka } from './support/kafka';
import { setSingle, stopShared } from './support/env';

let single: RunningKafka | undefined;

function onExit(): void {
  killAllJavaConsumers();
  killAllSync();
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(20 * 60_000); // the first run downloads Kafka's jars from Maven Central
    process.once('exit', onExit);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        onExit();
        process.exit(130);
      });
    }
    const t = Date.now();
    single = await startKafka({ mode: 'single', log: (l) => process.stderr.write(`  [kafka] ${l}\n`) });
    setSingle(single);
    process.stderr.write(
      `  [kafka] single node ${single.bootstrap} ready in ${((Date.now() - t) / 1000).toFixed(1)} s\n`,
    );
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    killAllJavaConsumers();
    await stopShared();
    await single?.stop();
    single = undefined;
  },
};

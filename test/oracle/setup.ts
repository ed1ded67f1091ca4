/**
 * Root hooks of the oracle suite: build the Java oracle (Kafka 4.3.1's assignors, scripts/oracle)
 * once before any test, and stop its JVM at the end. A missing Java or Maven fails the suite with
 * a message saying what to install.
 */
import { closeOracle, ensureOracleBuilt } from './support/oracle';

export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    this.timeout(10 * 60_000);
    ensureOracleBuilt((m) => process.stderr.write(`${m}\n`));
  },
  afterAll(): void {
    closeOracle();
  },
};

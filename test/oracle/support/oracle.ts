/**
 * Typed access to the Java oracle (scripts/oracle/oracle.cjs): one JVM running Kafka's own
 * assignors, fed JSON cases in batches.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

export interface OracleResult {
  readonly id: number | string;
  readonly error?: string;
  readonly trace?: string;
  readonly [key: string]: unknown;
}

export interface OracleProcess {
  run(cases: readonly object[]): Promise<OracleResult[]>;
  close(): void;
}

interface OracleModule {
  ensureBuilt(log?: (message: string) => void): string;
  Oracle: new (options?: { log?: (message: string) => void; kafka?: string }) => OracleProcess;
}

function load(): OracleModule {
  const req = createRequire(__filename);
  return req(join(REPO_ROOT, 'scripts', 'oracle', 'oracle.cjs')) as OracleModule;
}

export function ensureOracleBuilt(log?: (message: string) => void): void {
  load().ensureBuilt(log);
}

const shared = new Map<string, OracleProcess>();

/**
 * The suite's JVM running Kafka 4.3.1 (or, with '4.0', Kafka 4.0.0's group coordinator), started
 * on first use and stopped by the root hook.
 */
export function oracle(kafka: '4.3' | '4.0' = '4.3'): OracleProcess {
  let p = shared.get(kafka);
  if (p === undefined) {
    p = new (load().Oracle)({ kafka });
    shared.set(kafka, p);
  }
  return p;
}

export function closeOracle(): void {
  for (const p of shared.values()) p.close();
  shared.clear();
}

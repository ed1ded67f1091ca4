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
  Oracle: new (options?: { log?: (message: string) => void }) => OracleProcess;
}

function load(): OracleModule {
  const req = createRequire(__filename);
  return req(join(REPO_ROOT, 'scripts', 'oracle', 'oracle.cjs')) as OracleModule;
}

export function ensureOracleBuilt(log?: (message: string) => void): void {
  load().ensureBuilt(log);
}

let shared: OracleProcess | undefined;

/** The suite's one JVM (started on first use, stopped by the root hook). */
export function oracle(): OracleProcess {
  shared ??= new (load().Oracle)();
  return shared;
}

export function closeOracle(): void {
  shared?.close();
  shared = undefined;
}

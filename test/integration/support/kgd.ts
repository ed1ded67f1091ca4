/** Running `kgd` in-process or as the built binary, and small waiting helpers for integration tests. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { REPO_ROOT } from './kafka';

export interface KgdResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs kgd's main() in this process (env entries are set for the duration of the call). */
export async function kgd(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<KgdResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: () => Promise.resolve(''),
    isTty: false,
  };
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  const t = Date.now();
  try {
    const code = await main(args, io);
    return { code, stdout, stderr, ms: Date.now() - t };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs the bundled binary (dist/cli.js) as a user would, with a hard kill after `killAfterMs`. */
export function kgdBinary(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  killAfterMs = 60_000,
): Promise<KgdResult & { readonly killed: boolean }> {
  return new Promise((resolve) => {
    const t = Date.now();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t, killed });
    });
  });
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// The editor's own logs, read from the user-data-dir code-server was started with:
//   logs/<session>/exthost<N>/remoteexthost.log          the extension host (activations, errors)
//   logs/<session>/exthost<N>/<extension id>/<name>.log  an extension's LogOutputChannel
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The log files of the newest session under `<userDataDir>/logs` whose relative path matches. */
export function logFiles(userDataDir: string, match: (relativePath: string) => boolean): string[] {
  const root = join(userDataDir, 'logs');
  if (!existsSync(root)) return [];
  const sessions = readdirSync(root).sort();
  const newest = sessions[sessions.length - 1];
  if (newest === undefined) return [];
  return walk(join(root, newest))
    .filter((p) => match(relative(join(root, newest), p).split(sep).join('/')))
    .sort();
}

function readAll(files: string[]): string {
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** Every extension host log of the newest session (one per window reload). */
export function extensionHostLog(userDataDir: string): string {
  return readAll(logFiles(userDataDir, (p) => /^exthost\d+\/remoteexthost\.log$/.test(p)));
}

/** What an extension wrote to its LogOutputChannel(s) in the newest session. */
export function extensionLog(userDataDir: string, extensionId: string): string {
  const id = extensionId.toLowerCase();
  return readAll(
    logFiles(
      userDataDir,
      (p) => p.toLowerCase().startsWith(`exthost`) && p.toLowerCase().includes(`/${id}/`),
    ),
  );
}

/**
 * The error entries of a VS Code log: a line `<timestamp> [error] …` and the lines after it up to
 * the next timestamped line (stack traces).
 */
export function errorEntries(log: string): string[] {
  const entries: string[] = [];
  let current: string[] | undefined;
  for (const line of log.split('\n')) {
    if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[/.test(line)) {
      if (current) entries.push(current.join('\n'));
      current = /\[error\]/.test(line) ? [line] : undefined;
    } else if (current) {
      current.push(line);
    }
  }
  if (current) entries.push(current.join('\n'));
  return entries;
}

/** Polls `read()` until `pattern` matches, or fails saying what was last read. */
export async function waitForLog(
  read: () => string,
  pattern: RegExp,
  { timeoutMs = 30_000, what = 'log' }: { timeoutMs?: number; what?: string } = {},
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = read();
    const m = pattern.exec(text);
    if (m) return m;
    if (Date.now() > deadline) {
      const lastLines = text.trimEnd().split('\n').slice(-15).join('\n');
      throw new Error(
        `${what} did not show ${String(pattern)} within ${timeoutMs / 1000} s. Last lines:\n${lastLines}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A small, strict option parser for kgd's commands: `--name value`, `--name=value`, boolean
 * `--flag`, repeatable options. Unknown options and missing values are UsageErrors.
 */
import { UsageError } from '../io';

export interface OptionSpec {
  /** Takes a value (`--group x`) or is a flag (`--verbose`). */
  readonly value: boolean;
  /** May be given more than once. */
  readonly repeat?: boolean;
}

export interface ParsedArgs {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
  readonly positional: readonly string[];
}

export function parseArgs(args: readonly string[], spec: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const s = spec[name];
    if (s === undefined) throw new UsageError(`unknown option --${name}`);
    if (!s.value) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    let v: string | undefined;
    if (eq > 0) v = a.slice(eq + 1);
    else {
      v = args[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2))
        throw new UsageError(`--${name} needs a value`);
      i++;
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && s.repeat !== true) throw new UsageError(`--${name} was given more than once`);
    list.push(v);
    values.set(name, list);
  }
  return { values, flags, positional };
}

export function single(p: ParsedArgs, name: string): string | undefined {
  return p.values.get(name)?.[0];
}

export function all(p: ParsedArgs, name: string): string[] {
  return (p.values.get(name) ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** "15s", "1500ms", "2m", or a bare number of milliseconds (as Kafka's tools take --timeout). */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`${option} must be a duration like 15s, 1500ms or 2m (got "${text}")`);
  const n = Number(m[1]);
  const ms = m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
  if (ms <= 0) throw new UsageError(`${option} must be more than zero`);
  return Math.round(ms);
}

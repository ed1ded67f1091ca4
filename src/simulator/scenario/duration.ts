/**
 * Durations in scenario files and on the command line: a number of milliseconds, or a string of
 * one or more `<number><unit>` parts with units ms, s, m, h — e.g. "150ms", "30s", "1m30s", "2h".
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== text.length) return null;
  return Math.round(total);
}

/** Time and duration formatting live in the model, shared with every view. */
export { formatClock, formatDuration } from '../../model';

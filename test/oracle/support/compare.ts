/** Comparing our assignors' outputs with the oracle's, and printing readable differences. */
import { JAVA_UUID } from '../../../src/simulator/java/keys';
import { javaHashOrder, javaIntSetOrder } from '../../../src/simulator/java/order';
import type { GroupAssignment, GroupSpec } from '../../../src/simulator/assignors/api';

export type OrderedAssignment = [string, number[]][];

/** Our output per member, in Java iteration order (a member handed back its input map is re-derived). */
export function oursInJavaOrder(spec: GroupSpec, out: GroupAssignment): Map<string, OrderedAssignment> {
  const result = new Map<string, OrderedAssignment>();
  for (const [memberId, a] of out) {
    const input = spec.members.get(memberId)?.assignment;
    if (input !== undefined && (a as unknown) === input) {
      result.set(
        memberId,
        javaHashOrder(JAVA_UUID, [...input.keys()]).map((t) => [
          t,
          javaIntSetOrder([...(input.get(t) ?? [])], 'copy'),
        ]),
      );
    } else {
      result.set(
        memberId,
        [...a].map(([t, ps]) => [t, [...ps]]),
      );
    }
  }
  return result;
}

export function oracleAssignment(raw: unknown): Map<string, OrderedAssignment> {
  const out = new Map<string, OrderedAssignment>();
  for (const [memberId, topics] of raw as [string, OrderedAssignment][]) out.set(memberId, topics);
  return out;
}

function sortedForm(a: OrderedAssignment): string {
  return JSON.stringify(
    a
      .map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)] as const)
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)),
  );
}

/** Differences between two outputs: content first, then (when `checkOrder`) iteration order. */
export function diffAssignments(
  expected: Map<string, OrderedAssignment>,
  actual: Map<string, OrderedAssignment>,
  checkOrder: boolean,
): string[] {
  const diffs: string[] = [];
  const ids = new Set([...expected.keys(), ...actual.keys()]);
  for (const id of [...ids].sort()) {
    const e = expected.get(id);
    const a = actual.get(id);
    if (e === undefined || a === undefined) {
      diffs.push(`member ${id}: ${e === undefined ? 'not in Kafka output' : 'missing from our output'}`);
      continue;
    }
    if (sortedForm(e) !== sortedForm(a)) {
      diffs.push(
        `member ${id}: Kafka ${JSON.stringify(e)}\n${' '.repeat(id.length + 10)}ours  ${JSON.stringify(a)}`,
      );
    } else if (checkOrder && JSON.stringify(e) !== JSON.stringify(a)) {
      diffs.push(
        `member ${id} (same partitions, different Java order): Kafka ${JSON.stringify(e)} ours ${JSON.stringify(a)}`,
      );
    }
  }
  return diffs;
}

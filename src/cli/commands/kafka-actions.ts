/**
 * Actions on real groups, with the options of Kafka's kafka-consumer-groups: reset offsets
 * (dry run by default, CSV export), delete groups, delete offsets, remove static members.
 * Every one can print the equivalent kafka-consumer-groups line instead of acting.
 */
import {
  ResetError,
  clientProperties,
  deleteGroups,
  deleteOffsets,
  executeReset,
  kafkaConsumerGroupsCommand,
  listGroups,
  parseIsoDuration,
  parseResetDateTime,
  parseTopicScope,
  planReset,
  removeStaticMembers,
  resetPlanCsv,
  type GroupAction,
  type ResetPlan,
  type ResetScope,
  type ResetSpec,
} from '../../kafka';
import { UsageError, UserError, type CliCommand, type CliIo } from '../io';
import { all, parseArgs, single, type OptionSpec, type ParsedArgs } from './args';
import { CLUSTER_OPTIONS, CLUSTER_USAGE, clusterConnection, withCluster } from './cluster-options';
import { renderTable } from './kafka-tables';

const COMMON: Readonly<Record<string, OptionSpec>> = {
  ...CLUSTER_OPTIONS,
  group: { value: true, repeat: true },
  'print-kafka-command': { value: false },
};

/** Prints the kafka-consumer-groups line (and the client.properties it needs) instead of acting. */
async function printKafkaCommand(p: ParsedArgs, io: CliIo, action: GroupAction): Promise<number> {
  const { settings } = await clusterConnection(p, io, { ...process.env, KGD_SASL_PASSWORD: 'unused' });
  io.stdout(`${kafkaConsumerGroupsCommand(action, settings)}\n`);
  if (settings.tls !== null || settings.sasl !== null)
    io.stdout(`\n# client.properties\n${clientProperties(settings)}`);
  return 0;
}

function groupsOf(p: ParsedArgs): string[] {
  const gs = all(p, 'group');
  if (gs.length === 0) throw new UsageError('--group is required');
  return gs;
}

function wrapResetError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ResetError) throw new UsageError(e.message);
    throw e;
  }
}

// ───────────────────────────── reset-offsets ─────────────────────────────

const RESET_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ...COMMON,
  'all-groups': { value: false },
  'all-topics': { value: false },
  topic: { value: true, repeat: true },
  'to-earliest': { value: false },
  'to-latest': { value: false },
  'to-current': { value: false },
  'to-offset': { value: true },
  'shift-by': { value: true },
  'to-datetime': { value: true },
  'by-duration': { value: true },
  'dry-run': { value: false },
  execute: { value: false },
  export: { value: false },
  format: { value: true },
};

function resetSpecOf(p: ParsedArgs): ResetSpec {
  const specs: ResetSpec[] = [];
  if (p.flags.has('to-earliest')) specs.push({ kind: 'earliest' });
  if (p.flags.has('to-latest')) specs.push({ kind: 'latest' });
  if (p.flags.has('to-current')) specs.push({ kind: 'current' });
  const integer = (name: string): number => {
    const v = Number(single(p, name));
    if (!Number.isSafeInteger(v)) throw new UsageError(`--${name} must be a whole number`);
    return v;
  };
  if (single(p, 'to-offset') !== undefined) specs.push({ kind: 'offset', offset: integer('to-offset') });
  if (single(p, 'shift-by') !== undefined) specs.push({ kind: 'shift-by', by: integer('shift-by') });
  const dt = single(p, 'to-datetime');
  if (dt !== undefined)
    specs.push({ kind: 'datetime', timestampMs: wrapResetError(() => parseResetDateTime(dt)) });
  const dur = single(p, 'by-duration');
  if (dur !== undefined)
    specs.push({ kind: 'duration', backMs: wrapResetError(() => parseIsoDuration(dur)) });
  if (specs.length !== 1) {
    throw new UsageError(
      'give exactly one of --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration',
    );
  }
  return specs[0];
}

function resetScopeOf(p: ParsedArgs): ResetScope {
  const topics = p.values.get('topic') ?? [];
  if (p.flags.has('all-topics') === topics.length > 0)
    throw new UsageError('give --all-topics or --topic (not both)');
  if (p.flags.has('all-topics')) return { kind: 'all-topics' };
  return { kind: 'topics', topics: topics.map((t) => wrapResetError(() => parseTopicScope(t))) };
}

function planTable(plans: readonly ResetPlan[]): string {
  const rows = plans.flatMap((plan) =>
    plan.rows.map((r) => [
      plan.groupId,
      r.topic,
      String(r.partition),
      r.current === null ? '-' : String(r.current),
      String(r.newOffset),
      r.note ?? '',
    ]),
  );
  return renderTable(
    [
      { name: 'GROUP', min: 15 },
      { name: 'TOPIC', min: 15 },
      { name: 'PARTITION', min: 10 },
      { name: 'CURRENT-OFFSET', min: 15 },
      { name: 'NEW-OFFSET', min: 10 },
      { name: 'NOTE', min: 0 },
    ],
    rows,
  );
}

export const resetOffsetsCommand: CliCommand = {
  name: 'reset-offsets',
  summary: 'Reset committed offsets of inactive groups (dry run first; CSV export; --execute to apply)',
  usage: `Usage: kgd reset-offsets --bootstrap HOST:PORT (--group ID ... | --all-groups) (--all-topics | --topic T[:P,P] ...)
         (--to-earliest | --to-latest | --to-current | --to-offset N | --shift-by N
          | --to-datetime YYYY-MM-DDTHH:mm:SS.sss | --by-duration PnDTnHnMnS)
         [--dry-run (default) | --execute] [--export] [--format table|json] [--print-kafka-command]

As kafka-consumer-groups --reset-offsets: without --execute nothing changes and the plan is
printed (CURRENT-OFFSET → NEW-OFFSET; --export prints CSV with Kafka's columns: topic,partition,offset,
or group,topic,partition,offset for several groups). A reset runs only on an inactive group (Empty, or
one that does not exist yet); kgd checks again right before committing. An offset or shift outside
the log is clamped to its start or end, as Kafka does.

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, RESET_OPTIONS);
    const spec = resetSpecOf(p);
    const scope = resetScopeOf(p);
    if (p.flags.has('dry-run') && p.flags.has('execute'))
      throw new UsageError('--dry-run and --execute exclude each other');
    const execute = p.flags.has('execute');
    const format = single(p, 'format') ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError('--format must be table or json');
    if (p.flags.has('all-groups') && all(p, 'group').length > 0)
      throw new UsageError('give --group or --all-groups, not both');
    if (!p.flags.has('all-groups') && all(p, 'group').length === 0)
      throw new UsageError('--group is required (or --all-groups)');
    if (p.flags.has('print-kafka-command')) {
      return printKafkaCommand(p, io, { kind: 'reset', groups: all(p, 'group'), spec, scope, execute });
    }
    const results = await withCluster(
      p,
      io,
      execute ? 'resetting offsets' : 'planning an offset reset',
      async (client, d) => {
        const groups = p.flags.has('all-groups')
          ? (await listGroups(client, d)).groups
              .filter((g) => g.protocolType === 'consumer' || g.type === 'consumer')
              .map((g) => g.groupId)
          : all(p, 'group');
        const plans: ResetPlan[] = [];
        for (const g of groups) {
          try {
            plans.push(await planReset(client, g, spec, scope, d));
          } catch (e) {
            if (e instanceof ResetError) throw new UserError(`${g}: ${e.message}`);
            throw e;
          }
        }
        const applied = new Map<string, number>();
        if (execute) {
          for (const plan of plans) {
            if (plan.refusal !== null) continue;
            try {
              const r = await executeReset(client, plan, d);
              applied.set(plan.groupId, r.committed);
              for (const f of r.failed)
                io.stderr(`${plan.groupId}: ${f.topic}-${f.partition} not reset: ${f.error}\n`);
            } catch (e) {
              if (e instanceof ResetError) throw new UserError(`${plan.groupId}: ${e.message}`);
              throw e;
            }
          }
        }
        return { plans, applied };
      },
    );
    let exit = 0;
    for (const plan of results.plans) {
      if (plan.refusal !== null) {
        io.stderr(`\nError: ${plan.refusal}\n`);
        exit = 1;
      }
    }
    const runnable = results.plans.filter((pl) => pl.refusal === null);
    if (format === 'json') {
      io.stdout(
        `${JSON.stringify({ executed: execute, plans: results.plans, applied: Object.fromEntries(results.applied) }, null, 2)}\n`,
      );
    } else if (p.flags.has('export')) {
      io.stdout(resetPlanCsv(runnable));
    } else {
      if (runnable.length > 0) io.stdout(`\n${planTable(runnable)}`);
      if (execute) {
        for (const [g, n] of results.applied) io.stdout(`\nReset ${n} partition(s) of group '${g}'.\n`);
      } else if (runnable.length > 0) {
        io.stdout('\nDry run: nothing changed. Add --execute to apply.\n');
      }
    }
    return exit;
  },
};

// ───────────────────────────── delete-groups ─────────────────────────────

export const deleteGroupsCommand: CliCommand = {
  name: 'delete-groups',
  summary: 'Delete inactive groups (their committed offsets go with them)',
  usage: `Usage: kgd delete-groups --bootstrap HOST:PORT --group ID ... [--print-kafka-command]

As kafka-consumer-groups --delete. The broker refuses groups that still have members
(NON_EMPTY_GROUP).

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, COMMON);
    const groups = groupsOf(p);
    if (p.flags.has('print-kafka-command')) return printKafkaCommand(p, io, { kind: 'delete', groups });
    const result = await withCluster(p, io, 'deleting groups', (client, d) =>
      deleteGroups(client, groups, d),
    );
    let exit = 0;
    for (const g of groups) {
      const e = result.get(g);
      if (e === null) io.stdout(`Deletion of group '${g}' was successful.\n`);
      else {
        exit = 1;
        io.stderr(`Error: deletion of group '${g}' failed: ${e?.message ?? 'no answer'}\n`);
      }
    }
    return exit;
  },
};

// ───────────────────────────── delete-offsets ─────────────────────────────

export const deleteOffsetsCommand: CliCommand = {
  name: 'delete-offsets',
  summary: "Delete a group's committed offsets for topics (or some partitions)",
  usage: `Usage: kgd delete-offsets --bootstrap HOST:PORT --group ID --topic T[:P,P] ... [--print-kafka-command]

As kafka-consumer-groups --delete-offsets. The broker refuses topics that an active member of the
group is subscribed to (GROUP_SUBSCRIBED_TO_TOPIC).

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, { ...COMMON, topic: { value: true, repeat: true } });
    const groups = groupsOf(p);
    if (groups.length !== 1) throw new UsageError('delete-offsets takes one --group');
    const topicArgs = p.values.get('topic') ?? [];
    if (topicArgs.length === 0) throw new UsageError('--topic is required');
    if (p.flags.has('print-kafka-command')) {
      return printKafkaCommand(p, io, { kind: 'delete-offsets', group: groups[0], topics: topicArgs });
    }
    const topics = topicArgs.map((t) => wrapResetError(() => parseTopicScope(t)));
    const outcome = await withCluster(p, io, 'deleting offsets', (client, d) =>
      deleteOffsets(client, groups[0], topics, d),
    );
    io.stdout(
      `\n${renderTable(
        [
          { name: 'TOPIC', min: 15 },
          { name: 'PARTITION', min: 10 },
          { name: 'STATUS', min: 0 },
        ],
        outcome.map((o) => [
          o.topic,
          String(o.partition),
          o.error === null ? 'Successful' : `Error: ${o.error}`,
        ]),
      )}`,
    );
    return outcome.every((o) => o.error === null) ? 0 : 1;
  },
};

// ───────────────────────────── remove-members ─────────────────────────────

export const removeMembersCommand: CliCommand = {
  name: 'remove-members',
  summary: 'Remove static members (group.instance.id) so their partitions move now',
  usage: `Usage: kgd remove-members --bootstrap HOST:PORT --group ID --instance-id ID ...

A static member that stops keeps its partitions until its session times out. This removes it at
once (LeaveGroup with the instance id, as Kafka's Admin.removeMembersFromConsumerGroup), for classic
and KIP-848 groups. kafka-consumer-groups has no option for this.

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, {
      ...CLUSTER_OPTIONS,
      group: { value: true, repeat: true },
      'instance-id': { value: true, repeat: true },
    });
    const groups = groupsOf(p);
    if (groups.length !== 1) throw new UsageError('remove-members takes one --group');
    const ids = all(p, 'instance-id');
    if (ids.length === 0) throw new UsageError('--instance-id is required');
    const result = await withCluster(p, io, 'removing members', (client, d) =>
      removeStaticMembers(client, groups[0], ids, d),
    );
    let exit = 0;
    for (const id of ids) {
      const e = result.get(id);
      if (e === null) io.stdout(`Removed static member '${id}' from group '${groups[0]}'.\n`);
      else {
        exit = 1;
        io.stderr(`Error: could not remove '${id}' from group '${groups[0]}': ${e ?? 'no answer'}\n`);
      }
    }
    return exit;
  },
};

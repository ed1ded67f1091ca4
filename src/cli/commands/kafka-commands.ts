/**
 * `kgd groups`, `kgd describe` and `kgd lag`: real clusters from the terminal, with the tables of
 * Kafka's own kafka-consumer-groups (or JSON snapshots).
 */
import {
  describeGroupSnapshots,
  listGroups,
  type Deadline,
  type GroupDescription,
  type GroupType,
  type KafkaClient,
  type ListedGroup,
} from '../../kafka';
import { LagHistory } from '../../kafka/lag/burrow';
import type { GroupSnapshot } from '../../model';
import { UsageError, UserError, type CliCommand, type CliIo } from '../io';
import { all, parseArgs, parseDuration, single, type OptionSpec, type ParsedArgs } from './args';
import {
  CLUSTER_OPTIONS,
  CLUSTER_USAGE,
  sourceIdOf,
  withCluster,
  withClusterSession,
} from './cluster-options';
import { groupsTable, lagTable, membersTable, offsetsTable, stateTable } from './kafka-tables';

type Format = 'table' | 'json';

function formatOf(p: ParsedArgs): Format {
  const f = single(p, 'format') ?? 'table';
  if (f !== 'table' && f !== 'json') throw new UsageError('--format must be table or json');
  return f;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const GROUP_TYPES: readonly GroupType[] = ['consumer', 'classic', 'share', 'streams'];

/** The groups `--all-groups` means, as kafka-consumer-groups --all-groups: consumer groups of both protocols. */
function isConsumerGroup(g: ListedGroup): boolean {
  if (g.type === 'consumer') return true;
  return (
    (g.type === null || g.type === 'classic') && (g.protocolType === 'consumer' || g.protocolType === '')
  );
}

async function selectedGroups(p: ParsedArgs, client: KafkaClient, d: Deadline, io: CliIo): Promise<string[]> {
  const named = all(p, 'group');
  if (p.flags.has('all-groups')) {
    if (named.length > 0) throw new UsageError('give --group or --all-groups, not both');
    const listed = await listGroups(client, d);
    for (const e of listed.errors)
      io.stderr(`warning: could not list the groups of ${e.broker}: ${e.message}\n`);
    return listed.groups.filter(isConsumerGroup).map((g) => g.groupId);
  }
  if (named.length === 0) throw new UsageError('--group is required (or --all-groups)');
  return named;
}

/** Prints per-group notices as Kafka's tool does; returns whether every group was found. */
function reportProblems(described: ReadonlyMap<string, GroupDescription>, io: CliIo): boolean {
  let ok = true;
  for (const g of described.values()) {
    if (g.ok) {
      for (const w of g.warnings) io.stderr(`warning: ${g.snapshot.groupId}: ${w}\n`);
      if (g.snapshot.state === 'Empty')
        io.stderr(`\nConsumer group '${g.snapshot.groupId}' has no active members.\n`);
      else if (g.snapshot.state !== 'Stable' && g.snapshot.state !== 'Dead') {
        io.stderr(`\nWarning: Consumer group '${g.snapshot.groupId}' is rebalancing.\n`);
      }
      continue;
    }
    ok = false;
    io.stderr(
      g.notFound
        ? `\nError: Consumer group '${g.groupId}' does not exist.\n`
        : `\nError: could not describe group '${g.groupId}': ${g.message}\n`,
    );
  }
  return ok;
}

function snapshotsOf(described: ReadonlyMap<string, GroupDescription>): GroupSnapshot[] {
  return [...described.values()]
    .flatMap((g) => (g.ok ? [g.snapshot] : []))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

function jsonResult(described: ReadonlyMap<string, GroupDescription>): unknown {
  return {
    groups: snapshotsOf(described),
    errors: [...described.values()].flatMap((g) =>
      g.ok ? [] : [{ groupId: g.groupId, notFound: g.notFound, message: g.message }],
    ),
  };
}

function options(extra: Readonly<Record<string, OptionSpec>>): Readonly<Record<string, OptionSpec>> {
  return { ...CLUSTER_OPTIONS, format: { value: true }, ...extra };
}

// ───────────────────────────── kgd groups ─────────────────────────────

const GROUPS_OPTIONS = options({ type: { value: true, repeat: true }, state: { value: true, repeat: true } });

export const groupsCommand: CliCommand = {
  name: 'groups',
  summary: 'List the groups of a Kafka cluster with their type (consumer/classic) and state',
  usage: `Usage: kgd groups --bootstrap HOST:PORT [--type consumer,classic] [--state Stable,Empty] [--format table|json]

Lists every group on every broker (ListGroups v5 with its type filter where the broker has it).

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, GROUPS_OPTIONS);
    const format = formatOf(p);
    const types = all(p, 'type').map((t) => t.toLowerCase());
    for (const t of types) {
      if (!GROUP_TYPES.includes(t as GroupType))
        throw new UsageError(`--type must be among ${GROUP_TYPES.join(', ')}`);
    }
    const result = await withCluster(p, io, 'listing groups', (client, d) =>
      listGroups(client, d, { types: types as GroupType[], states: all(p, 'state') }),
    );
    for (const e of result.errors)
      io.stderr(`warning: could not list the groups of ${e.broker}: ${e.message}\n`);
    io.stdout(format === 'json' ? json(result) : groupsTable(result.groups));
    return result.errors.length === 0 ? 0 : 1;
  },
};

// ───────────────────────────── kgd describe ─────────────────────────────

const DESCRIBE_OPTIONS = options({
  group: { value: true, repeat: true },
  'all-groups': { value: false },
  members: { value: false },
  state: { value: false },
  offsets: { value: false },
  verbose: { value: false },
});

export const describeCommand: CliCommand = {
  name: 'describe',
  summary: 'Describe consumer groups (KIP-848 and classic) like kafka-consumer-groups --describe',
  usage: `Usage: kgd describe --bootstrap HOST:PORT (--group ID ... | --all-groups)
                    [--offsets | --members [--verbose] | --state [--verbose]] [--format table|json]

Views (as kafka-consumer-groups --describe):
  --offsets (default)  one row per partition: committed offset, log end, lag, owner
  --members            one row per member; --verbose adds, for KIP-848 groups, CURRENT-EPOCH,
                       CURRENT-ASSIGNMENT, TARGET-EPOCH and TARGET-ASSIGNMENT
  --state              coordinator, assignor, state; --verbose adds GROUP-EPOCH and
                       TARGET-ASSIGNMENT-EPOCH
--format json prints full group snapshots (members, epochs, assignments, lag) for every view.

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, DESCRIBE_OPTIONS);
    const format = formatOf(p);
    const views = ['members', 'state', 'offsets'].filter((v) => p.flags.has(v));
    if (views.length > 1) throw new UsageError('choose one of --offsets, --members, --state');
    const view = views[0] ?? 'offsets';
    if (p.flags.has('verbose') && view === 'offsets')
      throw new UsageError('--verbose goes with --members or --state');
    const verbose = p.flags.has('verbose');
    const described = await withCluster(p, io, 'describing groups', async (client, d, c) => {
      const groups = await selectedGroups(p, client, d, io);
      return describeGroupSnapshots(client, groups, d, {
        sourceId: sourceIdOf(c.settings),
        lag: view === 'offsets' || format === 'json',
      });
    });
    const ok = reportProblems(described, io);
    if (format === 'json') io.stdout(json(jsonResult(described)));
    else {
      for (const s of snapshotsOf(described)) {
        const table =
          view === 'members'
            ? membersTable(s, verbose)
            : view === 'state'
              ? stateTable(s, verbose)
              : offsetsTable(s);
        io.stdout(`\n${table}`);
      }
    }
    return ok ? 0 : 1;
  },
};

// ───────────────────────────── kgd lag ─────────────────────────────

const LAG_OPTIONS = options({
  group: { value: true, repeat: true },
  'all-groups': { value: false },
  watch: { value: false },
  interval: { value: true },
  samples: { value: true },
});

export const lagCommand: CliCommand = {
  name: 'lag',
  summary: 'Committed offsets, log start/end and lag per partition; --watch adds Burrow-style status',
  usage: `Usage: kgd lag --bootstrap HOST:PORT (--group ID ... | --all-groups) [--watch [--interval 5s] [--samples N]]
               [--format table|json]

Lag is log end − committed offset. A partition without a committed offset shows "no commit"
(never 0); a committed offset below the log start is flagged. With --watch, kgd polls every
--interval (default 5s) and judges each partition over the last 10 polls, as Burrow does:
OK, WARN (lag keeps growing), STALL (owned but not moving), STOP (nobody consumes), REWIND
(offset went back). It stops after --samples polls (default: until interrupted).

${CLUSTER_USAGE}`,
  async run(args, io) {
    const p = parseArgs(args, LAG_OPTIONS);
    const format = formatOf(p);
    const watch = p.flags.has('watch');
    const intervalMs = parseDuration(single(p, 'interval') ?? '5s', '--interval');
    const samplesText = single(p, 'samples');
    const samples = samplesText === undefined ? (watch ? Infinity : 1) : Number(samplesText);
    if (!Number.isInteger(samples) && samples !== Infinity)
      throw new UsageError('--samples must be a whole number');
    if (!watch && samplesText !== undefined) throw new UsageError('--samples goes with --watch');
    const histories = new Map<string, LagHistory>();
    let exit = 0;
    await withClusterSession(p, io, async (run, connection) => {
      for (let i = 0; i < samples; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, intervalMs));
        let described: Map<string, GroupDescription>;
        try {
          described = await run('reading lag', async (client, d) => {
            const groups = await selectedGroups(p, client, d, io);
            return describeGroupSnapshots(client, groups, d, { sourceId: sourceIdOf(connection.settings) });
          });
        } catch (e) {
          // While watching, a failed poll is reported and the next one tried; once, it is the answer.
          if (!watch || !(e instanceof UserError)) throw e;
          io.stderr(`${new Date().toISOString()} poll failed: ${e.message}\n`);
          exit = 1;
          continue;
        }
        if (!reportProblems(described, io)) exit = 1;
        const snapshots = snapshotsOf(described).map((s) => {
          if (!watch) return s;
          let h = histories.get(s.groupId);
          if (h === undefined) {
            h = new LagHistory();
            histories.set(s.groupId, h);
          }
          return h.observe(s);
        });
        io.stdout(format === 'json' ? lagJson(snapshots) : lagText(snapshots, watch));
      }
    });
    return exit;
  },
};

function lagJson(snapshots: readonly GroupSnapshot[]): string {
  return json({
    timeMs: Date.now(),
    groups: snapshots.map((s) => ({ groupId: s.groupId, state: s.state, lag: s.lag })),
  });
}

function lagText(snapshots: readonly GroupSnapshot[], watch: boolean): string {
  let out = watch ? `\n${new Date().toISOString()}\n` : '';
  for (const s of snapshots) {
    const l = s.lag;
    out +=
      `\n${lagTable(s)}${s.groupId}: total lag ${l?.totalLag ?? 0}` +
      (l !== null && l.partitionsWithoutCommit > 0
        ? `, ${l.partitionsWithoutCommit} partition(s) without a commit`
        : '') +
      (l?.status ? `, status ${l.status}` : '') +
      '\n';
  }
  return out;
}

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeEvent, type GroupEvent, type GroupSnapshot } from '../../model';
import { createSimulation } from '../../simulator/engine/parts';
import type { Simulation } from '../../simulator/engine/simulation';
import type { GroupRunMetrics } from '../../simulator/engine/metrics';
import { builtinScenarios, builtinScenario } from '../../simulator/scenario/builtins';
import { formatClock, formatDuration, parseDuration } from '../../simulator/scenario/duration';
import { ScenarioError, parseScenarioText } from '../../simulator/scenario/parse';
import { PROTOCOL_VARIANTS, type ProtocolVariant, type Scenario } from '../../simulator/scenario/schema';
import { UsageError, UserError, type CliCommand, type CliIo } from '../io';

const USAGE = `Usage: kgd simulate <built-in|file.json> [options]
       kgd simulate --list

Plays a scenario on the simulated Kafka group coordinator and prints what the group does.

Options:
  --protocol consumer|eager|cooperative   protocol variant for every member (default: consumer,
                                          except members whose scenario sets group.protocol)
  --compare                 run all three variants and print their metrics side by side
  --seed N                  seed (default: the scenario's)
  --until DURATION          stop at this virtual time, e.g. 90s or 10m (default: the scenario's duration)
  --format table|json|ndjson   output format (default: table)
  --canonical               sorted assignor iteration instead of Kafka's exact HashMap order
  --list                    list the built-in scenarios, one name per line

Scenario files are documented in docs/scenarios.md.`;

interface Options {
  variant: ProtocolVariant | undefined;
  seed: number | undefined;
  untilMs: number | undefined;
  format: 'table' | 'json' | 'ndjson';
  canonical: boolean;
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'play a scenario on the simulated group coordinator',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: {
          protocol: { type: 'string' },
          compare: { type: 'boolean', default: false },
          seed: { type: 'string' },
          until: { type: 'string' },
          format: { type: 'string', default: 'table' },
          canonical: { type: 'boolean', default: false },
          list: { type: 'boolean', default: false },
        },
      });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const { values, positionals } = parsed;
    if (values.list) {
      io.stdout(
        builtinScenarios()
          .map((s) => `${s.name}\n`)
          .join(''),
      );
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0 ? 'name a built-in scenario or a scenario file' : 'give one scenario',
      );
    }
    const format = values.format;
    if (format !== 'table' && format !== 'json' && format !== 'ndjson') {
      throw new UsageError(`--format must be table, json or ndjson, not "${format}"`);
    }
    let variant: ProtocolVariant | undefined;
    if (values.protocol !== undefined) {
      if (!(PROTOCOL_VARIANTS as readonly string[]).includes(values.protocol)) {
        throw new UsageError(`--protocol must be consumer, eager or cooperative, not "${values.protocol}"`);
      }
      variant = values.protocol as ProtocolVariant;
    }
    if (values.compare && variant !== undefined)
      throw new UsageError('--compare runs every protocol; drop --protocol');
    if (values.compare && format === 'ndjson')
      throw new UsageError('--compare prints a table or json, not ndjson');
    let seed: number | undefined;
    if (values.seed !== undefined) {
      if (!/^\d{1,10}$/.test(values.seed) || Number(values.seed) > 4_294_967_295) {
        throw new UsageError(`--seed must be a whole number from 0 to 4294967295, not "${values.seed}"`);
      }
      seed = Number(values.seed);
    }
    let untilMs: number | undefined;
    if (values.until !== undefined) {
      const ms = parseDuration(values.until);
      if (ms === null || ms <= 0)
        throw new UsageError(`--until must be a duration like 90s or 10m, not "${values.until}"`);
      untilMs = ms;
    }
    const scenario = await loadScenario(positionals[0]);
    const options: Options = { variant, seed, untilMs, format, canonical: values.canonical };
    if (values.compare) return compare(scenario, options, io);
    return simulateOne(scenario, options, io);
  },
};

async function loadScenario(ref: string): Promise<Scenario> {
  const builtin = builtinScenario(ref);
  if (builtin !== undefined) return builtin;
  if (!ref.includes('/') && !ref.includes('.')) {
    throw new UserError(
      `no built-in scenario is named "${ref}". Built-ins: ${builtinScenarios()
        .map((s) => s.name)
        .join(', ')}. ` + 'To run a file, give its path (e.g. ./my-scenario.json).',
    );
  }
  let text: string;
  try {
    text = await readFile(ref, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `cannot read ${ref}: no such file`
        : `cannot read ${ref}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  try {
    return parseScenarioText(text, { source: ref });
  } catch (err) {
    if (err instanceof ScenarioError)
      throw new UserError(`${err.message}\nThe format is described in docs/scenarios.md.`);
    throw err;
  }
}

function makeSimulation(scenario: Scenario, o: Options, variant: ProtocolVariant | undefined): Simulation {
  return createSimulation(scenario, {
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(variant !== undefined ? { variant } : {}),
    ordering: o.canonical ? 'canonical' : 'exact',
  });
}

function simulateOne(scenario: Scenario, o: Options, io: CliIo): number {
  const sim = makeSimulation(scenario, o, o.variant);
  const until = o.untilMs ?? scenario.durationMs;
  if (o.format === 'ndjson') {
    let written = 0;
    const flush = (): void => {
      const lines = sim.trace.slice(written).map((e) => `${JSON.stringify(e)}\n`);
      written = sim.trace.length;
      if (lines.length > 0) io.stdout(lines.join(''));
    };
    runStepwise(sim, until, flush);
    flush();
    io.stdout(`${JSON.stringify({ type: 'summary', timeMs: sim.now(), metrics: allMetrics(sim) })}\n`);
    return 0;
  }
  if (o.format === 'json') {
    sim.run(until);
    const snapshots: Record<string, GroupSnapshot> = {};
    for (const g of sim.groupIds()) snapshots[g] = sim.snapshot(g);
    io.stdout(
      `${JSON.stringify(
        {
          scenario: header(scenario, sim),
          events: sim.trace,
          snapshots,
          metrics: allMetrics(sim),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  return renderTable(scenario, sim, until, io);
}

function header(scenario: Scenario, sim: Simulation): Record<string, unknown> {
  return {
    name: scenario.name,
    description: scenario.description,
    variant: sim.variant ?? 'consumer',
    seed: sim.seed,
    durationMs: scenario.durationMs,
    kafkaVersion: scenario.kafkaVersion,
  };
}

function allMetrics(sim: Simulation): GroupRunMetrics[] {
  return sim.groupIds().map((g) => sim.metrics(g));
}

/** Runs to `untilMs`, calling `after` after every timer so output can stream. */
function runStepwise(sim: Simulation, untilMs: number, after: () => void): void {
  for (;;) {
    const next = sim.nextEventAt();
    if (next === undefined || next > untilMs) break;
    sim.step();
    after();
  }
  sim.runUntil(untilMs);
}

const PROTOCOL_LABEL: Record<ProtocolVariant, string> = {
  consumer: 'consumer (KIP-848)',
  eager: 'classic, eager',
  cooperative: 'classic, cooperative',
};

function renderTable(scenario: Scenario, sim: Simulation, untilMs: number, io: CliIo): number {
  const variant = sim.variant ?? 'consumer';
  io.stdout(
    `Scenario ${scenario.name}${scenario.description !== '' ? ` — ${scenario.description}` : ''}\n` +
      `Protocol ${PROTOCOL_LABEL[variant]} · seed ${sim.seed} · until ${formatDuration(untilMs)} · Kafka ${scenario.kafkaVersion} behaviour\n\n`,
  );
  const epochs = new Map<string, { group: number; target: number | null; classic: boolean }>();
  const label = (id: string): string => sim.memberName(id) ?? shortId(id);
  const groupWidth = Math.max(5, ...sim.groupIds().map((g) => g.length));
  io.stdout(`${'TIME'.padEnd(11)}${'GROUP'.padEnd(groupWidth + 2)}${'EPOCH'.padEnd(12)}EVENT\n`);
  let written = 0;
  const statesDue = new Set<string>();
  const flush = (): void => {
    const out: string[] = [];
    for (const e of sim.trace.slice(written)) {
      const ep = trackEpochs(epochs, e);
      out.push(
        `${formatClock(e.timeMs).padEnd(11)}${e.groupId.padEnd(groupWidth + 2)}${ep.padEnd(12)}${describeEvent(e, label)}\n`,
      );
      if (e.type === 'group-state' || e.type === 'sync-completed') statesDue.add(e.groupId);
    }
    written = sim.trace.length;
    for (const g of statesDue) out.push(memberStates(sim.snapshot(g), label, groupWidth));
    statesDue.clear();
    if (out.length > 0) io.stdout(out.join(''));
  };
  runStepwise(sim, untilMs, flush);
  flush();
  for (const g of sim.groupIds()) {
    io.stdout(
      `\nSummary for ${g} at ${formatClock(sim.now())}\n${metricsTable([[PROTOCOL_LABEL[variant], sim.metrics(g)]])}`,
    );
  }
  return 0;
}

function trackEpochs(
  epochs: Map<string, { group: number; target: number | null; classic: boolean }>,
  e: GroupEvent,
): string {
  let s = epochs.get(e.groupId);
  if (s === undefined) {
    s = { group: 0, target: null, classic: false };
    epochs.set(e.groupId, s);
  }
  if (e.type === 'group-epoch-bumped') s.group = e.to;
  else if (e.type === 'target-assignment') s.target = e.epoch;
  else if (e.type === 'join-completed' || e.type === 'rebalance-started') {
    s.classic = true;
    s.group = e.generation;
  }
  return s.classic ? `gen ${s.group}` : `g${s.group} t${s.target ?? 0}`;
}

function memberStates(s: GroupSnapshot, label: (id: string) => string, groupWidth: number): string {
  if (s.members.length === 0) return '';
  const shown = s.members.slice(0, 12).map((m) => {
    const owned = m.client?.owned ?? m.assignment;
    const n = Object.values(owned).reduce((a, p) => a + p.length, 0);
    const pending = Object.values(m.pendingRevocation).reduce((a, p) => a + p.length, 0);
    const state = m.reconciliation ?? (m.classic?.isLeader === true ? 'leader' : '');
    return `${label(m.memberId)} e${m.memberEpoch}${state !== '' ? ` ${state}` : ''} ${n}p${pending > 0 ? ` −${pending}` : ''}`;
  });
  const more = s.members.length > 12 ? ` · … ${s.members.length - 12} more` : '';
  return `${' '.repeat(11 + groupWidth + 2 + 12)}${s.state}: ${shown.join(' · ')}${more}\n`;
}

function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}

function metricsTable(columns: readonly [string, GroupRunMetrics][]): string {
  const rows: [string, (m: GroupRunMetrics) => string][] = [
    ['time to Stable', (m) => (m.timeToStableMs === null ? 'never' : formatDuration(m.timeToStableMs))],
    ['partition-seconds with no owner', (m) => m.unownedPartitionSeconds.toFixed(1)],
    ['partition moves', (m) => String(m.partitionMoves)],
    ['epoch bumps / generations', (m) => String(m.epochBumps)],
  ];
  const width = Math.max(...rows.map(([r]) => r.length)) + 2;
  const colW = columns.map(([name]) => Math.max(name.length, 10) + 2);
  const head = ' '.repeat(width) + columns.map(([name], i) => name.padEnd(colW[i])).join('') + '\n';
  const body = rows
    .map(([r, f]) => r.padEnd(width) + columns.map(([, m], i) => f(m).padEnd(colW[i])).join('') + '\n')
    .join('');
  return `${head}${body}`;
}

function compare(scenario: Scenario, o: Options, io: CliIo): number {
  const until = o.untilMs ?? scenario.durationMs;
  const runs = PROTOCOL_VARIANTS.map((variant) => {
    const sim = makeSimulation(scenario, o, variant);
    sim.run(until);
    return { variant, sim };
  });
  if (o.format === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          scenario: {
            name: scenario.name,
            description: scenario.description,
            seed: runs[0].sim.seed,
            untilMs: until,
          },
          runs: runs.map(({ variant, sim }) => ({ variant, metrics: allMetrics(sim) })),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  io.stdout(
    `Scenario ${scenario.name} — ${scenario.description}\nseed ${runs[0].sim.seed} · until ${formatDuration(until)}\n`,
  );
  for (const g of runs[0].sim.groupIds()) {
    io.stdout(
      `\n${g}\n${metricsTable(runs.map(({ variant, sim }) => [PROTOCOL_LABEL[variant], sim.metrics(g)]))}`,
    );
  }
  return 0;
}

/**
 * Whole simulations at scale: the engine with the real coordinators, clients and assignors
 * (createSimulation), driven the way `kgd simulate` and the extension drive it. Prints JSON.
 *
 *   npx tsc -b && node out/bench/simulation.bench.js [--case all|hour|consumer|cooperative]
 *                                                    [--consumer 1000,10000] [--cooperative 1000,5000]
 *                                                    [--partitions 100000] [--ordering exact|canonical]
 *
 * - hour: one hour of virtual time, 100 members on 1,000 partitions, with churn (a rolling
 *   restart, a crash, a slow consumer, a scale-out, a partition increase): wall time, events/s and
 *   timers/s, under each protocol variant.
 * - consumer: a group of N members on 100,000 partitions (100 topics × 1,000) under the consumer
 *   protocol forms (start → Stable), then one member leaves (close()) → Stable again. Formation
 *   and leave → Stable are reported separately, wall and virtual time.
 * - cooperative: the same under the classic protocol with cooperative-sticky.
 *
 * GC time comes from the `gc` performance entries, so it can be told apart from the engine's own.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { OrderingMode } from '../src/simulator/assignors/api';
import { createSimulation } from '../src/simulator/engine/parts';
import type { Simulation } from '../src/simulator/engine/simulation';
import { parseScenario } from '../src/simulator/scenario/parse';
import type { ProtocolVariant } from '../src/simulator/scenario/schema';

const GROUP = 'bench-app';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
});
gcObserver.observe({ entryTypes: ['gc'] });

interface Measure {
  wallMs: number;
  cpuMs: number;
  gcMs: number;
}

/** GC entries reach the observer on the event loop: let them in. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

async function measure(fn: () => void): Promise<Measure> {
  await settle();
  const gc0 = gcMs;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await settle();
  return { wallMs: round(wallMs), cpuMs: round((cpu.user + cpu.system) / 1000), gcMs: round(gcMs - gc0) };
}

/** Runs every timer up to `untilMs`, counting them. */
function runCounting(sim: Simulation, untilMs: number): number {
  let timers = 0;
  for (;;) {
    const next = sim.nextEventAt();
    if (next === undefined || next > untilMs) break;
    sim.step();
    timers++;
  }
  sim.runUntil(untilMs);
  return timers;
}

// --- (i) one virtual hour, 100 members ------------------------------------------------------------

function hourScenario() {
  const restarts = Array.from({ length: 10 }, (_, i) => ({
    at: `${5 + i}m`,
    do: 'restart',
    member: `consumer-${i + 1}`,
    downFor: '20s',
  }));
  return parseScenario(
    {
      name: 'hour-100',
      duration: '1h',
      topics: [
        { name: 'orders', partitions: 600, produceRate: 6000 },
        { name: 'payments', partitions: 400, produceRate: 2000 },
      ],
      groups: [
        {
          id: GROUP,
          subscription: ['orders', 'payments'],
          members: [{ name: 'consumer-{i}', count: 100 }],
        },
      ],
      timeline: [
        ...restarts,
        { at: '20m', do: 'crash', member: 'consumer-50' },
        { at: '25m', do: 'set-behaviour', member: 'consumer-60', behaviour: { onPartitionsRevoked: '20s' } },
        { at: '30m', do: 'add-member', group: GROUP, member: { name: 'consumer-101' } },
        { at: '31m', do: 'add-member', group: GROUP, member: { name: 'consumer-102' } },
        { at: '40m', do: 'add-partitions', topic: 'orders', partitions: 800 },
        { at: '50m', do: 'start', member: 'consumer-50' },
      ],
    },
    { source: 'bench' },
  );
}

async function hour(variant: ProtocolVariant, ordering: OrderingMode) {
  const scenario = hourScenario();
  let sim: Simulation | undefined;
  let timers = 0;
  const m = await measure(() => {
    sim = createSimulation(scenario, { variant, ordering });
    timers = runCounting(sim, scenario.durationMs);
  });
  const s = sim as Simulation;
  const metrics = s.metrics(GROUP);
  return {
    case: 'hour',
    variant,
    members: 100,
    partitions: 1000,
    virtualMs: s.now(),
    ...m,
    events: s.trace.length,
    eventsPerSec: Math.round(s.trace.length / (m.wallMs / 1000)),
    timers,
    timersPerSec: Math.round(timers / (m.wallMs / 1000)),
    virtualPerWall: Math.round(s.now() / m.wallMs),
    settled: metrics.settled,
    doubleOwnership: metrics.doubleOwnership,
    epochBumps: metrics.epochBumps,
  };
}

// --- (ii)/(iii) a large group forms, then one member leaves ----------------------------------------

function largeScenario(members: number, partitions: number, variant: ProtocolVariant) {
  const topics = 100;
  const perTopic = Math.ceil(partitions / topics);
  return parseScenario(
    {
      name: `large-${members}`,
      duration: '6h',
      topics: Array.from({ length: topics }, (_, i) => ({ name: `topic-${i}`, partitions: perTopic })),
      groups: [
        {
          id: GROUP,
          subscription: Array.from({ length: topics }, (_, i) => `topic-${i}`),
          // Classic members all start at once and join within the initial rebalance delay.
          config: variant === 'consumer' ? {} : { 'max.poll.interval.ms': 600_000 },
          members: [{ name: 'consumer-{i}', count: members }],
        },
      ],
    },
    { source: 'bench' },
  );
}

/**
 * Runs in virtual-time slices until the group is Stable with every partition owned. The scenario
 * has no timeline, so `timeToStableMs` is the virtual time at which it last became so.
 */
function runToStable(sim: Simulation, limitMs: number): { virtualMs: number | null; timers: number } {
  const from = sim.now();
  let timers = 0;
  while (sim.now() < limitMs && !sim.metrics(GROUP).settled) timers += runCounting(sim, sim.now() + 500);
  const m = sim.metrics(GROUP);
  return { virtualMs: m.settled && m.timeToStableMs !== null ? m.timeToStableMs - from : null, timers };
}

async function large(variant: ProtocolVariant, members: number, partitions: number, ordering: OrderingMode) {
  const scenario = largeScenario(members, partitions, variant);
  let sim: Simulation | undefined;
  let formation = { virtualMs: null as number | null, timers: 0 };
  const formed = await measure(() => {
    sim = createSimulation(scenario, { variant, ordering });
    formation = runToStable(sim, 3_600_000);
  });
  const s = sim as Simulation;
  const eventsBefore = s.trace.length;
  let leave = { virtualMs: null as number | null, timers: 0 };
  const leftAt = s.now();
  const left = await measure(() => {
    s.shutdown('consumer-1');
    // close() takes a poll and a round trip; the group settles again once the leave is done.
    let gone = false;
    const off = s.onEvent((e) => {
      if (e.type === 'member-left') gone = true;
    });
    let timers = 0;
    while (!gone && s.now() < leftAt + 600_000) timers += runCounting(s, s.now() + 100);
    off();
    leave = runToStable(s, s.now() + 3_600_000);
    leave = {
      virtualMs: leave.virtualMs === null ? null : s.metrics(GROUP).timeToStableMs! - leftAt,
      timers: timers + leave.timers,
    };
  });
  const metrics = s.metrics(GROUP);
  return {
    case: variant === 'consumer' ? 'consumer' : 'cooperative',
    variant,
    members,
    partitions: scenario.topics.reduce((n, t) => n + t.partitions, 0),
    ordering,
    formation: { ...formed, virtualMs: formation.virtualMs, timers: formation.timers, events: eventsBefore },
    leaveToStable: {
      ...left,
      virtualMs: leave.virtualMs,
      timers: leave.timers,
      events: s.trace.length - eventsBefore,
    },
    settled: metrics.settled,
    doubleOwnership: metrics.doubleOwnership,
    heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
}

function list(name: string, fallback: string): number[] {
  return arg(name, fallback)
    .split(',')
    .filter((x) => x !== '')
    .map(Number);
}

async function main(): Promise<void> {
  const which = arg('case', 'all');
  const ordering = arg('ordering', 'exact') as OrderingMode;
  if (ordering !== 'exact' && ordering !== 'canonical')
    throw new Error('--ordering must be exact or canonical');
  const partitions = Number(arg('partitions', '100000'));
  const results: object[] = [];
  const emit = (r: object): void => {
    results.push(r);
    process.stderr.write(`${JSON.stringify(r)}\n`);
  };
  if (which === 'all' || which === 'hour') {
    await hour('consumer', ordering); // warm-up
    for (const v of ['consumer', 'eager', 'cooperative'] as const) emit(await hour(v, ordering));
  }
  if (which === 'all' || which === 'consumer') {
    for (const n of list('consumer', '1000,10000')) emit(await large('consumer', n, partitions, ordering));
  }
  if (which === 'all' || which === 'cooperative') {
    for (const n of list('cooperative', '1000,5000'))
      emit(await large('cooperative', n, partitions, ordering));
  }
  gcObserver.disconnect();
  process.stdout.write(
    `${JSON.stringify({ bench: 'simulation', node: process.version, cpus: 2, results }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `simulation bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});

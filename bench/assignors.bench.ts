/**
 * The server-side assignors on Kafka's JMH grid (ServerSideAssignorBenchmark): members ×
 * partitions-per-member × topics × HOMOGENEOUS/HETEROGENEOUS (5 buckets of members and topics)
 * × FULL/INCREMENTAL (members-1 members hold a target assignment, then "newMember" joins), for
 * uniform and range. Each case times our assignor (exact and canonical) and, in the same run,
 * Kafka 4.3.1's Java assignor on the same input (the oracle's bench mode), and prints
 * { ours_ms, java_ms, ratio } per case as JSON.
 *
 *   node out/bench/assignors.bench.js [--quick] [--assignor uniform,range] [--members 100,1000,10000]
 *                                     [--min-ms 50] [--warmup-ms 1000] [--rounds 5] [--no-java] [--read]
 *
 * Timing like JMH's AverageTime: inputs built once, warm-up runs (--warmup-ms, at least 3), then
 * runs until at least --min-ms have been measured (at least one); the mean per run is one round.
 * Rounds alternate between our assignor (exact, canonical) and Kafka's, and the best round of
 * each counts: the machine may be shared, and both sides get the same treatment.
 *
 * Our outputs are views that make a topic's Set when it is first read; `--read` also times our
 * exact assign plus reading every partition of every member (`ours_read_ms`), for comparison.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  GroupAssignment,
  GroupSpec,
  MemberSubscriptionAndAssignment,
  OrderingMode,
  ServerAssignor,
  SubscribedTopicDescriber,
  SubscriptionType,
  TopicId,
} from '../src/simulator/assignors/api';
import { serverAssignor } from '../src/simulator/assignors/registry';
import { Uuid } from '../src/simulator/java/uuid';
import { Random } from '../src/simulator/random';

type AssignmentType = 'FULL' | 'INCREMENTAL';

interface GridCase {
  readonly assignor: 'uniform' | 'range';
  readonly members: number;
  readonly ratio: number;
  readonly topics: number;
  readonly subscription: SubscriptionType;
  readonly assignment: AssignmentType;
}

interface OracleProcess {
  run(cases: readonly object[]): Promise<{ error?: string; ms?: number; runs?: number }[]>;
  close(): void;
}

const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const NO_JAVA = args.includes('--no-java');
function numberArg(name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
const MIN_MS = numberArg('--min-ms', 50);
const WARMUP_MS = numberArg('--warmup-ms', 1000);
const ROUNDS = numberArg('--rounds', 5);
const READ = args.includes('--read');
const MAX_BUCKET_COUNT = 5;

function listArg(name: string): string[] | undefined {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1].split(',') : undefined;
}

function grid(): GridCase[] {
  const out: GridCase[] = [];
  const onlyAssignors = listArg('--assignor');
  const onlyMembers = listArg('--members')?.map(Number);
  const members = onlyMembers ?? (QUICK ? [100, 1000] : [100, 1000, 10000]);
  const ratios = QUICK ? [10] : [5, 10, 50];
  const topics = QUICK ? [10, 100] : [10, 100, 1000];
  for (const assignor of (['uniform', 'range'] as const).filter((a) => onlyAssignors?.includes(a) ?? true))
    for (const subscription of ['HOMOGENEOUS', 'HETEROGENEOUS'] as const)
      for (const assignment of ['FULL', 'INCREMENTAL'] as const)
        for (const m of members)
          for (const r of ratios)
            for (const t of topics)
              out.push({ assignor, members: m, ratio: r, topics: t, subscription, assignment });
  return out;
}

interface Built {
  readonly spec: GroupSpec;
  readonly describer: SubscribedTopicDescriber;
  readonly oracleCase: object;
  readonly partitions: number;
}

/** The JMH setup: topics "topic{i}" with random ids, members "member{i}", bucketed subscriptions. */
function build(c: GridCase, assignor: ServerAssignor): Built {
  const rng = new Random(c.members * 31 + c.topics * 7 + c.ratio);
  const topicIds: TopicId[] = Array.from({ length: c.topics }, () => Uuid.random(rng).toString());
  const perTopic = Math.floor((c.members * c.ratio) / c.topics);
  const counts = new Map(topicIds.map((t) => [t, perTopic]));
  const describer: SubscribedTopicDescriber = { numPartitions: (t) => counts.get(t) ?? -1 };
  const count = c.assignment === 'INCREMENTAL' ? c.members - 1 : c.members;

  const subscriptionOf: ReadonlySet<TopicId>[] = [];
  if (c.subscription === 'HOMOGENEOUS') {
    const all = new Set(topicIds);
    for (let i = 0; i < count; i++) subscriptionOf.push(all);
  } else {
    const buckets = Math.min(MAX_BUCKET_COUNT, count);
    const topicsPerBucket = Math.ceil(c.topics / buckets);
    const membersPerBucket = Math.ceil(count / buckets);
    for (let b = 0; b < buckets; b++) {
      const set = new Set(topicIds.slice(b * topicsPerBucket, Math.min((b + 1) * topicsPerBucket, c.topics)));
      for (let i = b * membersPerBucket; i < Math.min((b + 1) * membersPerBucket, count); i++)
        subscriptionOf.push(set);
    }
  }
  const empty = new Map<TopicId, ReadonlySet<number>>();
  const members = new Map<string, MemberSubscriptionAndAssignment>();
  for (let i = 0; i < count; i++) {
    members.set(`member${i}`, {
      rackId: null,
      instanceId: null,
      subscribedTopicIds: subscriptionOf[i],
      assignment: empty,
    });
  }
  const noneAssigned = (): boolean => false;
  let spec: GroupSpec = { members, subscriptionType: c.subscription, isPartitionAssigned: noneAssigned };

  if (c.assignment === 'INCREMENTAL') {
    const initial: GroupAssignment = assignor.assign(spec, describer, { ordering: 'exact' });
    const assigned = new Map<TopicId, Uint8Array>(topicIds.map((t) => [t, new Uint8Array(perTopic)]));
    const next = new Map<string, MemberSubscriptionAndAssignment>();
    for (const [id, m] of members) {
      const a = initial.get(id) ?? empty;
      for (const [t, ps] of a) for (const p of ps) (assigned.get(t) as Uint8Array)[p] = 1;
      next.set(id, { ...m, assignment: a });
    }
    const newSubscription = c.subscription === 'HOMOGENEOUS' ? new Set(topicIds) : subscriptionOf[count - 1];
    next.set('newMember', {
      rackId: null,
      instanceId: null,
      subscribedTopicIds: newSubscription,
      assignment: empty,
    });
    spec = {
      members: next,
      subscriptionType: c.subscription,
      isPartitionAssigned: (t, p) => assigned.get(t)?.[p] === 1,
    };
  }

  const oracleCase = {
    kind: 'server',
    assignor: c.assignor,
    subscriptionType: c.subscription,
    topics: topicIds.map((id) => ({ id, partitions: perTopic })),
    members: [...spec.members].map(([id, m]) => ({
      id,
      subscribedTopicIds: [...m.subscribedTopicIds],
      assignment: [...m.assignment].map(([t, ps]) => [t, [...ps]]),
    })),
  };
  return { spec, describer, oracleCase, partitions: perTopic * c.topics };
}

/** Mean ms per run: warm-up (first round only), then runs until MIN_MS (at least one). */
function time(run: () => void, warmUp: boolean): number {
  let start = performance.now();
  if (warmUp) for (let i = 0; i < 3 || performance.now() - start < WARMUP_MS; i++) run();
  (globalThis as { gc?: () => void }).gc?.();
  let runs = 0;
  start = performance.now();
  do {
    run();
    runs++;
  } while (performance.now() - start < MIN_MS);
  return (performance.now() - start) / runs;
}

/** Reads every partition of every member (what a caller that uses the whole output does). */
function readAll(out: GroupAssignment): number {
  let sum = 0;
  for (const a of out.values()) for (const ps of a.values()) for (const p of ps) sum += p;
  return sum;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function main(): Promise<void> {
  const started = performance.now();
  let oracle: OracleProcess | undefined;
  if (!NO_JAVA) {
    const mod = createRequire(__filename)(join(ROOT, 'scripts', 'oracle', 'oracle.cjs')) as {
      Oracle: new (o?: { log?: (m: string) => void; jvmArgs?: string[] }) => OracleProcess;
    };
    oracle = new mod.Oracle({
      log: (m) => process.stderr.write(`${m}\n`),
      jvmArgs: ['-Xss16m', '-Xmx6g', '-XX:+UseParallelGC'],
    });
  }
  const results: object[] = [];
  try {
    for (const c of grid()) {
      const assignor = serverAssignor(c.assignor) as ServerAssignor;
      const built = build(c, assignor);
      // Rounds interleave ours and Java's, and the best round counts: the machine is shared.
      const ours: Record<OrderingMode, number> = { exact: Infinity, canonical: Infinity };
      let oursRead = Infinity;
      let javaMs: number | null = oracle === undefined ? null : Infinity;
      let javaError: string | undefined;
      const key = JSON.stringify(c);
      for (let round = 0; round < ROUNDS; round++) {
        for (const ordering of ['exact', 'canonical'] as const) {
          ours[ordering] = Math.min(
            ours[ordering],
            time(() => assignor.assign(built.spec, built.describer, { ordering }), round === 0),
          );
        }
        if (READ) {
          oursRead = Math.min(
            oursRead,
            time(
              () => readAll(assignor.assign(built.spec, built.describer, { ordering: 'exact' })),
              round === 0,
            ),
          );
        }
        if (oracle !== undefined && javaError === undefined) {
          const [r] = await oracle.run([
            {
              id: 0,
              kind: 'bench',
              key,
              ...(round === 0 ? { case: built.oracleCase } : {}),
              warmupMs: round === 0 ? WARMUP_MS : 0,
              warmup: round === 0 ? 3 : 0,
              minMs: MIN_MS,
              iterations: 1,
            },
          ]);
          if (r.error !== undefined) javaError = r.error;
          else javaMs = Math.min(javaMs ?? Infinity, r.ms ?? Infinity);
        }
      }
      if (javaError !== undefined) javaMs = null;
      const row = {
        assignor: c.assignor,
        members: c.members,
        partitionsPerMember: c.ratio,
        topics: c.topics,
        partitions: built.partitions,
        subscription: c.subscription,
        assignment: c.assignment,
        ours_ms: round(ours.exact),
        ours_canonical_ms: round(ours.canonical),
        ...(READ ? { ours_read_ms: round(oursRead) } : {}),
        java_ms: javaMs === null ? null : round(javaMs),
        ratio: javaMs === null ? null : round(ours.exact / javaMs),
        ratio_canonical: javaMs === null ? null : round(ours.canonical / javaMs),
        ...(javaError !== undefined ? { java_error: javaError } : {}),
      };
      results.push(row);
      process.stderr.write(
        `${c.assignor} ${c.subscription.slice(0, 4)} ${c.assignment.padEnd(11)} m=${c.members} r=${c.ratio} t=${c.topics}: ours ${row.ours_ms} ms (canonical ${row.ours_canonical_ms}${READ ? `, read ${round(oursRead)}` : ''}), java ${row.java_ms} ms, ratio ${row.ratio} (canonical ${row.ratio_canonical})\n`,
      );
    }
  } finally {
    oracle?.close();
  }
  const ratios = results
    .map((r) => (r as { ratio: number | null }).ratio)
    .filter((x): x is number => x !== null);
  const canonicalRatios = results
    .map((r) => (r as { ratio_canonical: number | null }).ratio_canonical)
    .filter((x): x is number => x !== null);
  const geomeanOf = (xs: readonly number[]): number | null =>
    xs.length > 0 ? round(Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length)) : null;
  const geomean = geomeanOf(ratios);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'server assignors on the JMH grid vs Kafka 4.3.1',
      quick: QUICK,
      minMs: MIN_MS,
      warmupMs: WARMUP_MS,
      rounds: ROUNDS,
      seconds: round((performance.now() - started) / 1000),
      summary: {
        cases: results.length,
        ratio_geomean: geomean,
        ratio_max: ratios.length > 0 ? round(Math.max(...ratios)) : null,
        slower_than_java: ratios.filter((x) => x > 1).length,
        ratio_canonical_geomean: geomeanOf(canonicalRatios),
        ratio_canonical_max: canonicalRatios.length > 0 ? round(Math.max(...canonicalRatios)) : null,
        canonical_slower_than_java: canonicalRatios.filter((x) => x > 1).length,
      },
      cases: results,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`assignors bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

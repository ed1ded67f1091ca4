/**
 * Benchmark: `kgd describe --all-groups` (describe + lag) of 1,000 groups with 10 partitions each,
 * against Kafka 4.3.1's own `kafka-consumer-groups.sh --describe --all-groups`, on the same local
 * broker; then the lag of one group over 10,000 partitions (`kgd lag` against
 * `kafka-consumer-groups.sh --describe --group`). Both tools run as a user runs them: kgd as the
 * bundled binary (node dist/cli.js), Kafka's tool with the JVM options of bin/kafka-run-class.sh.
 *
 *   npx tsc -b && node scripts/build.mjs && node out/bench/kafka-describe.js [--runs 3] [--quick]
 *
 * Prints JSON (and writes bench/results/kafka-describe.json). --quick: 100 groups and 1,000
 * partitions, to try it out.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';

const ROOT = join(__dirname, '..', '..');
const BASE_PORT = 19130;

interface ClusterInfo {
  readonly bootstrap: { readonly plaintext: string };
  readonly kafkaVersion: string;
}
interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
interface ClusterModule {
  startCluster(o: {
    mode: 'single';
    name: string;
    basePort: number;
    ownerPid: number;
    heap: string;
    timeoutMs: number;
  }): Promise<ClusterInfo>;
  stopCluster(info: ClusterInfo, o: { graceMs: number; removeData: boolean }): Promise<void>;
  runJavaLikeKafkaScript(
    mainClass: string,
    args: readonly string[],
    o?: { timeoutMs?: number },
  ): Promise<ProcessResult>;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function runKgd(args: readonly string[]): Promise<ProcessResult & { ms: number }> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - t }));
  });
}

/** Data rows of kafka-consumer-groups' offsets tables (lines that are not headers or blank). */
function offsetRows(text: string): string[][] {
  return text
    .split('\n')
    .filter(
      (l) =>
        l.trim() !== '' &&
        !l.startsWith('GROUP ') &&
        !l.startsWith('Consumer group') &&
        !l.startsWith('Warning'),
    )
    .map((l) => l.trim().split(/\s+/));
}

/** Sum of the LAG column (6th) over rows that have one. */
function totalLag(rows: readonly string[][]): number {
  return rows.reduce((n, r) => n + (r[5] !== undefined && /^\d+$/.test(r[5]) ? Number(r[5]) : 0), 0);
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function setup(
  admin: Admin,
  kafka: Kafka,
  groups: number,
  bigPartitions: number,
  log: (m: string) => void,
): Promise<void> {
  const topicCount = Math.ceil(groups / 10);
  const topics = Array.from({ length: topicCount }, (_, i) => `bench-t${i}`);
  const bigTopics = Array.from({ length: bigPartitions / 1000 }, (_, i) => `bench-big${i}`);
  log(`creating ${topics.length} topics × 10 partitions and ${bigTopics.length} × 1,000`);
  // KRaft refuses requests that create more than 10,000 partitions at once: one request per big topic.
  const batches = [
    topics.map((topic) => ({ topic, numPartitions: 10, replicationFactor: 1 })),
    ...bigTopics.map((topic) => [{ topic, numPartitions: 1000, replicationFactor: 1 }]),
  ];
  for (const batch of batches) {
    try {
      await admin.createTopics({ topics: batch, waitForLeaders: false, timeout: 300_000 });
    } catch (e) {
      const errors = (e as { errors?: Array<{ message?: string }> }).errors ?? [];
      throw new Error(
        `creating topics failed: ${errors.map((x) => x.message ?? '?').join('; ') || String(e)}`,
        { cause: e },
      );
    }
  }
  log('waiting for every partition to have a leader');
  for (let i = 0; ; i++) {
    const md = await admin.fetchTopicMetadata({ topics: [...topics, ...bigTopics] }).catch(() => null);
    if (md !== null && md.topics.every((t) => t.partitions.every((p) => p.leader >= 0))) break;
    if (i > 600) throw new Error('partitions without a leader after 5 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  log('producing');
  const producer = kafka.producer({ retry: { retries: 15, initialRetryTime: 300, maxRetryTime: 5000 } });
  await producer.connect();
  await inBatches(topics, 10, (topic) =>
    producer.send({
      topic,
      messages: Array.from({ length: 200 }, (_, i) => ({ partition: i % 10, value: `m${i}` })),
    }),
  );
  await inBatches(bigTopics, 1, (topic) =>
    producer.send({
      topic,
      messages: Array.from({ length: 2000 }, (_, i) => ({ partition: i % 1000, value: `b${i}` })),
    }),
  );
  await producer.disconnect();
  log(`committing offsets for ${groups} groups`);
  const names = Array.from({ length: groups }, (_, i) => i);
  await inBatches(names, 25, (i) =>
    admin.setOffsets({
      groupId: `bench-g${String(i).padStart(4, '0')}`,
      topic: topics[i % topics.length],
      partitions: Array.from({ length: 10 }, (_, p) => ({ partition: p, offset: String((i + p) % 20) })),
    }),
  );
  for (const topic of bigTopics) {
    await admin.setOffsets({
      groupId: 'bench-big',
      topic,
      partitions: Array.from({ length: 1000 }, (_, p) => ({ partition: p, offset: String(p % 2) })),
    });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const runsIdx = args.indexOf('--runs');
  const runs = runsIdx >= 0 ? Number(args[runsIdx + 1]) : 3;
  const groups = quick ? 100 : 1000;
  const bigPartitions = quick ? 1000 : 10_000;
  const log = (m: string): void => void process.stderr.write(`bench: ${m}\n`);
  const m = (await import(pathToFileURL(join(ROOT, 'scripts/kafka/cluster.mjs')).href)) as ClusterModule;
  const info = await m.startCluster({
    mode: 'single',
    name: 'bench',
    basePort: BASE_PORT,
    ownerPid: process.pid,
    heap: '1g',
    timeoutMs: 300_000,
  });
  const bootstrap = info.bootstrap.plaintext;
  const cgc = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';
  try {
    const kafka = new Kafka({
      clientId: 'bench',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
      requestTimeout: 300_000,
    });
    const admin = kafka.admin();
    await admin.connect();
    const setupStart = performance.now();
    await setup(admin, kafka, groups, bigPartitions, log);
    await admin.disconnect();
    const setupMs = performance.now() - setupStart;

    log('warm-up');
    await runKgd(['groups', '--bootstrap', bootstrap]);
    await m.runJavaLikeKafkaScript(cgc, ['--bootstrap-server', bootstrap, '--list']);

    const measure = async (
      label: string,
      ours: readonly string[],
      theirs: readonly string[],
    ): Promise<Record<string, unknown>> => {
      const kgdMs: number[] = [];
      const kafkaMs: number[] = [];
      let oursRows: string[][] = [];
      let theirRows: string[][] = [];
      for (let i = 0; i < runs; i++) {
        log(`${label}: run ${i + 1}/${runs}`);
        const a = await runKgd([...ours, '--bootstrap', bootstrap, '--timeout', '300s']);
        if (a.code !== 0) throw new Error(`kgd failed: ${a.stderr}`);
        kgdMs.push(a.ms);
        oursRows = offsetRows(a.stdout);
        const t = performance.now();
        const b = await m.runJavaLikeKafkaScript(cgc, [
          '--bootstrap-server',
          bootstrap,
          ...theirs,
          '--timeout',
          '300000',
        ]);
        kafkaMs.push(performance.now() - t);
        if (b.code !== 0) throw new Error(`kafka-consumer-groups failed: ${b.stderr}`);
        theirRows = offsetRows(b.stdout);
      }
      const k = median(kgdMs);
      const j = median(kafkaMs);
      return {
        kgdMs: kgdMs.map(Math.round),
        kafkaConsumerGroupsMs: kafkaMs.map(Math.round),
        kgdMedianMs: Math.round(k),
        kafkaConsumerGroupsMedianMs: Math.round(j),
        speedup: Number((j / k).toFixed(2)),
        rows: { kgd: oursRows.length, kafkaConsumerGroups: theirRows.length },
        totalLag: { kgd: totalLag(oursRows), kafkaConsumerGroups: totalLag(theirRows) },
      };
    };

    const describeAll = await measure(
      'describe --all-groups',
      ['describe', '--all-groups'],
      ['--describe', '--all-groups'],
    );
    const bigGroup = await measure(
      'lag of one group',
      ['describe', '--group', 'bench-big'],
      ['--describe', '--group', 'bench-big'],
    );
    const result = {
      benchmark: 'kafka-describe',
      kafkaVersion: info.kafkaVersion,
      machine: { cpus: cpus().length, loadAverage1m: Number(loadavg()[0].toFixed(2)) },
      setupMs: Math.round(setupMs),
      runs,
      describeAllGroups: { groups, partitionsPerGroup: 10, ...describeAll },
      oneGroupLag: { partitions: bigPartitions, ...bigGroup },
    };
    const text = `${JSON.stringify(result, null, 2)}\n`;
    process.stdout.write(text);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/kafka-describe.json'), text);
  } finally {
    await m.stopCluster(info, { graceMs: 0, removeData: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

/**
 * Typed access to the local Kafka of scripts/kafka/cluster.mjs for the integration tests: start a
 * single node or a three-node cluster, run Kafka's own tools, and run real consumers.
 */
import { type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export type KafkaMode = 'single' | 'cluster';

export interface NodeInfo {
  readonly nodeId: number;
  readonly dir: string;
  readonly logFile: string;
  readonly ports: {
    readonly plaintext: number;
    readonly controller: number;
    readonly saslPlaintext: number;
    readonly ssl: number;
    readonly saslSsl: number;
    readonly misadvertised: number;
  };
  pid: number | null;
  running: boolean;
}

export interface SaslUser {
  readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'PLAIN';
  readonly username: string;
  readonly password: string;
}

export interface ClusterInfo {
  readonly name: string;
  readonly mode: KafkaMode;
  readonly dir: string;
  readonly clusterId: string;
  readonly kafkaVersion: string;
  readonly nodes: NodeInfo[];
  /** Comma-separated bootstrap lists per listener. */
  readonly bootstrap: {
    readonly plaintext: string;
    readonly saslPlaintext: string;
    readonly ssl: string;
    readonly saslSsl: string;
    readonly misadvertised: string;
  };
  readonly saslUsers: readonly SaslUser[];
  readonly tls: {
    readonly caFile: string;
    readonly clientCertFile: string;
    readonly clientKeyFile: string;
    /** A CA that did not sign the broker's certificate. */
    readonly untrustedCaFile: string;
  };
  readonly startupSeconds: number;
}

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** The shape of scripts/kafka/cluster.mjs (plain JS, so typed here at the boundary). */
interface ClusterModule {
  readonly KAFKA_VERSION: string;
  readonly MISADVERTISED_HOST_SUFFIX: string;
  provision(o: {
    log?: (line: string) => void;
  }): Promise<{ classpath: string; cached: boolean; seconds: number }>;
  startCluster(o: {
    mode: KafkaMode;
    name: string;
    basePort: number;
    ownerPid?: number;
    timeoutMs?: number;
    log?: (line: string) => void;
  }): Promise<ClusterInfo>;
  stopCluster(info: ClusterInfo, o?: { graceMs?: number; removeData?: boolean }): Promise<void>;
  stopNode(info: ClusterInfo, nodeId: number, o?: { graceMs?: number }): Promise<void>;
  restartNode(info: ClusterInfo, nodeId: number, o?: { timeoutMs?: number }): Promise<void>;
  runJava(
    mainClass: string,
    args: readonly string[],
    o?: { timeoutMs?: number; heap?: string; input?: string },
  ): Promise<ProcessResult>;
  spawnJava(
    mainClass: string,
    args: readonly string[],
    o?: { heap?: string },
  ): ChildProcessWithoutNullStreams;
  killProcessGroup(pid: number | undefined, signal?: NodeJS.Signals): void;
}

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

let modulePromise: Promise<ClusterModule> | undefined;
export function clusterModule(): Promise<ClusterModule> {
  modulePromise ??= import(
    pathToFileURL(join(REPO_ROOT, 'scripts/kafka/cluster.mjs')).href
  ) as Promise<ClusterModule>;
  return modulePromise;
}

/**
 * Ports the integration suite may use (127.0.0.1:19090–19199 belong to this suite and the bench).
 * `KGD_TEST_KAFKA_BASE_PORT` moves the suite's brokers (single, cluster, spare) to another range of
 * 100 ports, so two checkouts on one machine can run it at once.
 */
const TEST_BASE_PORT = Number(process.env.KGD_TEST_KAFKA_BASE_PORT ?? 19090);
export const TEST_PORTS = {
  single: TEST_BASE_PORT,
  cluster: TEST_BASE_PORT + 10,
  /** A single node a test may stop and restart (19180–19185 by default). */
  spare: TEST_BASE_PORT + 90,
} as const;

export interface RunningKafka {
  readonly info: ClusterInfo;
  /** Plaintext bootstrap list. */
  readonly bootstrap: string;
  stop(): Promise<void>;
  stopNode(nodeId: number): Promise<void>;
  restartNode(nodeId: number): Promise<void>;
}

const running = new Set<RunningKafka>();

/**
 * Formats and starts a fresh cluster owned by this process: when this process dies, however it
 * dies, a watchdog kills the JVMs within seconds.
 */
export async function startKafka(options: {
  mode: KafkaMode;
  name?: string;
  basePort?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}): Promise<RunningKafka> {
  const m = await clusterModule();
  const info = await m.startCluster({
    mode: options.mode,
    name: options.name ?? `it-${options.mode}`,
    basePort: options.basePort ?? (options.mode === 'single' ? TEST_PORTS.single : TEST_PORTS.cluster),
    ownerPid: process.pid,
    timeoutMs: options.timeoutMs ?? 150_000,
    ...(options.log ? { log: options.log } : {}),
  });
  const handle: RunningKafka = {
    info,
    bootstrap: info.bootstrap.plaintext,
    stop: async () => {
      running.delete(handle);
      await m.stopCluster(info, { graceMs: 0, removeData: process.env.KGD_KEEP_KAFKA_DATA === undefined });
    },
    stopNode: (nodeId) => m.stopNode(info, nodeId, { graceMs: 0 }),
    restartNode: (nodeId) => m.restartNode(info, nodeId, { timeoutMs: 60_000 }),
  };
  running.add(handle);
  return handle;
}

/** Kills every cluster this process started (synchronous: safe in an 'exit' handler). */
export function killAllSync(): void {
  for (const h of running) {
    for (const n of h.info.nodes) {
      if (n.pid !== null) {
        try {
          process.kill(-n.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  }
  running.clear();
}

export const CONSUMER_GROUP_COMMAND = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';

/** Runs Kafka 4.3.1's own `kafka-consumer-groups.sh` (ConsumerGroupCommand) and returns its output. */
export async function kafkaConsumerGroups(args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const m = await clusterModule();
  const r = await m.runJava(CONSUMER_GROUP_COMMAND, args, { timeoutMs });
  if (r.code !== 0) {
    throw new Error(
      `kafka-consumer-groups ${args.join(' ')} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout;
}

/** Runs Kafka's topic tool, e.g. `['--create', '--topic', 't', '--partitions', '3']`. */
export async function kafkaTopics(bootstrap: string, args: readonly string[]): Promise<string> {
  const m = await clusterModule();
  const r = await m.runJava('org.apache.kafka.tools.TopicCommand', [
    '--bootstrap-server',
    bootstrap,
    ...args,
  ]);
  if (r.code !== 0) throw new Error(`kafka-topics ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export interface JavaConsumerEvent {
  readonly event:
    'started' | 'assigned' | 'revoked' | 'lost' | 'consumed' | 'paused' | 'resumed' | 'closed' | 'error';
  readonly partitions?: readonly string[];
  readonly count?: number;
  readonly message?: string;
}

export interface JavaConsumerOptions {
  readonly bootstrap: string;
  readonly group: string;
  readonly topics: readonly string[];
  /** 'consumer' (KIP-848, the default) or 'classic'. */
  readonly protocol?: 'consumer' | 'classic';
  /** KIP-848: group.remote.assignor (uniform, range). Classic: partition.assignment.strategy class. */
  readonly assignor?: string;
  readonly instanceId?: string;
  readonly clientId?: string;
  readonly commit?: boolean;
  readonly properties?: Readonly<Record<string, string>>;
}

/**
 * A real member made by Kafka's Java consumer (scripts/kafka/src/main/java/.../TestConsumer.java).
 * `assigned` holds the partitions it owns, as its rebalance listener reported them.
 */
export class JavaConsumer {
  readonly events: JavaConsumerEvent[] = [];
  readonly assigned = new Set<string>();
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  private exited = false;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let e: JavaConsumerEvent;
      try {
        e = JSON.parse(line) as JavaConsumerEvent;
      } catch {
        return;
      }
      this.events.push(e);
      if (e.event === 'assigned') for (const p of e.partitions ?? []) this.assigned.add(p);
      if (e.event === 'revoked' || e.event === 'lost')
        for (const p of e.partitions ?? []) this.assigned.delete(p);
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-8000);
    });
    child.on('exit', () => {
      this.exited = true;
      all.delete(this);
      for (const w of this.waiters.splice(0)) w();
    });
    all.add(this);
  }

  static async start(o: JavaConsumerOptions): Promise<JavaConsumer> {
    const m = await clusterModule();
    const args = ['--bootstrap', o.bootstrap, '--group', o.group, '--topics', o.topics.join(',')];
    args.push('--protocol', o.protocol ?? 'consumer');
    if (o.assignor !== undefined) args.push('--assignor', o.assignor);
    if (o.instanceId !== undefined) args.push('--instance-id', o.instanceId);
    if (o.clientId !== undefined) args.push('--client-id', o.clientId);
    if (o.commit === false) args.push('--no-commit');
    for (const [k, v] of Object.entries(o.properties ?? {})) args.push('--property', `${k}=${v}`);
    const c = new JavaConsumer(m.spawnJava('dev.kgd.testkit.TestConsumer', args));
    await c.waitFor((e) => e.event === 'started', 60_000, 'start');
    return c;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Waits until an event (past or future) satisfies `pred`. */
  async waitFor(
    pred: (e: JavaConsumerEvent) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<JavaConsumerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(pred);
      if (found !== undefined) return found;
      const err = this.events.find((e) => e.event === 'error');
      if (err !== undefined) throw new Error(`Java consumer failed: ${err.message ?? ''}\n${this.stderr}`);
      if (this.exited) throw new Error(`Java consumer exited before ${what}\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Java consumer: no ${what} within ${timeoutMs} ms\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits until the consumer owns exactly `count` partitions (after its latest event). */
  async waitForOwned(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.assigned.size !== count) {
      if (Date.now() > deadline) {
        throw new Error(
          `Java consumer owns ${this.assigned.size} partitions, expected ${count}\n${this.stderr}`,
        );
      }
      const n = this.events.length;
      await this.waitFor(() => this.events.length > n, Math.max(1, deadline - Date.now()), 'an event').catch(
        () => undefined,
      );
    }
  }

  send(command: 'close' | 'pause' | 'resume'): void {
    if (!this.exited) this.child.stdin.write(`${command}\n`);
  }

  /** Leaves the group cleanly and exits; kills it when that takes longer than `timeoutMs`. */
  async close(timeoutMs = 30_000): Promise<void> {
    if (this.exited) return;
    this.send('close');
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const t = setTimeout(() => this.kill(), timeoutMs);
    await done;
    clearTimeout(t);
  }

  /** Kills the JVM at once (no LeaveGroup): the member stays until its session times out. */
  kill(): void {
    killGroup(this.child.pid);
  }
}

const all = new Set<JavaConsumer>();

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Kills every Java consumer still running (tests' after hooks and the exit handler). */
export function killAllJavaConsumers(): void {
  for (const c of [...all]) c.kill();
  all.clear();
}

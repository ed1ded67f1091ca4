// Local Apache Kafka 4.3.1 for tests, benchmarks and humans: resolves the jars from Maven Central,
// formats KRaft storage and runs brokers on 127.0.0.1 with Java 17. No Docker, no downloads from
// anywhere but Maven Central.
//
// This module is the one implementation. Its users:
//   - scripts/kafka/kafka.mjs              the CLI for humans (start | stop | status | ...)
//   - test/integration/support/kafka.ts    the typed wrapper the integration tests use
//   - bench/                               the describe+lag benchmark
//
// Topology (see docs/kafka-test-cluster.md):
//   single   one combined broker+controller node
//   cluster  three combined broker+controller nodes (a 3-voter quorum survives losing one node)
// Every node has these listeners, at basePort + 10 * index + offset:
//   +0 PLAINTEXT       inter-broker and plain clients
//   +1 CONTROLLER      the KRaft quorum
//   +2 SASL_PLAINTEXT  SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN
//   +3 SSL             TLS with client certificates required (mTLS), CA made by this script
//   +4 SASL_SSL        TLS (server-authenticated) plus SASL
//   +5 MISADVERTISED   PLAINTEXT that advertises an unresolvable host (the Docker/Kubernetes trap)
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KAFKA_VERSION = '4.3.1';
export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(HERE, '..', '..');
const TARGET = join(HERE, 'target');
const LIB = join(TARGET, 'lib');
const CLASSES = join(TARGET, 'classes');
const STAMP = join(TARGET, '.provisioned');
const LOCK = join(TARGET, '.provision.lock');

/** Fixed credentials of the test clusters' SASL listeners (test-only; nothing secret about them). */
export const SASL_USERS = Object.freeze([
  { mechanism: 'SCRAM-SHA-256', username: 'kgd-scram', password: 'kgd-scram-secret' },
  { mechanism: 'SCRAM-SHA-512', username: 'kgd-scram', password: 'kgd-scram-secret' },
  { mechanism: 'PLAIN', username: 'kgd-plain', password: 'kgd-plain-secret' },
]);

const LISTENERS = [
  { name: 'PLAINTEXT', key: 'plaintext', offset: 0, protocol: 'PLAINTEXT' },
  { name: 'CONTROLLER', key: 'controller', offset: 1, protocol: 'PLAINTEXT' },
  { name: 'SASL_PLAINTEXT', key: 'saslPlaintext', offset: 2, protocol: 'SASL_PLAINTEXT' },
  { name: 'SSL', key: 'ssl', offset: 3, protocol: 'SSL' },
  { name: 'SASL_SSL', key: 'saslSsl', offset: 4, protocol: 'SASL_SSL' },
  { name: 'MISADVERTISED', key: 'misadvertised', offset: 5, protocol: 'PLAINTEXT' },
];
/** The host the MISADVERTISED listener advertises: `.invalid` never resolves (RFC 2606). */
export const MISADVERTISED_HOST_SUFFIX = 'kgd-test.invalid';
const PORTS_PER_NODE = 10;

export class KafkaScriptError extends Error {
  constructor(message) {
    super(message);
    this.name = 'KafkaScriptError';
  }
}

const noop = () => {};

// ───────────────────────────── provisioning ─────────────────────────────

function checkTool(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(
      `${what} is needed but "${cmd}" could not be run (${r.error?.message ?? `exit ${r.status}`}). ` +
        'Run scripts/setup-system.sh (it installs a JDK 17 and Maven), then try again.',
    );
  }
  return `${r.stdout}${r.stderr}`;
}

function javaMajor() {
  const out = checkTool('java', ['-version'], 'Java 17 or newer');
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) throw new KafkaScriptError(`cannot read the Java version from: ${out.trim()}`);
  const major = Number(m[1]) === 1 ? Number(m[2]) : Number(m[1]);
  if (major < 17) {
    throw new KafkaScriptError(`Kafka ${KAFKA_VERSION} needs Java 17 or newer; "java" is Java ${major}.`);
  }
  return major;
}

function inputsHash() {
  const h = createHash('sha256');
  h.update(readFileSync(join(HERE, 'pom.xml')));
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        h.update(p.slice(HERE.length));
        h.update(readFileSync(p));
      }
    }
  };
  walk(join(HERE, 'src'));
  return h.digest('hex');
}

function isProvisioned(hash) {
  return (
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8').trim() === hash &&
    existsSync(join(LIB, `kafka_2.13-${KAFKA_VERSION}.jar`)) &&
    existsSync(join(CLASSES, 'dev/kgd/testkit/TestConsumer.class'))
  );
}

async function withLock(fn) {
  mkdirSync(TARGET, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Someone else provisions; a lock older than 15 minutes is left over from a crash.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 15 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* it went away */
      }
      if (Date.now() > deadline) throw new KafkaScriptError(`timed out waiting for the lock ${LOCK}`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Makes sure Kafka's jars are in scripts/kafka/target/lib and the Java helpers are compiled.
 * Idempotent: when the pom and the Java sources did not change since the last run it returns at once.
 * @returns {Promise<{ classpath: string, cached: boolean, seconds: number }>}
 */
export async function provision({ log = noop, force = false } = {}) {
  const started = Date.now();
  javaMajor();
  const hash = inputsHash();
  const classpath = `${LIB}/*:${CLASSES}`;
  if (!force && isProvisioned(hash)) return { classpath, cached: true, seconds: 0 };
  return withLock(async () => {
    if (!force && isProvisioned(hash)) return { classpath, cached: true, seconds: 0 };
    checkTool('mvn', ['-v'], 'Maven');
    log(`provisioning Apache Kafka ${KAFKA_VERSION} from Maven Central into ${LIB} …`);
    rmSync(LIB, { recursive: true, force: true });
    rmSync(STAMP, { force: true });
    const args = [
      '-B',
      '-q',
      '-f',
      join(HERE, 'pom.xml'),
      'dependency:copy-dependencies',
      'compile',
      `-DoutputDirectory=${LIB}`,
      '-DincludeScope=runtime',
    ];
    const r = await runProcess('mvn', args, { timeoutMs: 15 * 60_000 });
    if (r.code !== 0) {
      throw new KafkaScriptError(
        `mvn failed (exit ${r.code}) while fetching Kafka ${KAFKA_VERSION}. Is Maven Central reachable?\n` +
          tail(`${r.stdout}\n${r.stderr}`, 30),
      );
    }
    writeFileSync(STAMP, `${hash}\n`);
    const seconds = (Date.now() - started) / 1000;
    log(`provisioned in ${seconds.toFixed(1)} s`);
    return { classpath, cached: false, seconds };
  });
}

// ───────────────────────────── processes ─────────────────────────────

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function tail(text, lines) {
  return text.split('\n').slice(-lines).join('\n');
}

/** Runs a process to completion with a timeout; on timeout its whole process group is killed. */
export function runProcess(cmd, args, { timeoutMs = 120_000, input, env, cwd } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: env ?? process.env,
      cwd,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    const cleanup = () => killGroup(child.pid, 'SIGKILL');
    process.once('exit', cleanup);
    child.on('error', (err) => {
      clearTimeout(timer);
      process.removeListener('exit', cleanup);
      resolve({ code: 127, stdout, stderr: `${stderr}${err.message}`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', cleanup);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

function cmdlineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitDead(pid, ms) {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** JVM flags for short-lived Java tools: small heap, quick start. */
export function toolJvmFlags(heap = '256m') {
  return [
    `-Xmx${heap}`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(HERE, 'config/log4j2-tools.properties')}`,
  ];
}

/**
 * The JVM options Kafka's own bin/kafka-run-class.sh uses for its tools (KAFKA_HEAP_OPTS and
 * KAFKA_JVM_PERFORMANCE_OPTS defaults): for benchmarks that compare with kafka-consumer-groups.sh
 * as users run it.
 */
export const KAFKA_SCRIPT_JVM_FLAGS = Object.freeze([
  '-Xmx256M',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
]);

/** Runs a Java main class as Kafka's bin/*.sh scripts would (their JVM options), to completion. */
export function runJavaLikeKafkaScript(mainClass, args, { timeoutMs = 600_000 } = {}) {
  return runProcess(
    'java',
    [
      ...KAFKA_SCRIPT_JVM_FLAGS,
      `-Dlog4j2.configurationFile=${join(HERE, 'config/log4j2-tools.properties')}`,
      '-cp',
      `${LIB}/*`,
      mainClass,
      ...args,
    ],
    { timeoutMs },
  );
}

/**
 * Runs a Java main class from the provisioned classpath to completion (for example Kafka's
 * ConsumerGroupCommand or StorageTool). Call provision() first.
 */
export function runJava(mainClass, args, { timeoutMs = 120_000, heap = '256m', input } = {}) {
  return runProcess('java', [...toolJvmFlags(heap), '-cp', `${LIB}/*:${CLASSES}`, mainClass, ...args], {
    timeoutMs,
    input,
  });
}

/**
 * Starts a long-running Java main class (e.g. the KIP-848 TestConsumer) in its own process group,
 * with piped stdio. The caller owns it: kill it with killProcessGroup(child.pid).
 */
export function spawnJava(mainClass, args, { heap = '192m' } = {}) {
  return spawn('java', [...toolJvmFlags(heap), '-cp', `${LIB}/*:${CLASSES}`, mainClass, ...args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function killProcessGroup(pid, signal = 'SIGKILL') {
  killGroup(pid, signal);
}

/**
 * A tiny shell loop that kills a process group once `ownerPid` is gone, so a test run that dies
 * (even by SIGKILL) leaves no JVM behind. Sleeps 1 s between checks; costs nothing measurable.
 */
function spawnWatchdog(ownerPid, pgid) {
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
    'kill -TERM "-$2" 2>/dev/null; sleep 5; kill -KILL "-$2" 2>/dev/null; exit 0';
  const w = spawn('sh', ['-c', script, 'kgd-kafka-watchdog', String(ownerPid), String(pgid)], {
    detached: true,
    stdio: 'ignore',
  });
  w.unref();
  return w.pid;
}

// ───────────────────────────── TLS material ─────────────────────────────

function openssl(args, cwd) {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(
      `openssl ${args[0]} failed: ${r.error?.message ?? r.stderr.trim()}. Install openssl (apt-get install -y openssl).`,
    );
  }
}

/**
 * Creates a CA, a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files.
 * The broker reads PEM directly (ssl.keystore.type=PEM), so no keytool or JKS is needed.
 */
export function makeTlsMaterial(dir) {
  mkdirSync(dir, { recursive: true });
  const f = (n) => join(dir, n);
  const ca = (name, cn, extra) =>
    openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', `/CN=${cn}`].concat(
        ['-keyout', `${name}.key`, '-out', `${name}.pem`],
        extra,
      ),
      dir,
    );
  ca('ca', 'kgd-test-ca', [
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const leaf = (name, cn, ext) => {
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${cn}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
      ],
      dir,
    );
    writeFileSync(f(`${name}.ext`), ext);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '3650',
        '-sha256',
        '-out',
        `${name}.pem`,
        '-extfile',
        `${name}.ext`,
      ],
      dir,
    );
  };
  leaf(
    'server',
    'localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' +
      'keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  leaf(
    'client',
    'kgd-test-client',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  // Kafka's PEM keystore: the PKCS#8 private key followed by the certificate chain, in one file.
  writeFileSync(
    f('server-keystore.pem'),
    `${readFileSync(f('server.key'), 'utf8')}${readFileSync(f('server.pem'), 'utf8')}${readFileSync(f('ca.pem'), 'utf8')}`,
  );
  // A second CA, never used by the broker: a client that trusts it must fail the handshake.
  ca('other-ca', 'kgd-other-ca', []);
  return {
    caFile: f('ca.pem'),
    clientCertFile: f('client.pem'),
    clientKeyFile: f('client.key'),
    serverKeystoreFile: f('server-keystore.pem'),
    untrustedCaFile: f('other-ca.pem'),
  };
}

// ───────────────────────────── configuration ─────────────────────────────

function nodePorts(basePort, index) {
  const ports = {};
  for (const l of LISTENERS) ports[l.key] = basePort + PORTS_PER_NODE * index + l.offset;
  return ports;
}

function serverProperties({ nodeId, index, nodes, ports, voters, dataDir, tls }) {
  const listeners = LISTENERS.map((l) => `${l.name}://127.0.0.1:${ports[l.key]}`).join(',');
  const advertised = LISTENERS.filter((l) => l.key !== 'controller')
    .map((l) =>
      l.key === 'misadvertised'
        ? `${l.name}://kafka-${index}.${MISADVERTISED_HOST_SUFFIX}:${ports[l.key]}`
        : `${l.name}://127.0.0.1:${ports[l.key]}`,
    )
    .join(',');
  const rf = Math.min(3, nodes);
  const jaas = (listener) => [
    `listener.name.${listener}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `listener.name.${listener}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `listener.name.${listener}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ` +
      SASL_USERS.filter((u) => u.mechanism === 'PLAIN')
        .map((u) => `user_${u.username}="${u.password}"`)
        .join(' ') +
      ';',
  ];
  return [
    '# Written by scripts/kafka/cluster.mjs for a local test cluster. Do not edit: it is rewritten on start.',
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=${listeners}`,
    `advertised.listeners=${advertised}`,
    'listener.security.protocol.map=' + LISTENERS.map((l) => `${l.name}:${l.protocol}`).join(','),
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    // SASL: SCRAM users are written into the metadata log at format time (StorageTool --add-scram).
    'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
    ...jaas('sasl_plaintext'),
    ...jaas('sasl_ssl'),
    // TLS from PEM files; the SSL listener requires client certificates, SASL_SSL does not.
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${tls.serverKeystoreFile}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${tls.caFile}`,
    'listener.name.ssl.ssl.client.auth=required',
    // Light on a shared 2-core machine.
    'num.network.threads=2',
    'num.io.threads=2',
    'background.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'num.replica.fetchers=1',
    'log.cleaner.threads=1',
    'log.cleaner.dedupe.buffer.size=8388608',
    'log.cleaner.io.buffer.size=262144',
    // Internal topics sized for a test cluster.
    'num.partitions=1',
    `default.replication.factor=${rf}`,
    'offsets.topic.num.partitions=6',
    `offsets.topic.replication.factor=${rf}`,
    'transaction.state.log.num.partitions=2',
    `transaction.state.log.replication.factor=${rf}`,
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.num.partitions=2',
    `share.coordinator.state.topic.replication.factor=${rf}`,
    'share.coordinator.state.topic.min.isr=1',
    'auto.create.topics.enable=false',
    // Groups settle quickly in tests: no initial classic rebalance delay, short KIP-848 timers.
    'group.initial.rebalance.delay.ms=0',
    'group.consumer.min.heartbeat.interval.ms=500',
    'group.consumer.heartbeat.interval.ms=1000',
    'group.consumer.min.session.timeout.ms=6000',
    'group.consumer.session.timeout.ms=10000',
    // A stopped node is fenced quickly, so its partitions and groups fail over within seconds.
    'broker.heartbeat.interval.ms=1000',
    'broker.session.timeout.ms=4000',
    '',
  ].join('\n');
}

const BROKER_JVM_FLAGS = (heap) => [
  `-Xms64m`,
  `-Xmx${heap}`,
  '-XX:+UseSerialGC',
  '-XX:CICompilerCount=2',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
  '-Djava.net.preferIPv4Stack=true',
  `-Dlog4j2.configurationFile=${join(HERE, 'config/log4j2-broker.properties')}`,
];

// ───────────────────────────── wire probes ─────────────────────────────

/**
 * Sends one non-flexible request (request header v1) and returns the response body after the
 * correlation id. Used only to tell when a broker is ready; the product has its own client.
 */
function rawRequest(host, port, apiKey, apiVersion, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('kgd-kafka-script');
    const header = Buffer.alloc(10 + clientId.length);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(1, 4);
    header.writeInt16BE(clientId.length, 8);
    clientId.copy(header, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length);
    const socket = createConnection({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(Buffer.concat([size, header, body])));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(buf.subarray(8, 4 + buf.readInt32BE(0)));
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('connection closed'));
    });
  });
}

/** ApiVersions v0: resolves when the broker answers with error code 0. */
export async function probeApiVersions(host, port, timeoutMs = 2000) {
  const body = await rawRequest(host, port, 18, 0, Buffer.alloc(0), timeoutMs);
  const error = body.readInt16BE(0);
  if (error !== 0) throw new Error(`ApiVersions error ${error}`);
}

/** Metadata v0 for no topics... v0 treats an empty list as "all"; we read only the broker list. */
export async function probeBrokers(host, port, timeoutMs = 2000) {
  const body = await rawRequest(host, port, 3, 0, Buffer.from([0, 0, 0, 0]), timeoutMs);
  const n = body.readInt32BE(0);
  const brokers = [];
  let o = 4;
  for (let i = 0; i < n; i++) {
    const nodeId = body.readInt32BE(o);
    const hl = body.readInt16BE(o + 4);
    const host2 = body.toString('utf8', o + 6, o + 6 + hl);
    const port2 = body.readInt32BE(o + 6 + hl);
    o += 10 + hl;
    brokers.push({ nodeId, host: host2, port: port2 });
  }
  return brokers;
}

async function assertPortsFree(ports) {
  for (const port of ports) {
    await new Promise((resolve, reject) => {
      const srv = createServer();
      srv.once('error', () =>
        reject(
          new KafkaScriptError(
            `port 127.0.0.1:${port} is already in use. Another test cluster may be running ` +
              '(see `node scripts/kafka/kafka.mjs status`), or choose other ports with --base-port.',
          ),
        ),
      );
      srv.listen(port, '127.0.0.1', () => srv.close(resolve));
    });
  }
}

// ───────────────────────────── cluster lifecycle ─────────────────────────────

export function defaultDir(name) {
  return join(REPO_ROOT, '.cache', 'kafka', name);
}

function stateFile(dir) {
  return join(dir, 'state.json');
}

export function readState(dir) {
  try {
    return JSON.parse(readFileSync(stateFile(dir), 'utf8'));
  } catch {
    return null;
  }
}

function writeState(info) {
  writeFileSync(stateFile(info.dir), `${JSON.stringify(info, null, 2)}\n`);
}

/** Kills the JVMs of a cluster left behind by a run that crashed (only processes that run from `dir`). */
async function reapLeftovers(dir) {
  const state = readState(dir);
  if (!state) return;
  for (const n of state.nodes ?? []) {
    if (n.pid && isAlive(n.pid) && cmdlineOf(n.pid).includes(dir)) {
      killGroup(n.pid, 'SIGKILL');
      await waitDead(n.pid, 5000);
    }
    if (n.watchdogPid && isAlive(n.watchdogPid) && cmdlineOf(n.watchdogPid).includes('kgd-kafka-watchdog')) {
      killGroup(n.watchdogPid, 'SIGKILL');
    }
  }
}

function launchNode(info, node) {
  mkdirSync(dirname(node.logFile), { recursive: true });
  const fd = openSync(node.logFile, 'a');
  const child = spawn(
    'java',
    [
      ...BROKER_JVM_FLAGS(info.heap),
      `-Dkafka.logs.dir=${node.dir}`,
      '-cp',
      `${LIB}/*`,
      'kafka.Kafka',
      node.configFile,
    ],
    { detached: true, stdio: ['ignore', fd, fd], cwd: node.dir },
  );
  closeSync(fd);
  child.unref();
  node.pid = child.pid;
  node.watchdogPid = info.ownerPid ? spawnWatchdog(info.ownerPid, child.pid) : null;
  node.running = true;
}

async function waitReady(info, nodes, timeoutMs, log) {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(nodes.map((n) => n.nodeId));
  let lastError = 'no answer yet';
  while (pending.size > 0) {
    for (const n of nodes) {
      if (!pending.has(n.nodeId)) continue;
      if (!isAlive(n.pid)) {
        throw new KafkaScriptError(
          `Kafka node ${n.nodeId} exited during start-up. Its log: ${n.logFile}\n${tail(safeRead(n.logFile), 40)}`,
        );
      }
      try {
        await probeApiVersions('127.0.0.1', n.ports.plaintext, 2000);
        const brokers = await probeBrokers('127.0.0.1', n.ports.plaintext, 2000);
        const live = info.nodes.filter((x) => x.running).length;
        if (brokers.length >= live) pending.delete(n.nodeId);
        else lastError = `node ${n.nodeId} sees ${brokers.length} of ${live} brokers`;
      } catch (e) {
        lastError = `node ${n.nodeId} on 127.0.0.1:${n.ports.plaintext}: ${e.message}`;
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      throw new KafkaScriptError(
        `Kafka did not become ready within ${Math.round(timeoutMs / 1000)} s (${lastError}). Logs:\n` +
          nodes.map((n) => `  ${n.logFile}`).join('\n') +
          `\nLast lines of node ${nodes[0].nodeId}:\n${tail(safeRead(nodes[0].logFile), 25)}`,
      );
    }
    await sleep(250);
  }
  log(`ready: ${nodes.map((n) => `node ${n.nodeId}`).join(', ')}`);
}

function safeRead(f) {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '(no log yet)';
  }
}

function bootstrapFor(nodes, key) {
  return nodes.map((n) => `127.0.0.1:${n.ports[key]}`).join(',');
}

/**
 * Formats and starts a fresh cluster. Everything under `dir` is wiped first.
 * @param {object} o
 * @param {'single'|'cluster'} [o.mode]
 * @param {string} [o.name]      names the default directory .cache/kafka/<name>
 * @param {string} [o.dir]
 * @param {number} o.basePort    ports basePort … basePort + 10 * nodes − 1 are used
 * @param {number} [o.ownerPid]  when set, the JVMs are killed once this process is gone
 * @param {number} [o.timeoutMs] start-up budget (format + start + ready)
 * @param {string} [o.heap]      -Xmx per node
 * @param {(line: string) => void} [o.log]
 */
export async function startCluster(o) {
  const mode = o.mode ?? 'single';
  if (mode !== 'single' && mode !== 'cluster') throw new KafkaScriptError(`unknown mode "${mode}"`);
  const name = o.name ?? mode;
  const dir = o.dir ?? defaultDir(name);
  const log = o.log ?? noop;
  const timeoutMs = o.timeoutMs ?? 120_000;
  const started = Date.now();
  const count = mode === 'single' ? 1 : 3;
  const basePort = o.basePort;
  if (!Number.isInteger(basePort)) throw new KafkaScriptError('basePort is required');

  await provision({ log });
  await reapLeftovers(dir);
  const allPorts = [];
  for (let i = 0; i < count; i++) allPorts.push(...Object.values(nodePorts(basePort, i)));
  await assertPortsFree(allPorts);

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tls = makeTlsMaterial(join(dir, 'tls'));
  const clusterId = randomBytes(16).toString('base64url');
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const nodeId = i + 1;
    const nodeDir = join(dir, `node-${nodeId}`);
    nodes.push({
      nodeId,
      index: i,
      dir: nodeDir,
      dataDir: join(nodeDir, 'data'),
      configFile: join(nodeDir, 'server.properties'),
      logFile: join(nodeDir, 'kafka.log'),
      ports: nodePorts(basePort, i),
      pid: null,
      watchdogPid: null,
      running: false,
    });
  }
  const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.ports.controller}`).join(',');
  const scram = SASL_USERS.filter((u) => u.mechanism.startsWith('SCRAM-')).flatMap((u) => [
    '--add-scram',
    `${u.mechanism}=[name=${u.username},password=${u.password}]`,
  ]);
  // Format every node (in parallel: each is a JVM start).
  await Promise.all(
    nodes.map(async (n) => {
      mkdirSync(n.dataDir, { recursive: true });
      writeFileSync(
        n.configFile,
        serverProperties({
          nodeId: n.nodeId,
          index: n.index,
          nodes: count,
          ports: n.ports,
          voters,
          dataDir: n.dataDir,
          tls,
        }),
      );
      const r = await runJava(
        'kafka.tools.StorageTool',
        ['format', '--config', n.configFile, '--cluster-id', clusterId, ...scram],
        {
          timeoutMs: Math.max(10_000, timeoutMs - (Date.now() - started)),
        },
      );
      if (r.code !== 0) {
        throw new KafkaScriptError(
          `formatting node ${n.nodeId} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${tail(`${r.stdout}\n${r.stderr}`, 20)}`,
        );
      }
    }),
  );

  const info = {
    name,
    mode,
    dir,
    clusterId,
    kafkaVersion: KAFKA_VERSION,
    basePort,
    heap: o.heap ?? '384m',
    ownerPid: o.ownerPid ?? null,
    nodes,
    bootstrap: {
      plaintext: bootstrapFor(nodes, 'plaintext'),
      saslPlaintext: bootstrapFor(nodes, 'saslPlaintext'),
      ssl: bootstrapFor(nodes, 'ssl'),
      saslSsl: bootstrapFor(nodes, 'saslSsl'),
      misadvertised: bootstrapFor(nodes, 'misadvertised'),
    },
    saslUsers: SASL_USERS,
    tls,
    startedAt: new Date().toISOString(),
  };
  for (const n of nodes) launchNode(info, n);
  writeState(info);
  try {
    await waitReady(info, nodes, Math.max(5000, timeoutMs - (Date.now() - started)), log);
  } catch (e) {
    await stopCluster(info);
    throw e;
  }
  info.startupSeconds = (Date.now() - started) / 1000;
  writeState(info);
  return info;
}

async function stopOne(node, graceMs) {
  if (node.pid && isAlive(node.pid)) {
    killGroup(node.pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    if (!(await waitDead(node.pid, graceMs))) {
      killGroup(node.pid, 'SIGKILL');
      await waitDead(node.pid, 5000);
    }
  }
  if (node.watchdogPid && isAlive(node.watchdogPid)) killGroup(node.watchdogPid, 'SIGKILL');
  node.running = false;
}

/**
 * Stops every node. graceMs > 0 sends SIGTERM first (Kafka shuts down cleanly), then SIGKILL after
 * graceMs; graceMs = 0 kills at once (fine for throw-away test data).
 */
export async function stopCluster(info, { graceMs = 10_000, removeData = false } = {}) {
  await Promise.all(info.nodes.map((n) => stopOne(n, graceMs)));
  if (existsSync(info.dir)) {
    if (removeData) rmSync(info.dir, { recursive: true, force: true });
    else writeState(info);
  }
}

/** Stops one node (e.g. the group coordinator, to test failover). SIGKILL when graceMs is 0. */
export async function stopNode(info, nodeId, { graceMs = 0 } = {}) {
  const node = info.nodes.find((n) => n.nodeId === nodeId);
  if (!node) throw new KafkaScriptError(`no node ${nodeId} in cluster ${info.name}`);
  await stopOne(node, graceMs);
  writeState(info);
}

/** Starts a stopped node again on its existing data and waits until the cluster sees it. */
export async function restartNode(info, nodeId, { timeoutMs = 60_000, log = noop } = {}) {
  const node = info.nodes.find((n) => n.nodeId === nodeId);
  if (!node) throw new KafkaScriptError(`no node ${nodeId} in cluster ${info.name}`);
  if (node.running && isAlive(node.pid)) return;
  launchNode(info, node);
  writeState(info);
  await waitReady(info, [node], timeoutMs, log);
}

/** What runs from `dir`, for `kafka.mjs status`. */
export function status(dir) {
  const state = readState(dir);
  if (!state) return null;
  return {
    ...state,
    nodes: state.nodes.map((n) => ({ ...n, alive: isAlive(n.pid) && cmdlineOf(n.pid).includes(dir) })),
  };
}

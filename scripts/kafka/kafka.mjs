#!/usr/bin/env node
// A local Apache Kafka 4.3.1 for humans: `node scripts/kafka/kafka.mjs start|stop|status|...`.
// The tests use the same code through test/integration/support/kafka.ts. See docs/kafka-test-cluster.md.
import {
  KafkaScriptError,
  defaultDir,
  provision,
  restartNode,
  runJava,
  startCluster,
  status,
  stopCluster,
  stopNode,
} from './cluster.mjs';

const USAGE = `Usage: node scripts/kafka/kafka.mjs <command> [options]

Commands:
  provision                 fetch Kafka 4.3.1 jars from Maven Central (cached) and compile the helpers
  start [--mode single|cluster] [--name N] [--base-port P] [--timeout S] [--heap 384m]
                            format and start a fresh local cluster on 127.0.0.1 (detached; it keeps
                            running until \`stop\`). Defaults: single → name "dev", base port 19140;
                            cluster → name "dev-cluster", base port 19150.
  stop [--name N]           stop it (SIGTERM, then SIGKILL after 10 s) — keeps the data dir
  status [--name N] [--json] what runs, where its logs are, how to connect
  stop-node --node ID [--name N]      kill one node (failover experiments)
  restart-node --node ID [--name N]   start it again on its data
  tool <main-class> [args…] run a Java main class from Kafka's classpath, e.g.
                            tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server 127.0.0.1:19140 --list
`;

function parse(argv) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a.startsWith('--')) {
      const v = argv[i + 1];
      if (v === undefined) throw new KafkaScriptError(`${a} needs a value`);
      opts[a.slice(2)] = v;
      i++;
    } else opts._.push(a);
  }
  return opts;
}

function defaultsFor(mode) {
  return mode === 'cluster' ? { name: 'dev-cluster', basePort: 19150 } : { name: 'dev', basePort: 19140 };
}

function nameOf(opts) {
  return opts.name ?? defaultsFor(opts.mode ?? 'single').name;
}

function describe(info) {
  const lines = [
    `cluster "${info.name}" (${info.mode}, Kafka ${info.kafkaVersion}, cluster id ${info.clusterId})`,
    `  directory        ${info.dir}`,
    `  PLAINTEXT        ${info.bootstrap.plaintext}`,
    `  SASL_PLAINTEXT   ${info.bootstrap.saslPlaintext}   (SCRAM-SHA-256/512 and PLAIN)`,
    `  SSL (mTLS)       ${info.bootstrap.ssl}`,
    `  SASL_SSL         ${info.bootstrap.saslSsl}`,
    `  misadvertised    ${info.bootstrap.misadvertised}   (advertises an unresolvable host, on purpose)`,
    `  users            ${info.saslUsers.map((u) => `${u.mechanism} ${u.username} / ${u.password}`).join('; ')}`,
    `  TLS files        CA ${info.tls.caFile}`,
    `                   client cert ${info.tls.clientCertFile}`,
    `                   client key  ${info.tls.clientKeyFile}`,
  ];
  for (const n of info.nodes) {
    const alive = n.alive ?? n.running;
    lines.push(
      `  node ${n.nodeId}           ${alive ? `running, pid ${n.pid}` : 'stopped'}   log ${n.logFile}`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const opts = parse(rest);
  const log = (line) => process.stderr.write(`kafka: ${line}\n`);
  switch (command) {
    case 'provision': {
      const r = await provision({ log, force: opts.force === 'true' });
      console.log(r.cached ? 'already provisioned' : `provisioned in ${r.seconds.toFixed(1)} s`);
      return 0;
    }
    case 'start': {
      const mode = opts.mode ?? 'single';
      const d = defaultsFor(mode);
      const name = opts.name ?? d.name;
      const existing = status(defaultDir(name));
      if (existing && existing.nodes.some((n) => n.alive)) {
        console.error(
          `cluster "${name}" is already running:\n${describe(existing)}\nStop it first: kafka.mjs stop --name ${name}`,
        );
        return 1;
      }
      const info = await startCluster({
        mode,
        name,
        basePort: opts['base-port'] ? Number(opts['base-port']) : d.basePort,
        timeoutMs: opts.timeout ? Number(opts.timeout) * 1000 : 120_000,
        heap: opts.heap,
        log,
      });
      console.log(`${describe(info)}\nstarted in ${info.startupSeconds.toFixed(1)} s`);
      return 0;
    }
    case 'stop': {
      const name = nameOf(opts);
      const info = status(defaultDir(name));
      if (!info) {
        console.log(`no cluster "${name}" here`);
        return 0;
      }
      await stopCluster(info, { graceMs: 10_000 });
      console.log(`stopped "${name}"`);
      return 0;
    }
    case 'status': {
      const name = nameOf(opts);
      const info = status(defaultDir(name));
      if (!info) {
        console.log(`no cluster "${name}" (start one with: node scripts/kafka/kafka.mjs start)`);
        return 1;
      }
      console.log(opts.json ? JSON.stringify(info, null, 2) : describe(info));
      return info.nodes.every((n) => n.alive) ? 0 : 1;
    }
    case 'stop-node':
    case 'restart-node': {
      const info = status(defaultDir(nameOf(opts)));
      if (!info) throw new KafkaScriptError(`no cluster "${nameOf(opts)}"`);
      const node = Number(opts.node);
      if (command === 'stop-node') await stopNode(info, node);
      else await restartNode(info, node, { log });
      console.log(`${command === 'stop-node' ? 'stopped' : 'restarted'} node ${node}`);
      return 0;
    }
    case 'tool': {
      await provision({ log });
      const [mainClass, ...args] = rest;
      if (!mainClass) throw new KafkaScriptError('tool needs a main class');
      const r = await runJava(mainClass, args, { timeoutMs: 10 * 60_000 });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.code;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof KafkaScriptError ? `kafka: ${err.message}` : err);
    process.exitCode = 1;
  },
);

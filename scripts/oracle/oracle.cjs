// The Java oracle: Apache Kafka's own assignors (and java.util collections) run on cases we send
// as JSON lines. `ensureBuilt()` compiles scripts/oracle with Maven once (cached by a hash of the
// sources); `Oracle` keeps one JVM and answers batches of cases in order.
//
//   node scripts/oracle/oracle.cjs build      # build (or confirm the cached build)
//
// Used by the oracle test suite (test/oracle) and the benchmarks (bench/).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const readline = require('node:readline');

const DIR = __dirname;
const TARGET = join(DIR, 'target');
const STAMP = join(TARGET, 'kgd-build.stamp');

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (e.endsWith('.java')) out.push(p);
  }
  return out;
}

function sourceHash() {
  const h = createHash('sha256');
  for (const f of [join(DIR, 'pom.xml'), ...sourceFiles(join(DIR, 'src'))]) {
    h.update(f.slice(DIR.length));
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

function have(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * The oracle's Java classpath: Kafka 4.3.1, or with `kafka: '4.0'` Kafka 4.0.0's group
 * coordinator (and its API) in place of 4.3.1's, the rest unchanged.
 */
function classpathFor(kafka) {
  const lib = join(TARGET, 'lib');
  if (kafka !== '4.0') return `${join(TARGET, 'classes')}:${join(lib, '*')}`;
  const jars = readdirSync(lib)
    .filter((f) => f.endsWith('.jar') && !/^kafka-group-coordinator(-api)?-4\.3\.1\.jar$/.test(f))
    .map((f) => join(lib, f));
  const old = readdirSync(join(TARGET, 'lib-4.0')).map((f) => join(TARGET, 'lib-4.0', f));
  return [join(TARGET, 'classes'), ...old, ...jars].join(':');
}

/** Builds the oracle if its sources changed since the last build; returns the Java classpath. */
function ensureBuilt(log = () => {}, kafka = '4.3') {
  const classpath = classpathFor(kafka);
  const hash = sourceHash();
  if (
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8').trim() === hash &&
    existsSync(join(TARGET, 'lib')) &&
    existsSync(join(TARGET, 'lib-4.0'))
  ) {
    return classpath;
  }
  if (!have('java', ['-version'])) {
    throw new Error(
      'The Java oracle needs a Java 17 runtime ("java" on PATH), and none was found. ' +
        'Install one (e.g. apt-get install -y openjdk-17-jdk-headless maven) and run again.',
    );
  }
  if (!have('mvn', ['-v'])) {
    throw new Error(
      'The Java oracle is built with Maven ("mvn" on PATH), and none was found. ' +
        'Install it (e.g. apt-get install -y maven) and run again.',
    );
  }
  log('building the Java oracle (scripts/oracle) with Maven…');
  // Offline first (fast, works when ~/.m2 has everything), then online from Maven Central.
  let r = spawnSync('mvn', ['-q', '-o', '-f', join(DIR, 'pom.xml'), 'package', '-DskipTests'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    r = spawnSync('mvn', ['-q', '-f', join(DIR, 'pom.xml'), 'package', '-DskipTests'], { encoding: 'utf8' });
  }
  if (r.status !== 0) {
    throw new Error(
      `Building the Java oracle failed (mvn package in scripts/oracle, exit ${r.status}):\n` +
        `${(r.stdout || '') + (r.stderr || '')}`.slice(-4000),
    );
  }
  writeFileSync(STAMP, `${hash}\n`);
  return classpathFor(kafka);
}

/** One JVM running kgd.oracle.Main; `run(cases)` resolves with one result per case, in order. */
class Oracle {
  constructor(options = {}) {
    const classpath = ensureBuilt(options.log, options.kafka);
    const java = options.java || 'java';
    const jvmArgs = options.jvmArgs || ['-Xss16m', '-XX:+UseParallelGC'];
    this.proc = spawn(java, [...jvmArgs, '-cp', classpath, 'kgd.oracle.Main'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d.toString()).slice(-20000);
    });
    this.waiting = [];
    this.exited = null;
    this.proc.on('exit', (code, signal) => {
      this.exited = `the oracle JVM exited (code ${code}, signal ${signal}): ${this.stderr.slice(-2000)}`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.exited));
    });
    this.proc.on('error', (err) => {
      this.exited = `the oracle JVM could not start: ${err.message}`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.exited));
    });
    readline.createInterface({ input: this.proc.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w === undefined) return;
      try {
        w.resolve(JSON.parse(line));
      } catch (err) {
        w.reject(err);
      }
    });
  }

  /** Sends the cases and resolves with their results (same order). */
  run(cases) {
    if (this.exited !== null) return Promise.reject(new Error(this.exited));
    const promises = cases.map(
      () =>
        new Promise((resolve, reject) => {
          this.waiting.push({ resolve, reject });
        }),
    );
    const text = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
    this.proc.stdin.write(text);
    return Promise.all(promises);
  }

  close() {
    if (this.exited === null) {
      this.proc.stdin.end();
      this.proc.kill();
    }
  }
}

module.exports = { ensureBuilt, Oracle };

if (require.main === module) {
  const cmd = process.argv[2];
  if (cmd === 'build') {
    try {
      ensureBuilt((m) => console.error(m));
      console.log(`oracle ready: ${TARGET}`);
    } catch (err) {
      console.error(err.message);
      process.exit(1);
    }
  } else {
    console.error('usage: node scripts/oracle/oracle.cjs build');
    process.exit(2);
  }
}

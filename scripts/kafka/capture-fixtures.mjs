#!/usr/bin/env node
// Captures real Kafka 4.3.1 traffic for the codec unit tests (test/fixtures/kafka/).
//
//   npx tsc -b && node scripts/kafka/capture-fixtures.mjs
//
// It starts its own broker (127.0.0.1:19130…), makes real groups — a KIP-848 group of two Java
// consumers (one static), a classic Java group with cooperative-sticky and a rack, a classic
// kafkajs group — and records, through our own client, every request body and response payload
// as hex. Next to them it saves what Kafka's own kafka-consumer-groups printed for the same
// groups at the same moment, so the unit tests can check our decoding against Kafka's tool
// without a broker. Re-running it replaces the fixtures (ids and offsets will differ).
import { mkdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { REPO_ROOT, runJava, startCluster, stopCluster, sleep } from './cluster.mjs';

const require = createRequire(import.meta.url);
const out = (p) => join(REPO_ROOT, 'out', p);
const k = require(out('src/kafka/index.js'));
const frame = require(out('src/kafka/wire/frame.js'));
const messages = require(out('src/kafka/wire/messages.js'));
const { KafkajsTransport } = require(out('src/kafka/transport/kafkajs-transport.js'));
const support = require(out('test/integration/support/kafka.js'));
const { Kafka, logLevel } = require('kafkajs');

const FIXTURES = join(REPO_ROOT, 'test/fixtures/kafka');
const CGC = 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand';

const log = (m) => process.stderr.write(`capture: ${m}\n`);

function recordingTransport(inner, records) {
  return {
    connect: (t) => inner.connect(t),
    disconnect: (t) => inner.disconnect(t),
    close: () => inner.close(),
    async send(target, request, timeoutMs) {
      const payload = await inner.send(target, request, timeoutMs);
      records.push({
        api: request.apiName,
        apiKey: request.apiKey,
        version: request.apiVersion,
        request: request.body.toString('hex'),
        response: Buffer.from(payload).toString('hex'),
      });
      return payload;
    },
  };
}

async function cli(bootstrap, args) {
  const r = await runJava(CGC, ['--bootstrap-server', bootstrap, ...args], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kafka-consumer-groups ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function main() {
  const info = await startCluster({
    mode: 'single',
    name: 'capture',
    basePort: 19130,
    ownerPid: process.pid,
    log,
  });
  const bootstrap = info.bootstrap.plaintext;
  const javaConsumers = [];
  let jsConsumer;
  try {
    await runJava('org.apache.kafka.tools.TopicCommand', [
      '--bootstrap-server',
      bootstrap,
      '--create',
      '--topic',
      'orders',
      '--partitions',
      '4',
    ]);
    await runJava('org.apache.kafka.tools.TopicCommand', [
      '--bootstrap-server',
      bootstrap,
      '--create',
      '--topic',
      'payments',
      '--partitions',
      '3',
    ]);
    const kafka = new Kafka({ clientId: 'capture', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 40; i++)
      await producer.send({ topic: 'orders', messages: [{ partition: i % 4, value: `o${i}` }] });
    for (let i = 0; i < 9; i++)
      await producer.send({ topic: 'payments', messages: [{ partition: i % 3, value: `p${i}` }] });
    await producer.disconnect();

    log('starting groups');
    const c1 = await support.JavaConsumer.start({
      bootstrap,
      group: 'orders-848',
      topics: ['orders', 'payments'],
      clientId: 'c1',
    });
    javaConsumers.push(c1);
    await c1.waitForOwned(7);
    const c2 = await support.JavaConsumer.start({
      bootstrap,
      group: 'orders-848',
      topics: ['orders'],
      clientId: 'c2',
      instanceId: 'static-2',
      properties: { 'client.rack': 'rack-b' },
    });
    javaConsumers.push(c2);
    const cc = await support.JavaConsumer.start({
      bootstrap,
      group: 'orders-classic',
      topics: ['orders'],
      protocol: 'classic',
      clientId: 'cc1',
      assignor: 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
      properties: { 'client.rack': 'rack-a' },
    });
    javaConsumers.push(cc);
    await cc.waitForOwned(4);
    // A second classic member: the first re-joins with its owned partitions and generation (v3).
    const cc2 = await support.JavaConsumer.start({
      bootstrap,
      group: 'orders-classic',
      topics: ['orders'],
      protocol: 'classic',
      clientId: 'cc2',
      assignor: 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
      properties: { 'client.rack': 'rack-a' },
    });
    javaConsumers.push(cc2);
    await cc2.waitForOwned(2);
    await cc.waitForOwned(2);
    jsConsumer = kafka.consumer({ groupId: 'payments-js' });
    await jsConsumer.connect();
    await jsConsumer.subscribe({ topics: ['payments'], fromBeginning: true });
    let jsSeen = 0;
    await jsConsumer.run({ eachMessage: async () => void jsSeen++ });
    const noCommit = await support.JavaConsumer.start({
      bootstrap,
      group: 'nocommit-848',
      topics: ['payments'],
      clientId: 'nc1',
      commit: false,
    });
    javaConsumers.push(noCommit);
    // Let everything settle: the KIP-848 group reconciles, commits land.
    await c2.waitFor(
      (e) => e.event === 'assigned' && (e.partitions ?? []).length > 0,
      60_000,
      'an assignment',
    );
    await noCommit.waitForOwned(3);
    for (let i = 0; i < 100 && jsSeen < 9; i++) await sleep(200);
    await sleep(5000);
    // Make lag and a committed offset below the log start:
    // - payments-js stops (Empty classic group, committed 3 on each partition);
    // - orders-classic pauses, then 8 more records land on orders (lag 2 per partition);
    // - payments-0 gets 3 more records and the first 5 are deleted (log start 5 > committed 3).
    await jsConsumer.disconnect();
    jsConsumer = undefined;
    for (const c of [cc, cc2]) {
      c.send('pause');
      await c.waitFor((e) => e.event === 'paused', 10_000, 'pause');
    }
    const producer2 = kafka.producer();
    await producer2.connect();
    for (let i = 0; i < 8; i++)
      await producer2.send({ topic: 'orders', messages: [{ partition: i % 4, value: `late${i}` }] });
    for (let i = 0; i < 3; i++)
      await producer2.send({ topic: 'payments', messages: [{ partition: 0, value: `late${i}` }] });
    await producer2.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: ['payments'] });
    await admin.deleteTopicRecords({ topic: 'payments', partitions: [{ partition: 0, offset: '5' }] });
    await admin.disconnect();
    await sleep(4000);

    const records = [];
    const settings = {
      bootstrapServers: [bootstrap],
      tls: null,
      sasl: null,
      clientId: 'kgd-capture',
      timeoutMs: 15_000,
    };
    const transport = recordingTransport(
      new KafkajsTransport({ settings, secrets: { password: null } }),
      records,
    );
    const client = k.openCluster(settings, { password: null }, { transport });
    const groups = ['orders-848', 'orders-classic', 'payments-js', 'nocommit-848', 'no-such-group'];
    const cliOut = {};
    await client.withDeadline(
      'capture',
      async (d) => {
        const target = (await client.brokers(d))[0];
        await k.listGroups(client, d);
        await k.listGroups(client, d, { types: ['consumer'] });
        for (const v of [3, 4]) {
          await client.request(
            messages.ListGroups,
            target,
            () => ({ StatesFilter: [], TypesFilter: [] }),
            d,
            { maxVersion: v },
          );
        }
        await client.request(
          messages.DescribeGroups,
          target,
          () => ({
            Groups: ['orders-classic', 'payments-js', 'no-such-group'],
            IncludeAuthorizedOperations: false,
          }),
          d,
          { maxVersion: 5 },
        );
        await client.request(
          messages.ConsumerGroupDescribe,
          target,
          () => ({ GroupIds: ['orders-848'], IncludeAuthorizedOperations: false }),
          d,
          {
            maxVersion: 0,
          },
        );
        const described = await k.describeGroupSnapshots(client, groups, d, { sourceId: 'cluster/capture' });
        cliOut.membersVerbose = await cli(bootstrap, [
          '--describe',
          ...groups.slice(0, 4).flatMap((g) => ['--group', g]),
          '--members',
          '--verbose',
        ]);
        cliOut.offsets = await cli(bootstrap, [
          '--describe',
          ...groups.slice(0, 4).flatMap((g) => ['--group', g]),
        ]);
        cliOut.stateVerbose = await cli(bootstrap, [
          '--describe',
          '--group',
          'orders-848',
          '--group',
          'orders-classic',
          '--state',
          '--verbose',
        ]);
        cliOut.listType = await cli(bootstrap, ['--list', '--type']);
        if (![...described.values()].every((g) => g.ok || g.notFound)) throw new Error('describe failed');
        // Actions, after the CLI has seen the groups as they were.
        await client.request(
          messages.DescribeConfigs,
          target,
          () => ({
            Resources: [
              {
                ResourceType: 4,
                ResourceName: '1',
                ConfigurationKeys: ['listeners', 'advertised.listeners', 'listener.security.protocol.map'],
              },
            ],
            IncludeSynonyms: false,
            IncludeDocumentation: false,
          }),
          d,
        );
        const plan = await k.planReset(
          client,
          'payments-js',
          { kind: 'offset', offset: 1 },
          { kind: 'topics', topics: [{ topic: 'payments', partitions: [1] }] },
          d,
        );
        await k.executeReset(client, plan, d);
        await k.deleteOffsets(client, 'payments-js', [{ topic: 'payments', partitions: [2] }], d);
        await k.removeStaticMembers(client, 'orders-848', ['static-2', 'no-such-instance'], d);
        await k.deleteGroups(client, ['payments-js', 'orders-classic'], d);
      },
      180_000,
    );
    await client.close();

    rmSync(FIXTURES, { recursive: true, force: true });
    mkdirSync(join(FIXTURES, 'cli'), { recursive: true });
    const seen = new Map();
    for (const r of records) {
      const base = `${r.api}-v${r.version}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      // Decode once here too, so a capture that our codec cannot read fails now, not in CI.
      const api = Object.values(messages).find((a) => a && a.apiKey === r.apiKey);
      frame.decodeResponse(api, r.version, Buffer.from(r.response, 'hex'));
      writeFileSync(
        join(FIXTURES, `${base}-${n}.json`),
        JSON.stringify({ kafkaVersion: info.kafkaVersion, ...r }, null, 2) + '\n',
      );
    }
    writeFileSync(join(FIXTURES, 'cli', 'members-verbose.txt'), cliOut.membersVerbose);
    writeFileSync(join(FIXTURES, 'cli', 'offsets.txt'), cliOut.offsets);
    writeFileSync(join(FIXTURES, 'cli', 'state-verbose.txt'), cliOut.stateVerbose);
    writeFileSync(join(FIXTURES, 'cli', 'list-type.txt'), cliOut.listType);
    const config = await prettier.resolveConfig(join(FIXTURES, 'x.json'));
    for (const f of readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
      const p = join(FIXTURES, f);
      const text = (await import('node:fs')).readFileSync(p, 'utf8');
      writeFileSync(p, await prettier.format(text, { ...config, filepath: p }));
    }
    log(`wrote ${records.length} exchanges and 4 CLI outputs to ${FIXTURES}`);
  } finally {
    await jsConsumer?.disconnect().catch(() => undefined);
    for (const c of javaConsumers) await c.close().catch(() => c.kill());
    await stopCluster(info, { graceMs: 0, removeData: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

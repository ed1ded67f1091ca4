import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { kafka } from '../support/env';
import { JavaConsumer, kafkaConsumerGroups, kafkaTopics } from '../support/kafka';

/** The test broker itself: every listener answers as documented, and real groups can be made. */
describe('local Kafka 4.3.1 test broker', function () {
  this.timeout(120_000);

  async function brokersVia(config: Omit<KafkaConfig, 'clientId' | 'logLevel'>): Promise<number[]> {
    const admin = new Kafka({
      clientId: 'harness',
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      ...config,
    }).admin();
    try {
      await admin.connect();
      const d = await admin.describeCluster();
      return d.brokers.map((b) => b.port);
    } finally {
      await admin.disconnect();
    }
  }

  it('serves PLAINTEXT, SCRAM, PLAIN, mTLS and SASL_SSL listeners on 127.0.0.1', async () => {
    const { info } = kafka();
    const ports = info.nodes[0].ports;
    const tls = info.tls;
    assert.deepEqual(await brokersVia({ brokers: [info.bootstrap.plaintext] }), [ports.plaintext]);
    const scram = { username: 'kgd-scram', password: 'kgd-scram-secret' };
    for (const sasl of [
      { mechanism: 'scram-sha-256', ...scram } as const,
      { mechanism: 'scram-sha-512', ...scram } as const,
    ]) {
      assert.deepEqual(await brokersVia({ brokers: [info.bootstrap.saslPlaintext], sasl }), [
        ports.saslPlaintext,
      ]);
    }
    assert.deepEqual(
      await brokersVia({
        brokers: [info.bootstrap.saslPlaintext],
        sasl: { mechanism: 'plain', username: 'kgd-plain', password: 'kgd-plain-secret' },
      }),
      [ports.saslPlaintext],
    );
    const mtls = {
      ca: readFileSync(tls.caFile),
      cert: readFileSync(tls.clientCertFile),
      key: readFileSync(tls.clientKeyFile),
    };
    assert.deepEqual(await brokersVia({ brokers: [info.bootstrap.ssl], ssl: mtls }), [ports.ssl]);
    assert.deepEqual(
      await brokersVia({
        brokers: [info.bootstrap.saslSsl],
        ssl: { ca: readFileSync(tls.caFile) },
        sasl: { mechanism: 'scram-sha-512', username: 'kgd-scram', password: 'kgd-scram-secret' },
      }),
      [ports.saslSsl],
    );
  });

  it('refuses a wrong SCRAM password and a TLS client without a certificate', async () => {
    const { info } = kafka();
    await assert.rejects(
      brokersVia({
        brokers: [info.bootstrap.saslPlaintext],
        sasl: { mechanism: 'scram-sha-256', username: 'kgd-scram', password: 'wrong' },
      }),
      /invalid credentials/,
    );
    await assert.rejects(
      brokersVia({
        brokers: [info.bootstrap.ssl],
        ssl: { ca: readFileSync(info.tls.caFile) },
        connectionTimeout: 3000,
      }),
      /certificate/,
    );
  });

  it('advertises an unresolvable host on the misadvertised listener', async () => {
    const { info } = kafka();
    await assert.rejects(
      brokersVia({ brokers: [info.bootstrap.misadvertised], connectionTimeout: 3000 }),
      /ENOTFOUND/,
    );
  });

  it('makes a real KIP-848 group with the Java consumer (group.protocol=consumer)', async () => {
    const { bootstrap } = kafka();
    await kafkaTopics(bootstrap, ['--create', '--topic', 'harness-t', '--partitions', '3']);
    const c = await JavaConsumer.start({
      bootstrap,
      group: 'harness-848',
      topics: ['harness-t'],
      clientId: 'h1',
    });
    try {
      await c.waitForOwned(3);
      const out = await kafkaConsumerGroups(['--bootstrap-server', bootstrap, '--list', '--type']);
      assert.match(out, /^harness-848\s+Consumer\s*$/m);
    } finally {
      await c.close();
    }
    assert.ok(c.events.some((e) => e.event === 'closed'));
  });
});

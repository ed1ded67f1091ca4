/**
 * Secure listeners and failures against the real broker: TLS (CA, mutual TLS, a .properties file
 * with Kafka's PEM keystore), SASL/SCRAM; and a wrong password, an unreachable broker, a silent
 * port — each a clear error within the configured timeout, from the built `kgd` binary.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafka } from '../support/env';
import { kgd, kgdBinary } from '../support/kgd';

/** Ports of this suite's range that nothing listens on / that only accepts and stays silent. */
const REFUSED_PORT = 19197;
const SILENT_PORT = 19196;

describe('kgd over TLS and SASL, and its errors', function () {
  this.timeout(60_000);
  let dir: string;
  let silent: Server;
  const sockets = new Set<Socket>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kgd-it-'));
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(SILENT_PORT, '127.0.0.1', resolve));
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes over SASL_SSL with SCRAM-SHA-512 (password from the environment)', async () => {
    const { info } = kafka();
    const r = await kgd(
      [
        'groups',
        '--bootstrap',
        info.bootstrap.saslSsl,
        '--tls-ca',
        info.tls.caFile,
        '--sasl-mechanism',
        'SCRAM-SHA-512',
        '--sasl-user',
        'kgd-scram',
      ],
      { KGD_SASL_PASSWORD: 'kgd-scram-secret' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^GROUP\s+TYPE\s+STATE/);
  });

  it('reads a Kafka client .properties file: mutual TLS with a PEM keystore (key + chain in one file)', async () => {
    const { info } = kafka();
    const keystore = join(dir, 'client-keystore.pem');
    writeFileSync(
      keystore,
      readFileSync(info.tls.clientKeyFile, 'utf8') + readFileSync(info.tls.clientCertFile, 'utf8'),
    );
    const props = join(dir, 'client.properties');
    writeFileSync(
      props,
      [
        `bootstrap.servers=${info.bootstrap.ssl}`,
        'security.protocol=SSL',
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${info.tls.caFile}`,
        'ssl.keystore.type=PEM',
        'ssl.keystore.location=client-keystore.pem',
        '',
      ].join('\n'),
    );
    const r = await kgd(['groups', '--command-config', props]);
    assert.equal(r.code, 0, r.stderr);
    const scram = join(dir, 'scram.properties');
    writeFileSync(
      scram,
      [
        `bootstrap.servers=${info.bootstrap.saslPlaintext}`,
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=SCRAM-SHA-256',
        'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="kgd-scram" password="kgd-scram-secret";',
      ].join('\n'),
    );
    const s = await kgd(['groups', '--command-config', scram]);
    assert.equal(s.code, 0, s.stderr);
  });

  it('a TLS listener that requires a client certificate says so', async () => {
    const { info } = kafka();
    const r = await kgd([
      'groups',
      '--bootstrap',
      info.bootstrap.ssl,
      '--tls-ca',
      info.tls.caFile,
      '--timeout',
      '5s',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TLS handshake failed .*requires a client certificate/s);
  });

  it('a broker certificate from an untrusted CA is refused with a hint about the CA file', async () => {
    const { info } = kafka();
    const r = await kgd([
      'groups',
      '--bootstrap',
      info.bootstrap.saslSsl,
      '--tls-ca',
      info.tls.untrustedCaFile,
      '--timeout',
      '5s',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TLS handshake failed .*Check the CA file/s);
  });

  it('a wrong password: a clear SASL error well within the timeout, from the built binary, no hang', async () => {
    const { info } = kafka();
    const r = await kgdBinary(
      [
        'describe',
        '--bootstrap',
        info.bootstrap.saslPlaintext,
        '--group',
        'g',
        '--sasl-mechanism',
        'SCRAM-SHA-256',
        '--sasl-user',
        'kgd-scram',
        '--timeout',
        '8s',
      ],
      { KGD_SASL_PASSWORD: 'not-the-password' },
      20_000,
    );
    assert.equal(r.killed, false);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^kgd describe: 127\.0\.0\.1:\d+: SASL authentication failed .*invalid credentials.*Check the user name and password/s,
    );
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.ok(r.ms < 8000, `took ${r.ms} ms`);
  });

  it('an unreachable broker (refused): a clear error at once', async () => {
    const r = await kgdBinary(
      ['groups', '--bootstrap', `127.0.0.1:${REFUSED_PORT}`, '--timeout', '8s'],
      {},
      20_000,
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /connection refused \(nothing listens on that port\)\. Check the port and that the broker is running\./,
    );
    assert.ok(r.ms < 8000, `took ${r.ms} ms`);
  });

  it('a port that accepts but never answers: "no answer in time" within the configured timeout', async () => {
    const budget = 4000;
    const r = await kgdBinary(
      ['describe', '--bootstrap', `127.0.0.1:${SILENT_PORT}`, '--group', 'g', '--timeout', `${budget}ms`],
      {},
      20_000,
    );
    assert.equal(r.killed, false);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /did not finish within 4000 ms \(last error: 127\.0\.0\.1:19196: no answer in time/,
    );
    // The budget, plus process start-up and exit (well under a second here).
    assert.ok(r.ms < budget + 1500, `took ${r.ms} ms`);
  });

  it('a host that does not resolve is named as such', async () => {
    const r = await kgd(['groups', '--bootstrap', 'no-such-broker.kgd-test.invalid:9092', '--timeout', '5s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the host name does not resolve/);
  });
});

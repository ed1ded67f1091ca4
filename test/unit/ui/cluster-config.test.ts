import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { ConnectionSettingsError } from '../../../src/kafka/connection';
import { connectionFromProperties, parseProperties } from '../../../src/kafka/properties';
import {
  checkBootstrap,
  checkClusterName,
  entryOf,
  entryOfImport,
  parseClusterConfigs,
  suggestName,
  type NewCluster,
} from '../../../src/ui/clusters/config';
import {
  knownTopics,
  newClusterArg,
  parseBackDuration,
  redactor,
  validateNewCluster,
} from '../../../src/ui/clusters/inputs';
import { testMember, testSnapshot } from '../../support/snapshots';

const T = { timeoutMs: 15_000 };

describe('kafkaGroups.clusters (settings)', () => {
  it('reads valid entries and infers the security protocol from tls and sasl', () => {
    const { clusters, problems } = parseClusterConfigs(
      [
        { name: 'local', bootstrapServers: 'localhost:9092' },
        {
          name: 'prod',
          bootstrapServers: ['k1:9093', 'k2:9093'],
          tls: { caFile: 'certs/ca.pem', verifyHostname: false },
          sasl: { mechanism: 'scram-sha-512', username: 'alice' },
          clientId: 'me',
        },
        { name: 'mtls', bootstrapServers: 'k:9094', securityProtocol: 'SSL' },
      ],
      { ...T, resolvePath: (p) => `/ws/${p}` },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      clusters.map((c) => [c.name, c.securityProtocol]),
      [
        ['local', 'PLAINTEXT'],
        ['prod', 'SASL_SSL'],
        ['mtls', 'SSL'],
      ],
    );
    const prod = clusters[1].settings;
    assert.deepEqual(prod.bootstrapServers, ['k1:9093', 'k2:9093']);
    assert.deepEqual(prod.tls, {
      caFile: '/ws/certs/ca.pem',
      certFile: null,
      keyFile: null,
      verifyHostname: false,
    });
    assert.deepEqual(prod.sasl, { mechanism: 'SCRAM-SHA-512', username: 'alice' });
    assert.equal(prod.clientId, 'me');
    assert.equal(prod.timeoutMs, 15_000);
    assert.deepEqual(clusters[2].settings.tls, {
      caFile: null,
      certFile: null,
      keyFile: null,
      verifyHostname: true,
    });
    assert.equal(clusters[0].settings.clientId, 'kafka-group-debugger');
  });

  it('reports each bad entry with where it is and what to change, and keeps the good ones', () => {
    const { clusters, problems } = parseClusterConfigs(
      [
        'changed',
        { bootstrapServers: 'a:1' },
        { name: 'no-port', bootstrapServers: 'kafka' },
        { name: 'dup', bootstrapServers: 'a:1' },
        { name: 'DUP', bootstrapServers: 'a:1' },
        {
          name: 'pw',
          bootstrapServers: 'a:1',
          sasl: { mechanism: 'PLAIN', username: 'u', password: 'hunter2' },
        },
        { name: 'mech', bootstrapServers: 'a:1', sasl: { mechanism: 'GSSAPI', username: 'u' } },
        { name: 'half', bootstrapServers: 'a:1', tls: { certFile: 'c.pem' } },
        {
          name: 'contradiction',
          bootstrapServers: 'a:1',
          securityProtocol: 'SSL',
          sasl: { mechanism: 'PLAIN', username: 'u' },
        },
        { name: 'needs-sasl', bootstrapServers: 'a:1', securityProtocol: 'SASL_SSL' },
        { name: 'typo', bootstrapServer: 'a:1' },
      ],
      T,
    );
    assert.deepEqual(
      clusters.map((c) => c.name),
      ['dup'],
    );
    assert.equal(problems.length, 10);
    assert.match(problems[0], /^kafkaGroups\.clusters\[0\]: each cluster is an object/);
    assert.match(problems[1], /\[1\]: "name" is missing/);
    assert.match(
      problems[2],
      /\[2\] \("no-port"\): bootstrapServers: "kafka" is not a broker address; write host:port/,
    );
    assert.match(problems[3], /\[4\] \("DUP"\): There is a cluster named "DUP" already/);
    assert.match(problems[4], /sasl\.password must not be in the settings.*Set Cluster Password/);
    assert.ok(!problems.join('\n').includes('hunter2'), 'a password in the settings is never repeated');
    assert.match(problems[5], /sasl\.mechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
    assert.match(problems[6], /tls\.certFile and tls\.keyFile go together/);
    assert.match(problems[7], /"sasl" is set but securityProtocol is SSL/);
    assert.match(problems[8], /securityProtocol SASL_SSL needs "sasl"/);
    assert.match(problems[9], /unknown field "bootstrapServer"; allowed: name, bootstrapServers/);
  });

  it('treats a missing or non-list setting plainly', () => {
    assert.deepEqual(parseClusterConfigs(undefined, T), { clusters: [], problems: [] });
    assert.match(parseClusterConfigs({ name: 'x' }, T).problems[0] ?? '', /must be a list of clusters/);
  });

  it('writes only what differs from the defaults, and never a password', () => {
    const c: NewCluster = {
      name: ' prod ',
      bootstrapServers: ' k1:9093 , k2:9093 ',
      securityProtocol: 'SASL_SSL',
      tls: { caFile: '/ca.pem', certFile: null, keyFile: null, verifyHostname: true },
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice' },
    };
    const entry = entryOf(c);
    assert.deepEqual(entry, {
      name: 'prod',
      bootstrapServers: 'k1:9093,k2:9093',
      securityProtocol: 'SASL_SSL',
      tls: { caFile: '/ca.pem' },
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice' },
    });
    // What is written reads back to the same connection.
    const back = parseClusterConfigs([entry], T).clusters[0];
    assert.equal(back.securityProtocol, 'SASL_SSL');
    assert.deepEqual(back.settings.sasl, c.sasl);
    assert.throws(() => entryOf({ ...c, sasl: undefined } as unknown as NewCluster), ConnectionSettingsError);
  });

  it('round-trips any valid new cluster through the settings (property)', () => {
    const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const arb = fc.record({
      name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ._-]{0,20}[A-Za-z0-9]$/),
      hosts: fc.array(fc.tuple(host, fc.integer({ min: 1, max: 65535 })), { minLength: 1, maxLength: 3 }),
      protocol: fc.constantFrom('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL' as const),
      ca: fc.option(fc.constant('/etc/ca.pem'), { nil: null }),
      verify: fc.boolean(),
      mechanism: fc.constantFrom('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512' as const),
      user: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const c: NewCluster = {
          name: a.name,
          bootstrapServers: a.hosts.map(([h, p]) => `${h}:${p}`).join(','),
          securityProtocol: a.protocol,
          tls: { caFile: a.ca, certFile: null, keyFile: null, verifyHostname: a.verify },
          sasl: { mechanism: a.mechanism, username: a.user },
        };
        const { clusters, problems } = parseClusterConfigs([JSON.parse(JSON.stringify(entryOf(c)))], T);
        assert.deepEqual(problems, []);
        const s = clusters[0].settings;
        assert.equal(clusters[0].securityProtocol, a.protocol);
        assert.deepEqual(
          s.bootstrapServers,
          a.hosts.map(([h, p]) => `${h}:${p}`),
        );
        const tls = a.protocol === 'SSL' || a.protocol === 'SASL_SSL';
        assert.deepEqual(
          s.tls,
          tls ? { caFile: a.ca, certFile: null, keyFile: null, verifyHostname: a.verify } : null,
        );
        assert.deepEqual(
          s.sasl,
          a.protocol.startsWith('SASL_') ? { mechanism: a.mechanism, username: a.user } : null,
        );
      }),
    );
  });

  it('checks names and bootstrap lists in words a user can act on', () => {
    assert.equal(checkClusterName('prod'), null);
    assert.match(checkClusterName('  ') ?? '', /Give the cluster a name/);
    assert.match(checkClusterName('Prod', ['prod']) ?? '', /already/);
    assert.equal(checkBootstrap('a:1,[::1]:9092'), null);
    assert.match(checkBootstrap('a:99999') ?? '', /port 99999 is outside 1–65535/);
    assert.match(checkBootstrap('') ?? '', /^No bootstrap servers given/);
    assert.equal(suggestName('client.properties', ['client']), 'client-2');
    assert.equal(suggestName('prod-eu.properties', []), 'prod-eu');
  });
});

describe('Add Cluster input', () => {
  it('reads a programmatic argument and checks it completely', () => {
    const arg = newClusterArg({
      name: 'sasl',
      bootstrapServers: '127.0.0.1:9094',
      securityProtocol: 'sasl_plaintext',
      sasl: { mechanism: 'scram-sha-256', username: 'kgd' },
      password: 's3cret',
    });
    assert.ok(arg !== undefined);
    assert.equal(arg.securityProtocol, 'SASL_PLAINTEXT');
    const entry = validateNewCluster(arg, []);
    assert.deepEqual(entry, {
      name: 'sasl',
      bootstrapServers: '127.0.0.1:9094',
      securityProtocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'kgd' },
    });
    assert.ok(!JSON.stringify(entry).includes('s3cret'), 'the entry for the settings has no password');
    assert.throws(() => validateNewCluster({ ...arg, password: null }, []), /needs the password of "kgd"/);
    assert.throws(() => validateNewCluster(arg, ['SASL']), /already/);
    assert.throws(
      () => newClusterArg({ name: 'x', bootstrapServers: 'a:1', securityProtocol: 'TLS' }),
      /must be one of/,
    );
    assert.equal(newClusterArg(undefined), undefined, 'no argument: the interactive flow runs');
    assert.equal(newClusterArg({ descriptor: {} }), undefined, 'a tree node is not an input');
  });

  it('imports a client .properties file into an entry and secrets', () => {
    const imported = connectionFromProperties(
      parseProperties(`
bootstrap.servers=kafka:9093
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pa ss";
ssl.truststore.type=PEM
ssl.truststore.location=ca.pem
client.id=payments
`),
      (p) => `/etc/kafka/${p}`,
    );
    const entry = entryOfImport('prod', imported);
    assert.deepEqual(entry, {
      name: 'prod',
      bootstrapServers: 'kafka:9093',
      securityProtocol: 'SASL_SSL',
      tls: { caFile: '/etc/kafka/ca.pem' },
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'app' },
      clientId: 'payments',
    });
    assert.equal(imported.secrets.password, 'pa ss', 'the password goes to SecretStorage, apart');
    assert.ok(!JSON.stringify(entry).includes('pa ss'));
  });

  it('reads durations for "reset back by" in both forms', () => {
    assert.equal(parseBackDuration('1h30m'), 5_400_000);
    assert.equal(parseBackDuration('2d'), 172_800_000);
    assert.equal(parseBackDuration('PT15M'), 900_000);
    assert.equal(parseBackDuration('p1dt2h'), 93_600_000);
    assert.equal(parseBackDuration('90s'), 90_000);
    assert.equal(parseBackDuration('500ms'), 500);
    assert.equal(parseBackDuration('soon'), null);
  });

  it('lists the topics a group is known to use, with partition counts where known', () => {
    const s = testSnapshot(1, [testMember('m1', { subscribedTopicNames: ['orders', 'audit'] })], {
      lag: {
        totalLag: 0,
        partitionsWithoutCommit: 0,
        status: null,
        partitions: [
          {
            topic: 'old',
            partition: 0,
            committedOffset: 1,
            logStartOffset: 0,
            logEndOffset: 1,
            lag: 0,
            ownerMemberId: null,
            belowLogStart: false,
            status: null,
          },
        ],
      },
    });
    assert.deepEqual(knownTopics(s), [
      { name: 'audit', partitions: null },
      { name: 'old', partitions: null },
      { name: 'orders', partitions: 4 },
    ]);
    assert.deepEqual(knownTopics(undefined), []);
  });

  it('redacts secrets from log lines', () => {
    const r = redactor({ password: 'hunter2', keyPassphrase: null });
    assert.equal(r('auth as alice with hunter2, hunter2!'), 'auth as alice with ***, ***!');
    assert.equal(redactor({ password: null })('nothing to hide'), 'nothing to hide');
  });
});

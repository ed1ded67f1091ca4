import { strict as assert } from 'node:assert';
import { ConnectionSettingsError } from '../../../src/kafka/connection';
import { connectionFromProperties, parseJaasConfig, parseProperties } from '../../../src/kafka/properties';

describe('Kafka client .properties import', () => {
  it('reads the Java properties format: separators, comments, continuations, escapes', () => {
    const p = parseProperties(
      [
        '# a comment',
        '! another',
        'bootstrap.servers = a:9092,\\',
        '    b:9092',
        'client.id:my\\ client',
        'key\\=with\\:chars=v\\u00e9',
        'empty=',
        '   spaced   value with spaces  ',
      ].join('\n'),
    );
    assert.equal(p.get('bootstrap.servers'), 'a:9092,b:9092');
    assert.equal(p.get('client.id'), 'my client');
    assert.equal(p.get('key=with:chars'), 'vé');
    assert.equal(p.get('empty'), '');
    assert.equal(p.get('spaced'), 'value with spaces  ');
  });

  it('reads user name and password out of a JAAS line, quoted or not', () => {
    const { loginModule, options } = parseJaasConfig(
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\\"w;d" extra=x;',
    );
    assert.equal(loginModule, 'org.apache.kafka.common.security.scram.ScramLoginModule');
    assert.equal(options.get('username'), 'alice');
    assert.equal(options.get('password'), 'p"w;d');
    assert.equal(options.get('extra'), 'x');
    assert.throws(() => parseJaasConfig('username=alice'), ConnectionSettingsError);
  });

  it('maps SASL_SSL with SCRAM and PEM stores to settings and secrets', () => {
    const props = parseProperties(`
bootstrap.servers=kafka-1:9093,kafka-2:9093
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="s3cret";
ssl.truststore.type=PEM
ssl.truststore.location=certs/ca.pem
ssl.keystore.type=PEM
ssl.keystore.location=/abs/client.pem
ssl.key.password=kp
ssl.endpoint.identification.algorithm=
client.id=ops
`);
    const c = connectionFromProperties(props, (f) => (f.startsWith('/') ? f : `/base/${f}`));
    assert.deepEqual(c.settings.bootstrapServers, ['kafka-1:9093', 'kafka-2:9093']);
    assert.deepEqual(c.settings.sasl, { mechanism: 'SCRAM-SHA-512', username: 'svc' });
    assert.deepEqual(c.settings.tls, {
      caFile: '/base/certs/ca.pem',
      certFile: '/abs/client.pem',
      keyFile: '/abs/client.pem',
      verifyHostname: false,
    });
    assert.equal(c.settings.clientId, 'ops');
    assert.deepEqual(c.secrets, { password: 's3cret', keyPassphrase: 'kp' });
    assert.deepEqual(c.warnings, []);
  });

  it('says what it cannot use instead of failing silently', () => {
    const jks = connectionFromProperties(
      parseProperties(
        'bootstrap.servers=a:1\nsecurity.protocol=SSL\nssl.truststore.location=/x/truststore.jks',
      ),
    );
    assert.equal(jks.settings.tls?.caFile, null);
    assert.match(jks.warnings[0], /JKS store; only PEM files can be used/);
    assert.throws(
      () =>
        connectionFromProperties(
          parseProperties('bootstrap.servers=a:1\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=GSSAPI'),
        ),
      /GSSAPI is not supported/,
    );
    assert.throws(
      () => connectionFromProperties(parseProperties('security.protocol=SSL')),
      /bootstrap.servers is missing/,
    );
    assert.throws(
      () => connectionFromProperties(parseProperties('bootstrap.servers=a:1\nsecurity.protocol=TLS')),
      /not one of PLAINTEXT/,
    );
  });
});

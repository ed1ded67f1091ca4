import { strict as assert } from 'node:assert';
import {
  ResetError,
  clientProperties,
  kafkaConsumerGroupsCommand,
  parseIsoDuration,
  parseResetDateTime,
  parseTopicScope,
  resetPlanCsv,
  shellQuote,
  type ConnectionSettings,
  type ResetPlan,
} from '../../../src/kafka';

const plain: ConnectionSettings = {
  bootstrapServers: ['k1:9092', 'k2:9092'],
  tls: null,
  sasl: null,
  clientId: 'x',
  timeoutMs: 1000,
};

describe('reset and action helpers', () => {
  it("parses Kafka's reset scopes, date-times and durations", () => {
    assert.deepEqual(parseTopicScope('orders'), { topic: 'orders', partitions: null });
    assert.deepEqual(parseTopicScope('orders:0,2'), { topic: 'orders', partitions: [0, 2] });
    assert.throws(() => parseTopicScope('orders:x'), ResetError);
    assert.equal(
      parseResetDateTime('2026-01-02T03:04:05.006'),
      Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      'no zone means UTC',
    );
    assert.equal(parseResetDateTime('2026-01-02T03:04:05.006+01:00'), Date.UTC(2026, 0, 2, 2, 4, 5, 6));
    assert.throws(() => parseResetDateTime('2026-01-02'), /ISO 8601/);
    assert.equal(parseIsoDuration('PT1H30M'), 5_400_000);
    assert.equal(parseIsoDuration('P1DT2S'), 86_402_000);
    assert.throws(() => parseIsoDuration('1h'), /PnDTnHnMnS/);
    assert.throws(() => parseIsoDuration('PT'), ResetError);
  });

  it('exports a plan as CSV in the columns of kafka-consumer-groups --export', () => {
    const plan = (groupId: string): ResetPlan => ({
      groupId,
      state: 'Empty',
      spec: { kind: 'earliest' },
      refusal: null,
      rows: [
        {
          topic: 'orders',
          partition: 0,
          current: 5,
          logStartOffset: 0,
          logEndOffset: 9,
          newOffset: 0,
          note: null,
        },
        {
          topic: 'orders',
          partition: 1,
          current: null,
          logStartOffset: 2,
          logEndOffset: 9,
          newOffset: 2,
          note: null,
        },
      ],
    });
    assert.equal(resetPlanCsv([plan('g')]), 'orders,0,0\norders,1,2\n');
    assert.equal(
      resetPlanCsv([plan('a'), plan('b')]),
      'a,orders,0,0\na,orders,1,2\nb,orders,0,0\nb,orders,1,2\n',
    );
  });

  it('prints the equivalent kafka-consumer-groups line, quoting for the shell', () => {
    assert.equal(
      kafkaConsumerGroupsCommand(
        {
          kind: 'reset',
          groups: ['my group'],
          spec: { kind: 'duration', backMs: 90 * 60_000 },
          scope: { kind: 'topics', topics: [{ topic: 'orders', partitions: [0, 1] }] },
          execute: false,
        },
        plain,
      ),
      "kafka-consumer-groups.sh --bootstrap-server k1:9092,k2:9092 --group 'my group' --reset-offsets --topic orders:0,1 --by-duration PT1H30M --dry-run",
    );
    assert.equal(
      kafkaConsumerGroupsCommand({ kind: 'describe', groups: ['g'], view: 'members', verbose: true }, plain),
      'kafka-consumer-groups.sh --bootstrap-server k1:9092,k2:9092 --describe --group g --members --verbose',
    );
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });

  it('writes the client.properties for a secured cluster without the password', () => {
    const props = clientProperties({
      ...plain,
      tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/c.key', verifyHostname: false },
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'svc' },
    });
    assert.match(props, /^security\.protocol=SASL_SSL$/m);
    assert.match(props, /^ssl\.truststore\.location=\/ca\.pem$/m);
    assert.match(props, /^ssl\.endpoint\.identification\.algorithm=$/m);
    assert.match(props, /ScramLoginModule required username="svc" password="<password>";/);
    assert.match(
      kafkaConsumerGroupsCommand({ kind: 'list' }, { ...plain, sasl: { mechanism: 'PLAIN', username: 'u' } }),
      /--command-config client\.properties --list --type$/,
    );
  });
});

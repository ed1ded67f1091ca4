import { strict as assert } from 'node:assert';
import {
  checkListenerConfig,
  parseListeners,
  parseProtocolMap,
  securityProtocolOf,
} from '../../../src/kafka/listeners';

describe('broker listener checks', () => {
  it('parses listeners with empty hosts, IPv6 and custom names', () => {
    assert.deepEqual(
      parseListeners('PLAINTEXT://:9092,ssl://[::1]:9093, EXTERNAL://kafka.example.com:29092'),
      [
        { name: 'PLAINTEXT', host: '', port: 9092 },
        { name: 'SSL', host: '::1', port: 9093 },
        { name: 'EXTERNAL', host: 'kafka.example.com', port: 29092 },
      ],
    );
    const map = parseProtocolMap('EXTERNAL:SASL_SSL,internal:plaintext');
    assert.equal(securityProtocolOf('EXTERNAL', map), 'SASL_SSL');
    assert.equal(securityProtocolOf('INTERNAL', map), 'PLAINTEXT');
    assert.equal(securityProtocolOf('SSL', map), 'SSL');
    assert.equal(securityProtocolOf('OTHER', map), null);
  });

  it('finds two listeners on one port, even on different interfaces', () => {
    const f = checkListenerConfig(
      {
        nodeId: 1,
        listeners: 'INTERNAL://10.0.0.5:9092,EXTERNAL://0.0.0.0:9092',
        advertisedListeners: 'INTERNAL://10.0.0.5:9092,EXTERNAL://kafka.example.com:9092',
        protocolMap: 'INTERNAL:PLAINTEXT,EXTERNAL:SSL',
        controllerListenerNames: null,
      },
      () => true,
    );
    assert.deepEqual(
      f.map((x) => x.severity),
      ['error'],
    );
    assert.match(f[0].message, /INTERNAL and EXTERNAL share port 9092/);
  });

  it('finds advertised addresses clients cannot use, and names whether it is our listener', () => {
    const config = {
      nodeId: 2,
      listeners: 'PLAINTEXT://:9092,DOCKER://:29092,ODD://:9093',
      advertisedListeners: 'PLAINTEXT://localhost:9092,DOCKER://kafka:29092,ODD://0.0.0.0:9093,GHOST://x:1',
      protocolMap: 'PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT',
      controllerListenerNames: 'CONTROLLER',
    };
    const resolves = (h: string): boolean => h !== 'kafka';
    const viaDocker = checkListenerConfig(config, resolves, new Set([29092]));
    const messages = viaDocker.map((x) => `${x.severity}: ${x.message}`);
    assert.ok(
      messages.some((m) =>
        /^error: .*listener ODD has no entry in listener\.security\.protocol\.map/.test(m),
      ),
    );
    assert.ok(
      messages.some((m) =>
        /^error: .*DOCKER advertises kafka:29092, and kafka does not resolve from here — clients are sent/.test(
          m,
        ),
      ),
    );
    assert.ok(messages.some((m) => /^error: .*ODD advertises "0\.0\.0\.0"/.test(m)));
    assert.ok(messages.some((m) => /^error: .*advertised listener GHOST has no listener/.test(m)));
    const viaPlaintext = checkListenerConfig(config, resolves, new Set([9092]));
    assert.ok(
      viaPlaintext.some(
        (x) =>
          x.severity === 'warning' &&
          /DOCKER advertises kafka:29092.*fine if they run elsewhere/.test(x.message),
      ),
      "another listener's unresolvable host is only a warning",
    );
  });
});

// Real-cluster settings take effect in the running extension: a cluster added to
// kafkaGroups.clusters is usable at once, kafkaGroups.connection.timeoutMs bounds a broker that
// does not answer, and an invalid entry does not stop the valid ones. A fake broker stands in for
// Kafka (see fake-broker.ts); the real broker is the integration suite's.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fakeBrokerPorts, startFakeBroker, type FakeBroker } from './fake-broker';
import { clearClusterSettings, extensionUnderTest, type ConnectionTestResult } from './support';

async function set(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global);
}

async function timedTest(cluster: string): Promise<{ result: ConnectionTestResult | undefined; ms: number }> {
  const started = Date.now();
  const result = await vscode.commands.executeCommand<ConnectionTestResult | undefined>(
    'kafkaGroups.cluster.testConnection',
    { cluster },
  );
  return { result, ms: Date.now() - started };
}

describe('clusters: settings take effect', function () {
  this.timeout(30_000);
  let broker: FakeBroker;
  before(async () => {
    await extensionUnderTest().activate();
    broker = await startFakeBroker(fakeBrokerPorts());
  });
  after(async () => {
    await clearClusterSettings();
    await set('kafkaGroups.connection.timeoutMs', undefined);
    await broker.close();
  });

  it('kafkaGroups.connection.timeoutMs bounds a broker that never answers, and a change applies at once', async () => {
    broker.silent = true;
    await set('kafkaGroups.clusters', [
      { name: 'editor-silent', bootstrapServers: `127.0.0.1:${broker.port}` },
    ]);
    await set('kafkaGroups.connection.timeoutMs', 1_500);
    const short = await timedTest('editor-silent');
    assert.equal(short.result?.ok, false);
    assert.match(short.result?.message ?? '', /no answer|did not finish within 1500 ms/);
    assert.ok(short.ms < 1_500 + 2_500, `gave up after ${short.ms} ms with a 1.5 s budget`);

    await set('kafkaGroups.connection.timeoutMs', 6_000);
    const long = await timedTest('editor-silent');
    assert.equal(long.result?.ok, false);
    assert.ok(long.ms >= 1_900, `the longer budget is used (gave up after ${long.ms} ms)`);
    assert.ok(long.ms < 6_000 + 2_500, `and still ends (${long.ms} ms)`);
    broker.silent = false;
  });

  it('an invalid entry is left out and reported; the valid ones still work', async () => {
    await set('kafkaGroups.clusters', [
      { name: 'editor-bad', bootstrapServers: 'no-port-here' },
      { name: 'editor-good', bootstrapServers: `127.0.0.1:${broker.port}` },
    ]);
    const bad = await timedTest('editor-bad');
    assert.equal(bad.result, undefined, 'an unusable entry is not a cluster (the command warns instead)');
    const before = broker.requests.length;
    const good = await timedTest('editor-good');
    assert.ok(good.result !== undefined, 'the valid entry is a cluster');
    assert.ok(broker.requests.length > before, 'and Test Connection reached its broker');
  });
});

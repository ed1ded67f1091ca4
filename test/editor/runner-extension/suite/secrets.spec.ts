// SecretStorage: SASL passwords live there, never in settings or logs. The round trip goes
// through the Add Cluster command's code path (the flow's quick inputs are skipped by passing the
// answers as the command's argument): the password is stored, is absent from the settings (in the
// editor and on disk) and from the extension's log, reaches the wire intact when the extension
// connects (a fake broker records the SASL PLAIN login), and is gone after Remove Cluster.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fakeBrokerPorts, startFakeBroker, type FakeBroker } from './fake-broker';
import {
  clearClusterSettings,
  extensionLog,
  extensionUnderTest,
  until,
  userSettingsText,
  type ConnectionTestResult,
} from './support';

const SASL_AUTHENTICATE = 36;

describe('secrets', () => {
  let broker: FakeBroker;
  before(async () => {
    await extensionUnderTest().activate();
    broker = await startFakeBroker(fakeBrokerPorts());
  });
  after(async () => {
    await clearClusterSettings();
    await broker.close();
  });

  it('a cluster password round-trips through SecretStorage (Add Cluster → connect → Remove Cluster), never in settings or the log', async () => {
    const name = 'editor-sasl';
    const password = `pw-${Date.now().toString(36)}-only-in-the-keychain`;
    const entry = {
      name,
      bootstrapServers: `127.0.0.1:${broker.port}`,
      securityProtocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'PLAIN', username: 'alice' },
    };
    const added = await vscode.commands.executeCommand('kafkaGroups.cluster.add', { ...entry, password });
    assert.equal(added, name, 'Add Cluster returns the new cluster');

    const inspected = vscode.workspace.getConfiguration().inspect('kafkaGroups.clusters');
    assert.deepEqual(inspected?.globalValue, [entry], 'the settings hold the cluster, without a password');
    const onDisk = userSettingsText();
    assert.ok(onDisk.includes(name), 'settings.json was written');
    assert.ok(!onDisk.includes(password), 'settings.json holds no password');

    const result = await vscode.commands.executeCommand<ConnectionTestResult>(
      'kafkaGroups.cluster.testConnection',
      {
        cluster: name,
      },
    );
    assert.equal(result.ok, false, 'the fake broker refuses the login');
    assert.match(result.message, /SASL|authenticat/i, 'the failure says it was the login');
    assert.ok(!result.message.includes(password));
    const logins = broker.requests.filter((r) => r.apiKey === SASL_AUTHENTICATE);
    assert.equal(logins.length, 1, 'one SASL login');
    assert.ok(
      logins[0].raw.includes(Buffer.from(`\u0000alice\u0000${password}`)),
      'the login carried the stored password, byte for byte',
    );

    // The log is written asynchronously: wait for the lines of this test to arrive.
    await until(
      () => extensionLog().includes(`${name}: connection test failed`),
      'the extension logged the connection test (so the log read is the right one)',
    );
    const log = extensionLog();
    assert.ok(!log.includes(password), 'the log holds no password');

    const removed = await vscode.commands.executeCommand('kafkaGroups.cluster.remove', {
      cluster: name,
      confirmed: true,
    });
    assert.equal(removed, true);
    assert.deepEqual(vscode.workspace.getConfiguration().inspect('kafkaGroups.clusters')?.globalValue, []);

    // Configure the same cluster again by hand: its password must be gone from SecretStorage.
    await vscode.workspace
      .getConfiguration()
      .update('kafkaGroups.clusters', [entry], vscode.ConfigurationTarget.Global);
    const again = await vscode.commands.executeCommand<ConnectionTestResult>(
      'kafkaGroups.cluster.testConnection',
      {
        cluster: name,
      },
    );
    assert.equal(again.ok, false);
    assert.match(again.message, /no password is stored for SASL user "alice" of cluster "editor-sasl"/);
    assert.equal(
      broker.requests.filter((r) => r.apiKey === SASL_AUTHENTICATE).length,
      1,
      'without a stored password nothing is sent',
    );
  });
});

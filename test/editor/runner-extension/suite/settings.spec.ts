// The extension's settings are registered with the editor as package.json declares them, and a
// change reaches the extension host (configuration API and change event).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KafkaGroupsApi } from '../../../../src/ui/api';
import {
  contributedSettings,
  extensionApi,
  extensionLog,
  extensionUnderTest,
  type ManifestSetting,
  setSetting,
  simulatorGroupRow,
  startSimulator,
  stopSimulator,
  until,
} from './support';

/** A valid value different from the default, by the setting's schema. */
function otherValue(key: string, s: ManifestSetting): unknown {
  if (s.enum && s.enum.length > 1) return s.enum.find((v) => v !== s.default);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'boolean':
      return s.default !== true;
    case 'number':
    case 'integer':
      return (typeof s.default === 'number' ? s.default : 0) + 1;
    case 'string':
      return `${typeof s.default === 'string' ? s.default : ''}-changed`;
    case 'array':
      return ['changed'];
    default:
      throw new Error(`${key}: add a value for type ${String(type)} to settings.spec.ts`);
  }
}

describe('settings', () => {
  const settings = contributedSettings().filter(([key]) => key.startsWith('kafkaGroups.'));
  before(() => extensionUnderTest().activate());

  it('package.json contributes kafkaGroups.* settings', () => {
    assert.ok(settings.length > 0);
  });

  for (const [key, schema] of settings) {
    it(`${key}: the editor knows its default and applies a change`, async () => {
      const section = key.slice(0, key.lastIndexOf('.'));
      const name = key.slice(key.lastIndexOf('.') + 1);
      const inspected = vscode.workspace.getConfiguration(section).inspect(name);
      assert.deepEqual(inspected?.defaultValue, schema.default, 'default registered with the editor');

      const value = otherValue(key, schema);
      const changed = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeConfiguration((e) => {
          if (e.affectsConfiguration(key)) {
            sub.dispose();
            resolve();
          }
        });
      });
      // update() rejects a key the editor does not know, so this also proves it is registered.
      await vscode.workspace.getConfiguration(section).update(name, value, vscode.ConfigurationTarget.Global);
      await changed;
      assert.deepEqual(vscode.workspace.getConfiguration(section).get(name), value);
      await vscode.workspace
        .getConfiguration(section)
        .update(name, undefined, vscode.ConfigurationTarget.Global);
      assert.deepEqual(vscode.workspace.getConfiguration(section).get(name), schema.default);
    });
  }
});

describe('settings take effect in the running extension', () => {
  let api: KafkaGroupsApi;
  before(async () => {
    api = await extensionApi();
    await setSetting('kafkaGroups.simulator.scenario', 'rolling-restart');
    await startSimulator(api);
  });
  after(async () => {
    await stopSimulator();
    for (const key of ['speed', 'scenario', 'protocol', 'ordering'])
      await setSetting(`kafkaGroups.simulator.${key}`, undefined);
  });

  it('kafkaGroups.simulator.speed changes the running simulator’s speed', async () => {
    assert.equal(api.simulator()?.speed, 10, 'the default speed is 10×');
    await setSetting('kafkaGroups.simulator.speed', 250);
    await until(
      () => api.simulator()?.speed === 250,
      () => `speed is ${api.simulator()?.speed}`,
    );
    const { source } = await simulatorGroupRow(api, 'orders-app');
    assert.match(source.description, / · 250×/);
  });

  it('kafkaGroups.simulator.scenario restarts the simulator on that scenario', async () => {
    await until(() => (api.simulator()?.clockMs ?? 0) > 5_000, 'the simulator’s clock does not move');
    await setSetting('kafkaGroups.simulator.scenario', 'crash');
    await until(
      () => api.simulator()?.scenario === 'crash',
      () => `runs ${api.simulator()?.scenario}`,
    );
    const info = api.simulator();
    assert.equal(info?.playing, true);
    assert.equal(info?.speed, 250, 'the speed carries over');
    const { source } = await simulatorGroupRow(api, 'orders-app');
    assert.match(source.description, /^crash · /);
  });

  it('an unknown kafkaGroups.simulator.scenario warns and keeps the running scenario', async () => {
    await setSetting('kafkaGroups.simulator.scenario', 'no-such-scenario');
    await until(
      () => /\[warning\].*no built-in scenario "no-such-scenario"/.test(extensionLog()),
      () =>
        `the extension logged no warning; its log ends:\n${extensionLog().split('\n').slice(-5).join('\n')}`,
    );
    assert.equal(api.simulator()?.scenario, 'crash');
  });

  it('kafkaGroups.simulator.protocol reruns the scenario under that protocol', async () => {
    await setSetting('kafkaGroups.simulator.protocol', 'eager');
    await until(
      () => api.simulator()?.variant === 'eager',
      () => `variant ${api.simulator()?.variant}`,
    );
    let description = '';
    await until(
      async () => {
        description = (await simulatorGroupRow(api, 'orders-app')).group.description;
        return / · classic · /.test(description);
      },
      () => `the group is not classic: ${description}`,
    );
  });

  it('kafkaGroups.simulator.ordering reruns the scenario with the assignors in that order', async () => {
    assert.equal(api.simulator()?.ordering, 'exact');
    await setSetting('kafkaGroups.simulator.speed', 1); // slow enough to see the clock start over
    await until(() => (api.simulator()?.clockMs ?? 0) > 1_000, 'the simulator’s clock does not move');
    await setSetting('kafkaGroups.simulator.ordering', 'canonical');
    await until(
      () => api.simulator()?.ordering === 'canonical',
      () => `ordering ${api.simulator()?.ordering}`,
    );
    assert.ok((api.simulator()?.clockMs ?? Infinity) < 1_000, 'the scenario started over');
  });

  it('kafkaGroups.simulator.autoStart starts the simulator when turned on while it is stopped', async () => {
    await stopSimulator();
    assert.equal(api.simulator(), undefined);
    await setSetting('kafkaGroups.simulator.autoStart', true);
    try {
      await until(
        () => api.simulator()?.playing === true,
        'turning autoStart on did not start the simulator',
      );
    } finally {
      await setSetting('kafkaGroups.simulator.autoStart', undefined);
    }
  });
});

// The extension's settings are registered with the editor as package.json declares them, and a
// change reaches the extension host (configuration API and change event).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { contributedSettings, extensionUnderTest, type ManifestSetting } from './support';

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

  // TODO(ui, issue 3): once the extension reads kafkaGroups.simulator.*, assert the running
  // extension reacts, e.g. changing kafkaGroups.simulator.scenario restarts the simulator on it.
  it(
    'the running extension applies a change of kafkaGroups.simulator.scenario (pending: nothing reads it yet)',
  );
});

// Runs first (files run in name order): it checks the extension is still inactive.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { contributedViewIds, extensionUnderTest, manifest, until } from './support';

describe('activation', () => {
  it('is installed and stays inactive until its view or a command is used (lazy activation)', () => {
    const ext = extensionUnderTest();
    assert.equal(ext.isActive, false, 'the extension was already active before anything asked for it');
    const events = manifest().activationEvents ?? [];
    assert.ok(
      !events.includes('*') && !events.includes('onStartupFinished'),
      `eager activation events: ${events.join(', ')}`,
    );
  });

  it('showing the Groups view activates it', async () => {
    const [viewId] = contributedViewIds();
    assert.ok(viewId, 'package.json contributes no view');
    await vscode.commands.executeCommand(`${viewId}.focus`);
    const ext = extensionUnderTest();
    await until(() => ext.isActive, `showing ${viewId} did not activate ${ext.id}`);
  });

  it('activate() resolves and leaves it active', async () => {
    const ext = extensionUnderTest();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});

// The Groups view as the editor registered it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { contributedViewIds, extensionUnderTest, manifest } from './support';

describe('the Groups view', () => {
  before(() => extensionUnderTest().activate());

  it('is registered in its activity-bar container', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const containers = manifest().contributes.viewsContainers?.activitybar ?? [];
    assert.ok(containers.length > 0, 'package.json contributes no activity-bar container');
    for (const c of containers) {
      assert.ok(all.has(`workbench.view.extension.${c.id}`), `the editor has no container ${c.id}`);
    }
    for (const v of contributedViewIds()) assert.ok(all.has(`${v}.focus`), `the editor has no view ${v}`);
  });

  // TODO(ui, issue 3): with the simulator running, read the tree provider's items (the simulator
  // source, its group, members, partitions) through the extension's API or the view.
  it('shows the simulator source and its group for a running scenario (pending: no simulator yet)');
});

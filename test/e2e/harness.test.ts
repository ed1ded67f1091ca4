// The helpers of workbench.ts on VS Code's own UI (explorer, palette, context menu, the markdown
// preview webview), so a broken helper shows up here rather than in a feature's test.
import * as assert from 'node:assert/strict';
import { workbench } from './setup';

describe('the e2e helpers on VS Code itself', function () {
  this.timeout(90_000);

  it('open a file, run a palette command, read a webview and use a context menu', async function () {
    const wb = workbench();
    await wb.openActivityBarItem('Explorer');
    const row = await wb.waitForTreeRow('notes.md');
    await row.dblclick();
    await wb.page
      .locator('.tabs-container .tab', { hasText: 'notes.md' })
      .first()
      .waitFor({ timeout: 10_000 });

    await wb.runCommand('Markdown: Open Preview to the Side');
    const preview = await wb.webviewFrame({ containing: 'h1' });
    assert.equal((await preview.locator('h1').innerText()).trim(), 'Harness check');

    await wb.runCommand('View: Close All Editors');
    await wb.contextMenu(await wb.waitForTreeRow('notes.md'), 'Open to the Side');
    await wb.page
      .locator('.tabs-container .tab', { hasText: 'notes.md' })
      .first()
      .waitFor({ timeout: 10_000 });
    assert.deepEqual(wb.extensionErrors(), []);
  });
});

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/editor';
import { workbench } from './setup';

interface Manifest {
  contributes: {
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome?: { view: string; contents: string; when?: string }[];
  };
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const container = manifest.contributes.viewsContainers.activitybar[0];
const groupsView = container && manifest.contributes.views[container.id]?.[0];
if (!container || !groupsView)
  throw new Error('package.json contributes no activity-bar container with a view');

describe('activation and the Groups view', function () {
  this.timeout(90_000);

  it('is not active before its view is opened (lazy activation)', function () {
    const wb = workbench();
    assert.doesNotMatch(
      wb.extensionHostLog(),
      new RegExp(`_doActivateExtension ${escape(wb.extensionId)}\\b`, 'i'),
    );
    assert.equal(wb.extensionLog(), '', 'the extension logged before anything activated it');
  });

  it('activates on its view and logs no errors in the extension host', async function () {
    const wb = workbench();
    await wb.openActivityBarItem(container.title);
    const activated = await wb.waitForExtensionHostLog(
      new RegExp(
        `_doActivateExtension ${escape(wb.extensionId)}, startup: (\\w+), activationEvent: '([^']+)'`,
        'i',
      ),
    );
    assert.equal(activated[1], 'false', 'activated at startup instead of lazily');
    assert.equal(activated[2], `onView:${groupsView.id}`);
    const [, ms] = await wb.waitForExtensionLog(/activated in ([\d.]+) ms/);
    assert.ok(Number(ms) >= 0);
    assert.deepEqual(wb.extensionErrors(), []);
  });

  it('the activity-bar item shows the Groups view with its welcome content', async function () {
    const wb = workbench();
    await wb.openActivityBarItem(container.title);
    const title = await wb.sidebar().locator('.composite.title').innerText();
    assert.match(title, new RegExp(escape(container.title), 'i'));
    assert.match(title, new RegExp(escape(groupsView.name), 'i'));
    const welcome = manifest.contributes.viewsWelcome?.find((w) => w.view === groupsView.id && !w.when);
    assert.ok(welcome, `package.json has no viewsWelcome for ${groupsView.id} without a "when" clause`);
    const firstLine = welcome.contents
      .split('\n')
      .find((l) => l.trim() !== '' && !/^\[.*\]\(.*\)$/.test(l.trim()));
    const shown = await wb.welcomeText();
    await wb.screenshot('welcome content');
    if (firstLine)
      assert.ok(shown.includes(firstLine.trim()), `welcome shows "${shown}", expected "${firstLine}"`);
    assert.deepEqual(await wb.treeRows(), [], 'the Groups tree has rows although no source runs');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// What a person sees: the simulator started from the palette shows up in the Groups tree, the
// group dashboard opens from the tree and from the palette, the simulator controls in the
// dashboard change what is on screen, a crashed member shows as an epoch bump and a finished
// reconciliation, and a member named like markup stays text. Tests run in order on one editor;
// each starts from what it needs (the simulator running, the dashboard open).
import * as assert from 'node:assert/strict';
import type { Frame, Locator } from 'playwright-core';
import { workbench } from './setup';
import type { Workbench } from './workbench';

const GROUP = 'orders-app'; // the group of the default scenario (scale-out)
const DASHBOARD = '[data-testid="group-state"]';
const XSS = '<img src=x onerror=alert(1)>';

/** Polls `read` until `ok` holds for what it returns; fails with the last value read. */
async function until<T>(
  wb: Workbench,
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      await wb.screenshot(`waited for ${what}`);
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs / 1000} s`);
    }
    await wb.page.waitForTimeout(100);
  }
}

async function text(l: Locator): Promise<string> {
  return (await l.innerText()).trim();
}

/** A header fact of the dashboard, e.g. "group-epoch" → "12". */
async function fact(d: Frame, name: string): Promise<string> {
  return text(d.locator(`[data-testid="fact-${name}"] dd`));
}

/** "4 of 5 members reconciled" → [4, 5]. */
async function reconciled(d: Frame): Promise<[number, number]> {
  const m = /(\d+) of (\d+) members? reconciled/.exec(
    await text(d.locator('[data-testid="reconciliation-counts"]')),
  );
  return m === null ? [-1, -1] : [Number(m[1]), Number(m[2])];
}

/** The dashboard of GROUP, opened from the palette if it is not on screen. */
async function dashboard(wb: Workbench): Promise<Frame> {
  const open = wb.page.locator('.tabs-container .tab', { hasText: `Group ${GROUP}` });
  if ((await open.count()) === 0) await wb.runCommand('Kafka Groups: Open Group Dashboard');
  else await open.first().click();
  const d = await wb.webviewFrame({ containing: DASHBOARD });
  await d.locator('h1.group-id', { hasText: GROUP }).waitFor({ timeout: 10_000 });
  return d;
}

async function groupRow(wb: Workbench): Promise<Locator> {
  await wb.openActivityBarItem('Kafka Groups');
  return wb.waitForTreeRow(new RegExp(`^${GROUP}`));
}

/** Chooses an option of one of the dashboard's vscode-single-select controls. */
async function choose(d: Frame, testId: string, option: string): Promise<void> {
  const select = d.locator(`vscode-single-select[data-testid="${testId}"]`);
  await select.click();
  await select.getByRole('option', { name: option, exact: true }).click();
  await until(
    workbench(),
    `${testId} shows ${option}`,
    () => select.evaluate((e) => (e as HTMLElement & { value: string }).value),
    (v) => `${v}×` === option || v === option,
    5_000,
  );
}

/** Pauses or plays the simulator from the dashboard's control bar, and waits until it does. */
async function setPlaying(wb: Workbench, d: Frame, playing: boolean): Promise<void> {
  const clock = d.locator('[data-testid="sim-clock"]');
  const isPaused = (t: string): boolean => /· paused$/.test(t);
  if (isPaused(await text(clock)) === playing) await d.locator('[data-testid="play"]').click();
  await until(
    wb,
    `the clock says ${playing ? 'running' : 'paused'}`,
    () => text(clock),
    (t) => isPaused(t) !== playing,
    10_000,
  );
}

/** Clicks Step and waits until the clock shows the step. Returns the clock's text. */
async function step(wb: Workbench, d: Frame): Promise<string> {
  const clock = d.locator('[data-testid="sim-clock"]');
  const before = await text(clock);
  await d.getByRole('button', { name: 'Step', exact: true }).click();
  return until(
    wb,
    'Step moves the clock',
    () => text(clock),
    (t) => t !== before,
    10_000,
  );
}

describe('the simulator in the tree and the dashboard', function () {
  this.timeout(90_000);
  beforeEach(() => workbench().dismissPopups());

  it('Start Simulator from the palette shows the simulator and its group in the Groups tree', async () => {
    const wb = workbench();
    await wb.openActivityBarItem('Kafka Groups');
    assert.deepEqual(await wb.treeRows(), [], 'no source runs yet');
    await wb.runCommand('Kafka Groups: Start Simulator');
    const source = await wb.waitForTreeRow(/^Simulator/);
    assert.match(await text(source), /scale-out · consumer · \d\d:\d\d\.\d{3} · 10×/);
    const group = await wb.waitForTreeRow(new RegExp(`^${GROUP}`));
    await until(
      wb,
      'the group row shows its members',
      () => text(group),
      (t) => / · consumer · [1-9] members? · lag /.test(t),
    );
    const status = await text(wb.page.locator('.part.statusbar'));
    assert.match(
      status,
      /scale-out · consumer · \d\d:\d\d\.\d{3}/,
      'the status bar shows the simulator clock',
    );
    assert.deepEqual(wb.extensionErrors(), []);
  });

  it('opens the dashboard from the group’s context menu', async () => {
    const wb = workbench();
    await wb.runCommand('View: Close All Editors');
    await wb.contextMenu(await groupRow(wb), 'Open Group Dashboard');
    const d = await wb.webviewFrame({ containing: DASHBOARD });
    assert.equal(await text(d.locator('h1.group-id')), GROUP);
    assert.match(await text(d.locator(DASHBOARD)), /^(Stable|Reconciling|Assigning|Empty)$/);
    assert.match(await fact(d, 'group-epoch'), /^\d+$/);
    assert.match(await fact(d, 'target-epoch'), /^\d+$/);
    assert.equal(await fact(d, 'protocol'), 'consumer (KIP-848)');
    await wb.page.locator('.tabs-container .tab', { hasText: `Group ${GROUP}` }).waitFor();
    await wb.screenshot('dashboard from the context menu');
  });

  it('opens the dashboard from the command palette', async () => {
    const wb = workbench();
    await wb.runCommand('View: Close All Editors');
    await until(
      wb,
      'no dashboard tab',
      () => wb.page.locator('.tabs-container .tab').count(),
      (n) => n === 0,
      10_000,
    );
    await wb.runCommand('Kafka Groups: Open Group Dashboard');
    const d = await wb.webviewFrame({ containing: DASHBOARD });
    await d.locator('h1.group-id', { hasText: GROUP }).waitFor({ timeout: 10_000 });
    assert.match(await text(d.locator('[data-testid="sim-clock"]')), /^virtual time \d\d:\d\d\.\d{3} · /);
    assert.deepEqual(wb.extensionErrors(), []);
  });

  it('simulator controls change what is on screen: pause, step, speed, add a member', async () => {
    const wb = workbench();
    const d = await dashboard(wb);
    const clock = d.locator('[data-testid="sim-clock"]');

    await setPlaying(wb, d, false);
    const paused = await text(clock);
    await wb.page.waitForTimeout(1_000); // paused: a second later the clock has not moved
    assert.equal(await text(clock), paused);
    assert.equal(await text(d.locator('[data-testid="play"]')), 'Play');

    assert.match(await step(wb, d), /· paused$/, 'stepping keeps it paused');
    await wb.screenshot('stepped');

    // A member added while paused joins when time moves on: step until it is in the table. In
    // scale-out the timeline adds consumer-4 to -6, so the first member a user adds is consumer-7.
    await d.locator('[data-testid="sim-actions"]').click();
    await d.locator('[data-testid="add-member"]').click();
    const added = d.locator('.reconciliation .vt-row', { hasText: 'consumer-7' });
    await until(
      wb,
      'the added member joins',
      async () => (await added.count()) > 0 || (await step(wb, d)) === '',
      (joined) => joined,
      30_000,
    );
    await wb.screenshot('added consumer-7');

    await choose(d, 'speed', '100×');
    await d.locator('[data-testid="play"]').click();
    await until(
      wb,
      'it plays at 100×',
      () => text(clock),
      (t) => /· running at 100×$/.test(t),
      10_000,
    );
    const t0 = await text(clock);
    await until(
      wb,
      'the clock moves',
      () => text(clock),
      (t) => t !== t0,
      10_000,
    );
    await wb.waitForTreeRow(/^Simulator.* · 100×/);
    assert.deepEqual(wb.extensionErrors(), []);
  });

  it('the dashboard works from the keyboard: play and pause, speed, choosing a member', async () => {
    const wb = workbench();
    const d = await dashboard(wb);
    const keys = wb.page.keyboard;
    const clock = d.locator('[data-testid="sim-clock"]');
    const focused = (l: Locator): Promise<boolean> => l.evaluate((e) => e === document.activeElement);
    await setPlaying(wb, d, false);
    await choose(d, 'speed', '10×');

    // From the group's title, Tab reaches Export snapshot, then the control bar's Play.
    await d.locator('h1.group-id').click();
    await keys.press('Tab');
    await keys.press('Tab');
    assert.ok(await focused(d.locator('[data-testid="play"]')), 'Tab does not reach Play');
    await keys.press('Enter');
    await until(
      wb,
      'Enter on Play plays',
      () => text(clock),
      (t) => /· running at 10×$/.test(t),
      10_000,
    );

    // Next stop: the speed. ArrowDown opens its list, ArrowDown moves to 20×, Enter chooses it.
    await keys.press('Tab');
    assert.ok(
      await focused(d.locator('vscode-single-select[data-testid="speed"]')),
      'Tab does not reach Speed',
    );
    await keys.press('ArrowDown');
    await keys.press('ArrowDown');
    await keys.press('Enter');
    await until(
      wb,
      'the speed follows the keyboard',
      () => text(clock),
      (t) => /· running at 20×$/.test(t),
      10_000,
    );
    await wb.screenshot('speed chosen with the keyboard');

    // The reconciliation grid: arrows move the active row, which the member actions then act on.
    const grid = d.locator('.reconciliation .vt');
    await grid.focus();
    await keys.press('Home');
    await keys.press('ArrowDown');
    const active = d.locator('.reconciliation .vt-row[aria-selected="true"]');
    await active.waitFor({ timeout: 5_000 });
    const activeId = await active.locator('.vt-cell').first().getAttribute('title');
    const chosen = await d
      .locator('vscode-single-select[data-testid="member"]')
      .evaluate((e) => (e as HTMLElement & { value: string }).value);
    assert.ok(activeId?.startsWith(chosen) === true && chosen !== '', `row ${activeId} vs member ${chosen}`);
    assert.equal(await grid.getAttribute('aria-activedescendant'), await active.getAttribute('id'));
  });

  it('crashing a member shows the group epoch bump and the reconciliation finishing', async () => {
    const wb = workbench();
    const d = await dashboard(wb);
    await choose(d, 'speed', '10×');
    await setPlaying(wb, d, true);
    const settled = (r: [number, number]): boolean => r[1] > 1 && r[0] === r[1];
    const [, before] = await until(wb, 'every member reconciled', () => reconciled(d), settled);
    const epoch = Number(await fact(d, 'group-epoch'));
    await wb.screenshot('before the crash');

    const victim = d.locator('.reconciliation .vt-row', { hasText: 'consumer-2' }).first();
    await victim.click();
    await d.getByRole('button', { name: 'Crash', exact: true }).click();
    await until(
      wb,
      'the control bar confirms',
      () => text(d.locator('.controls .control-status')),
      (t) => t !== 'Working…' && t !== '',
    );
    // The coordinator notices only after session.timeout.ms (45 s, 4.5 s at 10×): then it bumps
    // the group epoch and the members reconcile to the new target without consumer-2.
    const bumped = await until(
      wb,
      'the group epoch bumps',
      async () => Number(await fact(d, 'group-epoch')),
      (e) => e > epoch,
    );
    await wb.screenshot(`group epoch ${epoch} to ${bumped}`);
    await until(
      wb,
      'the reconciliation finishes',
      () => reconciled(d),
      (r) => settled(r) && r[1] === before - 1,
    );
    assert.equal(await fact(d, 'target-epoch'), await fact(d, 'group-epoch'));
    assert.equal(await fact(d, 'members'), String(before - 1));
    assert.equal(await d.locator('.reconciliation .vt-row', { hasText: 'consumer-2' }).count(), 0);
    // The member actions now apply to a member that is still there, not to the crashed one.
    const chosen = await d
      .locator('vscode-single-select[data-testid="member"]')
      .evaluate((e) => (e as HTMLElement & { value: string }).value);
    assert.notEqual(chosen, '', 'the member actions have no member chosen');
    await d
      .locator('.timeline .vt-row', { hasText: /consumer-2 left: session\.timeout\.ms expired/ })
      .first()
      .waitFor({
        state: 'visible',
        timeout: 10_000,
      });
    await wb.screenshot('reconciled without consumer-2');
  });

  it(`a member named ${XSS} shows as text in the tree and the dashboard`, async () => {
    const wb = workbench();
    const dialogs: string[] = [];
    wb.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss().catch(() => undefined);
    });
    await wb.runCommand('Kafka Groups: Play Simulator');
    await wb.runCommand('Kafka Groups: Add Member…');
    await wb.answerQuickInput({ title: /protocol/, pick: 'consumer' });
    await wb.answerQuickInput({ title: /group\.remote\.assignor/ });
    await wb.answerQuickInput({ title: /group\.instance\.id/ });
    await wb.answerQuickInput({ title: /client\.id/, type: XSS });

    const row = await groupRow(wb);
    await wb.expandTreeRow(row);
    const member = await wb.waitForTreeRow(`${XSS} @ `);
    assert.ok((await text(member)).startsWith(`${XSS} @ `));
    assert.equal(await wb.sidebar().locator('img').count(), 0, 'no img element in the tree');

    const d = await dashboard(wb);
    const cell = d.locator('.reconciliation .vt-cell', { hasText: XSS }).first();
    await cell.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await text(cell), XSS);
    assert.equal(await d.locator('img').count(), 0, 'no img element in the dashboard');
    assert.equal(await wb.page.locator('img[src="x"]').count(), 0);
    await wb.screenshot('the member shows as text');
    assert.deepEqual(dialogs, [], 'a dialog opened');
    assert.deepEqual(wb.extensionErrors(), []);
  });
});

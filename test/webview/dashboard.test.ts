import { strict as assert } from 'node:assert';
import type { Finding, GroupEvent, GroupSnapshot } from '../../src/model';
import {
  buildChain,
  isControlRequest,
  isReadyMessage,
  isSelectTimeMessage,
  parseWebviewMessage,
} from '../../src/protocol/dashboard';
import { classicCooperativeRebalance, kip848Reconciliation, largeGroup } from './fixtures';
import { Dashboard, SIMULATOR_CONTROLS, isType } from './harness';

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('group dashboard webview (Chromium, built bundle, real CSP)', function () {
  this.timeout(30_000);
  let d: Dashboard;

  afterEach(async () => {
    if (d !== undefined) {
      assert.deepEqual(d.errors, [], 'no page errors or console errors');
      await d.close();
    }
  });

  it('says ready first, then renders the first init: header, reconciliation with "so far", timeline', async () => {
    d = await Dashboard.open();
    assert.ok(isReadyMessage(d.received[0]), 'the first message is a valid ready');
    const t = kip848Reconciliation();
    await d.init(t.snapshots.slice(0, 4), t.events.slice(0, 8));

    assert.equal(await d.text('h1'), 'orders-processor');
    assert.equal(await d.text('[data-testid=group-state]'), 'Reconciling');
    const facts = await d.text('.facts');
    assert.match(facts, /Group epoch\s*4/);
    assert.match(facts, /Target epoch\s*4/);
    assert.match(facts, /broker-1\.kafka\.internal:9092/);
    assert.match(facts, /Assignor\s*uniform/);
    assert.match(
      await d.text('[data-testid=group-summary]'),
      /waits for consumer-2 to revoke orders-5 \(18 s so far\)/,
    );
    assert.equal(await d.text('[data-testid=reconciliation-counts]'), '1 of 3 members reconciled');
    const rows = await d.page.locator('.reconciliation .vt-body .vt-row:not([hidden])').allTextContents();
    assert.equal(rows.length, 3);
    const c3 = rows.find((r) => r.includes('consumer-3')) ?? '';
    assert.match(c3, /UNRELEASED_PARTITIONS/);
    assert.match(c3, /epoch 4 waits for consumer-2 to revoke orders-5 \(18 s so far\)/);
    const c2 = rows.find((r) => r.includes('consumer-2')) ?? '';
    assert.match(c2, /3 → 4/, 'epoch against target');
    assert.match(c2, /1: orders-5/, 'being revoked');
    // The timeline lists the events and the scrubber spans the snapshots.
    assert.equal(await d.page.locator('[data-testid=scrubber]').getAttribute('max'), '3');
    assert.match(await d.text('.timeline .vt-body'), /consumer-3 joined/);
    assert.deepEqual(await d.violations(), [], 'the dashboard itself never trips the CSP');
    await d.screenshot('first-render-kip848');
  });

  it('applies incremental updates (deltas) and resyncs with ready on a sequence gap', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots.slice(0, 3), t.events.slice(0, 8));
    assert.equal(await d.text('[data-testid=group-state]'), 'Reconciling');

    const msg = await d.update(t.snapshots.slice(3), t.events.slice(8));
    assert.equal(msg.history.base, null, 'an update continues the chain: no full snapshot');
    assert.ok(msg.history.deltas.length === 2);
    assert.equal(await d.text('[data-testid=group-state]'), 'Stable');
    assert.equal(await d.text('[data-testid=reconciliation-counts]'), '3 of 3 members reconciled');
    assert.match(await d.text('[data-testid=group-summary]'), /stable at epoch 4: all 3 members reconciled/i);
    assert.match(await d.text('.timeline .vt-body'), /consumer-2 revoked orders-5/);
    assert.equal(await d.page.locator('[data-testid=scrubber]').getAttribute('max'), '4');

    // A lost message (seq gap) makes the webview ask for a fresh init.
    const before = d.received.length;
    await d.post({ type: 'update', seq: 99, history: { base: null, deltas: [] }, events: [] });
    await d.waitFor((m) => isType(m, 'ready'), before);
    await d.screenshot('incremental-stable');
  });

  it('the scrubber moves the whole dashboard back in time and Live returns', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots, t.events);
    assert.equal(await d.text('[data-testid=group-state]'), 'Stable');

    const scrubber = d.page.locator('[data-testid=scrubber]');
    await scrubber.focus();
    await d.page.keyboard.press('Home');
    await d.settled();
    assert.equal(await d.text('[data-testid=group-state]'), 'Stable', 'snapshot 0 was stable at epoch 3');
    assert.match(await d.text('.facts'), /Group epoch\s*3/);
    await d.page.keyboard.press('ArrowRight');
    await d.settled();
    assert.equal(await d.text('[data-testid=group-state]'), 'Reconciling');
    assert.match(await d.text('.facts'), /Group epoch\s*4/);
    assert.equal(await d.text('[data-testid=reconciliation-counts]'), '0 of 3 members reconciled');
    assert.match(await d.text('.banner-info'), /Showing the past: t=00:01\.000/);
    assert.match(
      (await scrubber.getAttribute('aria-valuetext')) ?? '',
      /epoch 4 · Reconciling · 3 snapshots back/,
    );
    // The host hears where the scrubber is (debounced), and the position is saved for a reload.
    const sel = await d.waitFor((m) => isSelectTimeMessage(m) && m.timeMs === 1000);
    assert.ok(parseWebviewMessage(sel).ok);
    const state = await d.page.evaluate(() =>
      (window as unknown as { __kgdStandIn: { state(): unknown } }).__kgdStandIn.state(),
    );
    assert.deepEqual(state, {
      v: 1,
      groupId: 'orders-processor',
      sourceId: 'simulator',
      tab: 'reconciliation',
      timeMs: 1000,
      filter: '',
    });
    // New snapshots arriving while scrubbed do not move the view.
    await d.screenshot('scrubbed-past');
    await d.page.locator('[data-testid=live-button]').click();
    await d.settled();
    assert.equal(await d.text('[data-testid=group-state]'), 'Stable');
    assert.equal(await d.page.locator('.banner-info').isVisible(), false);
  });

  it('paints from a recent few snapshots, then loads older history on request', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots.slice(3), t.events, { moreHistory: true });
    assert.equal(await d.page.locator('[data-testid=scrubber]').getAttribute('max'), '1');
    const req = await d.waitFor((m) => isType(m, 'load-history'));
    const parsed = parseWebviewMessage(req);
    assert.ok(parsed.ok && parsed.message.type === 'load-history');
    const { id, beforeTimeMs } = parsed.message;
    assert.equal(beforeTimeMs, 19000, 'asks for what is older than its oldest snapshot');
    const older = t.snapshots.filter((s) => s.timeMs < beforeTimeMs);
    await d.post({ type: 'history', id, history: buildChain(null, older, 100), more: false });
    await d.settled();
    assert.equal(await d.page.locator('[data-testid=scrubber]').getAttribute('max'), '4');
    assert.equal(await d.text('[data-testid=group-state]'), 'Stable', 'still live on the latest');
    await d.page.locator('[data-testid=scrubber]').focus();
    await d.page.keyboard.press('Home');
    await d.settled();
    assert.match(await d.text('.facts'), /Group epoch\s*3/, 'the loaded history is scrubbable');
  });

  it('restores the scrubbed position after a reload from setState', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots, t.events);
    await d.page.locator('[data-testid=scrubber]').focus();
    await d.page.keyboard.press('Home');
    await d.page.keyboard.press('ArrowRight');
    await d.page.keyboard.press('ArrowRight');
    await d.waitFor((m) => isSelectTimeMessage(m) && m.timeMs === 4000);
    d.received.length = 0;
    await d.page.reload();
    await d.waitFor((m) => isType(m, 'ready'));
    await d.init(t.snapshots, t.events);
    assert.match(await d.text('.banner-info'), /t=00:04\.000/);
    assert.equal(await d.page.locator('[data-testid=scrubber]').inputValue(), '2');
  });

  it('shows a member named <img src=x onerror=alert(1)> as text: no dialog, no img element', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation(HOSTILE);
    const poison = (s: GroupSnapshot): GroupSnapshot => ({
      ...s,
      coordinator: { nodeId: 1, host: HOSTILE, port: 9092 },
      assignor: HOSTILE,
      members: s.members.map((m, i) => (i === 0 ? { ...m, clientId: HOSTILE, clientHost: HOSTILE } : m)),
    });
    const finding: Finding = {
      id: 'x',
      rule: HOSTILE,
      severity: 'warning',
      title: `${HOSTILE} left: max.poll.interval.ms exceeded`,
      detail: HOSTILE,
      evidence: [{ text: HOSTILE, timeMs: 1000, memberId: t.snapshots[1]?.members[0]?.memberId ?? null }],
    };
    await d.init(t.snapshots.map(poison), t.events, { findings: [finding], sourceLabel: HOSTILE });
    assert.equal(await d.text('h1'), HOSTILE);
    const rows = await d.page.locator('.reconciliation .vt-body').textContent();
    assert.ok(rows?.includes(HOSTILE), 'the name is shown literally');
    assert.match(await d.text('.facts'), /<img src=x onerror=alert\(1\)>:9092/);
    // Every view gets the data: matrix, lag, diagnostics.
    for (const tab of ['assignment', 'lag', 'diagnostics']) {
      await d.page.locator(`vscode-tab-header[data-tab=${tab}]`).click();
      await d.settled();
    }
    assert.ok((await d.text('.findings')).includes(`${HOSTILE} left`));
    await d.page.waitForTimeout(200);
    assert.deepEqual(d.dialogs, [], 'no alert ran');
    const imgs = await d.page.evaluate(() => {
      let n = document.querySelectorAll('img').length;
      const walk = (root: Document | ShadowRoot): void => {
        root.querySelectorAll('*').forEach((e) => {
          if (e.shadowRoot !== null) {
            n += e.shadowRoot.querySelectorAll('img').length;
            walk(e.shadowRoot);
          }
        });
      };
      walk(document);
      return n;
    });
    assert.equal(imgs, 0, 'no img element anywhere, shadow roots included');
    assert.deepEqual(await d.violations(), []);
    await d.screenshot('hostile-names-as-text');
  });

  it('the CSP blocks an injected inline script and inline handlers', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots, t.events);
    const csp = await d.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(
      csp ?? '',
      /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]{24}'; style-src http:\/\/127\.0\.0\.1:\d+;/,
    );
    assert.doesNotMatch(
      csp ?? '',
      /unsafe-|\*|data:/,
      'no unsafe-inline, unsafe-eval, wildcards or data: URIs',
    );
    const result = await d.page.evaluate(async () => {
      const w = window as unknown as { __pwned?: number; __pwnedHandler?: number };
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 1';
      document.body.appendChild(s);
      const div = document.createElement('div');
      div.setAttribute('onclick', 'window.__pwnedHandler = 1');
      document.body.appendChild(div);
      div.click();
      await new Promise((r) => setTimeout(r, 100));
      return { pwned: w.__pwned ?? null, handler: w.__pwnedHandler ?? null };
    });
    assert.deepEqual(result, { pwned: null, handler: null }, 'neither ran');
    const v = await d.violations();
    assert.ok(
      v.some((x) => x.directive.startsWith('script-src') && x.blocked === 'inline'),
      `an inline-script violation was reported: ${JSON.stringify(v)}`,
    );
    // Chromium logs each blocked attempt; those two are the expected console errors here.
    assert.equal(d.errors.length, 2);
    assert.ok(d.errors.every((e) => e.includes('violates the following Content Security Policy directive')));
    d.errors.length = 0;
  });

  it('renders a classic cooperative rebalance: generation, leader, JoinGroup and SyncGroup phases', async () => {
    d = await Dashboard.open();
    const t = classicCooperativeRebalance();
    await d.init(t.snapshots.slice(0, 2), t.events.slice(0, 3));
    let facts = await d.text('.facts');
    assert.match(facts, /Generation\s*5/);
    assert.match(facts, /Leader\s*consumer-a/);
    assert.match(facts, /Phase\s*JoinGroup/);
    assert.match(facts, /Rebalance\s*cooperative/);
    assert.match(
      await d.text('[data-testid=group-summary]'),
      /JoinGroup phase for generation 6: waiting for consumer-b/,
    );
    const rows = await d.page.locator('.reconciliation .vt-body .vt-row:not([hidden])').allTextContents();
    assert.ok(
      rows.some((r) => /consumer-b.*REJOINING.*keeps 1 partition while re-joining \(cooperative\)/.test(r)),
      rows.join('\n'),
    );

    await d.update(t.snapshots.slice(2, 3), t.events.slice(3, 4));
    facts = await d.text('.facts');
    assert.match(facts, /Phase\s*SyncGroup/);
    assert.match(facts, /Generation\s*6/);
    const rows2 = await d.page.locator('.reconciliation .vt-body .vt-row:not([hidden])').allTextContents();
    assert.ok(
      rows2.some((r) =>
        /consumer-c.*AWAITING_SYNC.*waits for leader consumer-a to send the assignment/.test(r),
      ),
      rows2.join('\n'),
    );
    await d.screenshot('classic-sync-phase');

    await d.update(t.snapshots.slice(3, 4), t.events.slice(4, 6));
    const rows3 = await d.page.locator('.reconciliation .vt-body .vt-row:not([hidden])').allTextContents();
    assert.ok(
      rows3.some((r) => /consumer-a.*REVOKING.*revokes invoices-2/.test(r)),
      rows3.join('\n'),
    );
  });

  it('the live event list follows the newest event until the user scrolls up, and Live brings it back', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    const at = (i: number): GroupSnapshot => {
      const s = t.snapshots[i];
      if (s === undefined) throw new Error(`the fixture has no snapshot ${i}`);
      return s;
    };
    // Many events, each at the time of the snapshot they arrive with (as the host sends them).
    const actions = (from: number, n: number, snapshot: GroupSnapshot): GroupEvent[] =>
      Array.from({ length: n }, (_, i) => ({
        type: 'action' as const,
        timeMs: snapshot.timeMs,
        groupId: snapshot.groupId,
        action: `step-${from + i}`,
        target: null,
        detail: null,
      }));
    const early = t.events.filter((e) => e.timeMs <= at(1).timeMs);
    await d.init([at(0), at(1)], [...early, ...actions(0, 40, at(1))]);
    const body = d.page.locator('.timeline .vt-body');
    const atBottom = (): Promise<boolean> =>
      body.evaluate((e) => e.scrollTop > 0 && e.scrollTop + e.clientHeight >= e.scrollHeight - 2);
    assert.ok(await atBottom(), 'live, the list shows the newest event');
    assert.match(await d.text('.timeline .vt-body'), /step-39/);

    await d.update([at(2)], actions(40, 20, at(2)));
    assert.ok(await atBottom(), 'new events keep it at the bottom');
    assert.match(await d.text('.timeline .vt-body'), /step-59/);

    await body.evaluate((e) => (e.scrollTop = 0));
    await d.settled();
    await d.update([at(3)], actions(60, 20, at(3)));
    assert.equal(await body.evaluate((e) => e.scrollTop), 0, 'scrolled up to read: it stays put');

    // Scrub back, then Live: the list jumps to the newest event again.
    await d.page.locator('[data-testid=scrubber]').focus();
    await d.page.keyboard.press('Home');
    await d.settled();
    await d.page.locator('[data-testid=live-button]').click();
    await d.settled();
    assert.ok(await atBottom(), 'back to live shows the newest event');
  });

  it('when the chosen member leaves, the member actions fall back to a member still there', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    const last = t.snapshots[t.snapshots.length - 1];
    await d.init(t.snapshots, t.events, { controls: SIMULATOR_CONTROLS });
    const victim = last.members[1];
    await d.page.locator('.reconciliation .vt-body .vt-row', { hasText: 'consumer-2' }).click();
    const chosen = (): Promise<string> =>
      d.page
        .locator('vscode-single-select[data-testid=member]')
        .evaluate((e) => (e as HTMLElement & { value: string }).value);
    assert.equal(await chosen(), victim.memberId);
    const gone: GroupSnapshot = {
      ...last,
      timeMs: last.timeMs + 45_000,
      members: last.members.filter((m) => m.memberId !== victim.memberId),
    };
    await d.update([gone], []);
    const now = await chosen();
    assert.notEqual(now, victim.memberId);
    assert.ok(
      gone.members.some((m) => m.memberId === now),
      `the member select shows "${now}", not a member of the group`,
    );
  });

  it('simulator controls send typed, valid requests and show the host reply', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots, t.events, { controls: SIMULATOR_CONTROLS });
    assert.match(await d.text('[data-testid=sim-clock]'), /virtual time 00:04\.000 · running at 10×/);
    const from = d.received.length;
    await d.page.locator('[data-testid=play]').click();
    const req = await d.waitFor((m) => isType(m, 'control'), from);
    assert.ok(isControlRequest(req), 'the request passes the host guard');
    assert.deepEqual(req.command, { kind: 'pause' });
    await d.post({
      type: 'reply',
      id: req.id,
      ok: false,
      message: 'The simulator is busy loading a scenario.',
    });
    await d.settled();
    assert.equal(await d.text('.controls .control-status'), 'The simulator is busy loading a scenario.');

    // Add a static member through the form; an invalid instance id is caught before sending.
    await d.page.locator('[data-testid=sim-actions]').click();
    assert.equal(await d.page.locator('[data-testid=sim-actions]').getAttribute('aria-expanded'), 'true');
    const field = d.page.locator('vscode-textfield').first();
    await field.locator('input').fill('bad id!');
    const before = d.received.length;
    await d.page.locator('[data-testid=add-member]').click();
    await d.settled();
    assert.match(await d.text('.controls .control-status'), /instance id may use only letters/);
    assert.equal(d.received.slice(before).filter((m) => isType(m, 'control')).length, 0);
    await field.locator('input').fill('payments-0');
    await d.page.locator('[data-testid=add-member]').click();
    const add = await d.waitFor((m) => isType(m, 'control'), before);
    assert.ok(isControlRequest(add));
    assert.deepEqual(add.command, {
      kind: 'add-member',
      groupId: 'orders-processor',
      protocol: 'consumer',
      assignor: null,
      instanceId: 'payments-0',
    });
    // Member actions act on the member selected in the reconciliation table.
    await d.page.locator('.reconciliation .vt-body .vt-row', { hasText: 'consumer-2' }).click();
    let at = d.received.length;
    await d.page.getByRole('button', { name: 'Change subscription', exact: true }).click();
    const sub = await d.waitFor((m) => isType(m, 'control'), at);
    assert.ok(isControlRequest(sub));
    assert.deepEqual(sub.command, {
      kind: 'change-subscription',
      groupId: 'orders-processor',
      memberId: 'p9sT4kQ1R8e7yWnU2bV6Zw',
      topics: ['orders', 'payments'],
    });
    at = d.received.length;
    await d.page.getByRole('button', { name: 'Crash', exact: true }).click();
    const crash = await d.waitFor((m) => isType(m, 'control'), at);
    assert.ok(isControlRequest(crash));
    assert.deepEqual(crash.command, {
      kind: 'crash-member',
      groupId: 'orders-processor',
      memberId: 'p9sT4kQ1R8e7yWnU2bV6Zw',
    });
    await d.screenshot('simulator-controls');
  });

  it('assignment matrix: canvas, hover details, keyboard cursor announced', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots.slice(0, 3), t.events);
    await d.page.locator('vscode-tab-header[data-tab=assignment]').click();
    await d.settled();
    assert.match(
      await d.text('[data-testid=matrix-summary]'),
      /3 members × 9 partitions · 1 pending revocation · 1 waiting for release · 0 pending assignment · 0 unassigned/,
    );
    const canvas = d.page.locator('.matrix-canvas');
    await canvas.focus();
    await d.page.keyboard.press('ArrowDown');
    await d.settled();
    const live = await d.text('.matrix [aria-live]');
    assert.match(live, /consumer-2 × orders-0: not assigned to this member|consumer-2 × orders-0/);
    // Walk right to orders-5 on consumer-2's row: pending revocation, target owner consumer-3.
    for (let i = 0; i < 5; i++) await d.page.keyboard.press('ArrowRight');
    await d.settled();
    assert.match(
      await d.text('.matrix [aria-live]'),
      /consumer-2 × orders-5: pending revocation; target owner consumer-3/,
    );
    await d.screenshot('assignment-matrix');
  });

  for (const [theme, owned] of [
    ['light', [0x1a, 0x85, 0xff]],
    ['hc', [0x37, 0x94, 0xff]],
  ] as const) {
    it(`takes its colours from the theme (${theme}), canvas included`, async () => {
      d = await Dashboard.open({ width: 1280, height: 900 }, theme);
      const t = kip848Reconciliation();
      await d.init(t.snapshots.slice(0, 3), t.events);
      await d.page.locator('vscode-tab-header[data-tab=assignment]').click();
      await d.settled();
      const r = await d.page.evaluate((rgb) => {
        const canvas = document.querySelector<HTMLCanvasElement>('.matrix-canvas');
        const ctx = canvas?.getContext('2d');
        if (canvas === null || canvas === undefined || ctx === null || ctx === undefined) return null;
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let owned = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i] === rgb[0] && px[i + 1] === rgb[1] && px[i + 2] === rgb[2]) owned++;
        }
        const body = getComputedStyle(document.body);
        return { owned, background: body.backgroundColor, bodyClass: document.body.className };
      }, owned);
      assert.ok(r !== null);
      assert.ok(r.owned > 100, `owned cells are drawn in the theme's charts.blue (${r.owned} px)`);
      assert.equal(r.background, theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(0, 0, 0)');
      assert.match(r.bodyClass, theme === 'light' ? /vscode-light/ : /vscode-high-contrast/);
      await d.screenshot(`theme-${theme}-matrix`);
      await d.page.locator('vscode-tab-header[data-tab=reconciliation]').click();
      await d.settled();
      await d.screenshot(`theme-${theme}-reconciliation`);
    });
  }

  it('virtualises 1,000 members × 10,000 partitions: a bounded number of rows in the DOM', async () => {
    d = await Dashboard.open();
    const big = largeGroup(1000, 10_000);
    await d.init([big], []);
    assert.equal(await d.text('[data-testid=reconciliation-counts]'), '1000 of 1000 members reconciled');
    const domRows = await d.page.locator('.reconciliation .vt-body .vt-row').count();
    assert.ok(domRows < 60, `only the visible rows exist (${domRows})`);
    await d.page.locator('vscode-tab-header[data-tab=lag]').click();
    await d.settled();
    assert.match(await d.text('[data-testid=lag-summary]'), /across 10,000 partitions/);
    const lagRows = await d.page.locator('.lag .vt-body .vt-row').count();
    assert.ok(lagRows < 60, `lag table is virtualised too (${lagRows})`);
    await d.page.locator('vscode-tab-header[data-tab=assignment]').click();
    await d.settled();
    assert.match(await d.text('[data-testid=matrix-summary]'), /1000 members × 10000 partitions/);
    await d.screenshot('large-group-matrix');
  });

  it('keyboard: tables move with arrows and Enter asks the host for details', async () => {
    d = await Dashboard.open();
    const t = kip848Reconciliation();
    await d.init(t.snapshots, t.events);
    const grid = d.page.locator('.reconciliation .vt');
    await grid.focus();
    await d.page.keyboard.press('ArrowDown');
    const from = d.received.length;
    await d.page.keyboard.press('Enter');
    const req = await d.waitFor((m) => isType(m, 'open-details'), from);
    const parsed = parseWebviewMessage(req);
    assert.ok(parsed.ok && parsed.message.type === 'open-details' && parsed.message.target.kind === 'member');
    assert.equal(await grid.getAttribute('role'), 'grid');
    assert.ok((await grid.getAttribute('aria-activedescendant')) !== null, 'the active row is announced');
  });
});

// The Groups view as the editor registered it, and what its tree provider gives VS Code for a
// running simulation: the simulator source, its group, the members and their partitions.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KafkaGroupsApi } from '../../../../src/ui/api';
import {
  contributedViewIds,
  extensionApi,
  manifest,
  type Row,
  setSetting,
  simulatorGroupRow,
  startSimulator,
  stopSimulator,
  treeRows,
  until,
} from './support';

/** The `view/item/context` menu entries of package.json, with the regex their `when` puts on viewItem. */
function itemMenus(): { command: string; group: string; viewItem: RegExp }[] {
  const menus = (
    manifest().contributes as { menus?: Record<string, { command: string; when?: string; group?: string }[]> }
  ).menus;
  return (menus?.['view/item/context'] ?? []).map((m) => {
    const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(m.when ?? '');
    if (re === null)
      throw new Error(`menu entry for ${m.command} has no "viewItem =~ /…/" clause: ${m.when}`);
    return { command: m.command, group: m.group ?? '', viewItem: new RegExp(re[1]) };
  });
}

/** The commands package.json offers in the context menu (and inline) of a row. */
function menuFor(row: Row): string[] {
  return itemMenus()
    .filter((m) => m.viewItem.test(row.contextValue))
    .map((m) => `${m.group.startsWith('inline') ? 'inline ' : ''}${m.command}`)
    .sort();
}

describe('the Groups view', () => {
  let api: KafkaGroupsApi;
  before(async () => {
    api = await extensionApi();
    // Fast enough that a scenario's first rebalance settles in well under a second.
    await setSetting('kafkaGroups.simulator.speed', 100);
    await setSetting('kafkaGroups.simulator.scenario', 'scale-out');
  });
  after(async () => {
    await stopSimulator();
    await setSetting('kafkaGroups.simulator.speed', undefined);
    await setSetting('kafkaGroups.simulator.scenario', undefined);
  });

  it('is registered in its activity-bar container', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const containers = manifest().contributes.viewsContainers?.activitybar ?? [];
    assert.ok(containers.length > 0, 'package.json contributes no activity-bar container');
    for (const c of containers) {
      assert.ok(all.has(`workbench.view.extension.${c.id}`), `the editor has no container ${c.id}`);
    }
    for (const v of contributedViewIds()) assert.ok(all.has(`${v}.focus`), `the editor has no view ${v}`);
  });

  it('has no rows while no source runs (so VS Code shows the welcome content)', async () => {
    await stopSimulator();
    assert.deepEqual(
      (await treeRows(api)).map((r) => r.label),
      [],
    );
  });

  it('shows the simulator source with its scenario and clock, and the scenario group', async () => {
    await startSimulator(api);
    // Until its first member's heartbeat arrives, the group does not exist (Kafka describes it as Dead).
    let { source, group } = await simulatorGroupRow(api, 'orders-app');
    await until(
      async () => {
        ({ source, group } = await simulatorGroupRow(api, 'orders-app'));
        return / · consumer · [1-9]\d* members? · /.test(group.description);
      },
      () => `the group has no members: ${group.description}`,
    );
    assert.equal(source.label, 'Simulator');
    assert.match(source.description, /^scale-out · consumer · \d\d:\d\d\.\d{3} · 100×/);
    assert.match(source.contextValue, /^source:simulator:(running|paused)$/);
    assert.equal(source.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(group.description, /^\w+ · consumer · \d+ members? · lag /);
    assert.match(group.contextValue, /^group:consumer:\w+/);
    assert.equal(
      group.item.command?.command,
      'kafkaGroups.dashboard.open',
      'clicking a group opens its dashboard',
    );
    assert.match(group.tooltip, /Group epoch/);
    assert.match(group.tooltip, /Target assignment epoch/);
    assert.match(group.tooltip, /Assignor/);
  });

  it('updates the rows it signals: the source row’s clock moves without re-reading the roots', async () => {
    const { source } = await simulatorGroupRow(api, 'orders-app');
    const before = source.description;
    // What VS Code does: on a change event for an element, it asks getTreeItem for that element.
    const redrawn = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no change event for the source row within 5 s')),
        5_000,
      );
      const sub = api.groupsTree.onDidChangeTreeData?.((e) => {
        const elements = e === undefined || e === null ? [] : Array.isArray(e) ? e : [e];
        if (!elements.includes(source.node)) return;
        void Promise.resolve(api.groupsTree.getTreeItem(source.node)).then((item) => {
          if (typeof item.description === 'string' && item.description !== before) {
            clearTimeout(timer);
            sub?.dispose();
            resolve(item.description);
          }
        });
      });
      // From the start again, so the clock surely moves (at 100× the scenario ends in 2 s).
      void vscode.commands.executeCommand('kafkaGroups.simulator.restartScenario');
    });
    assert.match(redrawn, /^scale-out · consumer · \d\d:\d\d\.\d{3} · 100×/);
    assert.notEqual(redrawn, before);
  });

  it('shows each member as client-id @ host with its epoch, and its partitions', async () => {
    // At 100× the 3-minute scenario ends in about 2 s: six members, all reconciled.
    await until(() => api.simulator()?.playing === false, 'the scale-out scenario did not finish', 15_000);
    assert.equal(api.simulator()?.clockMs, 180_000);
    const { source, group } = await simulatorGroupRow(api, 'orders-app');
    assert.match(source.description, /finished/);
    assert.match(source.contextValue, /^source:simulator:paused$/);
    const members = (await treeRows(api, group)).filter((r) => r.id.includes('/member/'));
    assert.deepEqual(members.map((m) => m.label.replace(/ @ .*/, '')).sort(), [
      'consumer-1',
      'consumer-2',
      'consumer-3',
      'consumer-4',
      'consumer-5',
      'consumer-6',
    ]);
    assert.match(group.description, /^Stable · consumer · 6 members · lag /);
    for (const m of members) {
      assert.match(m.label, /^consumer-\d @ \S+$/);
      assert.match(m.description, /^epoch \d+ ✓$/);
      assert.equal(m.contextValue, 'member:consumer:dynamic:reconciled:simulated');
      assert.match(m.tooltip, /Member epoch/);
    }
    const owned: string[] = [];
    for (const m of members) {
      const rows = await treeRows(api, m);
      assert.ok(rows.length > 0, `${m.label} owns no partition`);
      for (const p of rows) {
        assert.match(p.label, /^orders-\d+$/);
        assert.match(p.description, /^owned( · (lag \d+|no commit))?$/);
        assert.equal(p.contextValue, 'partition:owned');
        assert.equal(p.item.collapsibleState, vscode.TreeItemCollapsibleState.None);
        owned.push(p.label);
      }
    }
    assert.equal(owned.length, 12, `orders has 12 partitions: ${owned.join(' ')}`);
    assert.equal(new Set(owned).size, 12, `each partition has one owner: ${owned.join(' ')}`);
  });

  it('keeps node ids stable and content-derived across refreshes', async () => {
    const { group } = await simulatorGroupRow(api, 'orders-app');
    const first = (await treeRows(api, group)).map((r) => r.id).sort();
    await vscode.commands.executeCommand('kafkaGroups.view.refresh');
    const again = await simulatorGroupRow(api, 'orders-app');
    assert.equal(again.group.id, 'source/simulator/group/orders-app');
    assert.strictEqual(again.group.node, group.node, 'the same element object survives a refresh');
    const second = (await treeRows(api, again.group)).map((r) => r.id).sort();
    assert.deepEqual(second, first);
    for (const id of second) assert.match(id, /^source\/simulator\/group\/orders-app\/member\/[^/]+$/);
  });

  it('gives each kind of row the context menu package.json declares for it', async () => {
    const { source, group } = await simulatorGroupRow(api, 'orders-app');
    const member = (await treeRows(api, group)).find((r) => r.id.includes('/member/'));
    assert.ok(member, 'the group has no member row');
    const partition = (await treeRows(api, member))[0];
    assert.ok(partition, 'the member has no partition row');

    const sourceMenu = menuFor(source);
    assert.ok(sourceMenu.includes('kafkaGroups.source.close'), `source menu: ${sourceMenu.join(', ')}`);
    assert.ok(
      sourceMenu.includes('kafkaGroups.simulator.addPartitions'),
      `source menu: ${sourceMenu.join(', ')}`,
    );
    assert.ok(
      sourceMenu.some((c) => /^inline kafkaGroups\.simulator\.(pause|play)$/.test(c)),
      `the source row has no inline play/pause: ${sourceMenu.join(', ')}`,
    );
    assert.deepEqual(
      menuFor(group).filter((c) => !c.startsWith('inline')),
      ['kafkaGroups.dashboard.open', 'kafkaGroups.simulator.addMember', 'kafkaGroups.snapshot.export'],
    );
    assert.ok(menuFor(group).includes('inline kafkaGroups.dashboard.open'));
    assert.deepEqual(
      menuFor(member).filter((c) => !c.startsWith('inline')),
      [
        'kafkaGroups.simulator.changeSubscription',
        'kafkaGroups.simulator.crashMember',
        'kafkaGroups.simulator.restartMember',
        'kafkaGroups.simulator.slowMember',
      ],
    );
    assert.deepEqual(menuFor(partition), [], 'partition rows have no actions');
  });
});

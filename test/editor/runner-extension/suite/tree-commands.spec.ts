// Commands run on a tree row, as VS Code runs them from a context menu or an inline action: with
// the row's element as the argument (or a plain { sourceId, groupId, memberId } object, as other
// features and keybindings pass). They must act on that row without asking which one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KafkaGroupsApi } from '../../../../src/ui/api';
import {
  dashboardTabs,
  delay,
  dismissUi,
  extensionApi,
  extensionLogErrors,
  type Row,
  setSetting,
  simulatorGroupRow,
  startSimulator,
  stopSimulator,
  treeRows,
  until,
} from './support';

/** Runs a command that opens quick inputs, accepting the default of each until it finishes. */
async function runAccepting(command: string, ...args: unknown[]): Promise<void> {
  let done = false;
  const running = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => {
    done = true;
  });
  const deadline = Date.now() + 10_000;
  while (!done) {
    if (Date.now() > deadline) {
      await dismissUi();
      throw new Error(`${command} still waits for input after 10 s of accepting every prompt`);
    }
    await delay(250);
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  await running;
}

function groupEpoch(group: Row): number {
  const m = /Group epoch: `(\d+)`/.exec(group.tooltip);
  if (m === null) throw new Error(`the group tooltip shows no group epoch: ${group.tooltip}`);
  return Number(m[1]);
}

async function memberRows(api: KafkaGroupsApi): Promise<Row[]> {
  const { group } = await simulatorGroupRow(api, 'orders-app');
  return (await treeRows(api, group)).filter((r) => r.id.includes('/member/'));
}

describe('commands run on tree rows', () => {
  let api: KafkaGroupsApi;
  before(async () => {
    api = await extensionApi();
    await setSetting('kafkaGroups.simulator.scenario', 'rolling-restart-static');
    await setSetting('kafkaGroups.simulator.speed', 50);
    await startSimulator(api);
    await until(async () => (await memberRows(api)).length === 4, 'the four members did not join');
  });
  afterEach(dismissUi);
  after(async () => {
    await stopSimulator();
    await setSetting('kafkaGroups.simulator.scenario', undefined);
    await setSetting('kafkaGroups.simulator.speed', undefined);
  });

  it('Open Group Dashboard on a group row opens that group’s dashboard', async () => {
    await dismissUi();
    const { group } = await simulatorGroupRow(api, 'orders-app');
    await vscode.commands.executeCommand('kafkaGroups.dashboard.open', group.node);
    await until(
      () => dashboardTabs().some((t) => t.label === 'Group orders-app'),
      () => `tabs: ${JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)))}`,
    );
    // Again on the same group: the open dashboard is revealed, not duplicated.
    await vscode.commands.executeCommand('kafkaGroups.dashboard.open', group.node);
    await delay(300);
    assert.equal(dashboardTabs().length, 1);
  });

  it('Open Group Dashboard with a { sourceId, groupId } argument opens it too', async () => {
    await dismissUi();
    assert.equal(dashboardTabs().length, 0);
    await vscode.commands.executeCommand('kafkaGroups.dashboard.open', {
      sourceId: 'simulator',
      groupId: 'orders-app',
    });
    await until(() => dashboardTabs().some((t) => t.label === 'Group orders-app'), 'no dashboard opened');
  });

  it('Crash Member on a member row crashes that member, and the group removes it', async () => {
    const before = await memberRows(api);
    const victim = before.find((r) => r.label.startsWith('consumer-3 '));
    assert.ok(victim, `no consumer-3 row: ${JSON.stringify(before.map((r) => r.label))}`);
    await setSetting('kafkaGroups.simulator.speed', 1000);
    await vscode.commands.executeCommand('kafkaGroups.simulator.crashMember', victim.node);
    // No prompt: the row said which member. The coordinator drops it after session.timeout.ms.
    await until(
      async () => !(await memberRows(api)).some((r) => r.id === victim.id),
      async () =>
        `${victim.label} is still in the group: ${JSON.stringify((await memberRows(api)).map((r) => r.label))}`,
      15_000,
    );
    await setSetting('kafkaGroups.simulator.speed', 50);
  });

  it('Add Member on a group row adds a member to that group (asking only for its settings)', async () => {
    const before = (await memberRows(api)).length;
    const { group } = await simulatorGroupRow(api, 'orders-app');
    await runAccepting('kafkaGroups.simulator.addMember', group.node);
    await until(
      async () => (await memberRows(api)).length === before + 1,
      async () => `members: ${JSON.stringify((await memberRows(api)).map((r) => r.label))}`,
      15_000,
    );
  });

  it('Restart Member on a static member row: it is back within the session timeout, with its partitions and no rebalance', async () => {
    let rows: Row[] = [];
    const settled = async (): Promise<boolean> => {
      rows = await memberRows(api);
      const { group } = await simulatorGroupRow(api, 'orders-app');
      return group.description.startsWith('Stable') && rows.every((r) => r.description.endsWith('✓'));
    };
    await until(
      settled,
      () => `the group did not settle: ${JSON.stringify(rows.map((r) => r.description))}`,
      15_000,
    );
    const target = rows.find((r) => r.label.startsWith('consumer-1 '));
    assert.ok(target, `no consumer-1 row: ${JSON.stringify(rows.map((r) => r.label))}`);
    assert.match(target.contextValue, /^member:consumer:static:reconciled:simulated$/);
    const epochBefore = groupEpoch((await simulatorGroupRow(api, 'orders-app')).group);
    const partitionsBefore = (await treeRows(api, target)).map((p) => p.label).sort();

    await runAccepting('kafkaGroups.simulator.restartMember', target.node); // down for the default 10 s
    let back: Row | undefined;
    await until(
      async () => {
        back = (await memberRows(api)).find((r) => r.label.startsWith('consumer-1 ') && r.id !== target.id);
        return back !== undefined && back.description.endsWith('✓');
      },
      'consumer-1 did not come back as a new incarnation of its static member',
      15_000,
    );
    assert.deepEqual((await treeRows(api, back)).map((p) => p.label).sort(), partitionsBefore);
    assert.equal(groupEpoch((await simulatorGroupRow(api, 'orders-app')).group), epochBefore);
  });

  it('a member row of a source that is not the simulator is refused with a message, not an error', async () => {
    const errors = extensionLogErrors().length;
    await vscode.commands.executeCommand('kafkaGroups.simulator.addMember', {
      sourceId: 'file/bug-report.json',
      groupId: 'orders-app',
    });
    await vscode.commands.executeCommand('kafkaGroups.simulator.crashMember', {
      sourceId: 'simulator',
      groupId: 'orders-app',
      memberId: 'no-such-member',
    });
    assert.deepEqual(extensionLogErrors().slice(errors), []);
  });
});

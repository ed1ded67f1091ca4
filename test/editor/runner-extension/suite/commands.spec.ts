// Every command in package.json is registered and runs from executeCommand; every kafkaGroups.*
// command registered at run time is declared in package.json. Iterates the manifest, so a new
// command is covered as soon as it is declared.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KafkaGroupsApi } from '../../../../src/ui/api';
import {
  contributedViewIds,
  delay,
  dismissUi,
  extensionApi,
  extensionLogErrors,
  extensionUnderTest,
  manifest,
  startSimulator,
  stopSimulator,
} from './support';

const PREFIX = 'kafkaGroups.';
const commands = manifest().contributes.commands ?? [];

/** How a command ended: it finished, it threw, or it is still waiting (for the user). */
async function settle(p: Thenable<unknown>, ms: number): Promise<'done' | 'waiting'> {
  return Promise.race([
    Promise.resolve(p).then(() => 'done' as const),
    delay(ms).then(() => 'waiting' as const),
  ]);
}

describe('commands', () => {
  let registered: Set<string>;
  before(async () => {
    await extensionUnderTest().activate();
    registered = new Set(await vscode.commands.getCommands(true));
  });
  afterEach(dismissUi);

  it('every command in package.json is registered', () => {
    const missing = commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'declared in package.json but not registered by the extension');
  });

  it(`every ${PREFIX}* command the extension registers is declared in package.json`, () => {
    // VS Code itself registers <viewId>.focus, .resetViewLocation, … for each contributed view.
    const viewCommands = contributedViewIds().map((v) => `${v}.`);
    const declared = new Set(commands.map((c) => c.command));
    const undeclared = [...registered]
      .filter((id) => id.startsWith(PREFIX) && !viewCommands.some((v) => id.startsWith(v)))
      .filter((id) => !declared.has(id));
    assert.deepEqual(undeclared, [], 'registered but missing from package.json contributes.commands');
  });

  // With no argument (the palette), a command either does its job, asks (a picker or an input
  // box, dismissed here) or tells the user why it cannot (a warning) — it never fails with an
  // unexpected error, which the extension would log as [error]. Both with the simulator stopped
  // and running, since most commands act on it.
  for (const simulator of ['stopped', 'running'] as const) {
    describe(`with no argument, the simulator ${simulator}`, () => {
      let api: KafkaGroupsApi;
      before(async () => {
        api = await extensionApi();
      });
      beforeEach(async () => {
        if (simulator === 'running' && api.simulator() === undefined) await startSimulator(api);
        if (simulator === 'stopped') await stopSimulator();
      });
      after(stopSimulator);

      for (const c of commands) {
        it(`"${c.title}" (${c.command}) runs from executeCommand without an error`, async () => {
          const errorsBefore = extensionLogErrors().length;
          const running = vscode.commands.executeCommand(c.command);
          // A command that asks for input waits; dismissing the prompt must end it cleanly.
          if ((await settle(running, 3_000)) === 'waiting') {
            await dismissUi();
            assert.equal(
              await settle(running, 5_000),
              'done',
              `${c.command} still runs 5 s after its prompt was dismissed`,
            );
          }
          assert.deepEqual(extensionLogErrors().slice(errorsBefore), [], `${c.command} logged an error`);
        });
      }
    });
  }
});

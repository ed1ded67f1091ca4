// Root hooks of the e2e suite (loaded with `mocha --require`): one code-server with the packaged
// extension in a fresh user-data-dir and extensions-dir under .cache/e2e/, one Chromium page on its
// workbench, for every e2e test. Tests get it with `workbench()`.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { extensionUnderTestId, launchEditor, ROOT, type Editor } from '../support/editor';
import { Workbench } from './workbench';

export const ARTIFACTS = join(ROOT, 'test/e2e/artifacts');
/** A file harness.test.ts opens to check the helpers on VS Code's own UI. */
export const HARNESS_NOTE = '# Harness check\n\nThe e2e helpers work on VS Code itself.\n';

let editor: Editor | undefined;
let current: Workbench | undefined;
let launchError: Error | undefined;

/** The workbench every e2e test drives. */
export function workbench(): Workbench {
  if (!current) {
    throw new Error(`the e2e setup could not start the editor: ${launchError?.message ?? 'it did not run'}`);
  }
  return current;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(8 * 60_000); // the first run on a fresh machine installs code-server
    // Start clean, but keep the editor suite's screenshots (artifacts/editor/).
    if (existsSync(ARTIFACTS)) {
      for (const entry of readdirSync(ARTIFACTS)) {
        if (entry !== 'editor') rmSync(join(ARTIFACTS, entry), { recursive: true, force: true });
      }
    }
    try {
      editor = await launchEditor({
        name: 'e2e',
        install: 'vsix',
        // Tests start the simulator themselves (command or setting), so each decides what runs.
        workspaceSettings: { 'kafkaGroups.simulator.autoStart': false },
        workspaceFiles: { 'notes.md': HARNESS_NOTE },
      });
      current = new Workbench(editor, extensionUnderTestId(), ARTIFACTS);
      await current.screenshot('workbench');
      process.stderr.write(`      e2e editor ready: ${JSON.stringify(editor.timings)}\n`);
    } catch (e) {
      launchError = e as Error;
      throw e;
    }
  },
  beforeEach(this: Mocha.Context): void {
    current?.beginTest(this.currentTest?.fullTitle() ?? 'test');
  },
  async afterEach(this: Mocha.Context): Promise<void> {
    if (this.currentTest?.state === 'failed') await current?.screenshot('failure').catch(() => undefined);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await editor?.stop();
  },
};

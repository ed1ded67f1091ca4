// Page helpers for end-to-end tests: what a person does in the workbench, each step followed by a
// screenshot in test/e2e/artifacts/<test>/NN-<step>.png. See test/e2e/README.md.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import type { Editor } from '../support/editor';
import { errorEntries, extensionHostLog, extensionLog, waitForLog } from '../support/logs';

export class Workbench {
  private testDir: string;
  private step = 0;

  constructor(
    readonly editor: Editor,
    readonly extensionId: string,
    readonly artifactsDir: string,
  ) {
    this.testDir = join(artifactsDir, 'setup');
  }

  get page(): Page {
    return this.editor.page;
  }

  /** Called by the root hook before each test: screenshots go to a folder named after it. */
  beginTest(title: string): void {
    this.testDir = join(this.artifactsDir, slug(title));
    this.step = 0;
  }

  /** Saves a PNG of what a person sees now; returns its path. */
  async screenshot(label: string): Promise<string> {
    mkdirSync(this.testDir, { recursive: true });
    this.step++;
    const file = join(this.testDir, `${String(this.step).padStart(2, '0')}-${slug(label)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The activity-bar entry whose aria-label is `label` (VS Code may append a keybinding). */
  activityBarItem(label: string): Locator {
    return this.page.locator(
      `.part.activitybar .action-item:has(> a[aria-label="${label}"]), .part.activitybar .action-item:has(> a[aria-label^="${label} ("])`,
    );
  }

  async activityBarLabels(): Promise<string[]> {
    return this.page
      .locator('.part.activitybar .action-item > a[aria-label]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  }

  /** Shows the view container behind an activity-bar entry (without toggling it closed). */
  async openActivityBarItem(label: string): Promise<void> {
    const item = this.activityBarItem(label);
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    const isOpen = async (): Promise<boolean> =>
      ((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked') &&
      (await this.page.locator('.part.sidebar').isVisible());
    if (!(await isOpen())) await item.click();
    await waitUntil(isOpen, 10_000, `the "${label}" view container did not open`);
    await this.screenshot(`open ${label}`);
  }

  /** The side bar (where a view container's views are shown). */
  sidebar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** The text of the rows of the tree(s) in the side bar, top to bottom. */
  async treeRows(): Promise<string[]> {
    return this.sidebar()
      .locator('.monaco-list-row')
      .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
  }

  /** Waits until a tree row matches, then screenshots; returns the row's locator. */
  async waitForTreeRow(match: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const row = this.sidebar().locator('.monaco-list-row', { hasText: match }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      await this.screenshot('tree row missing');
      throw new Error(
        `no tree row matching ${String(match)}; rows: ${JSON.stringify(await this.treeRows())}`,
      );
    }
    await this.screenshot(`tree row ${String(match)}`);
    return row;
  }

  /** The welcome content of the view(s) in the side bar (shown while a tree is empty). */
  async welcomeText(timeoutMs = 10_000): Promise<string> {
    const welcome = this.sidebar().locator('.welcome-view-content').first();
    await welcome.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await welcome.innerText()).trim();
  }

  /** Right-clicks `target` (e.g. a tree row) and chooses `label` from its context menu. */
  async contextMenu(target: Locator, label: string): Promise<void> {
    await target.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    const item = menu.locator('.action-item', { hasText: label }).first();
    if ((await item.count()) === 0) {
      await this.screenshot(`context menu has no ${label}`);
      const items = await menu.locator('.action-item').allInnerTexts();
      await this.page.keyboard.press('Escape');
      throw new Error(`the context menu has no "${label}"; it has ${JSON.stringify(items)}`);
    }
    await this.screenshot(`context menu ${label}`);
    await item.click();
    // Under load the menu can miss a click that comes right after it opened: then choose the
    // item with the keyboard (hover focuses it, Enter runs it).
    if (
      !(await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await item.hover();
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
    }
    await this.screenshot(`chose ${label}`);
  }

  /** Closes whatever a step may have left open (a context menu, a quick input). */
  async dismissPopups(): Promise<void> {
    const popups = [
      this.page.locator('.context-view .monaco-menu'),
      this.page.locator('.quick-input-widget'),
    ];
    for (let i = 0; i < 3; i++) {
      const open = await Promise.all(
        popups.map((p) =>
          p
            .first()
            .isVisible()
            .catch(() => false),
        ),
      );
      if (!open.includes(true)) return;
      await this.page.keyboard.press('Escape');
    }
  }

  /** Reloads the window: a new extension host, so the extension starts over. */
  async reload(): Promise<void> {
    await this.editor.reload();
    await this.screenshot('reloaded');
  }

  /** Runs a command from the palette: F1, type its title, Enter. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    // Focus the workbench itself, not an editor or a webview (a click there could press one of
    // its buttons): the title bar's empty left end does nothing when clicked.
    await this.page.locator('.part.titlebar').click({ position: { x: 150, y: 10 } });
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const item = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      await this.screenshot(`palette has no ${title}`);
      await this.page.keyboard.press('Escape');
      throw new Error(`the command palette has no command "${title}"`);
    }
    await this.screenshot(`palette ${title}`);
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => undefined);
    await this.screenshot(`ran ${title}`);
  }

  /**
   * Answers the quick input (picker or input box) a command opened: waits for one titled like
   * `title` (when given), chooses the item `pick` or types `type` (or accepts what is there), then
   * presses Enter. Returns the title it answered.
   */
  async answerQuickInput({
    title,
    pick,
    type,
    timeoutMs = 10_000,
  }: { title?: string | RegExp; pick?: string; type?: string; timeoutMs?: number } = {}): Promise<string> {
    const widget = this.page.locator('.quick-input-widget');
    const titleEl = widget.locator('.quick-input-title');
    await widget.waitFor({ state: 'visible', timeout: timeoutMs });
    if (title !== undefined) {
      await this.page
        .locator('.quick-input-widget .quick-input-title', { hasText: title })
        .waitFor({ state: 'visible', timeout: timeoutMs })
        .catch(async () => {
          await this.screenshot('quick input title missing');
          throw new Error(`no quick input titled ${String(title)}; it shows "${await titleEl.innerText()}"`);
        });
    }
    const shown = (await titleEl.innerText().catch(() => '')).trim();
    const input = widget.locator('input').first();
    if (type !== undefined) await input.fill(type);
    if (pick !== undefined) {
      await input.fill(pick);
      await widget
        .locator('.quick-input-list .monaco-list-row', { hasText: pick })
        .first()
        .waitFor({ state: 'visible', timeout: timeoutMs });
    }
    await this.screenshot(`quick input ${shown || 'untitled'}`);
    await input.press('Enter');
    // The next prompt reuses the widget: wait until this one is gone or has changed.
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!(await widget.isVisible())) break;
      if ((await titleEl.innerText().catch(() => '')).trim() !== shown) break;
      await this.page.waitForTimeout(50);
    }
    return shown;
  }

  /** Expands a collapsed tree row (no-op when it is expanded already). */
  async expandTreeRow(row: Locator): Promise<void> {
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await waitUntil(
        async () => (await row.getAttribute('aria-expanded')) === 'true',
        5_000,
        'the tree row did not expand',
      );
    }
  }

  /**
   * The frame holding a webview's content (VS Code nests it: iframe.webview › iframe#active-frame).
   * With `containing`, the first webview in which that selector matches.
   */
  async webviewFrame({
    containing,
    timeoutMs = 30_000,
  }: { containing?: string; timeoutMs?: number } = {}): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame.name() !== 'active-frame' && !frame.url().includes('/fake.html')) continue;
        if (
          !containing ||
          (await frame
            .locator(containing)
            .count()
            .catch(() => 0)) > 0
        ) {
          await this.screenshot('webview');
          return frame;
        }
      }
      if (Date.now() > deadline) {
        await this.screenshot('webview missing');
        throw new Error(
          `no webview${containing ? ` containing ${containing}` : ''} within ${timeoutMs / 1000} s`,
        );
      }
      await this.page.waitForTimeout(200);
    }
  }

  /** The messages of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notification-toast .notification-list-item-message')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** The extension host's log (every window of this session). */
  extensionHostLog(): string {
    return extensionHostLog(this.editor.userDataDir);
  }

  /** What the extension under test wrote to its own log channel. */
  extensionLog(): string {
    return extensionLog(this.editor.userDataDir, this.extensionId);
  }

  /**
   * Error entries in the extension host log that concern the extension under test (its id or a
   * stack frame in its folder) — plus its own log channel's `[error]` lines.
   */
  extensionErrors(): string[] {
    const id = this.extensionId.toLowerCase();
    const fromHost = errorEntries(this.extensionHostLog()).filter((e) => e.toLowerCase().includes(id));
    return [...fromHost, ...errorEntries(this.extensionLog())];
  }

  /** Waits until the extension's own log shows `pattern`. */
  waitForExtensionLog(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return waitForLog(() => this.extensionLog(), pattern, { timeoutMs, what: `the ${this.extensionId} log` });
  }

  /** Waits until the extension host log shows `pattern`. */
  waitForExtensionHostLog(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return waitForLog(() => this.extensionHostLog(), pattern, { timeoutMs, what: 'the extension host log' });
  }
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'step'
  );
}

async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

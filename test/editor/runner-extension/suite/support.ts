// Helpers for the specs that run inside the editor (bundled into dist/suite.js).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { KafkaGroupsApi, TreeNode } from '../../../../src/ui/api';
import type { RunnerExports } from '../extension';
import type { RunnerConfig } from '../results';

/** The runner's config sits next to dist/, where this code runs from. */
const config = JSON.parse(readFileSync(join(__dirname, '..', 'runner-config.json'), 'utf8')) as RunnerConfig;

export interface ManifestCommand {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}
export interface ManifestSetting {
  readonly type?: string | string[];
  readonly default?: unknown;
  readonly enum?: unknown[];
  readonly markdownDescription?: string;
}
export interface Manifest {
  readonly activationEvents?: string[];
  readonly contributes: {
    readonly commands?: ManifestCommand[];
    readonly views?: Record<string, { id: string; name: string }[]>;
    readonly viewsContainers?: { activitybar?: { id: string; title: string }[] };
    readonly configuration?:
      { properties?: Record<string, ManifestSetting> } | { properties?: Record<string, ManifestSetting> }[];
  };
}

export const EXTENSION_ID = config.extensionId;

/** The extension under test, as the editor sees it (fails when it is not installed). */
export function extensionUnderTest(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this editor`);
  return ext;
}

/** Its package.json, as loaded by the editor. */
export function manifest(): Manifest {
  return extensionUnderTest().packageJSON as Manifest;
}

export function contributedSettings(): [string, ManifestSetting][] {
  const c = manifest().contributes.configuration;
  const sections = Array.isArray(c) ? c : c ? [c] : [];
  return sections.flatMap((s) => Object.entries(s.properties ?? {}));
}

export function contributedViewIds(): string[] {
  return Object.values(manifest().contributes.views ?? {}).flatMap((vs) => vs.map((v) => v.id));
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `condition` until it holds, or fails with `message` (a string, or one built from what was last seen). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  message: string | (() => string | Promise<string>),
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const text = typeof message === 'string' ? message : await message();
      throw new Error(`${text} (waited ${timeoutMs / 1000} s)`);
    }
    await delay(50);
  }
}

/** The extension under test, activated, and the API its activate() returns. */
export async function extensionApi(): Promise<KafkaGroupsApi> {
  const api = (await extensionUnderTest().activate()) as Partial<KafkaGroupsApi> | undefined;
  if (api?.apiVersion !== 1 || api.groupsTree === undefined || typeof api.simulator !== 'function') {
    throw new Error(`${EXTENSION_ID}'s activate() returned no KafkaGroupsApi (version 1)`);
  }
  return api as KafkaGroupsApi;
}

/** A row of the Groups tree: the element and the TreeItem VS Code draws for it. */
export interface Row {
  readonly node: TreeNode;
  readonly item: vscode.TreeItem;
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
  /** The tooltip's markdown with the escaping undone. */
  readonly tooltip: string;
}

/** The children of `parent` (the roots when undefined), read as VS Code reads them. */
export async function treeRows(api: KafkaGroupsApi, parent?: Row): Promise<Row[]> {
  const nodes = (await api.groupsTree.getChildren(parent?.node)) ?? [];
  const rows: Row[] = [];
  for (const node of nodes) {
    const item = await api.groupsTree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip =
      typeof item.tooltip === 'string'
        ? item.tooltip
        : item.tooltip instanceof vscode.MarkdownString
          ? item.tooltip.value
          : '';
    rows.push({
      node,
      item,
      id: item.id ?? '',
      label,
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
      tooltip: plainMarkdown(tooltip),
    });
  }
  return rows;
}

/** Markdown as it reads: MarkdownString.appendText writes spaces as &nbsp; and escapes punctuation. */
function plainMarkdown(md: string): string {
  return md.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
}

/** The one row among `rows` whose label matches, or a failure listing what is there. */
export function rowNamed(rows: readonly Row[], label: string | RegExp): Row {
  const row = rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  if (row === undefined) {
    throw new Error(`no tree row ${String(label)}; rows: ${JSON.stringify(rows.map((r) => r.label))}`);
  }
  return row;
}

/** The simulator's source row and its group row `groupId`, once the tree shows them. */
export async function simulatorGroupRow(
  api: KafkaGroupsApi,
  groupId: string,
  timeoutMs = 10_000,
): Promise<{ source: Row; group: Row }> {
  let found: { source: Row; group: Row } | undefined;
  await until(
    async () => {
      const source = (await treeRows(api)).find((r) => r.id === 'source/simulator');
      const group = source && (await treeRows(api, source)).find((r) => r.label === groupId);
      if (source && group) found = { source, group };
      return found !== undefined;
    },
    async () =>
      `the tree shows no simulator group ${groupId}; roots: ${JSON.stringify((await treeRows(api)).map((r) => r.label))}`,
    timeoutMs,
  );
  return found!;
}

/** Starts (or restarts) the simulator the way a user does: the Start Simulator command. */
export async function startSimulator(api: KafkaGroupsApi): Promise<void> {
  await vscode.commands.executeCommand('kafkaGroups.simulator.start');
  await until(() => api.simulator()?.playing === true, 'Start Simulator did not start the simulator');
}

export async function stopSimulator(): Promise<void> {
  await vscode.commands.executeCommand('kafkaGroups.simulator.stop');
}

/** Sets a setting in the user settings (Global), waiting for the change event. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  const section = key.slice(0, key.lastIndexOf('.'));
  const name = key.slice(key.lastIndexOf('.') + 1);
  const config = vscode.workspace.getConfiguration(section);
  if (JSON.stringify(config.inspect(name)?.globalValue) === JSON.stringify(value)) return;
  const changed = new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(key)) {
        sub.dispose();
        resolve();
      }
    });
  });
  await config.update(name, value, vscode.ConfigurationTarget.Global);
  await changed;
}

/**
 * What the extension under test wrote to its log channel in this extension host. Its log folder
 * is a sibling of the runner's (both under the host's exthost<N> folder).
 */
export function extensionLog(): string {
  const runner = vscode.extensions.getExtension<RunnerExports>('kafka-group-debugger.kgd-editor-test-runner');
  const folder = runner?.exports?.logFolder;
  if (folder === undefined) throw new Error('the test runner extension exports no log folder');
  const host = dirname(folder);
  const own = readdirSync(host).find((d) => d.toLowerCase() === EXTENSION_ID.toLowerCase());
  if (own === undefined || !existsSync(join(host, own))) return '';
  return readdirSync(join(host, own))
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(host, own, f), 'utf8'))
    .join('\n');
}

/** The `[error]` lines of the extension's log. */
export function extensionLogErrors(): string[] {
  return extensionLog()
    .split('\n')
    .filter((l) => /\[error\]/.test(l));
}

/** The webview tabs (any group) whose view type is the dashboard's. */
export function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('kafkaGroups.dashboard'),
    );
}

/** Closes whatever a command may have left open: prompts, pickers, editors, notifications. */
export async function dismissUi(): Promise<void> {
  for (const id of [
    'workbench.action.closeQuickOpen',
    'notifications.clearAll',
    'workbench.action.closeAllEditors',
  ]) {
    await vscode.commands.executeCommand(id);
  }
}

/** What Test Connection returns to a programmatic caller. */
export interface ConnectionTestResult {
  readonly ok: boolean;
  readonly message: string;
}

/**
 * The user settings file as it is on disk. The runner's log folder is
 * <user-data>/logs/<session>/exthost<N>/<runner id>, so the user data folder is four levels up.
 */
export function userSettingsText(): string {
  const runner = vscode.extensions.getExtension<RunnerExports>('kafka-group-debugger.kgd-editor-test-runner');
  const folder = runner?.exports?.logFolder;
  if (folder === undefined) throw new Error('the test runner extension exports no log folder');
  const file = join(dirname(dirname(dirname(dirname(folder)))), 'User', 'settings.json');
  if (!existsSync(file)) throw new Error(`no user settings at ${file}: has the editor layout changed?`);
  return readFileSync(file, 'utf8');
}

/** Leaves no cluster configured (other specs run commands that would then prompt). */
export async function clearClusterSettings(): Promise<void> {
  await vscode.workspace
    .getConfiguration()
    .update('kafkaGroups.clusters', undefined, vscode.ConfigurationTarget.Global);
}

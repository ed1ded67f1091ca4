// Helpers for the specs that run inside the editor (bundled into dist/suite.js).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
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

/** Polls `condition` until it holds, or fails with `message`. */
export async function until(condition: () => boolean, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${message} (waited ${timeoutMs / 1000} s)`);
    await delay(50);
  }
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
 * The editor's user-data folder. setup.ts stages this runner in <home>/extensions/<id>/ and starts
 * code-server with <home>/user-data (test/support/editor.ts); this bundle runs from <id>/dist/.
 */
function userDataDir(): string {
  const dir = join(__dirname, '..', '..', '..', 'user-data');
  if (!existsSync(dir)) throw new Error(`no user-data folder at ${dir}: has the editor layout changed?`);
  return dir;
}

/** The user settings file as it is on disk. */
export function userSettingsText(): string {
  const file = join(userDataDir(), 'User', 'settings.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Everything the extension under test wrote to its log channel(s), from all sessions. */
export function extensionLogText(): string {
  const id = EXTENSION_ID.toLowerCase();
  const out: string[] = [];
  const walk = (dir: string, inExtension: boolean): void => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p, inExtension || entry.toLowerCase() === id);
      else if (inExtension) out.push(readFileSync(p, 'utf8'));
    }
  };
  const logs = join(userDataDir(), 'logs');
  if (existsSync(logs)) walk(logs, false);
  return out.join('\n');
}

/** Leaves no cluster configured (other specs run commands that would then prompt). */
export async function clearClusterSettings(): Promise<void> {
  await vscode.workspace
    .getConfiguration()
    .update('kafkaGroups.clusters', undefined, vscode.ConfigurationTarget.Global);
}

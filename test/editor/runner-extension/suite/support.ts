// Helpers for the specs that run inside the editor (bundled into dist/suite.js).
import { readFileSync } from 'node:fs';
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

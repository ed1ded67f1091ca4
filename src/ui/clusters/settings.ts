import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_TIMEOUT_MS } from '../../kafka/connection';
import { SETTING_CLUSTERS, parseClusterConfigs, type ClusterConfigs, type ClusterEntry } from './config';

export const SETTING_POLL_INTERVAL = 'kafkaGroups.watch.pollIntervalMs';
export const SETTING_TIMEOUT = 'kafkaGroups.connection.timeoutMs';

const DEFAULT_POLL_MS = 5_000;

/** A number setting, clamped into [min, max]; the default when it is not a number. */
function clampedSetting(key: string, def: number, min: number, max: number): number {
  const v = vscode.workspace.getConfiguration().get<unknown>(key, def);
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
}

/** `kafkaGroups.watch.pollIntervalMs`, clamped to 1 s – 10 min. */
export function pollIntervalMs(): number {
  return clampedSetting(SETTING_POLL_INTERVAL, DEFAULT_POLL_MS, 1_000, 600_000);
}

/** `kafkaGroups.connection.timeoutMs`, clamped to 1 s – 5 min. */
export function connectionTimeoutMs(): number {
  return clampedSetting(SETTING_TIMEOUT, DEFAULT_TIMEOUT_MS, 1_000, 300_000);
}

/**
 * A file path from the settings, made absolute: `~/…` is the home folder, `${workspaceFolder}`
 * and relative paths are the first workspace folder.
 */
export function resolveSettingPath(p: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let out = p.replace(/\$\{workspaceFolder\}/g, folder ?? '.');
  if (out === '~' || out.startsWith('~/')) out = join(homedir(), out.slice(1));
  if (!isAbsolute(out) && folder !== undefined) out = join(folder, out);
  return out;
}

export function readClusterConfigs(): ClusterConfigs {
  const raw = vscode.workspace.getConfiguration().get<unknown>(SETTING_CLUSTERS);
  return parseClusterConfigs(raw, { timeoutMs: connectionTimeoutMs(), resolvePath: resolveSettingPath });
}

/**
 * Where the clusters list is written: VS Code does not merge arrays across scopes, so when the
 * workspace has its own list, that is the one in effect (and the one to change).
 */
function targetOf(): { target: vscode.ConfigurationTarget; current: unknown[] } {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(SETTING_CLUSTERS);
  if (Array.isArray(inspected?.workspaceFolderValue))
    return { target: vscode.ConfigurationTarget.WorkspaceFolder, current: inspected.workspaceFolderValue };
  if (Array.isArray(inspected?.workspaceValue))
    return { target: vscode.ConfigurationTarget.Workspace, current: inspected.workspaceValue };
  return {
    target: vscode.ConfigurationTarget.Global,
    current: Array.isArray(inspected?.globalValue) ? inspected.globalValue : [],
  };
}

/** Appends a cluster to the list in effect. */
export async function appendClusterEntry(entry: ClusterEntry): Promise<void> {
  const { target, current } = targetOf();
  await vscode.workspace.getConfiguration().update(SETTING_CLUSTERS, [...current, entry], target);
}

/** Removes a cluster by name from the list in effect; false when it is not there. */
export async function removeClusterEntry(name: string): Promise<boolean> {
  const { target, current } = targetOf();
  const kept = current.filter(
    (e) => !(typeof e === 'object' && e !== null && String((e as { name?: unknown }).name).trim() === name),
  );
  if (kept.length === current.length) return false;
  await vscode.workspace.getConfiguration().update(SETTING_CLUSTERS, kept, target);
  return true;
}

import type * as vscode from 'vscode';
import { createLog } from './ui/log';
import { registerGroupsView } from './ui/tree/register';

/** Builds the object graph and registers every feature. Nothing else happens here. */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog(context);
  registerGroupsView(context);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

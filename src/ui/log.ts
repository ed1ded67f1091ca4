import * as vscode from 'vscode';

/** The extension's single log channel ("Kafka Group Debugger" in the Output panel). */
export function createLog(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const log = vscode.window.createOutputChannel('Kafka Group Debugger', { log: true });
  context.subscriptions.push(log);
  return log;
}

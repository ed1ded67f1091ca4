import * as vscode from 'vscode';
import { SimulationActionError } from '../simulator/engine/simulation';
import { ScenarioError } from '../simulator/scenario/parse';
import { SnapshotFileError } from '../sources/snapshot-file';

/** A problem the user can act on; its message says what to do. Shown as a warning, not a crash. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}

/**
 * Runs a command handler and turns failures into messages: problems the user can fix become
 * warnings with what to do; anything else is an error with a pointer to the log.
 */
export async function guarded(
  log: vscode.LogOutputChannel,
  commandId: string,
  run: () => unknown,
): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (
      err instanceof UserFacingError ||
      err instanceof SimulationActionError ||
      err instanceof ScenarioError ||
      err instanceof SnapshotFileError
    ) {
      log.warn(`${commandId}: ${err.message}`);
      void vscode.window.showWarningMessage(`Kafka Groups: ${err.message}`);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    log.error(`${commandId} failed`, err);
    void vscode.window.showErrorMessage(
      `Kafka Groups: ${message}. See the "Kafka Group Debugger" output for details.`,
    );
  }
}

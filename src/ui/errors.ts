import * as vscode from 'vscode';

/** A problem the user can act on; its message says what to do. Shown as a warning, not a crash. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
}

/**
 * Errors that say what to do. Matched by name, not class: the simulator runs from its own bundle
 * (loaded on first use), so its error classes are not the ones this bundle would import.
 */
const USER_FACING = new Set([
  'UserFacingError',
  'SimulationActionError',
  'ScenarioError',
  'SnapshotFileError',
]);

export function isUserFacing(err: unknown): err is Error {
  return err instanceof Error && USER_FACING.has(err.name);
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
    if (isUserFacing(err)) {
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

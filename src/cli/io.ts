/** The CLI's only contact with the terminal, so commands can be tested without a process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
  /** Whether stdout is a terminal (colour, widths). */
  readonly isTty: boolean;
  /**
   * Asks for a secret on the terminal without echoing it; resolves null when there is no terminal
   * to ask on (then the command must say how else to give it). Optional: tests may leave it out.
   */
  readSecret?(prompt: string): Promise<string | null>;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the user can act on (bad input file, unreachable broker): printed plainly, exit code 1. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export interface CliCommand {
  readonly name: string;
  /** One line for `kgd --help`. */
  readonly summary: string;
  /** Full usage text for `kgd <name> --help`. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

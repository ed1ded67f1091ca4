import { assignCommand } from './commands/assign';
import { simulateCommand } from './commands/simulate';
import type { CliCommand } from './io';

/** Every `kgd` subcommand, in the order `kgd --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [simulateCommand, assignCommand];

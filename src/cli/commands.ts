import type { CliCommand } from './io';
import { describeCommand, groupsCommand, lagCommand } from './commands/kafka-commands';

/** Every `kgd` subcommand, in the order `kgd --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [groupsCommand, describeCommand, lagCommand];

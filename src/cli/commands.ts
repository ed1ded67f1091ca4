import { assignCommand } from './commands/assign';
import { simulateCommand } from './commands/simulate';
import type { CliCommand } from './io';
import { doctorCommand } from './commands/doctor';
import {
  deleteGroupsCommand,
  deleteOffsetsCommand,
  removeMembersCommand,
  resetOffsetsCommand,
} from './commands/kafka-actions';
import { describeCommand, groupsCommand, lagCommand } from './commands/kafka-commands';

/** Every `kgd` subcommand, in the order `kgd --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  simulateCommand,
  assignCommand,
  groupsCommand,
  describeCommand,
  lagCommand,
  resetOffsetsCommand,
  deleteGroupsCommand,
  deleteOffsetsCommand,
  removeMembersCommand,
  doctorCommand,
];

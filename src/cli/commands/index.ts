/** Every CLI command, in the groups `sluice --help` shows. */
import type { Command } from '../command.js';
import { CHECKPOINT_COMMANDS } from './checkpoints.js';
import { DATA_COMMANDS } from './data.js';
import { LIFECYCLE_COMMANDS } from './lifecycle.js';
import { PIPELINE_COMMANDS } from './pipelines.js';

export const COMMAND_GROUPS: Array<[string, Command[]]> = [
  ['Pipelines', PIPELINE_COMMANDS],
  ['Lifecycle', LIFECYCLE_COMMANDS],
  ['Data', DATA_COMMANDS],
  ['Checkpoints and object-store sync', CHECKPOINT_COMMANDS],
];

export const COMMANDS = new Map(COMMAND_GROUPS.flatMap(([, commands]) => commands.map((c) => [c.name, c])));

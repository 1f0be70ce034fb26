/** Commands contributed by the audit and incident-action work, registered on the program. */
import type { Command } from 'commander';
import type { CommandContext } from './main.js';

export function registerExtraCommands(_program: Command, _ctx: CommandContext): void {}

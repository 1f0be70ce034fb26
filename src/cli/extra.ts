/** Commands contributed by the audit and incident-action work, registered on the program. */
import type { Command } from 'commander';
import type { CommandContext } from './main.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerActionCommands } from './commands/actions.js';

export function registerExtraCommands(program: Command, ctx: CommandContext): void {
  registerAuditCommand(program, ctx);
  registerActionCommands(program, ctx);
}

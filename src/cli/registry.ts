/**
 * The command registry: which module defines which commands, loaded only when one of its commands
 * runs. `warden audit` reads the audit module and nothing of the UI or the incident actions;
 * `warden --help` and an unknown command load every module, so help lists all commands and a
 * typo gets a suggestion.
 */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';

type Register = (program: Command, ctx: CommandContext) => void;

export interface CommandModule {
  /** The top-level command names the module registers, in help order. */
  names: readonly string[];
  load(): Promise<Register>;
}

export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    names: ['run', 'resume'],
    load: () => import('./commands/interactive.js').then((m) => m.registerInteractiveCommands),
  },
  {
    names: ['sessions', 'report'],
    load: () => import('./commands/sessions.js').then((m) => m.registerSessionCommands),
  },
  {
    names: ['verify'],
    load: () => import('./commands/verify.js').then((m) => m.registerVerifyCommand),
  },
  {
    names: ['runbooks'],
    load: () => import('./commands/runbooks.js').then((m) => m.registerRunbookCommands),
  },
  {
    names: ['doctor'],
    load: () => import('./commands/doctor.js').then((m) => m.registerDoctorCommand),
  },
  {
    names: ['config'],
    load: () => import('./commands/config.js').then((m) => m.registerConfigCommand),
  },
  {
    names: ['audit'],
    load: () => import('./commands/audit.js').then((m) => m.registerAuditCommand),
  },
  {
    names: [
      'snapshot',
      'isolate',
      'unisolate',
      'pause',
      'unpause',
      'stop',
      'restart',
      'kill',
      'backup',
      'restore',
      'restore-test',
      'eradicate',
    ],
    load: () => import('./commands/actions.js').then((m) => m.registerActionCommands),
  },
];

/** The command argv names (its first word that is not an option), if any. */
export function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    // A root option's value is not a command: `warden --context lab audit`.
    if (a === '--context') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/**
 * Registers what `args` (argv without node and script) needs: the module of the named command;
 * none for the home screen or a bare `--version`; all of them for help or an unknown name.
 */
export async function registerCommands(
  program: Command,
  ctx: CommandContext,
  args: readonly string[],
): Promise<void> {
  const name = commandName(args);
  const wantsHelp = args.some((a) => a === '-h' || a === '--help');
  let modules: readonly CommandModule[];
  if (name === undefined) modules = wantsHelp ? COMMAND_MODULES : [];
  else {
    const hit = COMMAND_MODULES.find((m) => m.names.includes(name));
    modules = hit ? [hit] : COMMAND_MODULES;
  }
  const registers = await Promise.all(modules.map((m) => m.load()));
  for (const register of registers) register(program, ctx);
}

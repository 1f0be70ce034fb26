/**
 * The entry point: the root command, interactive vs headless, exit codes (0 ok, 1 findings /
 * failed verification, 2 usage or environment error). Commands are registered from the registry,
 * which loads only the module of the command being run; the UI is loaded with a dynamic import
 * when interactive, and the app (adapters) is composed on a handler's first `ctx.app()`.
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import type { App } from './compose.js';
import type { CommandContext } from './context.js';
import { processIo, reportError } from './io.js';
import { registerCommands } from './registry.js';
import { wardenVersion } from './version.js';

export function rootProgram(ctx: CommandContext): Command {
  const { io, handle } = ctx;
  return new Command()
    .name('warden')
    .description(
      'Incident response and Docker hardening runbooks, recorded in a signed, hash-chained journal.',
    )
    .version(wardenVersion(), '-V, --version')
    .option('--context <name>', 'the Docker context to use (before DOCKER_HOST and DOCKER_CONTEXT)')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .addHelpText(
      'after',
      "\nEnvironment:\n  WARDEN_HOME   where config, keys, sessions and evidence live (default ~/.warden)\n  DOCKER_HOST   the Docker engine (default unix:///var/run/docker.sock); DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS\n  DOCKER_CONTEXT  a Docker context (after --context and DOCKER_HOST; then the docker.host setting, then the docker CLI's current context)\n  WARDEN_ENGINE_TIMEOUT          seconds the engine may stay silent in a call (default 30)\n  WARDEN_ENGINE_CONNECT_TIMEOUT  seconds to reach the engine and get its first answer (default 5)\n  NO_COLOR      disable colour\n\nExit codes: 0 ok, 1 findings or failed verification, 2 usage or environment error.",
    )
    .allowExcessArguments(true)
    .action((_opts: unknown, cmd: Command) =>
      handle(async () => {
        if (cmd.args.length > 0) {
          throw new UserError(
            `unknown command "${cmd.args[0]}"`,
            '`warden --help` lists the commands',
          );
        }
        const { interactiveCommand } = await import('./commands/interactive.js');
        return interactiveCommand(ctx.app(), io, { kind: 'home' });
      }),
    );
}

/** The program with every command registered (for tests and help). */
export async function buildProgram(ctx: CommandContext, args: readonly string[] = ['--help']) {
  const program = rootProgram(ctx);
  await registerCommands(program, ctx, args);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const io = processIo();
  let app: App | undefined;
  let composeApp: (() => App) | undefined;
  let code = 0;
  const ctx: CommandContext = {
    io,
    app: () => {
      if (!composeApp) throw new Error('the app is composed before a command runs');
      return (app ??= composeApp());
    },
    handle: async (fn) => {
      try {
        code = await fn();
      } catch (err) {
        code = reportError(io, err);
      }
    },
  };
  try {
    const args = argv.slice(2);
    const [program, compose] = await Promise.all([buildProgram(ctx, args), import('./compose.js')]);
    composeApp = () => {
      const context = (program.opts() as { context?: string }).context;
      return compose.composeApp(process.env, context ? { context } : {});
    };
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every usage error exits 2.
      code = err.exitCode === 0 ? 0 : 2;
    } else code = reportError(io, err);
  }
  process.exitCode = code;
}

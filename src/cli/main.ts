/**
 * The entry point: argument parsing (commander), interactive vs headless, exit codes
 * (0 ok, 1 findings / failed verification, 2 usage or environment error).
 * The headless verbs never import the UI: it is loaded with a dynamic import when interactive.
 */
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../errors.js';
import { composeApp, type App } from './compose.js';
import { processIo, reportError, type Io } from './io.js';
import { wardenVersion } from './version.js';
import { interactiveCommand, parseInputs } from './commands/interactive.js';
import { reportCommand, sessionsCommand } from './commands/sessions.js';
import { verifyCommand, type VerifyOptions } from './commands/verify.js';
import { runbooksListCommand, runbooksValidateCommand } from './commands/runbooks.js';
import { doctorCommand } from './commands/doctor.js';
import { configCommand } from './commands/config.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerActionCommands } from './commands/actions.js';

export interface CommandContext {
  app(): App;
  io: Io;
  /** Runs a handler, mapping thrown errors to a one-line message and an exit code. */
  handle(fn: () => Promise<number> | number): Promise<void>;
}

export function buildProgram(ctx: CommandContext): Command {
  const { io, handle } = ctx;
  const program = new Command();
  program
    .name('warden')
    .description(
      'Incident response and Docker hardening runbooks, recorded in a signed, hash-chained journal.',
    )
    .version(wardenVersion(), '-V, --version')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .addHelpText(
      'after',
      '\nEnvironment:\n  WARDEN_HOME   where config, keys, sessions and evidence live (default ~/.warden)\n  DOCKER_HOST   the Docker engine (default unix:///var/run/docker.sock)\n  NO_COLOR      disable colour\n\nExit codes: 0 ok, 1 findings or failed verification, 2 usage or environment error.',
    )
    .allowExcessArguments(true)
    .action((_opts: unknown, cmd: Command) =>
      handle(() => {
        if (cmd.args.length > 0) {
          throw new UserError(
            `unknown command "${cmd.args[0]}"`,
            '`warden --help` lists the commands',
          );
        }
        return interactiveCommand(ctx.app(), io, { kind: 'home' });
      }),
    );

  program
    .command('run')
    .description('start a session of a runbook (interactive)')
    .argument('<runbook>', 'runbook id (see `warden runbooks list`) or path to a YAML file')
    .option('-i, --input <key=value...>', 'runbook input, e.g. --input target=web', [])
    .action((ref: string, opts: { input: string[] }) =>
      handle(() =>
        interactiveCommand(ctx.app(), io, { kind: 'run', ref, inputs: parseInputs(opts.input) }),
      ),
    );

  program
    .command('resume')
    .description('resume a session (interactive)')
    .argument('<session>', 'session id or a unique part of it')
    .action((sessionId: string) =>
      handle(() => interactiveCommand(ctx.app(), io, { kind: 'resume', sessionId })),
    );

  program
    .command('sessions')
    .description('list sessions: id, runbook, targets, state, progress, last activity')
    .option('--json', 'machine-readable output')
    .option('--all', 'also list ad-hoc sessions in which nothing was recorded')
    .option('--trusted-key <pem...>', 'public key(s) to show sign-offs as made with a trusted key')
    .action((opts: { json?: boolean; all?: boolean; trustedKey?: string[] }) =>
      handle(() => sessionsCommand(ctx.app(), io, opts)),
    );

  program
    .command('report')
    .description('turn a session journal into a report (UTC timeline, steps, notes, sign-off)')
    .argument('<session>', 'session id (or unique part) or journal path')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['md', 'json']).default('md'),
    )
    .option('-o, --output <file>', 'write to a file (0600) instead of stdout')
    .option('--trusted-key <pem...>', 'public key(s) to show sign-offs as made with a trusted key')
    .action((ref: string, opts: { format: string; output?: string; trustedKey?: string[] }) =>
      handle(() => reportCommand(ctx.app(), io, ref, opts)),
    );

  program
    .command('verify')
    .description(
      'verify a journal: hash chain, sign-off signatures, evidence and backup hashes (exit 1 names the first bad entry)',
    )
    .argument('<session>', 'session id (or unique part) or journal path')
    .option(
      '--trusted-key <pem...>',
      'public key(s) every sign-off must be made with (fails when there is no sign-off)',
    )
    .option('--require-signed', 'fail unless a sign-off covers the last entry')
    .option('--json', 'machine-readable output')
    .action((ref: string, opts: VerifyOptions) =>
      handle(() => verifyCommand(ctx.app(), io, ref, opts)),
    );

  const runbooks = program.command('runbooks').description('list and validate runbooks');
  runbooks
    .command('list')
    .description('bundled, user ($WARDEN_HOME/runbooks) and their ids')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => handle(() => runbooksListCommand(ctx.app(), io, opts)));
  runbooks
    .command('validate')
    .description('validate runbook files; every error as file:line:col (exit 1 on any)')
    .argument('<files...>', 'YAML files')
    .action((files: string[]) => handle(() => runbooksValidateCommand(ctx.app(), io, files)));

  program
    .command('doctor')
    .description('check Node, the Docker engine, the data directory and its permissions')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => handle(() => doctorCommand(ctx.app(), io, opts)));

  program
    .command('config')
    .description('read or change settings (operator, docker.host, command.timeout)')
    .argument('<action>', 'get | set | list')
    .argument('[key]', 'setting name')
    .argument('[value]', 'new value (set)')
    .action((action: string, key?: string, value?: string) =>
      handle(() => configCommand(ctx.app(), io, action, key, value)),
    );

  registerAuditCommand(program, ctx);
  registerActionCommands(program, ctx);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const io = processIo();
  let app: App | undefined;
  let code = 0;
  const ctx: CommandContext = {
    io,
    app: () => (app ??= composeApp()),
    handle: async (fn) => {
      try {
        code = await fn();
      } catch (err) {
        code = reportError(io, err);
      }
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every usage error exits 2.
      code = err.exitCode === 0 ? 0 : 2;
    } else code = reportError(io, err);
  }
  process.exitCode = code;
}

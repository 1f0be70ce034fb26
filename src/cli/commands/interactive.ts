/** `warden`, `warden run`, `warden resume`: the TUI, loaded only when interactive. */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { resolveRunbook } from '../../runbook/load.js';
import type { App } from '../compose.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { listSessions } from './sessions.js';
import { sessionRefArg } from '../args.js';

export type InteractiveTarget =
  | { kind: 'home' }
  | { kind: 'run'; ref: string; inputs: Record<string, string> }
  | { kind: 'resume'; sessionId: string };

export function requireTty(what: string, alternative: string): void {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(`${what} needs an interactive terminal (no TTY here)`, alternative);
  }
}

export function parseInputs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UserError(`--input expects KEY=VALUE, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/**
 * Loads the Ink UI. Ink decides once, when it is first imported, whether it runs in CI (from `CI`
 * / `CONTINUOUS_INTEGRATION`) and then draws only the final frame. Here stdin and stdout are a
 * terminal, so a person is watching: hide those variables while Ink loads, then put them back for
 * the commands that steps run.
 */
async function loadTui(): Promise<typeof import('../../ui/run.js')> {
  const keys = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = keys.map((k) => [k, process.env[k]] as const);
  for (const k of keys) delete process.env[k];
  try {
    return await import('../../ui/run.js');
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}

export async function interactiveCommand(
  app: App,
  _io: Io,
  target: InteractiveTarget,
): Promise<number> {
  const alt =
    target.kind === 'resume'
      ? `\`warden report ${target.sessionId}\` or \`warden verify ${target.sessionId}\` read a session without a terminal`
      : '`warden audit`, `warden sessions`, `warden report <id>` and `warden runbooks list` work without one';
  requireTty(target.kind === 'home' ? 'warden' : `warden ${target.kind}`, alt);
  // Validate before the screen takes over, so errors print as plain one-liners.
  if (target.kind === 'run') {
    const catalog = await app.catalog();
    const loaded = await resolveRunbook(app.files, catalog, target.ref, app.known());
    const { runTui } = await loadTui();
    return runTui(app, { kind: 'run', loaded, inputs: target.inputs });
  }
  if (target.kind === 'resume') {
    const sessionId = await app.store.resolveId(target.sessionId);
    const { runTui } = await loadTui();
    return runTui(app, { kind: 'resume', sessionId });
  }
  // The first screen draws at once: runbooks and sessions are read from disk while the UI loads.
  const [{ runTui }, preload] = await Promise.all([
    loadTui(),
    Promise.all([app.catalog(), listSessions(app)]).then(
      ([catalog, sessions]) => ({ catalog, sessions }),
      () => undefined, // the home screen reads them again and shows why it cannot
    ),
  ]);
  return runTui(app, { kind: 'home', preload });
}

export function registerInteractiveCommands(program: Command, ctx: CommandContext): void {
  const { io, handle } = ctx;
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
    .argument('<session>', 'session id or a unique part of it', sessionRefArg)
    .action((sessionId: string) =>
      handle(() => interactiveCommand(ctx.app(), io, { kind: 'resume', sessionId })),
    );
}

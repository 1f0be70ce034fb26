/** `warden`, `warden run`, `warden resume`: the TUI, loaded only when interactive. */
import { UserError } from '../../errors.js';
import { resolveRunbook } from '../../runbook/load.js';
import type { App } from '../compose.js';
import type { Io } from '../io.js';

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
    const { runTui } = await import('../../ui/run.js');
    return runTui(app, { kind: 'run', loaded, inputs: target.inputs });
  }
  if (target.kind === 'resume') {
    const sessionId = await app.store.resolveId(target.sessionId);
    const { runTui } = await import('../../ui/run.js');
    return runTui(app, { kind: 'resume', sessionId });
  }
  const { runTui } = await import('../../ui/run.js');
  return runTui(app, { kind: 'home' });
}

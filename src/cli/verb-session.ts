/**
 * Which session a CLI action verb records into when no --session is given: the one open incident
 * session that already targets the container (the verb says so), else a new ad-hoc session (the
 * verb prints its id). An ad-hoc session is only created once the verb is going to record
 * something, so refused verbs leave none behind.
 */
import { UserError } from '../errors.js';
import { NEEDS_SNAPSHOT, Session } from '../engine/session.js';
import { targetsContainer } from '../engine/session-summary.js';
import { listSessions, type SessionRow } from './commands/sessions.js';
import type { App } from './compose.js';
import type { Io } from './io.js';

export interface VerbSessionOptions {
  session?: string;
  dryRun?: boolean;
  reason?: string;
  snapshotFirst?: boolean;
}

export type SessionChoice =
  | { kind: 'existing'; row: SessionRow }
  /** `busy`: the one matching session is open in another warden; `several`: more than one matches. */
  | { kind: 'new'; busy?: SessionRow; several?: SessionRow[] };

/** Open (not signed, not damaged) incident sessions that target the container. Pure. */
export function chooseSession(
  rows: readonly SessionRow[],
  container: { id: string; name: string },
): SessionChoice {
  const hits = rows.filter(
    (r) =>
      r.kind === 'incident' &&
      (r.status === 'in-progress' || r.status === 'ready-to-sign') &&
      targetsContainer(r, container),
  );
  const [one] = hits;
  if (hits.length === 1 && one)
    return one.locked ? { kind: 'new', busy: one } : { kind: 'existing', row: one };
  return hits.length > 1 ? { kind: 'new', several: hits } : { kind: 'new' };
}

function newSessionNote(choice: Extract<SessionChoice, { kind: 'new' }>, name: string, id: string) {
  if (choice.busy)
    return `session ${choice.busy.id} targets ${name} but is open in another warden; recording in a new ad-hoc session ${id} (--session ${choice.busy.id} records there once it is closed)`;
  if (choice.several)
    return `${choice.several.length} open incident sessions target ${name} (${choice.several.map((r) => r.id).join(', ')}); recording in a new ad-hoc session ${id} (--session ID picks one)`;
  return `recording in a new ad-hoc session ${id}`;
}

/**
 * Opens the session the verb records into. A typo'd container or a stopped engine fails here,
 * in one line, before any session is touched.
 */
export async function openVerbSession(
  app: App,
  io: Io,
  action: string,
  target: string,
  opts: VerbSessionOptions,
): Promise<Session> {
  const deps = app.sessionDeps();
  // Asked first, also with --session: a stopped or hung engine never leaves a session resumed.
  const c = target ? await app.docker().inspectDetailed(target) : undefined;
  if (opts.session) {
    const id = await app.store.resolveId(opts.session);
    return Session.resume(deps, id, app.operator());
  }
  const container = c ? { id: c.Id, name: (c.Name ?? '').replace(/^\//, '') || target } : undefined;
  const choice: SessionChoice = container
    ? chooseSession(await listSessions(app), container)
    : { kind: 'new' };
  if (choice.kind === 'existing') {
    const { row } = choice;
    io.err(
      `warden: recording in session ${row.id} (${row.title}, ${row.status}), which targets ${container?.name ?? target}\n`,
    );
    return Session.resume(deps, row.id, app.operator());
  }
  if (NEEDS_SNAPSHOT.has(action) && !opts.dryRun && !opts.reason && !opts.snapshotFirst)
    throw new UserError(
      `${action} refused: no complete snapshot of "${target}" recorded yet`,
      `add --snapshot-first, or --session <id> of a session that holds one, or --reason "<why not>"`,
    );
  const session = await Session.startAdHoc(deps, app.operator(), { target });
  io.err(`warden: ${newSessionNote(choice, container?.name ?? target, session.id)}\n`);
  return session;
}

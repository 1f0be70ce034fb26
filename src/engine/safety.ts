/**
 * The containment safety rule and the incident's clock, as pure functions of the state.
 * - Isolation and eradication destroy evidence: they are refused until a complete snapshot of the
 *   container exists in the session, unless the operator records why not.
 * - The incident starts when the alert fired (the `incident-start` input, editable during the
 *   session), else when the session started; restores warn about backups newer than it.
 */
import { UserError } from '../errors.js';
import { AD_HOC_RUNBOOK } from './ad-hoc.js';
import { hasCompleteSnapshot } from './incident-fold.js';
import type { SessionState } from './state.js';

/** Actions the engine refuses without a complete snapshot of the container (or a reason). */
export const NEEDS_SNAPSHOT: ReadonlySet<string> = new Set(['isolate', 'eradicate']);

/** The input that holds the incident's start (alert time), as an ISO time. */
export const INCIDENT_START_INPUT = 'incident-start';

/** Why the engine refuses `actionId` on this target now, or undefined. */
export function safetyBlocker(
  state: SessionState,
  actionId: string,
  params: Readonly<Record<string, string>>,
): string | undefined {
  if (!NEEDS_SNAPSHOT.has(actionId)) return undefined;
  const target = params.container ?? '';
  if (hasCompleteSnapshot(state, target)) return undefined;
  return `${actionId} refused: no complete snapshot of "${target}" in this session yet`;
}

export function assertSafe(
  state: SessionState,
  actionId: string,
  params: Readonly<Record<string, string>>,
  reason?: string,
): void {
  const blocker = safetyBlocker(state, actionId, params);
  if (blocker && !reason?.trim())
    throw new UserError(
      blocker,
      'take a snapshot first (evidence is lost once the container changes), or record why not (override reason)',
    );
}

/**
 * When the incident started: the recorded alert time, else the session's start (ad-hoc sessions
 * have no start of their own: undefined unless one was given).
 */
export function incidentStart(
  state: SessionState,
): { at: string; source: 'input' | 'session' } | undefined {
  const given = state.inputs[INCIDENT_START_INPUT] ?? state.inputs.incidentStart;
  if (given && !Number.isNaN(Date.parse(given))) return { at: given, source: 'input' };
  if (state.runbook.id === AD_HOC_RUNBOOK.id) return undefined;
  return { at: state.startedAt, source: 'session' };
}

/** Restores compare the backup's time with the incident's start. */
export function withIncidentStart(
  state: SessionState,
  actionId: string,
  params: Record<string, string>,
): Record<string, string> {
  if (actionId !== 'restore' || params.incidentStart) return params;
  const start = incidentStart(state);
  return start ? { ...params, incidentStart: start.at } : params;
}

/**
 * Reads an operator's incident start: an ISO time (`2026-12-02T03:12Z`), `HH:MM` (today, UTC;
 * yesterday when that is still to come), or a time ago (`18m`, `2h ago`, `-90s`). Never in the
 * future, never more than a year back.
 */
export function parseIncidentStart(text: string, now: Date): string {
  const v = text.trim();
  if (!v) throw new UserError('the incident start cannot be empty');
  let t: number;
  const ago = /^-?(\d+)\s*([smhd])(?:\s+ago)?$/i.exec(v);
  const hm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (ago) {
    const mult = { s: 1, m: 60, h: 3600, d: 86400 }[ago[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd'];
    t = now.getTime() - Number(ago[1]) * mult * 1000;
  } else if (hm) {
    const d = new Date(now);
    d.setUTCHours(Number(hm[1]), Number(hm[2]), Number(hm[3] ?? 0), 0);
    if (Number(hm[1]) > 23 || Number(hm[2]) > 59) t = NaN;
    else t = d.getTime() > now.getTime() ? d.getTime() - 86400_000 : d.getTime();
  } else {
    // A time without a zone is read as UTC, like every time Warden shows.
    const iso = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v)
      ? `${v.replace(' ', 'T')}Z`
      : v;
    t = Date.parse(iso);
  }
  if (Number.isNaN(t))
    throw new UserError(
      `cannot read "${v}" as a time`,
      'give an ISO time (2026-12-02T03:12Z), HH:MM in UTC, or a time ago (18m, 2h)',
    );
  if (t > now.getTime() + 60_000)
    throw new UserError(`${new Date(t).toISOString()} is in the future`);
  if (t < now.getTime() - 366 * 86400_000)
    throw new UserError(`${new Date(t).toISOString()} is more than a year ago`);
  return new Date(t).toISOString();
}

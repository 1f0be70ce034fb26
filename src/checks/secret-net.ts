/**
 * The last net under "values never leave the process": evidence is built from names and masked
 * forms at the source, so this should never fire. In case a value slips in through a setting
 * that happens to contain it (a bind path, an image name), evidence and reason strings (data, not
 * rendered output; identifiers are never touched) are scrubbed of the values that could be
 * secrets. Pure.
 *
 * A value is scrubbed only when it is a secret by secret-values.ts (never a boolean, a number, a
 * path or a URL without a password), at least MIN_SCRUB_LENGTH characters long, and not a single
 * plain word (letters only): short values and words appear in ordinary text (`zabbix`, `sentry`,
 * `false`) and replacing them would garble it without protecting anything.
 */
import { MASK } from './mask.js';
import type { ContainerModel } from './model.js';
import { secretsOf } from './secret-values.js';
import type { Evaluation } from './types.js';

export const MIN_SCRUB_LENGTH = 8;

/** True when a secret value is distinctive enough to be searched for in evidence. */
export function couldBeSecret(value: string): boolean {
  return [...value].length >= MIN_SCRUB_LENGTH && !/^[A-Za-z]+$/.test(value);
}

/** The distinctive secret values of the models (longest first), for `scrubber`. */
export function secretCandidates(models: readonly ContainerModel[]): string[] {
  const out = new Set<string>();
  for (const m of models)
    for (const c of secretsOf(m)) if (couldBeSecret(c.secret)) out.add(c.secret);
  return [...out].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function replacing each distinctive candidate value found in a text by `***`. */
export function scrubber(candidates: readonly string[]): (text: string) => string {
  const values = [...new Set(candidates.filter(couldBeSecret))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (t) => t;
  const re = new RegExp(values.map(escapeRegExp).join('|'), 'g');
  return (t) => t.replace(re, MASK);
}

/** The evaluation with its free-text fields scrubbed; target, ids and titles are left alone. */
export function scrubEvaluation<T extends Pick<Evaluation, 'evidence' | 'reason'>>(
  e: T,
  scrub: (t: string) => string,
): T {
  const evidence = e.evidence === undefined ? undefined : scrub(e.evidence);
  const reason = e.reason === undefined ? undefined : scrub(e.reason);
  if (evidence === e.evidence && reason === e.reason) return e;
  return {
    ...e,
    ...(evidence !== undefined ? { evidence } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

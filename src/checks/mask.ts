/**
 * Secret masking. Pure. Environment values never leave the process unmasked: outputs, the
 * journal and reports show `NAME=***`. Other modules use `maskSecrets` and `maskEnvList` too.
 */

import { knownDefault } from './credentials.js';

export const MASK = '***';

/**
 * Name parts that make a variable or key credential-like. The ONE list: `isSecretName` here and
 * the free-text redactor (src/engine/redact.ts) both use it.
 */
export const SECRET_NAME =
  /(PASSW(OR)?D|PASSWD|PASSPHRASE|PWD|(^|_)PASS($|_)|(^|_)PW$|SECRET|TOKEN|API[_-]?KEY|ACCESS[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIAL|AUTH[_-]?KEY|(^|_)AUTH$|SESSION[_-]?KEY|ENCRYPTION[_-]?KEY|SIGNING[_-]?KEY|MASTER[_-]?KEY|DSN|CONNECTION[_-]?STRING|DATABASE[_-]?URL|COOKIE|SALT)/i;

/** Names that contain a secret word but carry none (file pointers, booleans, usernames). */
export const NOT_SECRET =
  /(_FILE|_PATH|_DIR|_USER(NAME)?|_ENABLED|_METHOD|_TYPE|_HOST|_PORT|_STDIN)$/i;

/** True when a variable name looks like it holds a credential (`DB_PASSWORD`, `API_KEY`...). */
export function isSecretName(name: string): boolean {
  if (name === 'PWD' || name === 'OLDPWD') return false; // the shell's working directory
  return SECRET_NAME.test(name) && !NOT_SECRET.test(name);
}

/** Splits `K=V` at the first `=`; a bare `K` has no value. */
export function splitEnv(entry: string): { name: string; value?: string } {
  const i = entry.indexOf('=');
  return i < 0 ? { name: entry } : { name: entry.slice(0, i), value: entry.slice(i + 1) };
}

/**
 * Masks every value of an env list: `["K=V"] → ["K=***"]`. All values are masked, not only
 * credential-like names: a value's sensitivity cannot be judged from its name alone.
 */
export function maskEnvList(env: readonly string[]): string[] {
  return env.map((e) => {
    const { name, value } = splitEnv(e);
    return value === undefined ? name : `${name}=${MASK}`;
  });
}

/** Same for a record: `{K: 'V'} → {K: '***'}`. */
export function maskEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === undefined || v === '' ? '' : MASK;
  return out;
}

/** One variable as evidence: `NAME=***`, or `NAME` (empty) when it carries no value. */
export function maskedVar(name: string, value: string | undefined): string {
  return value === undefined || value === '' ? `${name}=` : `${name}=${MASK}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every occurrence of each secret value in `text` by `***`. Values shorter than 3
 * characters are ignored (masking every `1` would garble the text and hide nothing).
 * Longest first, so a value containing another is masked whole.
 */
export function maskSecrets(text: string, secretValues: readonly string[]): string {
  const values = [...new Set(secretValues.filter((v) => v.length >= 3))].sort(
    (a, b) => b.length - a.length,
  );
  if (values.length === 0) return text;
  return text.replace(new RegExp(values.map(escapeRegExp).join('|'), 'g'), MASK);
}

/** Values of an env list, for `maskSecrets` (everything after the first `=`). */
export function envValues(env: readonly string[]): string[] {
  return env.map((e) => splitEnv(e).value ?? '').filter((v) => v !== '');
}

/**
 * True when `value` is a known default or demo credential: a vendor's documented default or a
 * generic word (credentials.ts holds the list and its sources). Returns a boolean only.
 */
export function isDemoCredential(value: string | undefined): boolean {
  if (!value) return false;
  return knownDefault(value) !== undefined;
}

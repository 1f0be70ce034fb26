/**
 * Masks secret values in free text (command output, notes, check results, reports). Pure.
 * Masked: known secret values; private key blocks; `Authorization:` headers and bearer/basic
 * tokens; `NAME=value`, `NAME: value`, `"name": "value"`, `--name=value` and `--name value`
 * where NAME looks like a credential (the same names as src/checks/mask.ts `isSecretName`),
 * also inside JSON strings (`"DB_PASSWORD=..."` in a `docker inspect` Env array); and the
 * credential part of URLs (`scheme://user:***@host`, `scheme://***@host`).
 * Not masked: `-p value` (ambiguous: docker's `-p` publishes a port), names that are not
 * credential-like (`PATH=/usr/bin`, `token count: 5`).
 */
import { isSecretName } from '../checks/mask.js';

const MASK = '***';

/** True when a variable, key or flag name looks like it holds a credential. */
export function looksSecretName(name: string): boolean {
  return isSecretName(name.replace(/^-+/, '').replace(/[-.]/g, '_'));
}

const isMasked = (value: string) => /^(["']?)\*\*\*\1$/.test(value);

const PRIVATE_KEY =
  /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;

/** `Authorization: <scheme> <credentials>` (also quoted, as in JSON headers). */
const AUTH_HEADER =
  /\b((?:Proxy-)?Authorization)(["']?[ \t]*[:=][ \t]*["']?)(?:(Bearer|Basic|Digest|Token|Bot|ApiKey|Negotiate)[ \t]+)?([^\s"',;]+)/gi;

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** `"NAME=value"` or `'NAME=value'` (a JSON string of an env list, a quoted argument). */
const QUOTED_ASSIGNMENT = /(["'])(-{0,2}[A-Za-z_][A-Za-z0-9_.-]*)=((?:\\.|(?!\1)[^\\\n])*)\1/g;

/** `NAME=value`, `NAME: value`, `"name": "value"`; an unquoted value stops at JSON punctuation. */
const ASSIGNMENT =
  /(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1([ \t]*[:=][ \t]*)("(?:\\.|[^"\\\n])*"|'[^'\n]*'|(?:\\.|[^\s,;&[\]{}"\\])+)/g;

/** `--password value` (a long flag, then a value that is not another flag). */
const FLAG_VALUE =
  /(^|\s)(--[A-Za-z][A-Za-z0-9_-]*)([ \t]+)("(?:\\.|[^"\\])*"|'[^']*'|[^\s"'-][^\s"']*)/g;

/** `scheme://userinfo@`: the userinfo never crosses `/`, `?`, `#` or whitespace. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;

function quotedMask(value: string): string {
  return value.startsWith('"') ? `"${MASK}"` : value.startsWith("'") ? `'${MASK}'` : MASK;
}

export function redact(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const s of [...knownSecrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 4) out = out.split(s).join(MASK);
  }
  out = out.replace(PRIVATE_KEY, `-----BEGIN $1PRIVATE KEY-----${MASK}-----END $1PRIVATE KEY-----`);
  out = out.replace(
    AUTH_HEADER,
    (whole, name: string, sep: string, scheme: string | undefined, value: string) =>
      value === MASK ? whole : `${name}${sep}${scheme ? `${scheme} ` : ''}${MASK}`,
  );
  out = out.replace(BEARER, `$1 ${MASK}`);
  out = out.replace(URL_USERINFO, (whole, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    if (colon < 0) return info === MASK ? whole : `${scheme}${MASK}@`;
    return info.slice(colon + 1) === MASK ? whole : `${scheme}${info.slice(0, colon)}:${MASK}@`;
  });
  out = out.replace(QUOTED_ASSIGNMENT, (whole, q: string, name: string, value: string) =>
    !looksSecretName(name) || value === MASK ? whole : `${q}${name}=${MASK}${q}`,
  );
  out = out.replace(ASSIGNMENT, (whole, q: string, name: string, sep: string, value: string) =>
    !looksSecretName(name) || isMasked(value) ? whole : `${q}${name}${q}${sep}${quotedMask(value)}`,
  );
  out = out.replace(FLAG_VALUE, (whole, lead: string, flag: string, gap: string, value: string) =>
    !looksSecretName(flag) || isMasked(value) ? whole : `${lead}${flag}${gap}${quotedMask(value)}`,
  );
  return out;
}

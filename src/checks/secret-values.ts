/**
 * Which variables hold secrets, and what their values are: a secret, a reference to one (a file
 * under `/run/secrets`, a `*_FILE` variable), a flag or a number. Pure; values stay in memory and
 * only these classifications leave this module.
 */
import { isSecretName } from './mask.js';
import type { ContainerModel, EnvVarModel } from './model.js';

/**
 * Names that contain a credential word but hold a setting about it (`ENABLE_REDIS_EMPTY_PASSWORD`,
 * `PHP_SESSION_COOKIE_SECURE`, `PASSWORD_MIN_LENGTH`, `AWS_ACCESS_KEY_ID`).
 */
const SETTING_NAME = new RegExp(
  [
    '^(ENABLE|DISABLE|ALLOW|USE|REQUIRE|SKIP|FORCE|IS|HAS|NO)_|',
    '_(ENABLED|DISABLED|ENABLE|DISABLE|REQUIRED|REQUIRE|SECURE|HTTPONLY|SAMESITE|TIMEOUT|TTL|LIFETIME',
    '|EXPIRY|EXPIRE|EXPIRES|EXPIRATION|LENGTH|POLICY|ALGORITHM|ALGO|MODE|VERSION|ROTATION|AGE|DOMAIN',
    '|NAME|HEADER|ID|ISSUER|AUDIENCE|PREFIX|SUFFIX|COUNT|ATTEMPTS|RETRIES|SIZE|BITS|ROUNDS|SCHEME',
    '|PROVIDER|BACKEND|STORE|FORMAT|URI_PARAM|COMPLEXITY|STRENGTH|HINT|RESET_URL|CHANGE_URL|HASHERS?)$',
  ].join(''),
  'i',
);

/** A variable (or flag) named like a credential that is not a setting about one. */
export function isCredentialName(name: string): boolean {
  return isSecretName(name) && !SETTING_NAME.test(name);
}

export type ValueKind = 'unset' | 'empty' | 'flag' | 'number' | 'reference' | 'secret';

export interface Classified {
  kind: ValueKind;
  /** The secret itself (for a URL, its password), for in-memory comparisons only. */
  secret?: string;
}

const BOOLEAN = /^(true|false|yes|no|on|off|enabled|disabled|none|null|nil)$/i;
const NUMBER = /^[+-]?\d+(\.\d+)?$/;
const URL_WITH_SCHEME = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;
/**
 * A file path (a Docker secret under `/run/secrets`, a certificate): path characters only. `+`
 * and `=` are not among them: a base64 secret may start with `/` (`/k3J9+x...=`).
 */
const PATH = /^(file:\/\/)?\/[\w.@%~/-]*$/;
/** Grafana's references to a file, a variable or a vault (`$__file{/run/secrets/x}`). */
const GRAFANA_REFERENCE = /^\$__(file|env|vault)\{[^}]*\}$/;

/**
 * What a credential-named variable's value is. Booleans and numbers are never secrets; a path (a
 * Docker secret under `/run/secrets`, any absolute file path) is a reference to one; a URL is a
 * secret only through the password in it.
 */
export function classifyValue(value: string | undefined): Classified {
  if (value === undefined) return { kind: 'unset' };
  const v = value.trim();
  if (v === '') return { kind: 'empty' };
  if (BOOLEAN.test(v)) return { kind: 'flag' };
  if (NUMBER.test(v)) return { kind: 'number' };
  if (PATH.test(v) || GRAFANA_REFERENCE.test(v)) return { kind: 'reference' };
  const url = URL_WITH_SCHEME.exec(v);
  if (url) {
    const info = url[2] ?? '';
    const at = info.lastIndexOf('@');
    const colon = at < 0 ? -1 : info.indexOf(':');
    if (at < 0) return { kind: 'reference' };
    if (colon < 0 || colon > at) {
      // `https://TOKEN@host` carries a token; `postgres://user@host` only a user name.
      const user = decode(info.slice(0, at));
      return user.length >= 16 ? { kind: 'secret', secret: user } : { kind: 'reference' };
    }
    const password = decode(info.slice(colon + 1, at));
    return password ? { kind: 'secret', secret: password } : { kind: 'reference' };
  }
  return { kind: 'secret', secret: value };
}

/**
 * The password of a URL with one (`postgres://app:pw@db/app` → `pw`), else undefined. Whatever
 * the variable or flag is called, a URL's password is a credential.
 */
export function urlPassword(value: string | undefined): string | undefined {
  const url = URL_WITH_SCHEME.exec((value ?? '').trim());
  if (!url) return undefined;
  const info = url[2] ?? '';
  const at = info.lastIndexOf('@');
  const colon = info.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return undefined;
  return decode(info.slice(colon + 1, at)) || undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** One credential as found on a model: an env variable or a command-line flag. */
export interface Credential {
  /** `DB_PASSWORD`, or `command --requirepass` for a flag. */
  label: string;
  name: string;
  kind: ValueKind;
  secret?: string;
  from: 'env' | 'command';
  /** For a command-line credential, the flag as written (`--requirepass`). */
  flag?: string;
  line?: number;
  file?: string;
}

/** Flags that take a password without saying so in a credential word. */
const SECRET_FLAGS = new Set(['REQUIREPASS', 'MASTERAUTH', 'AUTH']);

/** `--requirepass x`, `--secret=x`: flags named like credentials, and their values. */
export function commandCredentials(command: readonly string[] | undefined): Credential[] {
  const out: Credential[] = [];
  const args = command ?? [];
  const fromUrl = (flag: string | undefined, password: string): Credential => ({
    label: flag ? `command ${flag}` : 'command',
    name: flag ? flag.replace(/^-+/, '').replace(/[-.]/g, '_').toUpperCase() : 'COMMAND',
    kind: 'secret',
    secret: password,
    from: 'command',
    ...(flag ? { flag } : {}),
  });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const m = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$/s.exec(arg);
    if (!m || m[1] === undefined) {
      // `http://user:pw@host` as an argument of its own (after a flag, or positional).
      const pw = urlPassword(arg);
      const prev = args[i - 1];
      if (pw)
        out.push(fromUrl(prev?.startsWith('-') && !prev.includes('=') ? prev : undefined, pw));
      continue;
    }
    const flag = m[1];
    const name = flag.replace(/[-.]/g, '_').toUpperCase();
    if ((!isCredentialName(name) && !SECRET_FLAGS.has(name)) || flag.length < 3) {
      const pw = urlPassword(m[2]);
      if (pw) out.push(fromUrl(`--${flag}`, pw));
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('-')) continue;
      value = next;
      i++;
    }
    const c = classifyValue(value);
    out.push({
      label: `command --${flag}`,
      name,
      kind: c.kind,
      ...(c.secret !== undefined ? { secret: c.secret } : {}),
      from: 'command',
      flag: `--${flag}`,
    });
  }
  return out;
}

function fromEnv(v: EnvVarModel): Credential {
  const c = classifyValue(v.value);
  return {
    label: v.name,
    name: v.name,
    kind: c.kind,
    ...(c.secret !== undefined ? { secret: c.secret } : {}),
    from: 'env',
    ...(v.line !== undefined ? { line: v.line } : {}),
    ...(v.file !== undefined ? { file: v.file } : {}),
  };
}

/**
 * Every credential of a model: credential-named env variables, variables of any name holding a
 * URL with a password (`DATA_SOURCE_NAME`, `CELERY_BROKER_URL`), then command-line flags.
 */
export function credentialsOf(m: ContainerModel): Credential[] {
  const env: Credential[] = [];
  for (const v of m.env ?? []) {
    if (isCredentialName(v.name)) env.push(fromEnv(v));
    else {
      const password = urlPassword(v.value);
      if (password) env.push({ ...fromEnv(v), kind: 'secret', secret: password });
    }
  }
  return [...env, ...commandCredentials(m.command)];
}

/** The credentials of a model that hold a secret (not a flag, number, reference or nothing). */
export function secretsOf(m: ContainerModel): (Credential & { secret: string })[] {
  return credentialsOf(m).filter(
    (c): c is Credential & { secret: string } => c.kind === 'secret' && c.secret !== undefined,
  );
}

/** Shannon entropy of a string, in bits per character. */
export function entropyPerChar(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...s].length;
  let h = 0;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The seeds' rule: a secret shorter than this is weak. */
export const MIN_SECRET_LENGTH = 32;
/** Below this many bits per character a long secret is repetitive (random hex is about 3.9). */
export const MIN_ENTROPY_BITS = 3;

/** Why a secret is weak, or undefined when it is not. */
export function weakness(secret: string): string | undefined {
  const n = [...secret].length;
  if (n < MIN_SECRET_LENGTH) return `shorter than ${MIN_SECRET_LENGTH} characters`;
  if (entropyPerChar(secret) < MIN_ENTROPY_BITS) return 'low entropy (repetitive)';
  return undefined;
}

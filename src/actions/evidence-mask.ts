/**
 * Masking of what a snapshot writes as evidence (inspect.json, processes.json, events.json, the
 * logs), at the source: the data is masked before it is serialised, never the rendered text.
 * Pure.
 *
 * A container's secrets, as Warden can learn them from its inspect:
 * - every environment value (masked everywhere in the structured evidence);
 * - the values of labels named like credentials (`db.password`, `traefik.…basicauth.users`);
 * - credential-like command-line arguments of Entrypoint/Cmd/Args (`--db-password X`,
 *   `--token=X`, a URL with a password), also inside a `sh -c` script.
 * Structured evidence is walked leaf by leaf: a string under a credential-named key becomes
 * `***`, every known value is replaced wherever it occurs, then `redact` masks what looks like a
 * secret in free text (`password=…` in a comment of a script, bearer tokens, private keys).
 */
import { commandCredentials } from '../checks/secret-values.js';
import { shellWords } from '../checks/shell-words.js';
import { envValues, isSecretName, maskEnvList, maskSecrets, MASK } from '../checks/mask.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import { looksSecretName, redact } from '../engine/redact.js';

/** Labels are dotted (`db.password`), env-style names use `_`; basic-auth user lists hold hashes. */
function secretLabel(key: string): boolean {
  return (
    looksSecretName(key) ||
    isSecretName(key.replace(/[.-]/g, '_')) ||
    /basicauth\.users$/i.test(key)
  );
}

/** The command line as the engine runs it: Entrypoint + Cmd, or Path + Args. */
function commandLines(c: ControlInspect): string[][] {
  const cfg = c.Config as { Entrypoint?: string[] | null; Cmd?: string[] | null } | undefined;
  const lines = [[...(cfg?.Entrypoint ?? []), ...(cfg?.Cmd ?? [])]];
  if (c.Path) lines.push([c.Path, ...(c.Args ?? [])]);
  // A script given to a shell (`sh -c "… --password X"`) is a command line of its own.
  for (const line of [...lines])
    for (const arg of line) if (/\s/.test(arg)) lines.push(shellWords(arg));
  return lines;
}

/**
 * Values of a container's credentials: credential-named env variables and labels, and
 * credential-like command-line arguments. For masking logs and free text (3+ characters).
 */
export function credentialValues(c: ControlInspect | undefined): string[] {
  if (!c) return [];
  const out = new Set<string>();
  for (const e of c.Config?.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0 && isSecretName(e.slice(0, i))) out.add(e.slice(i + 1));
  }
  for (const [k, v] of Object.entries(c.Config?.Labels ?? {})) if (secretLabel(k)) out.add(v);
  for (const line of commandLines(c))
    for (const cred of commandCredentials(line)) if (cred.secret) out.add(cred.secret);
  return [...out].filter((v) => v.length >= 3);
}

/** Every value Warden should never write for this container: env values and credentials. */
export function knownSecrets(c: ControlInspect | undefined): string[] {
  return [...new Set([...envValues(c?.Config?.Env ?? []), ...credentialValues(c)])];
}

/**
 * Masks structured evidence leaf by leaf: strings under credential-named keys become `***`,
 * known values are replaced wherever they occur, then free-text patterns are redacted. Keys
 * and everything that is not a string are kept as they are, so the result serialises to valid
 * JSON whatever the values contain.
 */
export function maskDeep(value: unknown, secrets: readonly string[]): unknown {
  const leaf = (s: string) => redact(maskSecrets(s, secrets));
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string')
      return key !== undefined && secretLabel(key) && v !== '' ? MASK : leaf(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value);
}

/**
 * A container's inspect as evidence: every environment value masked (`NAME=***`), labels named
 * like credentials masked, credential arguments masked in Entrypoint/Cmd/Path/Args and known
 * values masked everywhere else.
 */
export function maskInspect(c: ControlInspect): unknown {
  const copy = structuredClone(c);
  if (copy.Config?.Env) copy.Config.Env = maskEnvList(copy.Config.Env);
  return maskDeep(copy, knownSecrets(c));
}

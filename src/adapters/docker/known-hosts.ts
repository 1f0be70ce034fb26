/**
 * The host keys ~/.ssh/known_hosts records for one host and port, as OpenSSH matches them:
 * `host`, `[host]:port` (any port but 22), comma-separated patterns with `*` and `?`, a leading
 * `!` that excludes, hashed names (`|1|salt|hmac`), and the @revoked marker. @cert-authority
 * lines are skipped (Warden checks plain host keys only).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface KnownHostKeys {
  /** Public key blobs (the decoded base64 of each matching line). */
  keys: Buffer[];
  revoked: Buffer[];
}

/** An OpenSSH host pattern (`*`, `?`), case-insensitive (also ~/.ssh/config's `Host`). */
export const hostGlob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return mac === hash;
}

/** Does a line's host field name this host? */
export function hostFieldMatches(field: string, host: string, port: number): boolean {
  const name = port === 22 ? host : `[${host}]:${port}`;
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const p = negated ? raw.slice(1) : raw;
    const hit = p.startsWith('|') ? hashedMatch(p, name) : hostGlob(p).test(name);
    if (hit && negated) return false;
    if (hit) matched = true;
  }
  return matched;
}

export function parseKnownHosts(text: string, host: string, port: number): KnownHostKeys {
  const out: KnownHostKeys = { keys: [], revoked: [] };
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const parts = t.split(/\s+/);
    let marker: string | undefined;
    if (parts[0]?.startsWith('@')) marker = parts.shift();
    const [field, , blob] = parts;
    if (!field || !blob || marker === '@cert-authority') continue;
    if (!hostFieldMatches(field, host, port)) continue;
    const key = Buffer.from(blob, 'base64');
    if (marker === '@revoked') out.revoked.push(key);
    else out.keys.push(key);
  }
  return out;
}

export function knownHostKeys(path: string, host: string, port: number): KnownHostKeys {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // no file: no key is known
  }
  return parseKnownHosts(text, host, port);
}

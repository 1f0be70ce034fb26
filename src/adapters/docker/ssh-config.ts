/**
 * What ~/.ssh/config says about a host, as `ssh` reads it (the docker CLI runs `ssh`, so an
 * operator's aliases work there): `Host` blocks with patterns (`*`, `?`, `!` negation, several per
 * line), the first value of each keyword wins, `Match` blocks are skipped. Only what a connection
 * needs is taken: HostName, User, Port, IdentityFile. ProxyJump and ProxyCommand are reported, as
 * Warden does not follow them (it would reach another host than the one the operator means).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostGlob } from './known-hosts.js';

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  /** `ProxyJump` or `ProxyCommand`, when the host has one. */
  proxy?: string;
}

function hostMatches(patterns: string[], host: string): boolean {
  let hit = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (hostGlob(negated ? p.slice(1) : p).test(host)) {
      if (negated) return false;
      hit = true;
    }
  }
  return hit;
}

/** `~/…` and `%d` (home), `%h` (host), `%u`/`%r` (user) in a path, as ssh expands them. */
function expand(path: string, home: string, host: string, user: string): string {
  return path
    .replace(/^~(?=\/|$)/, home)
    .replace(/%d/g, home)
    .replace(/%h/g, host)
    .replace(/%[ur]/g, user)
    .replace(/%%/g, '%');
}

export function parseSshConfig(
  text: string,
  host: string,
  home: string,
  localUser: string,
): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [] };
  let active = true; // before the first Host line, options apply to every host
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      active = hostMatches(value.split(/\s+/), host);
      continue;
    }
    if (key === 'match') {
      active = false; // conditions Warden does not evaluate: skip the block
      continue;
    }
    if (!active) continue;
    if (key === 'hostname' && out.hostName === undefined) out.hostName = value;
    else if (key === 'user' && out.user === undefined) out.user = value;
    else if (key === 'port' && out.port === undefined && /^\d+$/.test(value))
      out.port = Number(value);
    else if (key === 'identityfile')
      out.identityFiles.push(expand(value, home, out.hostName ?? host, out.user ?? localUser));
    else if ((key === 'proxyjump' || key === 'proxycommand') && out.proxy === undefined) {
      if (value.toLowerCase() !== 'none') out.proxy = `${m[1]} ${value}`;
    }
  }
  if (out.hostName) out.hostName = out.hostName.replace(/%h/g, host);
  return out;
}

export function readSshConfig(
  sshDir: string,
  host: string,
  home: string,
  localUser: string,
): SshHostConfig {
  let text = '';
  try {
    text = readFileSync(join(sshDir, 'config'), 'utf8');
  } catch {
    // no config: nothing changes
  }
  return parseSshConfig(text, host, home, localUser);
}

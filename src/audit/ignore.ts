/** Ignore entries applied to findings: which target an entry names, expiry. Pure. */
import { posix } from 'node:path';
import type { Finding, IgnoreEntry, SuppressedFinding } from './types.js';
import type { FindingTarget } from '../checks/types.js';

export function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/**
 * A compose path in one spelling: `./a//b/./c.yaml` → `a/b/c.yaml` (absolute paths stay so).
 */
const cleanFile = (f: string) => posix.normalize(f.replace(/\\/g, '/'));

/**
 * The file as given and every trailing run of its path segments: `stacks/mon/compose.yaml` gives
 * `stacks/mon/compose.yaml`, `mon/compose.yaml`, `compose.yaml`, so an entry written in the
 * repository matches however CI names the file (relative, `./`, absolute).
 */
function fileSuffixes(file: string): string[] {
  const clean = cleanFile(file);
  const parts = clean.split('/');
  const out = [clean];
  for (let i = 1; i < parts.length; i++) {
    const rest = parts.slice(i).join('/');
    if (rest) out.push(rest);
  }
  return [...new Set(out)];
}

/** Strings an ignore entry's target glob is matched against. */
export function targetKeys(t: FindingTarget): string[] {
  const keys = [t.name];
  if (t.id) keys.push(t.id, t.id.slice(0, 12));
  if (t.service) keys.push(t.service);
  if (t.file && t.service) for (const f of fileSuffixes(t.file)) keys.push(`${f}:${t.service}`);
  return keys;
}

/** An entry's `file:service` target with its path part in the same spelling as the keys. */
function entryTarget(target: string): string {
  const i = target.lastIndexOf(':');
  return i > 0 ? `${cleanFile(target.slice(0, i))}${target.slice(i)}` : target;
}

export function isExpired(entry: IgnoreEntry, now: Date): boolean {
  // Valid through the whole `expires` day (UTC).
  return entry.expires !== undefined && now.toISOString().slice(0, 10) > entry.expires;
}

export function applyIgnores(
  findings: readonly Finding[],
  entries: readonly IgnoreEntry[],
  now: Date,
): { findings: Finding[]; suppressed: SuppressedFinding[]; expired: IgnoreEntry[] } {
  const active = entries.filter((e) => !isExpired(e, now));
  const expired = entries.filter((e) => isExpired(e, now));
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const hit = active.find(
      (e) =>
        globToRegExp(e.check).test(f.check) &&
        targetKeys(f.target).some((k) => globToRegExp(entryTarget(e.target)).test(k)),
    );
    if (!hit) kept.push(f);
    else
      suppressed.push({
        ...f,
        suppressedBy: {
          reason: hit.reason,
          ...(hit.owner !== undefined ? { owner: hit.owner } : {}),
          ...(hit.expires !== undefined ? { expires: hit.expires } : {}),
        },
      });
  }
  return { findings: kept, suppressed, expired };
}

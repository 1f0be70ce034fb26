/**
 * Refuses a WARDEN_HOME that other users could write into: they could plant or swap journals,
 * keys and evidence. The directory itself must not be world-writable; each directory above it
 * must not be world-writable unless it has the sticky bit (as /tmp does).
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

const mode = (path: string): number | undefined => {
  try {
    return statSync(path).mode;
  } catch {
    return undefined;
  }
};

const octal = (m: number) => (m & 0o7777).toString(8);

/** Throws a UserError when `home` (or where it will be created) is writable by others. */
export function refuseUnsafeHome(home: string): void {
  const target = resolve(home);
  // The chain is checked on disk from the home itself, or from the nearest directory that exists.
  let existing = target;
  while (mode(existing) === undefined && dirname(existing) !== existing)
    existing = dirname(existing);
  const real = realpathSync(existing);
  const own = mode(real) ?? 0;
  if (existing === target && (own & 0o002) !== 0)
    throw new UserError(
      `WARDEN_HOME ${home} is writable by every user (mode ${octal(own)}): refusing to keep sessions, keys and evidence there`,
      `chmod 700 ${home}`,
    );
  for (let d = existing === target ? dirname(real) : real; ; d = dirname(d)) {
    const m = mode(d) ?? 0;
    if ((m & 0o002) !== 0 && (m & 0o1000) === 0)
      throw new UserError(
        `${d}, above WARDEN_HOME ${home}, is writable by every user without the sticky bit (mode ${octal(m)}): anyone could replace the data directory`,
        `chmod o-w ${d} (or chmod +t), or set WARDEN_HOME to a directory under a private one`,
      );
    if (dirname(d) === d) return;
  }
}

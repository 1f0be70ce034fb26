/**
 * Where the installed package lives and its version. Found by walking up from this module to the
 * package.json named "warden": the same answer from src/ (tests), dist/ and dist/chunks/ (bundled).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let version: string | undefined;

function readPackage(dir: string): { name?: string; version?: string } | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

/** The package's directory (holding package.json, runbooks/, dist/). */
export function packageRoot(): string {
  if (root) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let d = start; ; d = dirname(d)) {
    const pkg = readPackage(d);
    if (pkg?.name === 'warden') {
      version = pkg.version ?? '0.0.0';
      return (root = d);
    }
    if (dirname(d) === d) return (root = join(start, '..', '..'));
  }
}

/** The package version, from its package.json. */
export function wardenVersion(): string {
  if (version) return version;
  packageRoot();
  return (version ??= '0.0.0');
}

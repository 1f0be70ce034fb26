/**
 * Top-level `include:` entries of a compose file (compose 2.20+), as the files to load. Pure.
 *
 * - short form: `- path/to/compose.yaml`
 * - long form: `- path: x.yaml` (or a list of files), `project_directory: dir`, `env_file: f`
 *   (or a list); relative paths are the including file's.
 */
import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { joinPath } from './compose-load.js';
import { isRecord } from './values.js';

export interface IncludeEntry {
  /** The included file(s); more than one means override files merged in order. */
  paths: string[];
  /** The included project's directory (default: the included file's). */
  projectDir?: string;
  /** Interpolation files (default: `.env` in the project directory). */
  envFiles?: string[];
}

const strings = (v: unknown): string[] | undefined =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v) && v.every((x) => typeof x === 'string')
      ? (v as string[])
      : undefined;

export function includeEntries(raw: readonly unknown[], file: string): IncludeEntry[] {
  const dir = posix.dirname(file);
  return raw.map((entry, i) => {
    const paths = strings(isRecord(entry) ? entry.path : entry);
    if (!paths?.length)
      throw new UserError(
        `${file}: include entry ${i + 1} needs a path (a file or a list of files)`,
      );
    const projectDir = isRecord(entry) ? entry.project_directory : undefined;
    const envFiles = isRecord(entry) ? strings(entry.env_file) : undefined;
    return {
      paths: paths.map((p) => joinPath(dir, p)),
      ...(typeof projectDir === 'string' ? { projectDir: joinPath(dir, projectDir) } : {}),
      ...(envFiles ? { envFiles: envFiles.map((p) => joinPath(dir, p)) } : {}),
    };
  });
}

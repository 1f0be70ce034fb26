/**
 * Every argument a command takes is checked here, while commander parses the command line:
 * before any session is created, any lock taken or any request sent. A bad value is a one-line
 * usage error (exit 2) and nothing is recorded.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parseSince } from '../actions/snapshot.js';
import { engineName } from '../adapters/docker/names.js';
import { parseIncidentStart } from '../engine/safety.js';
import { errorMessage } from '../errors.js';

/** Runs a check; its error becomes commander's "argument … is invalid" usage error. */
function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new InvalidArgumentError(errorMessage(err));
  }
}

/** A container name or id, as Docker allows them (see adapters/docker/names.ts). */
export const containerArg = (value: string): string => usage(() => engineName('container', value));

/** Repeatable `--container`: each value checked. */
export const containerListArg = (value: string, previous: string[] = []): string[] => [
  ...previous,
  containerArg(value),
];

/** Whole seconds, 0 to a day (`stop --timeout`). */
export function secondsArg(value: string): string {
  if (!/^\d{1,5}$/.test(value.trim()) || Number(value) > 86400)
    throw new InvalidArgumentError('expected whole seconds, e.g. 10');
  return String(Number(value));
}

/** An incident start, read as the TUI reads it; passed on as an ISO time. */
export const incidentStartArg = (value: string): string =>
  usage(() => parseIncidentStart(value, new Date()));

/** `snapshot --since`: unix seconds, an ISO time, or 30m/2h/1d; passed on as written. */
export function sinceArg(value: string): string {
  usage(() => parseSince(value, new Date()));
  return value;
}

/** A session id (or a unique part of it) or a journal path: never empty. */
export function sessionRefArg(value: string): string {
  const v = value.trim();
  if (!v)
    throw new InvalidArgumentError('a session id cannot be empty (`warden sessions` lists them)');
  return v;
}

/** A file that must exist and be readable now (`--key-file`); passed on as an absolute path. */
export function readableFileArg(value: string): string {
  const path = resolve(value);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
    accessSync(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(
      code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path} (${code ?? 'error'})`,
    );
  }
  if (!isFile) throw new InvalidArgumentError(`${path} is not a regular file`);
  return path;
}

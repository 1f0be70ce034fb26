/**
 * Loads a compose file into raw, interpolated, `extends`-resolved service objects, each setting
 * located in the file and line that holds it (the extended file for inherited settings, the
 * anchor for `<<` merges). Pure: file access goes through the injected `readFile`.
 */
import { posix } from 'node:path';
import { UserError, errorMessage } from '../errors.js';
import { DotEnvError, parseDotEnvEntries, type DotEnvEntry } from './dotenv.js';
import { linesFor, parseYaml, servicesOf, topLevelLines, type ParsedFile } from './compose-yaml.js';
import type { Located } from './model.js';
import { isRecord } from './values.js';

export type ReadFile = (path: string) => Promise<string>;
export type RawService = Record<string, unknown>;

/** Where a setting is written. */
export interface Loc {
  file: string;
  line: number;
}

export interface ServiceLines {
  line?: Loc;
  /** Location of each top-level key of the service. */
  keys: Record<string, Loc>;
  /** Per list or map key: item (JSON of the interpolated item, or the map key) → location. */
  items: Record<string, Map<string, Loc>>;
}

export interface LoadedService {
  name: string;
  raw: RawService;
  lines: ServiceLines;
}

export interface LoadedCompose {
  file: string;
  dir: string;
  project: string;
  /** Interpolation variables: the project `.env`, overridden by the shell. */
  vars: Record<string, string | undefined>;
  /** The shell's environment, as given. */
  env: Readonly<Record<string, string | undefined>>;
  /** The project `.env` file's entries (path and line of each). */
  dotEnv: { file: string; entries: (DotEnvEntry & { file: string })[] };
  /** Top-level `include:` entries, interpolated (paths as written). */
  include: unknown[];
  /** Required variables (`${VAR:?}`) not set, in this file and the files it extends. */
  unset: string[];
  services: LoadedService[];
  /** Top-level named volumes (driver, driver_opts), interpolated. */
  volumes: Record<string, Record<string, unknown>>;
  /** Top-level networks (internal, external, name, driver), interpolated. */
  networks: Record<string, Record<string, unknown>>;
  /** The line of each top-level network's key in this file. */
  networkLines: Record<string, number>;
}

/** `environment` as a map (list form `K=V` or `K`; map form with null values). */
export function envMap(v: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = String(e);
      const i = s.indexOf('=');
      if (i < 0) out[s] = null;
      else out[s.slice(0, i)] = s.slice(i + 1);
    }
  } else if (isRecord(v)) {
    for (const [k, val] of Object.entries(v))
      out[k] = val === null || val === undefined ? null : String(val);
  }
  return out;
}

function volumeTarget(v: unknown): string {
  if (isRecord(v)) return String(v.target ?? '');
  const parts = String(v).split(':');
  return (parts.length >= 2 ? parts[1] : parts[0]) ?? '';
}

function unionBy(base: unknown[], over: unknown[], key: (x: unknown) => string): unknown[] {
  const out = new Map<string, unknown>();
  for (const x of [...base, ...over]) out.set(key(x), x);
  return [...out.values()];
}

const CONCAT_KEYS = [
  'ports',
  'expose',
  'cap_add',
  'cap_drop',
  'security_opt',
  'dns',
  'dns_search',
  'tmpfs',
  'external_links',
  'env_file',
];

/** Compose's `extends` merge: maps merge, listed sequences concatenate, scalars override. */
export function mergeService(base: RawService, over: RawService): RawService {
  const out: RawService = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    if (k === 'environment' || k === 'labels') out[k] = { ...envMap(b), ...envMap(v) };
    else if ((k === 'volumes' || k === 'devices') && Array.isArray(b) && Array.isArray(v))
      out[k] = unionBy(b, v, volumeTarget);
    else if (CONCAT_KEYS.includes(k) && b !== undefined && v !== undefined)
      out[k] = unionBy(Array.isArray(b) ? b : [b], Array.isArray(v) ? v : [v], (x) =>
        JSON.stringify(x),
      );
    else if (isRecord(b) && isRecord(v)) out[k] = mergeService(b, v);
    else out[k] = v;
  }
  delete out.extends;
  return out;
}

/** The same merge for locations: the extending service's keys and items win. */
function mergeLines(base: ServiceLines, over: ServiceLines): ServiceLines {
  const items: Record<string, Map<string, Loc>> = { ...base.items };
  for (const [k, m] of Object.entries(over.items))
    items[k] = new Map([...(base.items[k] ?? new Map<string, Loc>()), ...m]);
  return {
    ...(over.line ? { line: over.line } : base.line ? { line: base.line } : {}),
    keys: { ...base.keys, ...over.keys },
    items,
  };
}

function rebaseEnvFiles(v: unknown, from: string, to: string): unknown {
  const rebase = (p: string) =>
    p.startsWith('/') ? p : posix.relative(posix.resolve(to), posix.resolve(from, p));
  const one = (f: unknown): unknown => {
    if (typeof f === 'string') return rebase(f);
    if (isRecord(f) && typeof f.path === 'string') return { ...f, path: rebase(f.path) };
    return f;
  };
  return Array.isArray(v) ? v.map(one) : one(v);
}

export interface LoadOptions {
  /** Path of the compose file (used for messages, relative paths and `.env`). */
  file: string;
  readFile: ReadFile;
  /** Process environment; overrides `.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The project directory (default: the file's directory); relative paths start there. */
  projectDir?: string;
  /** Interpolation files (default: `.env` in the project directory, when it exists). */
  envFiles?: readonly string[];
  /** Files already being loaded through `include:` (cycle detection). */
  including?: readonly string[];
}

/** A location as model fields: the line, and the file when it is not the audited one. */
export function located(c: LoadedCompose, loc: Loc | undefined): Located {
  if (!loc) return {};
  return loc.file === c.file ? { line: loc.line } : { line: loc.line, file: loc.file };
}

/** The location of one list item or map key of a service setting, else of the setting. */
export function itemLoc(s: LoadedService, key: string, item: unknown): Loc | undefined {
  return s.lines.items[key]?.get(JSON.stringify(item)) ?? s.lines.keys[key];
}

/** `a/b/../c` → `a/c`, keeping a relative path relative (and `./x` → `x`). */
export function joinPath(dir: string, path: string): string {
  return posix.normalize(path.startsWith('/') ? path : posix.join(dir, path));
}

export async function loadCompose(text: string, opts: LoadOptions): Promise<LoadedCompose> {
  const file = opts.file;
  const dir = opts.projectDir ?? posix.dirname(file);
  const env = opts.env ?? {};
  const envFiles = opts.envFiles ?? [joinPath(dir, '.env')];
  const dotEnvFile = envFiles[0] ?? joinPath(dir, '.env');
  const entries: (DotEnvEntry & { file: string })[] = [];
  for (const path of envFiles) {
    let dotEnvText: string | undefined;
    try {
      dotEnvText = await opts.readFile(path);
    } catch (err) {
      // The default `.env` is optional; a file named explicitly (include's env_file) is not.
      if (opts.envFiles) throw new UserError(`cannot read env file ${path}: ${errorMessage(err)}`);
    }
    if (dotEnvText === undefined) continue;
    try {
      // compose interpolates `.env` itself from the shell.
      for (const e of parseDotEnvEntries(dotEnvText, (k) => env[k]))
        entries.push({ ...e, file: path });
    } catch (err) {
      if (err instanceof DotEnvError) throw new UserError(`${path}:${err.line}: ${err.message}`);
      throw err;
    }
  }
  const dotEnv: Record<string, string> = {};
  for (const e of entries) dotEnv[e.name] = e.value;
  const vars: Record<string, string | undefined> = { ...dotEnv, ...env };
  const main = parseYaml(text, file, vars);
  if (main.data.services === undefined && main.data.include === undefined)
    throw new UserError(`${file}: not a compose file (no \`services\` and no \`include\`)`);
  const parsed = new Map<string, ParsedFile>([[file, main]]);

  const parsedFile = async (path: string): Promise<ParsedFile> => {
    const hit = parsed.get(path);
    if (hit) return hit;
    let other: string;
    try {
      other = await opts.readFile(path);
    } catch (err) {
      throw new UserError(`cannot read ${path} (extended from ${file}): ${errorMessage(err)}`);
    }
    const p = parseYaml(other, path, vars);
    parsed.set(path, p);
    return p;
  };

  const resolve = async (
    path: string,
    name: string,
    seen: string[],
  ): Promise<{ raw: RawService; lines: ServiceLines }> => {
    const key = `${path}#${name}`;
    if (seen.includes(key))
      throw new UserError(`${file}: circular extends: ${[...seen, key].join(' → ')}`);
    const p = await parsedFile(path);
    let svc = servicesOf(p)[name];
    if (!svc) throw new UserError(`${path}: extends names an unknown service ${name}`);
    const lines = linesFor(p, name, vars);
    const ext = svc.extends;
    // An extended file's `env_file` paths are relative to that file: rebase them on the main one.
    if (path !== file && svc.env_file !== undefined)
      svc = { ...svc, env_file: rebaseEnvFiles(svc.env_file, posix.dirname(path), dir) };
    if (ext === undefined) return { raw: svc, lines };
    const ref = typeof ext === 'string' ? { service: ext } : isRecord(ext) ? ext : undefined;
    if (!ref || typeof ref.service !== 'string')
      throw new UserError(`${path}: service ${name}: invalid extends`);
    const basePath = typeof ref.file === 'string' ? joinPath(posix.dirname(path), ref.file) : path;
    const base = await resolve(basePath, ref.service, [...seen, key]);
    return { raw: mergeService(base.raw, svc), lines: mergeLines(base.lines, lines) };
  };

  const loaded: LoadedService[] = [];
  for (const name of Object.keys(servicesOf(main))) {
    const { raw, lines } = await resolve(file, name, []);
    loaded.push({ name, raw, lines });
  }
  const volumes: Record<string, Record<string, unknown>> = {};
  if (isRecord(main.data.volumes))
    for (const [k, v] of Object.entries(main.data.volumes)) volumes[k] = isRecord(v) ? v : {};
  const networks: Record<string, Record<string, unknown>> = {};
  if (isRecord(main.data.networks))
    for (const [k, v] of Object.entries(main.data.networks)) networks[k] = isRecord(v) ? v : {};
  const project = projectName(main.data.name, vars, dir);
  return {
    file,
    dir,
    project,
    vars,
    env,
    dotEnv: { file: dotEnvFile, entries },
    include: Array.isArray(main.data.include) ? main.data.include : [],
    unset: [...new Set([...parsed.values()].flatMap((p) => p.unset))],
    services: loaded,
    volumes,
    networks,
    networkLines: topLevelLines(main, 'networks'),
  };
}

function projectName(
  declared: unknown,
  vars: Record<string, string | undefined>,
  dir: string,
): string {
  const raw =
    (typeof declared === 'string' && declared) ||
    vars.COMPOSE_PROJECT_NAME ||
    posix.basename(posix.resolve(dir));
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

/**
 * Loads a compose file into raw, interpolated, `extends`-resolved service objects, each setting
 * located in the file and line that holds it (the extended file for inherited settings, the
 * anchor for `<<` merges). Pure: file access goes through the injected `readFile`.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { YAMLMap } from 'yaml';
import { posix } from 'node:path';
import { UserError, errorMessage } from '../errors.js';
import { yamlToJS } from '../runbook/parse.js';
import { InterpolationError, interpolateDeep } from './compose-env.js';
import { DotEnvError, parseDotEnvEntries, type DotEnvEntry } from './dotenv.js';
import { aliasResolver, checkExpansion, MAX_EXPANDED_NODES } from './yaml-size.js';
import type { Alias, Node } from 'yaml';

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
  dotEnv: { file: string; entries: DotEnvEntry[] };
  services: LoadedService[];
  /** Top-level named volumes (driver, driver_opts), interpolated. */
  volumes: Record<string, Record<string, unknown>>;
}

interface ParsedFile {
  file: string;
  doc: Document;
  resolve: (alias: Alias) => Node | undefined;
  lc: LineCounter;
  data: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseYaml(
  text: string,
  file: string,
  vars: Record<string, string | undefined>,
): ParsedFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = lc.linePos(first.pos[0]);
    throw new UserError(
      `${file}:${pos.line}:${pos.col}: invalid YAML: ${first.message.split('\n')[0]}`,
    );
  }
  const resolve = aliasResolver(doc);
  const expansion = checkExpansion(doc, MAX_EXPANDED_NODES, resolve);
  if (!expansion.ok) {
    const pos = lc.linePos(expansion.offset);
    throw new UserError(
      expansion.reason === 'recursive'
        ? `${file}:${pos.line}:${pos.col}: invalid YAML: an alias refers to the anchor that contains it`
        : `${file}:${pos.line}:${pos.col}: invalid YAML: aliases expand to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes (an alias bomb?)`,
    );
  }
  // The size guard above replaces the alias count limit, which large real files exceed.
  const got = yamlToJS(doc, { maxAliasCount: -1 });
  if (!got.ok) {
    const pos = lc.linePos(got.offset);
    throw new UserError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${got.message}`);
  }
  const js = got.value;
  if (!isRecord(js)) throw new UserError(`${file}: not a compose file (expected a mapping)`);
  let data: unknown;
  try {
    data = interpolateDeep(js, vars);
  } catch (err) {
    if (err instanceof InterpolationError) {
      const node = err.path.length ? doc.getIn(err.path, true) : undefined;
      const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
      const where = offset === undefined ? '' : `${lc.linePos(offset).line}:`;
      throw new UserError(`${file}:${where} ${err.message}`);
    }
    throw err;
  }
  return { file, doc, resolve, lc, data: data as Record<string, unknown> };
}

function servicesOf(p: ParsedFile): Record<string, RawService> {
  const services = p.data.services;
  if (services === undefined || services === null) return {};
  if (!isRecord(services)) throw new UserError(`${p.file}: \`services\` must be a mapping`);
  for (const [name, s] of Object.entries(services))
    if (!isRecord(s)) throw new UserError(`${p.file}: service ${name} must be a mapping`);
  return services as Record<string, RawService>;
}

/** A `<<` merge key (the yaml library gives it a symbol value when `merge` is on). */
const isMergeKey = (k: unknown) =>
  isScalar(k) &&
  (k.value === '<<' || (typeof k.value === 'symbol' && String(k.value) === 'Symbol(<<)'));

const rangeStart = (n: unknown) => (n as { range?: [number, number, number] }).range?.[0];

/**
 * Locations of a service mapping's keys and list items. `<<` merge sources come first (the first
 * source wins, as in YAML), explicit keys override them; locations are where each is written.
 */
function mapLines(
  p: ParsedFile,
  node: YAMLMap,
  vars: Record<string, string | undefined>,
  out: ServiceLines,
  seen = new Set<unknown>(),
): void {
  if (seen.has(node)) return;
  seen.add(node);
  const at = (offset: number | undefined): Loc | undefined =>
    offset === undefined ? undefined : { file: p.file, line: p.lc.linePos(offset).line };
  const merges: YAMLMap[] = [];
  for (const kv of node.items) {
    if (!isMergeKey(kv.key)) continue;
    const sources = isSeq(kv.value) ? kv.value.items : [kv.value];
    for (const s of sources) {
      const target = isAlias(s) ? p.resolve(s) : s;
      if (isMap(target)) merges.push(target);
    }
  }
  // Later merge sources first, so earlier ones (which win) overwrite them.
  for (const m of merges.reverse()) mapLines(p, m, vars, out, seen);
  for (const kv of node.items) {
    if (!isScalar(kv.key) || isMergeKey(kv.key)) continue;
    const key = String(kv.key.value);
    const kl = at(rangeStart(kv.key));
    if (kl) out.keys[key] = kl;
    const items = new Map<string, Loc>();
    const value = isAlias(kv.value) ? p.resolve(kv.value) : kv.value;
    if (isSeq(value)) {
      for (const item of value.items) {
        const il = at(rangeStart(item));
        if (!il) continue;
        const v = interpolateDeep((item as { toJSON(): unknown }).toJSON(), vars);
        items.set(key === 'environment' ? (String(v).split('=')[0] ?? '') : JSON.stringify(v), il);
      }
    } else if (isMap(value)) {
      const collect = (m: YAMLMap, depth: number) => {
        for (const e of m.items) {
          if (!isScalar(e.key)) continue;
          if (isMergeKey(e.key) && depth < 8) {
            for (const s of isSeq(e.value) ? e.value.items : [e.value]) {
              const t = isAlias(s) ? p.resolve(s) : s;
              if (isMap(t)) collect(t, depth + 1);
            }
            continue;
          }
          const il = at(rangeStart(e.key));
          // Explicit keys (depth 0) win over merged ones, whatever the order.
          if (il && (depth === 0 || !items.has(String(e.key.value))))
            items.set(String(e.key.value), il);
        }
      };
      collect(value, 0);
    }
    if (items.size) out.items[key] = items;
    else delete out.items[key];
  }
}

function linesFor(
  p: ParsedFile,
  name: string,
  vars: Record<string, string | undefined>,
): ServiceLines {
  const lines: ServiceLines = { keys: {}, items: {} };
  const services = p.doc.get('services', true);
  if (!isMap(services)) return lines;
  for (const pair of services.items) {
    if (!isScalar(pair.key) || String(pair.key.value) !== name) continue;
    const offset = rangeStart(pair.key);
    if (offset !== undefined) lines.line = { file: p.file, line: p.lc.linePos(offset).line };
    const value = isAlias(pair.value) ? p.resolve(pair.value) : pair.value;
    if (isMap(value)) mapLines(p, value, vars, lines);
    break;
  }
  return lines;
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
}

/** `a/b/../c` → `a/c`, keeping a relative path relative (and `./x` → `x`). */
export function joinPath(dir: string, path: string): string {
  return posix.normalize(path.startsWith('/') ? path : posix.join(dir, path));
}

export async function loadCompose(text: string, opts: LoadOptions): Promise<LoadedCompose> {
  const file = opts.file;
  const dir = posix.dirname(file);
  const env = opts.env ?? {};
  const dotEnvFile = joinPath(dir, '.env');
  let dotEnvText: string | undefined;
  try {
    dotEnvText = await opts.readFile(dotEnvFile);
  } catch {
    // no .env: nothing to interpolate from it
  }
  let entries: DotEnvEntry[] = [];
  if (dotEnvText !== undefined) {
    try {
      // compose interpolates `.env` itself from the shell.
      entries = parseDotEnvEntries(dotEnvText, (k) => env[k]);
    } catch (err) {
      if (err instanceof DotEnvError)
        throw new UserError(`${dotEnvFile}:${err.line}: ${err.message}`);
      throw err;
    }
  }
  const dotEnv: Record<string, string> = {};
  for (const e of entries) dotEnv[e.name] = e.value;
  const vars: Record<string, string | undefined> = { ...dotEnv, ...env };
  const main = parseYaml(text, file, vars);
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
  const project = projectName(main.data.name, vars, dir);
  return {
    file,
    dir,
    project,
    vars,
    env,
    dotEnv: { file: dotEnvFile, entries },
    services: loaded,
    volumes,
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

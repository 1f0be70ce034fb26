/**
 * Loads a compose file into raw, interpolated, `extends`-resolved service objects with line
 * numbers. Pure: file access goes through the injected `readFile`.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { posix } from 'node:path';
import { UserError, errorMessage } from '../errors.js';
import { yamlToJS } from '../runbook/parse.js';
import { InterpolationError, interpolateDeep, parseDotEnv } from './compose-env.js';

export type ReadFile = (path: string) => Promise<string>;
export type RawService = Record<string, unknown>;

export interface ServiceLines {
  line?: number;
  /** Line of each top-level key of the service. */
  keys: Record<string, number>;
  /** Per list key: item (JSON of the interpolated item, or env var name) → line. */
  items: Record<string, Map<string, number>>;
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
  vars: Record<string, string | undefined>;
  services: LoadedService[];
}

interface ParsedFile {
  doc: Document;
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
  const got = yamlToJS(doc, { maxAliasCount: 1000 });
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
  return { doc, lc, data: data as Record<string, unknown> };
}

function servicesOf(p: ParsedFile, file: string): Record<string, RawService> {
  const services = p.data.services;
  if (services === undefined || services === null) return {};
  if (!isRecord(services)) throw new UserError(`${file}: \`services\` must be a mapping`);
  for (const [name, s] of Object.entries(services))
    if (!isRecord(s)) throw new UserError(`${file}: service ${name} must be a mapping`);
  return services as Record<string, RawService>;
}

function linesFor(
  p: ParsedFile,
  name: string,
  vars: Record<string, string | undefined>,
): ServiceLines {
  const lines: ServiceLines = { keys: {}, items: {} };
  const services = p.doc.get('services', true);
  if (!isMap(services)) return lines;
  const at = (offset: number | undefined) =>
    offset === undefined ? undefined : p.lc.linePos(offset).line;
  for (const pair of services.items) {
    if (!isScalar(pair.key) || String(pair.key.value) !== name) continue;
    const l = at(pair.key.range?.[0]);
    if (l !== undefined) lines.line = l;
    if (!isMap(pair.value)) break;
    for (const kv of pair.value.items) {
      if (!isScalar(kv.key)) continue;
      const key = String(kv.key.value);
      const kl = at(kv.key.range?.[0]);
      if (kl !== undefined) lines.keys[key] = kl;
      const items = new Map<string, number>();
      if (isSeq(kv.value)) {
        for (const item of kv.value.items) {
          const il = at((item as { range?: [number, number, number] }).range?.[0]);
          if (il === undefined) continue;
          const v = interpolateDeep((item as { toJSON(): unknown }).toJSON(), vars);
          items.set(
            key === 'environment' ? (String(v).split('=')[0] ?? '') : JSON.stringify(v),
            il,
          );
        }
      } else if (isMap(kv.value)) {
        for (const e of kv.value.items) {
          const il = at(isScalar(e.key) ? e.key.range?.[0] : undefined);
          if (il !== undefined && isScalar(e.key)) items.set(String(e.key.value), il);
        }
      }
      if (items.size) lines.items[key] = items;
    }
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

export interface LoadOptions {
  /** Path of the compose file (used for messages, relative paths and `.env`). */
  file: string;
  readFile: ReadFile;
  /** Process environment; overrides `.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

export async function loadCompose(text: string, opts: LoadOptions): Promise<LoadedCompose> {
  const file = opts.file;
  const dir = posix.dirname(file);
  let dotEnv: Record<string, string> = {};
  try {
    dotEnv = parseDotEnv(await opts.readFile(posix.join(dir, '.env')));
  } catch {
    // no .env: nothing to interpolate from it
  }
  const vars: Record<string, string | undefined> = { ...dotEnv, ...(opts.env ?? {}) };
  const main = parseYaml(text, file, vars);
  const services = servicesOf(main, file);
  const cache = new Map<string, Record<string, RawService>>([[file, services]]);

  const servicesIn = async (path: string): Promise<Record<string, RawService>> => {
    const hit = cache.get(path);
    if (hit) return hit;
    let other: string;
    try {
      other = await opts.readFile(path);
    } catch (err) {
      throw new UserError(`cannot read ${path} (extended from ${file}): ${errorMessage(err)}`);
    }
    const parsed = servicesOf(parseYaml(other, path, vars), path);
    cache.set(path, parsed);
    return parsed;
  };

  const resolve = async (path: string, name: string, seen: string[]): Promise<RawService> => {
    const key = `${path}#${name}`;
    if (seen.includes(key))
      throw new UserError(`${file}: circular extends: ${[...seen, key].join(' → ')}`);
    const svc = (await servicesIn(path))[name];
    if (!svc) throw new UserError(`${path}: extends names an unknown service ${name}`);
    const ext = svc.extends;
    if (ext === undefined) return svc;
    const ref = typeof ext === 'string' ? { service: ext } : isRecord(ext) ? ext : undefined;
    if (!ref || typeof ref.service !== 'string')
      throw new UserError(`${path}: service ${name}: invalid extends`);
    const basePath =
      typeof ref.file === 'string' ? posix.resolve(posix.dirname(path), ref.file) : path;
    const base = await resolve(basePath, ref.service, [...seen, key]);
    return mergeService(base, svc);
  };

  const loaded: LoadedService[] = [];
  for (const name of Object.keys(services)) {
    loaded.push({ name, raw: await resolve(file, name, []), lines: linesFor(main, name, vars) });
  }
  const project = projectName(main.data.name, vars, dir);
  return { file, dir, project, vars, services: loaded };
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

/**
 * A compose file's YAML: parsed (alias bombs refused by size), interpolated, and each service key
 * and list item located in the file and line that write it (`<<` merges at the anchor). Pure.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { Alias, Node, YAMLMap } from 'yaml';
import { UserError } from '../errors.js';
import { yamlToJS } from '../runbook/yaml-values.js';
import {
  InterpolationError,
  interpolateDeep,
  showUnset,
  unsetMarker,
  type OnMissingRequired,
} from './compose-env.js';
import { aliasResolver, checkExpansion, MAX_EXPANDED_NODES } from './yaml-size.js';
import type { Loc, RawService, ServiceLines } from './compose-load.js';
import { isRecord } from './values.js';

export interface ParsedFile {
  file: string;
  doc: Document;
  resolve: (alias: Alias) => Node | undefined;
  lc: LineCounter;
  data: Record<string, unknown>;
  /** Required variables (`${VAR:?}`) that are not set, in the order met. */
  unset: string[];
  /** Interpolation as done for this file's values (kept in step with `data`). */
  interpolate: (value: unknown, path: readonly (string | number)[]) => unknown;
}

/** The top-level keys of the Compose specification (besides `x-` extensions). */
const COMPOSE_TOP_LEVEL = new Set([
  'version',
  'name',
  'include',
  'services',
  'networks',
  'volumes',
  'secrets',
  'configs',
  'models',
]);

/**
 * Under `services.<name>.environment` a required variable that is not set stays a placeholder:
 * the environment resolution makes the value unknown. Elsewhere it reads `${NAME}` in evidence.
 */
function isEnvironmentPath(path: readonly (string | number)[]): boolean {
  return path[0] === 'services' && path[2] === 'environment';
}

function writeBackUnset(value: unknown, path: readonly (string | number)[]): unknown {
  if (isEnvironmentPath(path)) return value;
  if (typeof value === 'string') return showUnset(value);
  if (Array.isArray(value)) return value.map((v, i) => writeBackUnset(v, [...path, i]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = writeBackUnset(v, [...path, k]);
    return out;
  }
  return value;
}

export function parseYaml(
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
  const foreign = Object.keys(js).find((k) => !COMPOSE_TOP_LEVEL.has(k) && !k.startsWith('x-'));
  if (foreign !== undefined)
    throw new UserError(
      `${file}: not a compose file (top-level key ${JSON.stringify(foreign)} is not part of the Compose specification)`,
    );
  const unset: string[] = [];
  let markers = 0;
  // The file is audited without the deploy-time secrets it requires: their values are unknown.
  const onMissing: OnMissingRequired = (name) => {
    markers++;
    if (!unset.includes(name)) unset.push(name);
    return unsetMarker(name);
  };
  const interpolate = (value: unknown, path: readonly (string | number)[]) => {
    const before = markers;
    const out = interpolateDeep(value, vars, path, onMissing);
    // Walked again only when a placeholder was written (most files have none).
    return markers === before ? out : writeBackUnset(out, path);
  };
  let data: unknown;
  try {
    data = interpolate(js, []);
  } catch (err) {
    if (err instanceof InterpolationError) {
      const node = err.path.length ? doc.getIn(err.path, true) : undefined;
      const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
      const where = offset === undefined ? '' : `${lc.linePos(offset).line}:`;
      throw new UserError(`${file}:${where} ${err.message}`);
    }
    throw err;
  }
  return { file, doc, resolve, lc, data: data as Record<string, unknown>, unset, interpolate };
}

export function servicesOf(p: ParsedFile): Record<string, RawService> {
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
        const v = p.interpolate((item as { toJSON(): unknown }).toJSON(), [key]);
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

export function linesFor(
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

/** The line of each key of a top-level map (`networks:`, `volumes:`) in this file. */
export function topLevelLines(p: ParsedFile, section: string): Record<string, number> {
  const out: Record<string, number> = {};
  const node = p.doc.get(section, true);
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const offset = rangeStart(pair.key);
    if (offset !== undefined) out[String(pair.key.value)] = p.lc.linePos(offset).line;
  }
  return out;
}

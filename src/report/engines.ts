/**
 * Which engines a session's checks and actions ran against, from the journal (each result
 * records its engine): one entry per engine, with the steps and ad-hoc actions run there. A
 * session that spans engines is reported grouped by engine. Pure.
 */
import type { EngineRef } from '../engine/executors.js';
import type { JournalEntry } from '../journal/types.js';

export interface ReportEngine {
  /** How the report names it: the engine's host name, else its address. */
  label: string;
  engine: EngineRef;
  /** Runbook steps run against it (ids, in order, each once). */
  steps: string[];
  /** Ad-hoc actions (CLI verbs) run against it. */
  actions: string[];
}

function engineOf(data: Record<string, unknown>): EngineRef | undefined {
  const e = data.engine as Partial<EngineRef> | undefined;
  if (!e || typeof e !== 'object' || typeof e.endpoint !== 'string') return undefined;
  const s = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const ref: EngineRef = { endpoint: e.endpoint };
  for (const k of ['context', 'id', 'name', 'version'] as const) {
    const v = s(e[k]);
    if (v) ref[k] = v;
  }
  return ref;
}

/** One engine is one daemon at one address (two daemons of a machine may share an ID). */
export const engineKey = (e: EngineRef) => `${e.id ?? ''}|${e.endpoint}`;

export function engineLabel(e: EngineRef): string {
  return e.name ?? e.endpoint;
}

export function enginesOf(entries: readonly JournalEntry[]): ReportEngine[] {
  const byKey = new Map<string, ReportEngine>();
  for (const entry of entries) {
    if (entry.type !== 'step.result' && entry.type !== 'action.result') continue;
    if (entry.data.dryRun === true) continue;
    const engine = engineOf(entry.data);
    if (!engine) continue;
    const key = engineKey(engine);
    const cur = byKey.get(key) ?? { label: engineLabel(engine), engine, steps: [], actions: [] };
    byKey.set(key, cur);
    if (entry.type === 'step.result' && entry.step && !cur.steps.includes(entry.step))
      cur.steps.push(entry.step);
    if (entry.type === 'action.result') cur.actions.push(String(entry.data.action ?? 'action'));
  }
  const engines = [...byKey.values()];
  // Two engines of the same name (two daemons on one host) are told apart by their address.
  const shared = new Set(
    engines.filter((e) => engines.some((o) => o !== e && o.label === e.label)).map((e) => e.label),
  );
  for (const e of engines) if (shared.has(e.label)) e.label = `${e.label} (${e.engine.endpoint})`;
  return engines;
}

/** The engine a result records, as the report names it among `engines`. */
export function resultEngineLabel(
  engines: readonly ReportEngine[],
  data: Record<string, unknown>,
): string | undefined {
  const e = engineOf(data);
  if (!e) return undefined;
  return engines.find((x) => engineKey(x.engine) === engineKey(e))?.label ?? engineLabel(e);
}

/**
 * Verdicts that no longer describe the engine: a check result about a container that is gone, or
 * whose name now belongs to another container (recreated, new id). Pure: the live containers are
 * passed in.
 */
import { checkResultsOf, lastResult } from './outcomes.js';
import type { SessionState } from './state.js';

export interface LiveContainer {
  id: string;
  name: string;
}

export interface StaleVerdict {
  /** The result's target as recorded, e.g. `container web (3f2a1b2c3d4e)`. */
  target: string;
  name: string;
  /** The recorded id (12 characters). */
  id: string;
  why: 'gone' | 'recreated';
  /** The id that name has now (recreated). */
  nowId?: string;
}

/** `container web (3f2a1b2c3d4e)` → name and short id; other targets (compose) → undefined. */
export function containerTarget(target: string): { name: string; id: string } | undefined {
  const m = /^container (\S+) \(([0-9a-f]{12})\)/.exec(target);
  return m ? { name: m[1] as string, id: m[2] as string } : undefined;
}

export function staleVerdicts(
  targets: readonly string[],
  live: readonly LiveContainer[],
): StaleVerdict[] {
  const out: StaleVerdict[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    const t = containerTarget(target);
    if (!t || seen.has(target)) continue;
    seen.add(target);
    if (live.some((c) => c.id.startsWith(t.id))) continue;
    const now = live.find((c) => c.name === t.name);
    out.push(
      now
        ? { target, ...t, why: 'recreated', nowId: now.id.slice(0, 12) }
        : { target, ...t, why: 'gone' },
    );
  }
  return out;
}

/** Stale verdicts of each check step's last result (steps with none are left out). */
export function staleSteps(
  state: SessionState,
  live: readonly LiveContainer[],
): Record<string, StaleVerdict[]> {
  const out: Record<string, StaleVerdict[]> = {};
  for (const id of state.order) {
    const st = state.steps[id];
    if (st?.status === 'running') continue;
    const stale = staleVerdicts(
      checkResultsOf(lastResult(st)?.data).map((r) => r.target),
      live,
    );
    if (stale.length > 0) out[id] = stale;
  }
  return out;
}

/** `container web (3f2a…) no longer exists` / `… was recreated (now 9b1c…)`. */
export function staleText(v: StaleVerdict): string {
  return v.why === 'gone'
    ? `container ${v.name} (${v.id}) no longer exists`
    : `container ${v.name} was recreated: ${v.id} is gone, ${v.name} is now ${v.nowId ?? '?'}`;
}

/**
 * Before a confirmation is asked: the step's target is looked up and the action dry-run (through
 * the ActionRunner, read-only, not journaled), so the operator sees what will be cut, written or
 * overwritten, and is never asked to type the name of a container that is not there. A target
 * that is gone, or is now a different container than the one the session worked on, is reported
 * so the screen can offer to pick its replacement (recorded as such).
 */
import { DockerError, errorMessage } from '../errors.js';
import type { EngineRef } from './executors.js';
import type { Step } from '../runbook/types.js';
import type { ActionRunner } from './executors.js';
import type { SessionState } from './state.js';
import { inputOfStep, removalOf, targetIdentity, type ContainerIdentity } from './targets.js';

export interface Removal {
  at: string;
  by: string;
}

export type Preflight =
  /** Nothing to look up (not an action), or the plan: engine calls and blast radius. */
  | {
      kind: 'ready';
      container?: ContainerIdentity;
      calls?: string[];
      blastRadius?: string;
      plan?: Record<string, unknown>;
      /** The engine it would run against (named in the confirmation). */
      engine?: EngineRef;
    }
  /** The action refuses this target as it is (e.g. host networking): nothing was changed. */
  | { kind: 'refused'; message: string; offer?: string[]; container?: ContainerIdentity }
  /** No container answers to the step's target. */
  | {
      kind: 'missing';
      reference: string;
      input?: string;
      original?: ContainerIdentity;
      removed?: Removal;
      message: string;
    }
  /** The name now belongs to another container than the one this session worked on. */
  | {
      kind: 'replaced';
      input: string;
      original: ContainerIdentity;
      current: ContainerIdentity;
      removed?: Removal;
      message: string;
    };

function identity(v: unknown): ContainerIdentity | undefined {
  const r = v as Record<string, unknown> | undefined;
  if (!r || typeof r.id !== 'string') return undefined;
  return {
    id: r.id,
    name: typeof r.name === 'string' ? r.name : r.id.slice(0, 12),
    ...(typeof r.image === 'string' ? { image: r.image } : {}),
  };
}

export async function preflight(
  state: SessionState,
  actions: ActionRunner | undefined,
  step: Step,
  params: Readonly<Record<string, string>>,
  ctx: { sessionId: string; signal: AbortSignal },
): Promise<Preflight> {
  if (step.type !== 'action' || !actions?.actions.some((a) => a.id === step.action))
    return { kind: 'ready' };
  const input = inputOfStep(state.runbook, step);
  const known = input ? targetIdentity(state, input) : undefined;
  const removed = (id: string | undefined) => {
    const r = id ? removalOf(state, id) : undefined;
    return r ? { removed: { at: r.result?.at ?? r.at, by: r.result?.by ?? r.by } } : {};
  };
  const reference = params.container ?? '';
  // The plan is asked for without the id guard: a different container is reported, not refused.
  const open = Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'expectId'));
  let out;
  try {
    out = await actions.dryRun(step.action ?? '', {
      sessionId: ctx.sessionId,
      stepId: step.id,
      params: open,
      signal: ctx.signal,
      onOutput: () => undefined,
    });
  } catch (err) {
    if (err instanceof DockerError && err.kind === 'not-found') {
      const gone = removed(known?.id);
      return {
        kind: 'missing',
        reference,
        ...(input ? { input } : {}),
        ...(known ? { original: known } : {}),
        ...gone,
        message: gone.removed
          ? `${reference} was removed in this session (${gone.removed.at} by ${gone.removed.by}): pick the container that replaces it`
          : input
            ? `no container ${reference || '(none)'} on the engine: pick the container that replaces it (recorded), or Esc`
            : `no container named ${reference || '(none)'} on the engine: ${errorMessage(err)}`,
      };
    }
    throw err;
  }
  const container = identity(out.data.container);
  if (input && known && container && container.id !== known.id) {
    const gone = removed(known.id);
    return {
      kind: 'replaced',
      input,
      original: known,
      current: container,
      ...gone,
      message: `${container.name} is now container ${container.id.slice(0, 12)}, not ${known.id.slice(0, 12)} that this session worked on${gone.removed ? ` (removed ${gone.removed.at})` : ''}: use it as the replacement?`,
    };
  }
  if (!out.ok)
    return {
      kind: 'refused',
      message: out.summary,
      ...(Array.isArray(out.data.offer)
        ? { offer: (out.data.offer as unknown[]).map(String) }
        : {}),
      ...(container ? { container } : {}),
    };
  return {
    kind: 'ready',
    ...(container ? { container } : {}),
    ...(Array.isArray(out.data.calls) ? { calls: (out.data.calls as unknown[]).map(String) } : {}),
    ...(typeof out.data.blastRadius === 'string' ? { blastRadius: out.data.blastRadius } : {}),
    plan: out.data,
  };
}

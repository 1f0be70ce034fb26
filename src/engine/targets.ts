/**
 * The session's targets: which container a `container` input stands for, as the journal knows it.
 * After eradication the recover phase works on a replacement the operator picked (recorded as
 * `target.replaced`); from then on the input names the replacement, and actions that need the
 * original's records (its isolation plan) are told which container it replaces. Pure.
 */
import type { Runbook, Step } from '../runbook/types.js';
import { sameContainer } from './incident-fold.js';
import type { ActionRecord, SessionState } from './state.js';

export interface ContainerIdentity {
  id: string;
  name: string;
  image?: string;
}

/** Ids of the runbook's `container` inputs. */
export function containerInputs(runbook: Runbook): string[] {
  return runbook.inputs.filter((i) => i.type === 'container').map((i) => i.id);
}

/** The `container` input a step's `container` param is filled from (`{{target}}` → `target`). */
export function inputOfStep(runbook: Runbook, step: Step): string | undefined {
  const raw = step.params.container;
  if (raw === undefined) return undefined;
  const m = /^\{\{\s*([a-z0-9][a-z0-9_-]*)\s*\}\}$/.exec(raw.trim());
  const id = m?.[1];
  return id && containerInputs(runbook).includes(id) ? id : undefined;
}

function ref(v: unknown): ContainerIdentity | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id) return undefined;
  return {
    id: r.id,
    name: typeof r.name === 'string' ? r.name : r.id.slice(0, 12),
    ...(typeof r.image === 'string' ? { image: r.image } : {}),
  };
}

/** The container an action result (or its intent's plan) names. */
export function containerOfAction(a: ActionRecord): ContainerIdentity | undefined {
  const plan = a.intent.plan as Record<string, unknown> | undefined;
  return ref(a.result?.data.container) ?? ref(plan?.container);
}

/**
 * The container the input stood for when the journal last saw it: the recorded replacement, else
 * the container of the latest action that ran on the input's value. Undefined when no action has
 * named it yet (nothing to compare a live container with).
 */
export function targetIdentity(state: SessionState, input: string): ContainerIdentity | undefined {
  const replaced = (state.replacements ?? []).filter((r) => r.input === input).at(-1);
  if (replaced) return replaced.replacement;
  const value = state.inputs[input];
  if (!value) return undefined;
  for (const a of [...(state.actionLog ?? [])].reverse()) {
    if (a.dryRun || a.params.container !== value) continue;
    const c = containerOfAction(a);
    if (c) return c;
  }
  return undefined;
}

/** The successful removal (eradicate) of this container recorded in the session, if any. */
export function removalOf(state: SessionState, id: string): ActionRecord | undefined {
  return (state.actionLog ?? []).find(
    (a) =>
      a.action === 'eradicate' &&
      !a.dryRun &&
      a.outcome === 'ok' &&
      containerOfAction(a)?.id === id,
  );
}

/** The original a replacement stands in for (the first container of that input), if replaced. */
export function replacedOriginal(
  state: SessionState,
  input: string,
): ContainerIdentity | undefined {
  return (state.replacements ?? []).find((r) => r.input === input)?.original;
}

/**
 * Params an action needs beyond the runbook's: which container a replacement replaces (so
 * unisolate reconnects it with the original's recorded network plan, and health compares with
 * it). Only when the step's container is the replacement of a recorded original.
 */
export function replacementParams(
  state: SessionState,
  step: Step,
  params: Readonly<Record<string, string>>,
): Record<string, string> {
  const input = inputOfStep(state.runbook, step);
  if (!input) return {};
  const replaced = (state.replacements ?? []).filter((r) => r.input === input).at(-1);
  if (!replaced || !params.container || !sameContainer(replaced.replacement, params.container))
    return {};
  const original = replacedOriginal(state, input) ?? replaced.original;
  return { replaces: original.id, replacesName: original.name };
}

/** Containers whose secret values the session should know: its targets, old and new. */
export function targetRefs(state: SessionState): string[] {
  const refs = containerInputs(state.runbook).map((i) => state.inputs[i] ?? '');
  for (const r of state.replacements ?? []) refs.push(r.original.id, r.replacement.id);
  for (const a of state.actionLog ?? []) if (a.params.container) refs.push(a.params.container);
  return [...new Set(refs.filter(Boolean))];
}

/**
 * Gates and confirmations, as pure functions of the state: which required steps still block a
 * step, whether it is running, what kind of confirmation running it needs and the name the
 * operator must type. The Session applies them before anything is written.
 */
import { UserError } from '../errors.js';
import { findStep, type Step } from '../runbook/types.js';
import type { ActionDescription } from './executors.js';
import { RESOLVED, type SessionState } from './state.js';

/** Required steps of `stepId` that are not done and whose gate has not been overridden. */
export function unmetRequirements(state: SessionState, stepId: string): string[] {
  const step = findStep(state.runbook, stepId);
  const st = state.steps[stepId];
  if (!step || !st) return [];
  const unmet = step.requires.filter((r) => state.steps[r]?.status !== 'done');
  if (unmet.length === 0) return [];
  const overridden = new Set(st.overrides.flatMap((o) => o.unmet));
  return unmet.filter((r) => !overridden.has(r));
}

/** Steps not yet done, skipped or failed, in runbook order. */
export function openSteps(state: SessionState): string[] {
  return state.order.filter((id) => !RESOLVED.has(state.steps[id]?.status ?? 'pending'));
}

export function assertUnblocked(state: SessionState, stepId: string): void {
  const unmet = unmetRequirements(state, stepId);
  if (unmet.length > 0) {
    throw new UserError(
      `step "${stepId}" requires ${unmet.map((u) => `"${u}"`).join(', ')} first`,
      'finish those steps, or override the gate with a recorded reason',
    );
  }
}

export function assertNotRunning(state: SessionState, stepId: string): void {
  if (state.steps[stepId]?.status === 'running') {
    throw new UserError(`step "${stepId}" is running; cancel it first`);
  }
}

export type ConfirmationMode = 'none' | 'yes' | 'typed';

/** Destructive actions always need the target's name typed; otherwise what the runbook says. */
export function confirmationMode(
  step: Step,
  actions: readonly ActionDescription[] = [],
): ConfirmationMode {
  const destructive =
    step.type === 'action' && actions.find((a) => a.id === step.action)?.destructive;
  return destructive ? 'typed' : step.confirm;
}

/** What the operator must type to confirm a `typed` step: the target's name. */
export function confirmationTarget(
  state: SessionState,
  step: Step,
  params: Readonly<Record<string, string>>,
  actions: readonly ActionDescription[] = [],
): string {
  const desc = actions.find((a) => a.id === step.action);
  const key = desc?.confirmParam ?? (params.container !== undefined ? 'container' : undefined);
  if (key && params[key]) return params[key];
  if (params.target) return params.target;
  const firstInput = state.runbook.inputs[0];
  return (firstInput && state.inputs[firstInput.id]) || step.id;
}

/** Refuses a run that lacks the confirmation its step needs (before anything is written). */
export function assertConfirmed(
  mode: ConfirmationMode,
  stepId: string,
  expected: string,
  given: { typed?: string; confirmed?: boolean },
): void {
  if (mode === 'typed' && (given.typed ?? '').trim() !== expected)
    throw new UserError(`type "${expected}" to confirm this step`);
  if (mode === 'yes' && !given.confirmed)
    throw new UserError(`step "${stepId}" needs a confirmation`);
}

/** An ad-hoc destructive action (a CLI verb) needs `--yes` or the target's name typed. */
export function assertAdHocConfirmed(
  desc: ActionDescription,
  params: Readonly<Record<string, string>>,
  given: { typed?: string; confirmed?: boolean },
): void {
  if (!desc.destructive || given.confirmed) return;
  const expected = params[desc.confirmParam ?? 'container'] ?? '';
  if ((given.typed ?? '').trim() !== expected)
    throw new UserError(
      `${desc.id} is destructive: confirm it`,
      'add --yes, or preview it with --dry-run',
    );
}

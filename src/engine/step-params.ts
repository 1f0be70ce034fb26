/**
 * What a step runs with: its params and argv with `{{input}}` filled in from the session's
 * inputs, plus what the engine adds to action params: the incident's start (restore), which
 * container a replacement replaces, and the id of the container the session knows by that name
 * (`expectId`: a re-created container under the same name is refused by the action). Pure.
 */
import { fillTemplate } from '../runbook/template.js';
import type { Step } from '../runbook/types.js';
import { withIncidentStart } from './safety.js';
import type { SessionState } from './state.js';
import { inputOfStep, replacementParams, targetIdentity } from './targets.js';

export function stepParams(state: SessionState, step: Step): Record<string, string> {
  const declared = new Set(state.runbook.inputs.map((i) => i.id));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.params))
    out[k] = fillTemplate(v, declared, state.inputs);
  if (step.type !== 'action') return out;
  const input = inputOfStep(state.runbook, step);
  const known = input ? targetIdentity(state, input) : undefined;
  return {
    ...withIncidentStart(state, step.action ?? '', out),
    ...replacementParams(state, step, out),
    ...(known && out.container ? { expectId: known.id } : {}),
  };
}

export function stepArgv(state: SessionState, step: Step): string[] {
  const declared = new Set(state.runbook.inputs.map((i) => i.id));
  return (step.command ?? []).map((a) => fillTemplate(a, declared, state.inputs));
}

/** The runbook model: what a parsed, validated runbook looks like. Pure data. */

export const RUNBOOK_KINDS = ['incident', 'checklist'] as const;
export type RunbookKind = (typeof RUNBOOK_KINDS)[number];

export const STEP_TYPES = ['manual', 'check', 'action', 'command'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const CONFIRM_MODES = ['none', 'yes', 'typed'] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INPUT_TYPES = ['container', 'string', 'path', 'compose-file', 'time'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export interface RunbookInput {
  id: string;
  title: string;
  type: InputType;
  description?: string;
  required: boolean;
  default?: string;
}

export interface Step {
  id: string;
  title: string;
  type: StepType;
  guidance: string;
  severity?: Severity;
  refs: string[];
  /** Step ids that must be resolved (done) first. */
  requires: string[];
  confirm: ConfirmMode;
  /** `check` steps: the check ids to evaluate. */
  checks?: string[];
  /** `action` steps: the action id. */
  action?: string;
  /** Parameters, may contain `{{input}}` templates. */
  params: Record<string, string>;
  /** `command` steps: argv (never a shell string); each element may contain templates. */
  command?: string[];
  /** `command` steps: seconds before the process is stopped. */
  timeout?: number;
  /** A question (e.g. lessons learned): marking it done needs a recorded answer (a note). */
  answer?: boolean;
}

export interface Phase {
  id: string;
  title: string;
  steps: Step[];
}

export interface Runbook {
  id: string;
  title: string;
  kind: RunbookKind;
  description: string;
  version?: string;
  inputs: RunbookInput[];
  phases: Phase[];
}

/** Where a runbook came from, for listings and messages. */
export type RunbookOrigin = 'bundled' | 'user' | 'path';

export interface LoadedRunbook {
  runbook: Runbook;
  origin: RunbookOrigin;
  file: string;
  /** SHA-256 of the file's bytes, recorded when a session starts. */
  sha256: string;
}

export interface RunbookIssue {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function allSteps(runbook: Runbook): Step[] {
  return runbook.phases.flatMap((p) => p.steps);
}

export function findStep(runbook: Runbook, stepId: string): Step | undefined {
  for (const p of runbook.phases) for (const s of p.steps) if (s.id === stepId) return s;
  return undefined;
}

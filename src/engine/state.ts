/** Session state: what a fold over the journal yields. Pure data. */
import type { Runbook } from '../runbook/types.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'interrupted';

export const RESOLVED: ReadonlySet<StepStatus> = new Set(['done', 'skipped', 'failed']);

export interface Stamp {
  by: string;
  at: string;
  seq: number;
}

export interface NoteRecord extends Stamp {
  text: string;
}

export interface OverrideRecord extends Stamp {
  reason: string;
  /** The required steps that were not done when the gate was overridden. */
  unmet: string[];
}

export interface StepResultRecord extends Stamp {
  outcome: 'ok' | 'failed' | 'cancelled' | 'timeout' | 'error';
  summary: string;
  dryRun: boolean;
  data: Record<string, unknown>;
}

export interface StepState {
  id: string;
  phaseId: string;
  status: StepStatus;
  /** Who resolved it and when (done/skipped/failed). */
  resolved?: Stamp;
  /** Skip reason, or the reason a failed check was accepted. */
  reason?: string;
  /** Failure note. */
  failure?: string;
  /** True when a failed check was accepted as done with a reason. */
  accepted?: boolean;
  notes: NoteRecord[];
  overrides: OverrideRecord[];
  started?: Stamp & { data: Record<string, unknown> };
  results: StepResultRecord[];
}

export interface PhaseProgress {
  id: string;
  title: string;
  total: number;
  resolved: number;
}

export interface Signoff extends Stamp {
  signer: string;
  statement: string;
  signedAt: string;
  head: string;
  keyFingerprint: string;
  /** Hash of the sign-off entry itself: the head to paste into a ticket. */
  hash: string;
}

export type SessionStatus = 'in-progress' | 'ready-to-sign' | 'signed';

export interface SessionState {
  id: string;
  runbook: Runbook;
  runbookFile: string;
  runbookSha256: string;
  inputs: Record<string, string>;
  operator: string;
  startedAt: string;
  updatedAt: string;
  steps: Record<string, StepState>;
  /** Step ids in runbook order. */
  order: string[];
  phases: PhaseProgress[];
  /** Notes not attached to a step. */
  notes: NoteRecord[];
  signoffs: Signoff[];
  status: SessionStatus;
  head: string;
  entries: number;
  repairs: number;
}

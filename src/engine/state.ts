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

/** One action run (a runbook action step or an ad-hoc CLI action), intent to result. */
export interface ActionRecord extends Stamp {
  action: string;
  /** The runbook step, or undefined for an ad-hoc action. */
  step?: string;
  adhoc: boolean;
  params: Record<string, string>;
  dryRun: boolean;
  status: 'running' | 'done' | 'interrupted';
  /** The intent entry's data (plan, override reason). */
  intent: Record<string, unknown>;
  outcome?: 'ok' | 'failed' | 'cancelled' | 'timeout' | 'error';
  summary?: string;
  result?: Stamp & { data: Record<string, unknown> };
}

export interface EvidenceFile {
  path: string;
  bytes: number;
  sha256: string;
  kind: string;
}

/** A snapshot as recorded in the journal; paths relative to the session directory. */
export interface EvidenceRecord extends Stamp {
  action: string;
  step?: string;
  container: { id: string; name: string; image?: string };
  complete: boolean;
  /** The operator cancelled it: what was collected is kept, marked INCOMPLETE. */
  cancelled?: boolean;
  /** Whether the engine's events reached back to the container's creation. */
  eventsCoverage?: { complete: boolean; since?: string };
  /** Every part (logs, inspect, processes, changes, events) was asked for. */
  fullSnapshot: boolean;
  dir: string;
  manifest: string;
  manifestSha256: string | null;
  files: EvidenceFile[];
}

export interface BackupRecord extends Stamp {
  step?: string;
  container: { id: string; name: string };
  dir: string;
  manifest: string;
  manifestSha256: string;
  createdAt: string;
  encrypted: boolean;
  archives: { path: string; destination: string; volume?: string; bytes: number; sha256: string }[];
}

export interface RestoreRecord extends Stamp {
  step?: string;
  container: { id: string; name: string };
  backup: string;
  backupCreatedAt: string;
  outcome: string;
  summary: string;
  verified: { file: string; sha256: string; entries: number }[];
  warnings: string[];
}

/** A restore test: a backup restored into scratch volumes and compared file by file. */
export interface RestoreTestRecord extends Stamp {
  step?: string;
  container: { id: string; name: string };
  backup: string;
  /** The tested manifest's SHA-256: which backup passed (a later one is not tested by it). */
  manifestSha256: string;
  backupCreatedAt: string;
  passed: boolean;
  files: number;
  differences: string[];
  summary: string;
}

/** An input changed during the session (e.g. the incident's start, once the alert time is known). */
export interface InputChange extends Stamp {
  input: string;
  value: string;
  previous?: string;
  reason?: string;
}

/** A `container` input re-pointed at a replacement (the original was removed or re-created). */
export interface Replacement extends Stamp {
  input: string;
  original: { id: string; name: string; image?: string };
  replacement: { id: string; name: string; image?: string };
  reason?: string;
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
  /** The last entry that recorded work (a resume or a journal repair is not work). */
  lastWorkAt?: string;
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
  /** Every action run, step or ad-hoc, in journal order (incident work). */
  actionLog?: ActionRecord[];
  evidence?: EvidenceRecord[];
  backups?: BackupRecord[];
  restores?: RestoreRecord[];
  restoreTests?: RestoreTestRecord[];
  inputChanges?: InputChange[];
  replacements?: Replacement[];
}

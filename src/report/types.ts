/** The report model: what a session journal becomes before it is rendered. Pure data. */
import type { KeyTrust } from '../journal/key-trust.js';
import type { CheckResult } from '../engine/executors.js';
import type { AcceptedRisk, OutcomeCounts, StepOutcome } from '../engine/outcomes.js';
import type { ReportEngine } from './engines.js';

export interface ReportStep {
  id: string;
  title: string;
  type: string;
  severity?: string;
  refs: string[];
  status: string;
  /** The status with accepted failures apart: `accepted` is never counted as `done`. */
  outcome: StepOutcome;
  by?: string;
  at?: string;
  reason?: string;
  failure?: string;
  accepted: boolean;
  notes: { text: string; by: string; at: string }[];
  overrides: { reason: string; unmet: string[]; by: string; at: string }[];
  results: {
    outcome: string;
    summary: string;
    at: string;
    by: string;
    dryRun: boolean;
    exitCode?: unknown;
    findings?: CheckResult[];
    /** Warnings the step raised (e.g. a backup newer than the incident's start). */
    warnings?: string[];
    /** The recorded output (masked, bounded), e.g. a command's or triage's findings. */
    output?: string[];
    /** The engine it ran against, as named in the report's `engines`. */
    engine?: string;
  }[];
}

export interface Report {
  session: string;
  runbook: { id: string; title: string; kind: string; file: string; sha256: string };
  inputs: Record<string, string>;
  operator: string;
  startedAt: string;
  updatedAt: string;
  status: string;
  progress: { phase: string; title: string; resolved: number; total: number }[];
  /** done (passed or attested), accepted (a failure accepted with a reason), skipped, failed… */
  counts: OutcomeCounts;
  /** Every accepted risk, worst first (one per failing finding of an accepted check step). */
  acceptedRisks: AcceptedRisk[];
  phases: { id: string; title: string; steps: ReportStep[] }[];
  /** The engines checks and actions ran against, with what ran on each. */
  engines: ReportEngine[];
  notes: { text: string; by: string; at: string }[];
  timeline: {
    seq: number;
    ts: string;
    operator: string;
    type: string;
    step?: string;
    summary: string;
  }[];
  signoffs: {
    signer: string;
    statement: string;
    signedAt: string;
    keyFingerprint: string;
    /** Whose key: this machine's, a trusted one, or unknown (the signature alone proves no author). */
    key: KeyTrust;
    head: string;
    signature: string;
    entryHash: string;
  }[];
  integrity: { chainOk: boolean; entries: number; head: string; problem?: string };
  /** Incident work: present for incident runbooks and whenever actions were run. */
  incident?: IncidentReport;
}

export interface Duration {
  from: string;
  to: string;
  ms: number;
  text: string;
}

export interface IncidentReport {
  target?: string;
  summary: string;
  /** When the incident started: the recorded alert time, else the session's start. */
  incidentStart?: { at: string; source: 'input' | 'session'; setBy?: string; setAt?: string };
  /** Measured from the incident's start (ad-hoc sessions: from the first action). */
  timeToContain?: Duration;
  timeToRecover?: Duration;
  /** Removed (or re-created) targets and the containers that replaced them. */
  replacements: {
    at: string;
    by: string;
    original: { id: string; name: string };
    replacement: { id: string; name: string; image?: string };
    reason?: string;
  }[];
  actions: {
    seq: number;
    at: string;
    by: string;
    step?: string;
    action: string;
    adhoc: boolean;
    dryRun: boolean;
    status: string;
    outcome?: string;
    summary?: string;
    overrideReason?: string;
  }[];
  evidence: {
    at: string;
    container: string;
    complete: boolean;
    /** Cancelled by the operator (kept, INCOMPLETE). */
    cancelled?: boolean;
    /** Set when the engine's events did not reach back to the container's creation. */
    eventsSince?: string;
    manifest: string;
    manifestSha256: string | null;
    files: { path: string; bytes: number; sha256: string; kind: string }[];
  }[];
  backups: {
    at: string;
    container: string;
    dir: string;
    manifestSha256: string;
    encrypted: boolean;
    archives: { path: string; destination: string; bytes: number; sha256: string }[];
  }[];
  restores: {
    at: string;
    container: string;
    backup: string;
    backupCreatedAt: string;
    outcome: string;
    summary: string;
    warnings: string[];
  }[];
  lessons: { question: string; answers: string[] }[];
}

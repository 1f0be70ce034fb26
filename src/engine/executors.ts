/**
 * How non-manual steps run. The engine owns these interfaces; check and action implementations
 * live in src/checks and src/actions and are injected by the composition root.
 */
import type { Severity } from '../runbook/types.js';

/** The engine a step ran against, as the journal records it (a session may span engines). */
export interface EngineRef {
  /** The address, e.g. `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`, `ssh://ops@db1`. */
  endpoint: string;
  /** The Docker context it was chosen by, if any. */
  context?: string;
  /** The engine's own ID and host name (`docker info`), when it answered. */
  id?: string;
  name?: string;
  version?: string;
}

export interface StepContext {
  sessionId: string;
  /** The engine the step runs against, when it is known (recorded with the step). */
  engine?: EngineRef;
  stepId: string;
  /** The step's params with `{{input}}` templates already filled in. */
  params: Readonly<Record<string, string>>;
  /** Aborted when the operator cancels or quits. */
  signal: AbortSignal;
  /** A line of live output for the step view. Must already be masked. */
  onOutput(line: string): void;
  /** How far a long step has got (bytes written, a countdown); shown, never journaled. */
  onProgress?(progress: Progress): void;
}

/** Progress of a long step, for the screen: bytes and rate, or an engine deadline to count down. */
export interface Progress {
  /** What is being done, e.g. `logs`, `archive /data`, `stop`. */
  label: string;
  /** Bytes written so far for this label. */
  bytes?: number;
  /** Bytes per second, over the last few seconds (over the whole part when `seconds` is set). */
  rate?: number;
  /** Set on a part's last report: how long the whole part took. */
  seconds?: number;
  /** When the engine acts on its own (e.g. SIGKILL after a stop's grace period), ISO time. */
  deadline?: string;
  /** What happens at the deadline, e.g. `SIGKILL`. */
  deadlineLabel?: string;
  /** Set once the operator asked to cancel something the engine cannot call back. */
  uncancellable?: string;
}

export type Verdict = 'pass' | 'fail' | 'not-applicable' | 'error';

/** One check evaluated against one target (a container or a compose service). */
export interface CheckResult {
  check: string;
  verdict: Verdict;
  severity: Severity;
  title: string;
  /** e.g. `container web (3f2a…)` or `compose.yaml service db`. */
  target: string;
  /** The setting as found; secrets masked. */
  evidence?: string;
  /** How to fix: a compose snippet and/or docker run flags. */
  remediation?: string;
}

export interface CheckOutcome {
  /** True when no result is `fail` or `error`. */
  ok: boolean;
  /** One line, e.g. `3 of 5 containers fail root-user`. */
  summary: string;
  results: CheckResult[];
}

export interface CheckRunner {
  /** Check ids this runner knows; runbook validation rejects any other. */
  readonly ids: readonly string[];
  run(checkIds: readonly string[], ctx: StepContext): Promise<CheckOutcome>;
}

export interface ActionDescription {
  id: string;
  title: string;
  /** Destructive actions need a typed confirmation of the target's name. */
  destructive: boolean;
  /** The param whose value the operator must type to confirm (usually `container`). */
  confirmParam?: string;
}

export interface ActionOutcome {
  ok: boolean;
  /** The operator cancelled it; `data` says what had been done (recorded as `cancelled`). */
  cancelled?: boolean;
  summary: string;
  /** Recorded in the step's result entry; must already be masked. */
  data: Record<string, unknown>;
}

export interface ActionRunner {
  readonly actions: readonly ActionDescription[];
  /** What the action would do: engine calls and blast radius. Changes nothing. */
  dryRun(actionId: string, ctx: StepContext): Promise<ActionOutcome>;
  run(actionId: string, ctx: StepContext): Promise<ActionOutcome>;
}

/**
 * A live session: what the UI and the CLI hold. Intents come in, are checked (gates.ts,
 * safety.ts), masked when the operator typed them (masking.ts), written ahead and fsynced by the
 * recorder (recorder.ts), and only then show in `state` (the reducer's fold). Step types run
 * through one executor each (run-command.ts, run-check.ts, run-action.ts); cancel is in cancel.ts,
 * operator attestations in attest.ts, sign-off in signoff.ts.
 */
import { UserError } from '../errors.js';
import type { JournalEntry } from '../journal/types.js';
import { findStep, type LoadedRunbook, type Step } from '../runbook/types.js';
import { AD_HOC_RUNBOOK } from './ad-hoc.js';
import * as attest from './attest.js';
import type { StepContext } from './executors.js';
import {
  assertAdHocConfirmed,
  assertConfirmed,
  assertNotRunning,
  assertUnblocked,
  confirmationMode,
  confirmationTarget,
  unmetRequirements,
  type ConfirmationMode,
} from './gates.js';
import { SecretMemory, maskOperatorText, type MaskedText } from './masking.js';
import { preflight, type Preflight } from './preflight.js';
import { Recorder } from './recorder.js';
import { redact } from './redact.js';
import { runActionStep, runAdHocAction } from './run-action.js';
import { runCheck } from './run-check.js';
import { runCommand } from './run-command.js';
import {
  INCIDENT_START_INPUT,
  assertSafe,
  parseIncidentStart,
  safetyBlocker,
  withIncidentStart,
} from './safety.js';
import type { ExecEnv, SessionDeps } from './session-deps.js';
import { newSessionId } from './session-id.js';
import { signOff } from './signoff.js';
import type { SessionState } from './state.js';
import { stepArgv, stepParams } from './step-params.js';
import { inputOfStep, targetIdentity, targetRefs, type ContainerIdentity } from './targets.js';

export type { SessionDeps } from './session-deps.js';
export type { Preflight } from './preflight.js';
export { AD_HOC_RUNBOOK } from './ad-hoc.js';
export { NEEDS_SNAPSHOT } from './safety.js';
export { newSessionId } from './session-id.js';
export { Tail, TAIL_BYTES, TAIL_LINES } from './tail.js';

export interface RunOptions {
  signal: AbortSignal;
  onOutput?(line: string): void;
  onProgress?: StepContext['onProgress'];
  /** For `confirm: typed` steps: what the operator typed. */
  typed?: string;
  /** For `confirm: yes` steps. */
  confirmed?: boolean;
  dryRun?: boolean;
  /**
   * Why an action runs although the engine's safety rule would refuse it (isolate or eradicate
   * without a complete snapshot of the container in this session). Recorded in the intent entry.
   */
  overrideReason?: string;
}

/** Options of `Session.runAdHoc` (CLI verbs: no runbook step). */
export interface AdHocOptions {
  signal: AbortSignal;
  onOutput?(line: string): void;
  onProgress?: StepContext['onProgress'];
  dryRun?: boolean;
  /** Destructive actions: the operator confirmed (`--yes`), or typed the target's name. */
  confirmed?: boolean;
  typed?: string;
  overrideReason?: string;
}

export interface AdHocResult {
  outcome: 'ok' | 'failed' | 'cancelled' | 'error';
  summary: string;
  /** The result entry's data (masked). */
  data: Record<string, unknown>;
  startedSeq: number;
  resultHash: string;
}

export class Session {
  private readonly recorder: Recorder;
  private readonly secrets: SecretMemory;
  private readonly env: ExecEnv;

  private constructor(
    journal: ConstructorParameters<typeof Recorder>[0],
    private readonly deps: SessionDeps,
    public operator: string,
  ) {
    this.recorder = new Recorder(journal, () => this.operator);
    this.secrets = new SecretMemory(deps.targetSecrets);
    this.env = {
      deps,
      maskOutput: (line) =>
        redact(
          line,
          this.secrets.values().map((k) => k.value),
        ),
    };
    // Learn the targets' secret values early (in memory only), so masking never waits long.
    void this.secrets.refresh(targetRefs(this.recorder.state));
  }

  static async start(
    deps: SessionDeps,
    loaded: LoadedRunbook,
    inputs: Record<string, string>,
    operator: string,
  ): Promise<Session> {
    const missing = loaded.runbook.inputs.filter((i) => i.required && !(inputs[i.id] ?? i.default));
    if (missing.length > 0) {
      throw new UserError(
        `runbook "${loaded.runbook.id}" needs ${missing.map((i) => `--input ${i.id}=<${i.title}>`).join(' ')}`,
      );
    }
    const now = deps.clock.now();
    const values: Record<string, string> = {};
    for (const i of loaded.runbook.inputs) {
      const v = inputs[i.id] ?? i.default;
      if (v === undefined || v === '') continue;
      values[i.id] = i.type === 'time' ? parseIncidentStart(v, now) : v;
    }
    const id = newSessionId(now, deps.randomHex(3));
    const journal = await deps.store.create(
      id,
      {
        type: 'session.started',
        data: {
          runbook: loaded.runbook,
          runbookFile: loaded.file,
          runbookSha256: loaded.sha256,
          inputs: values,
        },
      },
      operator,
    );
    return new Session(journal, deps, operator);
  }

  /** A session for CLI verbs run without --session: the `ad-hoc` runbook, target as input. */
  static async startAdHoc(
    deps: SessionDeps,
    operator: string,
    inputs: Record<string, string> = {},
  ): Promise<Session> {
    return Session.start(
      deps,
      { runbook: AD_HOC_RUNBOOK, origin: 'bundled', file: '(ad hoc)', sha256: '' },
      inputs,
      operator,
    );
  }

  static async resume(deps: SessionDeps, sessionId: string, operator: string): Promise<Session> {
    const journal = await deps.store.open(sessionId);
    const s = new Session(journal, deps, operator);
    await s.recorder.write({ type: 'session.resumed', data: {} });
    return s;
  }

  get state(): SessionState {
    return this.recorder.state;
  }

  get id(): string {
    return this.recorder.sessionId;
  }

  get journalPath(): string {
    return this.recorder.path;
  }

  get entries(): readonly JournalEntry[] {
    return this.recorder.entries;
  }

  subscribe(fn: (s: SessionState) => void): () => void {
    return this.recorder.subscribe(fn);
  }

  close(): Promise<void> {
    return this.recorder.close();
  }

  step(stepId: string): Step {
    const s = findStep(this.state.runbook, stepId);
    if (!s) throw new UserError(`no step "${stepId}" in runbook ${this.state.runbook.id}`);
    return s;
  }

  /** The required steps still blocking `stepId` (not done, not overridden). */
  blockers(stepId: string): string[] {
    return unmetRequirements(this.state, stepId);
  }

  // ---- masking of operator text ----------------------------------------------------------

  /** Masks what the operator typed: the targets' secret values, secret-looking values. */
  async maskText(text: string): Promise<MaskedText> {
    await this.secrets.refresh(targetRefs(this.state));
    return maskOperatorText(text, this.secrets.values());
  }

  private readonly mask = (text: string) => this.maskText(text);

  // ---- operator attestations -------------------------------------------------------------

  overrideGate(stepId: string, reason: string): Promise<JournalEntry | undefined> {
    return attest.overrideGate(this.recorder, this.mask, stepId, reason);
  }

  /**
   * Attest a step done. A check or action step that failed can be marked done only with a reason
   * (the finding is accepted); that is recorded as such.
   */
  markDone(stepId: string, opts: { acceptReason?: string; note?: string } = {}) {
    return attest.markDone(this.recorder, this.mask, stepId, opts);
  }

  skip(stepId: string, reason: string): Promise<JournalEntry> {
    return attest.skip(this.recorder, this.mask, stepId, reason);
  }

  fail(stepId: string, note: string): Promise<JournalEntry> {
    return attest.fail(this.recorder, this.mask, stepId, note);
  }

  reopen(stepId: string): Promise<JournalEntry> {
    return attest.reopen(this.recorder, stepId);
  }

  addNote(stepId: string | undefined, text: string): Promise<JournalEntry> {
    return attest.addNote(this.recorder, this.mask, stepId, text);
  }

  /**
   * Records when the incident started (the alert time): an ISO time, `HH:MM` (UTC) or a time ago
   * (`18m`). Time to contain and to recover, and restore's warning, are measured from it.
   */
  async setIncidentStart(text: string, reason?: string): Promise<JournalEntry | undefined> {
    if (!this.state.runbook.inputs.some((i) => i.id === INCIDENT_START_INPUT))
      throw new UserError(
        `runbook ${this.state.runbook.id} has no "${INCIDENT_START_INPUT}" input`,
        'incident runbooks declare it (type: time)',
      );
    const at = parseIncidentStart(text, this.deps.clock.now());
    return attest.changeInput(this.recorder, this.mask, INCIDENT_START_INPUT, at, reason);
  }

  /** Records the container that replaces the step's target (after eradication or a re-create). */
  async replaceTarget(
    stepId: string,
    replacement: ContainerIdentity,
    reason?: string,
  ): Promise<JournalEntry> {
    const step = this.step(stepId);
    const input = inputOfStep(this.state.runbook, step);
    if (!input)
      throw new UserError(`step "${stepId}" does not act on a container input of the runbook`);
    const original = targetIdentity(this.state, input) ?? {
      id: '',
      name: this.state.inputs[input] ?? '',
    };
    return attest.replaceTarget(this.recorder, this.mask, input, original, replacement, reason);
  }

  // ---- params, confirmations, safety -----------------------------------------------------

  /** Params with `{{input}}` filled in, plus what the engine adds (step-params.ts). */
  params(step: Step): Record<string, string> {
    return stepParams(this.state, step);
  }

  argv(step: Step): string[] {
    return stepArgv(this.state, step);
  }

  /** What the operator must type to confirm a `typed` step: the target's name. */
  confirmationTarget(step: Step): string {
    return confirmationTarget(this.state, step, this.params(step), this.deps.actions?.actions);
  }

  /** Whether running this step needs a confirmation, and of what kind. */
  confirmation(step: Step): ConfirmationMode {
    return confirmationMode(step, this.deps.actions?.actions);
  }

  /**
   * Why the engine refuses `actionId` on this target now, or undefined. Containment (isolate) and
   * eradication need a complete snapshot of the container in this session first.
   */
  safetyBlocker(actionId: string, params: Readonly<Record<string, string>>): string | undefined {
    return safetyBlocker(this.state, actionId, params);
  }

  /**
   * Before asking for a confirmation: does the step's target exist, is it still the container
   * this session knows, and what would the action do (engine calls, blast radius)? Read-only and
   * not journaled; the intent entry records the plan again when the step runs.
   */
  async preview(stepId: string, signal: AbortSignal): Promise<Preflight> {
    const step = this.step(stepId);
    const p = await preflight(this.state, this.deps.actions, step, this.params(step), {
      sessionId: this.id,
      signal,
    });
    if (p.kind !== 'ready' || step.type !== 'action' || !this.deps.engine) return p;
    const engine = await this.deps.engine().catch(() => undefined);
    return engine ? { ...p, engine } : p;
  }

  // ---- running steps ---------------------------------------------------------------------

  /** Runs a command, check or action step: intent entry, execution, result entry. */
  async run(stepId: string, opts: RunOptions): Promise<SessionState> {
    const step = this.step(stepId);
    if (step.type === 'manual')
      throw new UserError(`step "${stepId}" is manual: mark it done, skipped or failed`);
    assertNotRunning(this.state, stepId);
    assertUnblocked(this.state, stepId);
    const params = this.params(step);
    const dryRun = opts.dryRun === true;
    if (!dryRun)
      assertConfirmed(this.confirmation(step), stepId, this.confirmationTarget(step), opts);
    let reason: MaskedText | undefined;
    if (step.type === 'action' && !dryRun) {
      assertSafe(this.state, step.action ?? '', params, opts.overrideReason);
      if (opts.overrideReason?.trim()) reason = await this.maskText(opts.overrideReason.trim());
    }
    const ctx = this.context(stepId, params, opts);
    if (step.type === 'command')
      await runCommand(this.env, this.recorder, step, this.argv(step), ctx, dryRun);
    else if (step.type === 'check') await runCheck(this.env, this.recorder, step, ctx, dryRun);
    else
      await runActionStep(this.env, this.recorder, step, ctx, {
        dryRun,
        overrideReason: reason?.text,
        overrideMasked: reason?.masked,
        now: () => this.deps.clock.now(),
      });
    return this.state;
  }

  private context(
    stepId: string,
    params: Record<string, string>,
    opts: Pick<RunOptions, 'signal' | 'onOutput' | 'onProgress'>,
  ): StepContext {
    return {
      sessionId: this.id,
      stepId,
      params,
      signal: opts.signal,
      onOutput: (line) => opts.onOutput?.(this.env.maskOutput(line)),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    };
  }

  /**
   * Runs an action outside the runbook (CLI verbs): `action.started` (intent, with the plan)
   * then `action.result`. The same safety rules apply as for steps; destructive actions need
   * `confirmed` (--yes) or the typed target name.
   */
  async runAdHoc(
    actionId: string,
    paramsIn: Record<string, string>,
    opts: AdHocOptions,
  ): Promise<AdHocResult> {
    const actions = this.deps.actions;
    const desc = actions?.actions.find((a) => a.id === actionId);
    if (!actions || !desc)
      throw new UserError(`action "${actionId}" is not available in this build`);
    const dryRun = opts.dryRun === true;
    const params = withIncidentStart(this.state, actionId, { ...paramsIn });
    if (!dryRun) assertAdHocConfirmed(desc, params, opts);
    let reason: MaskedText | undefined;
    if (!dryRun) {
      assertSafe(this.state, actionId, params, opts.overrideReason);
      if (opts.overrideReason?.trim()) reason = await this.maskText(opts.overrideReason.trim());
    }
    const ctx = this.context(`adhoc:${actionId}`, params, opts);
    const r = await runAdHocAction(this.env, this.recorder, actions, actionId, ctx, {
      dryRun,
      overrideReason: reason?.text,
      overrideMasked: reason?.masked,
      now: () => this.deps.clock.now(),
    });
    return {
      outcome: r.data.outcome as AdHocResult['outcome'],
      summary: String(r.data.summary ?? ''),
      data: r.data,
      startedSeq: r.startedSeq,
      resultHash: r.resultHash,
    };
  }

  /** Ed25519 sign-off over the current head. Only when every step is resolved. */
  signOff(signer: string, statement: string): Promise<JournalEntry> {
    return signOff(this.recorder, this.mask, this.deps, signer, statement);
  }
}

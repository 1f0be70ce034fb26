/**
 * A live session: intents in, journal entries out, state = fold(entries). Every intent is checked
 * here (gates, confirmations, reasons), written and fsynced through the JournalPort, and only then
 * reflected in `state`. Safety rules live here, not in screens.
 */
import { DockerError, UserError } from '../errors.js';
import type { LoadedRunbook, Runbook, Step } from '../runbook/types.js';
import { fillTemplate, templateNames } from '../runbook/template.js';
import type { EntryDraft, JournalEntry } from '../journal/types.js';
import { signoffBytes, keyFingerprint } from '../journal/signature.js';
import type { ActionRunner, CheckRunner, StepContext } from './executors.js';
import type { Clock, JournalPort, SessionStorePort, ShellPort, SignerPort } from './ports.js';
import { apply, findStep, hasCompleteSnapshot, reduce, unmetRequirements } from './reducer.js';
import { redact } from './redact.js';
import type { SessionState } from './state.js';

export interface SessionDeps {
  store: SessionStorePort;
  shell: ShellPort;
  signer: SignerPort;
  clock: Clock;
  checks?: CheckRunner;
  actions?: ActionRunner;
  /** Random hex for session ids. */
  randomHex(bytes: number): string;
  /** Seconds before a command step without its own `timeout` is stopped (default 600). */
  defaultCommandTimeoutS?: number;
}

export interface RunOptions {
  signal: AbortSignal;
  onOutput?(line: string): void;
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

/** Actions the engine refuses without a complete snapshot of the container (or a reason). */
export const NEEDS_SNAPSHOT: ReadonlySet<string> = new Set(['isolate', 'eradicate']);

/** The synthetic runbook of sessions started by CLI verbs without --session. */
export const AD_HOC_RUNBOOK: Runbook = {
  id: 'ad-hoc',
  title: 'Ad-hoc incident actions',
  kind: 'incident',
  description:
    'Actions run from the command line (warden snapshot, isolate, backup, ...) outside a runbook, recorded in their own session.',
  inputs: [{ id: 'target', title: 'Target container', type: 'container', required: false }],
  phases: [
    {
      id: 'review',
      title: 'Review',
      steps: [
        {
          id: 'review-actions',
          title: 'Review the recorded actions',
          type: 'manual',
          guidance:
            'Check each action and its result below, add notes (what happened, what is left), then mark this done and sign off.',
          refs: [],
          requires: [],
          confirm: 'none',
          params: {},
        },
      ],
    },
  ],
};

/** Bounded tail of output kept in the journal. */
export const TAIL_LINES = 200;
export const TAIL_BYTES = 16 * 1024;

export function newSessionId(now: Date, hex: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${hex}`;
}

export class Session {
  private current: SessionState;
  private listeners = new Set<(s: SessionState) => void>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly journal: JournalPort,
    private readonly deps: SessionDeps,
    public operator: string,
  ) {
    this.current = reduce(journal.entries);
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
    const values: Record<string, string> = {};
    for (const i of loaded.runbook.inputs) {
      const v = inputs[i.id] ?? i.default;
      if (v !== undefined) values[i.id] = v;
    }
    const id = newSessionId(deps.clock.now(), deps.randomHex(3));
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
    await s.write({ type: 'session.resumed', data: {} });
    return s;
  }

  get state(): SessionState {
    return this.current;
  }

  get id(): string {
    return this.journal.sessionId;
  }

  get journalPath(): string {
    return this.journal.path;
  }

  get entries(): readonly JournalEntry[] {
    return this.journal.entries;
  }

  subscribe(fn: (s: SessionState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.journal.close();
  }

  /** Writes (fsynced), then folds into state, then notifies. Appends are serialized. */
  private write(draft: EntryDraft | (() => Promise<EntryDraft>)): Promise<JournalEntry> {
    const next = this.chain.then(async () => {
      // A function builds the draft inside the serialized chain (sign-off reads the head there).
      const d = typeof draft === 'function' ? await draft() : draft;
      const entry = await this.journal.append(d, this.operator);
      this.current = apply(this.current, entry);
      for (const l of this.listeners) l(this.current);
      return entry;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  step(stepId: string): Step {
    const s = findStep(this.current.runbook, stepId);
    if (!s) throw new UserError(`no step "${stepId}" in runbook ${this.current.runbook.id}`);
    return s;
  }

  /** The required steps still blocking `stepId` (not done, not overridden). */
  blockers(stepId: string): string[] {
    return unmetRequirements(this.current, stepId);
  }

  private assertUnblocked(stepId: string): void {
    const unmet = this.blockers(stepId);
    if (unmet.length > 0) {
      throw new UserError(
        `step "${stepId}" requires ${unmet.map((u) => `"${u}"`).join(', ')} first`,
        'finish those steps, or override the gate with a recorded reason',
      );
    }
  }

  private assertNotRunning(stepId: string): void {
    if (this.current.steps[stepId]?.status === 'running') {
      throw new UserError(`step "${stepId}" is running; cancel it first`);
    }
  }

  async overrideGate(stepId: string, reason: string): Promise<void> {
    this.step(stepId);
    const why = reason.trim();
    if (!why) throw new UserError('overriding a gate needs a reason');
    const unmet = this.blockers(stepId);
    if (unmet.length === 0) return;
    await this.write({
      type: 'gate.overridden',
      step: stepId,
      data: { reason: redact(why), unmet },
    });
  }

  /**
   * Attest a step done. A check or action step that failed can be marked done only with a reason
   * (the finding is accepted); that is recorded as such.
   */
  async markDone(
    stepId: string,
    opts: { acceptReason?: string; note?: string } = {},
  ): Promise<void> {
    const step = this.step(stepId);
    this.assertNotRunning(stepId);
    this.assertUnblocked(stepId);
    const st = this.current.steps[stepId];
    const data: Record<string, unknown> = {};
    if (step.type !== 'manual') {
      const last = st?.results.filter((r) => !r.dryRun).at(-1);
      const needsReason = !last || last.outcome !== 'ok';
      if (needsReason) {
        const why = opts.acceptReason?.trim();
        if (!why) {
          throw new UserError(
            last
              ? `step "${stepId}" did not pass; marking it done needs a reason (accepted risk)`
              : `step "${stepId}" has not run; marking it done without running needs a reason`,
          );
        }
        data.accepted = true;
        data.reason = redact(why);
      }
    }
    if (step.answer && (st?.notes.length ?? 0) === 0 && !opts.note?.trim()) {
      throw new UserError(
        `"${step.title}" is a question: record the answer as a note first`,
        'the answer goes into the report (lessons learned); skip the step with a reason if there is none',
      );
    }
    if (opts.note?.trim()) data.note = redact(opts.note.trim());
    await this.write({ type: 'step.done', step: stepId, data });
  }

  async skip(stepId: string, reason: string): Promise<void> {
    this.step(stepId);
    this.assertNotRunning(stepId);
    const why = reason.trim();
    if (!why) throw new UserError('skipping a step needs a reason');
    await this.write({ type: 'step.skipped', step: stepId, data: { reason: redact(why) } });
  }

  async fail(stepId: string, note: string): Promise<void> {
    this.step(stepId);
    this.assertNotRunning(stepId);
    const text = note.trim();
    if (!text) throw new UserError('marking a step failed needs a note');
    await this.write({ type: 'step.failed', step: stepId, data: { note: redact(text) } });
  }

  async reopen(stepId: string): Promise<void> {
    this.step(stepId);
    this.assertNotRunning(stepId);
    await this.write({ type: 'step.reopened', step: stepId, data: {} });
  }

  async addNote(stepId: string | undefined, text: string): Promise<void> {
    if (stepId !== undefined) this.step(stepId);
    const t = text.trim();
    if (!t) throw new UserError('a note cannot be empty');
    await this.write({ type: 'note.added', step: stepId, data: { text: redact(t) } });
  }

  /** Params with `{{input}}` filled in from the session's inputs. */
  params(step: Step): Record<string, string> {
    const declared = new Set(this.current.runbook.inputs.map((i) => i.id));
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.params))
      out[k] = fillTemplate(v, declared, this.current.inputs);
    return out;
  }

  argv(step: Step): string[] {
    const declared = new Set(this.current.runbook.inputs.map((i) => i.id));
    return (step.command ?? []).map((a) => fillTemplate(a, declared, this.current.inputs));
  }

  /** What the operator must type to confirm a `typed` step: the target's name. */
  confirmationTarget(step: Step): string {
    const params = this.params(step);
    const desc = this.deps.actions?.actions.find((a) => a.id === step.action);
    const key = desc?.confirmParam ?? (params.container !== undefined ? 'container' : undefined);
    if (key && params[key]) return params[key];
    if (params.target) return params.target;
    const firstInput = this.current.runbook.inputs[0];
    return (firstInput && this.current.inputs[firstInput.id]) || step.id;
  }

  /** Whether running this step needs a confirmation, and of what kind. */
  confirmation(step: Step): 'none' | 'yes' | 'typed' {
    const destructive =
      step.type === 'action' &&
      this.deps.actions?.actions.find((a) => a.id === step.action)?.destructive;
    if (destructive) return 'typed';
    return step.confirm;
  }

  /** Runs a command, check or action step: intent entry, execution, result entry. */
  async run(stepId: string, opts: RunOptions): Promise<SessionState> {
    const step = this.step(stepId);
    if (step.type === 'manual')
      throw new UserError(`step "${stepId}" is manual: mark it done, skipped or failed`);
    this.assertNotRunning(stepId);
    this.assertUnblocked(stepId);
    if (!opts.dryRun) {
      const mode = this.confirmation(step);
      if (mode === 'typed') {
        const expected = this.confirmationTarget(step);
        if ((opts.typed ?? '').trim() !== expected) {
          throw new UserError(`type "${expected}" to confirm this step`);
        }
      } else if (mode === 'yes' && !opts.confirmed) {
        throw new UserError(`step "${stepId}" needs a confirmation`);
      }
    }
    const params = this.params(step);
    const dryRun = opts.dryRun === true;
    if (step.type === 'action') {
      if (!dryRun) this.assertSafe(step.action ?? '', params, opts.overrideReason);
      this.addIncidentStart(step.action ?? '', params);
    }
    const ctx: StepContext = {
      sessionId: this.id,
      stepId,
      params,
      signal: opts.signal,
      onOutput: (line) => opts.onOutput?.(redact(line)),
    };
    if (step.type === 'command') await this.runCommand(step, ctx, dryRun);
    else if (step.type === 'check') await this.runCheck(step, ctx, dryRun);
    else await this.runAction(step, ctx, dryRun, opts.overrideReason);
    return this.current;
  }

  /**
   * Why the engine refuses `actionId` on this target now, or undefined. Containment (isolate) and
   * eradication need a complete snapshot of the container in this session first.
   */
  safetyBlocker(actionId: string, params: Readonly<Record<string, string>>): string | undefined {
    if (!NEEDS_SNAPSHOT.has(actionId)) return undefined;
    const target = params.container ?? '';
    if (hasCompleteSnapshot(this.current, target)) return undefined;
    return `${actionId} refused: no complete snapshot of "${target}" in this session yet`;
  }

  private assertSafe(actionId: string, params: Readonly<Record<string, string>>, reason?: string) {
    const blocker = this.safetyBlocker(actionId, params);
    if (blocker && !reason?.trim())
      throw new UserError(
        blocker,
        'take a snapshot first (evidence is lost once the container changes), or record why not (override reason)',
      );
  }

  /** Restores warn when the backup is newer than the incident's start. */
  private addIncidentStart(actionId: string, params: Record<string, string>): void {
    if (actionId !== 'restore' || params.incidentStart) return;
    const start = this.current.inputs.incidentStart ?? this.current.inputs['incident-start'];
    if (start) params.incidentStart = start;
    else if (this.current.runbook.id !== AD_HOC_RUNBOOK.id)
      params.incidentStart = this.current.startedAt;
  }

  /** The dry run of an action, recorded in its intent entry (engine calls, blast radius, state before). */
  private async planFor(actionId: string, ctx: StepContext): Promise<Record<string, unknown>> {
    const actions = this.deps.actions;
    if (!actions) return {};
    try {
      const p = await actions.dryRun(actionId, { ...ctx, onOutput: () => undefined });
      return { plan: p.data };
    } catch (err) {
      return { planError: redact((err as Error).message) };
    }
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
    const params = { ...paramsIn };
    const dryRun = opts.dryRun === true;
    if (!dryRun && desc.destructive && !opts.confirmed) {
      const expected = params[desc.confirmParam ?? 'container'] ?? '';
      if ((opts.typed ?? '').trim() !== expected)
        throw new UserError(
          `${actionId} is destructive: confirm it`,
          `add --yes, or preview it with --dry-run`,
        );
    }
    if (!dryRun) this.assertSafe(actionId, params, opts.overrideReason);
    this.addIncidentStart(actionId, params);
    const ctx: StepContext = {
      sessionId: this.id,
      stepId: `adhoc:${actionId}`,
      params,
      signal: opts.signal,
      onOutput: (line) => opts.onOutput?.(redact(line)),
    };
    const started = await this.write({
      type: 'action.started',
      data: await this.actionIntent(actionId, ctx, { dryRun, overrideReason: opts.overrideReason }),
    });
    const { data } = await this.executeAction(actions, actionId, ctx, dryRun);
    const outcome = data.outcome as AdHocResult['outcome'];
    data.startedSeq = started.seq;
    const entry = await this.write({ type: 'action.result', data });
    return {
      outcome,
      summary: String(data.summary ?? ''),
      data,
      startedSeq: started.seq,
      resultHash: entry.hash,
    };
  }

  private async runCommand(step: Step, ctx: StepContext, dryRun: boolean): Promise<void> {
    const argv = this.argv(step);
    const empty = (step.command ?? [])
      .flatMap((a) => templateNames(a))
      .filter(
        (name) =>
          this.current.runbook.inputs.some((i) => i.id === name) && !this.current.inputs[name],
      );
    if (empty.length > 0) {
      throw new UserError(
        `step "${step.id}" needs the input ${[...new Set(empty)].map((n) => `"${n}"`).join(', ')}, which this session does not have`,
        'start the session with --input NAME=VALUE, or skip the step with a reason',
      );
    }
    const timeoutMs = (step.timeout ?? this.deps.defaultCommandTimeoutS ?? 600) * 1000;
    await this.write({
      type: 'step.started',
      step: step.id,
      data: { kind: 'command', argv: argv.map((a) => redact(a)), timeoutMs, dryRun },
    });
    if (dryRun) {
      await this.write({
        type: 'step.result',
        step: step.id,
        data: {
          outcome: 'ok',
          dryRun: true,
          summary: `would run: ${argv.map((a) => redact(a)).join(' ')}`,
        },
      });
      return;
    }
    const tail = new Tail(TAIL_LINES, TAIL_BYTES);
    const result = await this.deps.shell.run({
      argv,
      timeoutMs,
      signal: ctx.signal,
      onLine: (line, stream) => {
        const masked = redact(line);
        tail.push(stream === 'stderr' ? `! ${masked}` : masked);
        ctx.onOutput(masked);
      },
    });
    const outcome = result.startError
      ? 'error'
      : result.cancelled
        ? 'cancelled'
        : result.timedOut
          ? 'timeout'
          : result.exitCode === 0
            ? 'ok'
            : 'failed';
    const summary = result.startError
      ? `could not start ${argv[0] ?? ''}: ${result.startError}`
      : result.cancelled
        ? 'cancelled by the operator'
        : result.timedOut
          ? `timed out after ${Math.round(timeoutMs / 1000)} s`
          : `exit code ${result.exitCode ?? '?'}${result.signal ? ` (${result.signal})` : ''}`;
    await this.write({
      type: 'step.result',
      step: step.id,
      data: {
        outcome,
        summary,
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        durationMs: result.durationMs,
        tail: tail.lines(),
        tailTruncated: tail.truncated,
      },
    });
  }

  private async runCheck(step: Step, ctx: StepContext, dryRun: boolean): Promise<void> {
    const checks = this.deps.checks;
    const ids = step.checks ?? [];
    await this.write({
      type: 'step.started',
      step: step.id,
      data: { kind: 'check', checks: ids, params: redactParams(ctx.params), dryRun },
    });
    if (dryRun || !checks) {
      await this.write({
        type: 'step.result',
        step: step.id,
        data: dryRun
          ? { outcome: 'ok', dryRun: true, summary: `would evaluate ${ids.join(', ')} (read-only)` }
          : { outcome: 'error', summary: 'live checks are not available in this build' },
      });
      return;
    }
    let data: Record<string, unknown>;
    try {
      const outcome = await checks.run(ids, ctx);
      // Nothing could be evaluated (engine down, no such container): that is an error, not a
      // failed verdict, and it must not count as the step being dealt with.
      const nothingRan =
        !outcome.ok &&
        outcome.results.length > 0 &&
        outcome.results.every((r) => r.verdict === 'error');
      data = {
        outcome: outcome.ok ? 'ok' : nothingRan ? 'error' : 'failed',
        summary: redact(outcome.summary),
        results: outcome.results,
      };
    } catch (err) {
      data = {
        outcome: ctx.signal.aborted ? 'cancelled' : 'error',
        summary: redact((err as Error).message),
      };
    }
    await this.write({ type: 'step.result', step: step.id, data });
  }

  private async runAction(
    step: Step,
    ctx: StepContext,
    dryRun: boolean,
    overrideReason?: string,
  ): Promise<void> {
    const actions = this.deps.actions;
    const id = step.action ?? '';
    const known = actions?.actions.some((a) => a.id === id) === true;
    await this.write({
      type: 'step.started',
      step: step.id,
      data: await this.actionIntent(id, ctx, { dryRun, overrideReason, plan: known }),
    });
    if (!actions || !known) {
      await this.write({
        type: 'step.result',
        step: step.id,
        data: {
          outcome: 'error',
          dryRun,
          summary: `action "${id}" is not available in this build`,
        },
      });
      return;
    }
    const { data } = await this.executeAction(actions, id, ctx, dryRun);
    await this.write({ type: 'step.result', step: step.id, data });
  }

  /**
   * The intent entry's data: the plan (engine calls, blast radius, state before) unless it is a
   * dry run, the params masked, and the reason a safety rule was overridden.
   */
  private async actionIntent(
    id: string,
    ctx: StepContext,
    opts: { dryRun: boolean; overrideReason?: string; plan?: boolean },
  ): Promise<Record<string, unknown>> {
    const { dryRun } = opts;
    const plan = dryRun || opts.plan === false ? {} : await this.planFor(id, ctx);
    const why = opts.overrideReason?.trim();
    return {
      kind: 'action',
      action: id,
      params: redactParams(ctx.params),
      dryRun,
      ...plan,
      ...(why && this.safetyBlocker(id, ctx.params) ? { overrideReason: redact(why) } : {}),
    };
  }

  /**
   * Runs (or dry-runs) an action and builds its result entry's data. What the action printed
   * (masked) is kept as a bounded tail, so its findings (e.g. triage's processes and events)
   * stay readable on screen and in the report.
   */
  private async executeAction(
    actions: ActionRunner,
    id: string,
    ctx: StepContext,
    dryRun: boolean,
  ): Promise<{ data: Record<string, unknown> }> {
    const tail = new Tail(TAIL_LINES, TAIL_BYTES);
    const actx: StepContext = {
      ...ctx,
      onOutput: (line) => {
        tail.push(redact(line));
        ctx.onOutput(line);
      },
    };
    try {
      const out = dryRun ? await actions.dryRun(id, actx) : await actions.run(id, actx);
      return {
        data: {
          ...(tail.lines().length > 0 ? { tail: tail.lines(), tailTruncated: tail.truncated } : {}),
          ...out.data,
          action: id,
          outcome: out.ok ? 'ok' : 'failed',
          summary: out.summary,
          dryRun,
        },
      };
    } catch (err) {
      return {
        data: {
          action: id,
          outcome: ctx.signal.aborted ? 'cancelled' : 'error',
          summary: redact((err as Error).message),
          dryRun,
          ...(err instanceof DockerError ? { errorKind: err.kind } : {}),
          ...(err instanceof UserError ? { errorKind: 'usage' } : {}),
        },
      };
    }
  }

  /** Ed25519 sign-off over the current head. Only when every step is resolved. */
  async signOff(signer: string, statement: string): Promise<JournalEntry> {
    if (this.current.status === 'in-progress') {
      const open = this.current.order.filter(
        (id) => !['done', 'skipped', 'failed'].includes(this.current.steps[id]?.status ?? ''),
      );
      throw new UserError(
        `cannot sign off: ${open.length} step(s) unresolved (${open.slice(0, 3).join(', ')}${open.length > 3 ? ', ...' : ''})`,
      );
    }
    const name = signer.trim();
    if (!name) throw new UserError("sign-off needs the signer's name");
    const text = redact(statement.trim());
    // Head, signature and append happen inside the write chain: no entry can slip in between.
    return this.write(async () => {
      const head = this.current.head;
      const signedAt = this.deps.clock.now().toISOString();
      const bytes = signoffBytes({
        type: 'warden-signoff',
        session: this.id,
        head,
        signer: name,
        statement: text,
        signedAt,
      });
      const { signature, publicKey } = await this.deps.signer.sign(bytes);
      return {
        type: 'session.signed',
        data: {
          signer: name,
          statement: text,
          signedAt,
          head,
          algorithm: 'Ed25519',
          publicKey,
          keyFingerprint: keyFingerprint(publicKey),
          signature,
        },
      };
    });
  }
}

/** Keeps the last N lines within B bytes. */
export class Tail {
  private buf: string[] = [];
  private bytes = 0;
  truncated = false;
  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}
  push(line: string): void {
    const l = line.length > this.maxBytes ? line.slice(0, this.maxBytes) : line;
    this.buf.push(l);
    this.bytes += Buffer.byteLength(l) + 1;
    while (this.buf.length > this.maxLines || this.bytes > this.maxBytes) {
      const dropped = this.buf.shift();
      this.bytes -= Buffer.byteLength(dropped ?? '') + 1;
      this.truncated = true;
    }
  }
  lines(): string[] {
    return [...this.buf];
  }
}

/** Step params as recorded in the journal: values that look like credentials masked. */
function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, redact(`${k}=${v}`).slice(k.length + 1)]),
  );
}

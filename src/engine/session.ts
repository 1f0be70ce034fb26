/**
 * A live session: intents in, journal entries out, state = fold(entries). Every intent is checked
 * here (gates, confirmations, reasons), written and fsynced through the JournalPort, and only then
 * reflected in `state`. Safety rules live here, not in screens.
 */
import { UserError } from '../errors.js';
import type { LoadedRunbook, Step } from '../runbook/types.js';
import { fillTemplate, templateNames } from '../runbook/template.js';
import type { EntryDraft, JournalEntry } from '../journal/types.js';
import { signoffBytes, keyFingerprint } from '../journal/signature.js';
import type { ActionRunner, CheckRunner, StepContext } from './executors.js';
import type { Clock, JournalPort, SessionStorePort, ShellPort, SignerPort } from './ports.js';
import { apply, findStep, reduce, unmetRequirements } from './reducer.js';
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
}

export interface RunOptions {
  signal: AbortSignal;
  onOutput?(line: string): void;
  /** For `confirm: typed` steps: what the operator typed. */
  typed?: string;
  /** For `confirm: yes` steps. */
  confirmed?: boolean;
  dryRun?: boolean;
}

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
  private write(draft: EntryDraft): Promise<JournalEntry> {
    const next = this.chain.then(async () => {
      const entry = await this.journal.append(draft, this.operator);
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
    const ctx: StepContext = {
      sessionId: this.id,
      stepId,
      params,
      signal: opts.signal,
      onOutput: (line) => opts.onOutput?.(redact(line)),
    };
    const dryRun = opts.dryRun === true;
    if (step.type === 'command') await this.runCommand(step, ctx, dryRun);
    else if (step.type === 'check') await this.runCheck(step, ctx, dryRun);
    else await this.runAction(step, ctx, dryRun);
    return this.current;
  }

  private async runCommand(step: Step, ctx: StepContext, dryRun: boolean): Promise<void> {
    const argv = this.argv(step);
    const empty = (step.command ?? [])
      .flatMap((a) => templateNames(a))
      .filter((name) => this.current.runbook.inputs.some((i) => i.id === name) && !this.current.inputs[name]);
    if (empty.length > 0) {
      throw new UserError(
        `step "${step.id}" needs the input ${[...new Set(empty)].map((n) => `"${n}"`).join(', ')}, which this session does not have`,
        'start the session with --input NAME=VALUE, or skip the step with a reason',
      );
    }
    const timeoutMs = (step.timeout ?? 600) * 1000;
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
      data: { kind: 'check', checks: ids, params: ctx.params, dryRun },
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
      data = {
        outcome: outcome.ok ? 'ok' : 'failed',
        summary: outcome.summary,
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

  private async runAction(step: Step, ctx: StepContext, dryRun: boolean): Promise<void> {
    const actions = this.deps.actions;
    const id = step.action ?? '';
    await this.write({
      type: 'step.started',
      step: step.id,
      data: { kind: 'action', action: id, params: ctx.params, dryRun },
    });
    if (!actions || !actions.actions.some((a) => a.id === id)) {
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
    let data: Record<string, unknown>;
    try {
      const out = dryRun ? await actions.dryRun(id, ctx) : await actions.run(id, ctx);
      data = { ...out.data, outcome: out.ok ? 'ok' : 'failed', summary: out.summary, dryRun };
    } catch (err) {
      data = {
        outcome: ctx.signal.aborted ? 'cancelled' : 'error',
        summary: redact((err as Error).message),
        dryRun,
      };
    }
    await this.write({ type: 'step.result', step: step.id, data });
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
    // Serialize behind pending writes so `head` is the true head when we sign.
    await this.chain;
    const head = this.current.head;
    const signedAt = this.deps.clock.now().toISOString();
    const text = redact(statement.trim());
    const bytes = signoffBytes({
      type: 'warden-signoff',
      session: this.id,
      head,
      signer: name,
      statement: text,
      signedAt,
    });
    const { signature, publicKey } = await this.deps.signer.sign(bytes);
    return this.write({
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

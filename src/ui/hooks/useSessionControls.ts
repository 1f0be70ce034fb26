/**
 * The session screen's intents. Each one calls the engine and waits for it: the screen shows a
 * change only once the journal entry is written (state arrives through session.subscribe). The
 * engine's refusals (UserError) become banners.
 */
import { useCallback, type Dispatch } from 'react';
import { UserError, errorMessage } from '../../errors.js';
import type { Preflight, Session } from '../../engine/session.js';
import type { ContainerIdentity } from '../../engine/targets.js';
import type { BannerMessage } from '../components/Banner.js';
import { type Intent, type Prompt, type ScreenEvent } from '../screens/sessionModel.js';
import { usePromptAnswers } from './usePromptAnswers.js';
import { useStepRuns } from './useStepRuns.js';
import type { EngineRef } from '../../engine/executors.js';

/** How a confirmation names the engine: its host name and address, e.g. `db1 (ssh://ops@db1)`. */
function engineName(e: EngineRef): string {
  return e.name
    ? `${e.name} (${e.context ? `context ${e.context}, ` : ''}${e.endpoint})`
    : e.endpoint;
}

export const DEFAULT_STATEMENT =
  'I have reviewed this session; the record is complete and accurate.';

export interface SessionControls {
  begin(stepId: string, intent: Intent, force?: boolean): void;
  /**
   * Action steps: the dry run (the target is there, what it will do), the safety rule, then the
   * confirmation the step needs, then the run. `notice` stays in the banner meanwhile.
   */
  confirmAndRun(stepId: string, overrideReason?: string, notice?: BannerMessage): void;
  submit(prompt: Prompt, value: string): Promise<void>;
  answer(prompt: Prompt, yes: boolean): void;
  cancelRuns(stepId?: string): boolean;
  isRunning(): boolean;
  /** Cancels running steps and waits for their result entries. */
  stopAll(): Promise<void>;
  startSignOff(): void;
  /** Records what a command, check or action step would do; changes nothing. */
  dryRun(stepId: string): void;
  /** n: a note, or on an unanswered question step the answer. */
  note(stepId: string): void;
  /** R: every open check step in turn. */
  runAll(): void;
  /** T: ask when the incident started. */
  askIncidentStart(): void;
  /** The operator picked the container that replaces a step's removed target. */
  replaceTarget(stepId: string, replacement: ContainerIdentity): Promise<void>;
}

export function bannerFor(err: unknown) {
  if (err instanceof UserError) {
    return {
      tone: 'danger' as const,
      text: err.hint ? `${err.message} — ${err.hint}` : err.message,
    };
  }
  return { tone: 'danger' as const, text: `error: ${errorMessage(err)}` };
}

/**
 * `onResolved(stepId)` runs once a step was marked done, skipped or failed (the entry is written):
 * the screen moves the cursor on to the next open step.
 */
export function useSessionControls(
  session: Session,
  dispatch: Dispatch<ScreenEvent>,
  onQuit: () => void,
  onResolved: (stepId: string) => void,
): SessionControls {
  const fail = useCallback(
    (err: unknown) => dispatch({ type: 'banner', banner: bannerFor(err) }),
    [dispatch],
  );
  /** A refused answer: shown above the open prompt's field (a banner when no prompt is open). */
  const refuse = useCallback(
    (err: unknown) => dispatch({ type: 'promptError', error: bannerFor(err).text }),
    [dispatch],
  );
  const info = useCallback(
    (text: string) => dispatch({ type: 'banner', banner: { tone: 'info', text } }),
    [dispatch],
  );

  const runs = useStepRuns(session, dispatch, fail);
  const { startRun } = runs;

  /**
   * A typed confirmation stays open until the engine accepts the name (the step's intent entry is
   * written). The engine refuses a wrong name before writing anything; the refusal shows above
   * the field, which emptied on Enter (clearOnSubmit), so the operator retypes the name at once.
   * (Free-text answers that are refused keep what was typed: a long note is edited, not retyped.)
   */
  const runTyped = useCallback(
    (prompt: Extract<Prompt, { kind: 'typed' }>, value: string) => {
      const { stepId } = prompt;
      // Submitted already: waiting for the engine (a second Enter must not start a second run).
      if (runs.has(stepId)) return;
      let accepted = false;
      const accept = () => {
        if (accepted) return;
        accepted = true;
        unsubscribe();
        dispatch({ type: 'closePrompt' });
      };
      const unsubscribe = session.subscribe((s) => {
        if (s.steps[stepId]?.status === 'running') accept();
      });
      void startRun(
        stepId,
        { typed: value, overrideReason: prompt.overrideReason },
        {
          done: accept,
          refused: (err) => {
            if (accepted) return false;
            unsubscribe();
            dispatch({ type: 'promptError', error: bannerFor(err).text });
            return true;
          },
        },
      );
    },
    [session, dispatch, startRun],
  );

  /** Asks the confirmation the step needs (with what it will do), or runs it. */
  const ask = useCallback(
    (stepId: string, overrideReason: string | undefined, radius?: string, engine?: string) => {
      const step = session.step(stepId);
      const mode = session.confirmation(step);
      if (mode === 'typed') {
        const target = session.confirmationTarget(step);
        return dispatch({
          type: 'prompt',
          prompt: {
            kind: 'typed',
            stepId,
            target,
            overrideReason,
            ...(radius ? { radius } : {}),
            ...(engine ? { engine } : {}),
          },
        });
      }
      if (mode === 'yes')
        return dispatch({
          type: 'prompt',
          prompt: {
            kind: 'yes',
            stepId,
            overrideReason,
            ...(radius ? { radius } : {}),
            ...(engine ? { engine } : {}),
          },
        });
      dispatch({ type: 'closePrompt' });
      void startRun(stepId, { overrideReason });
    },
    [session, dispatch, startRun],
  );

  /** What the dry run found: a target that is gone or replaced is dealt with before any question. */
  const afterPreview = useCallback(
    (stepId: string, overrideReason: string | undefined, p: Preflight, notice?: BannerMessage) => {
      dispatch({ type: 'banner', banner: notice });
      if (p.kind === 'ready') {
        // The engine's safety rule (a complete snapshot before containment) asks for a reason.
        const step = session.step(stepId);
        const safety = overrideReason
          ? undefined
          : session.safetyBlocker(step.action ?? '', session.params(step));
        if (safety)
          return dispatch({
            type: 'prompt',
            prompt: { kind: 'reason', purpose: 'safety', stepId, message: safety },
          });
        return ask(stepId, overrideReason, p.blastRadius, p.engine && engineName(p.engine));
      }
      if (p.kind === 'refused')
        return dispatch({ type: 'banner', banner: { tone: 'danger', text: p.message } });
      if (p.kind === 'replaced' || (p.kind === 'missing' && p.input))
        return dispatch({
          type: 'prompt',
          prompt: {
            kind: 'replacement',
            stepId,
            input: p.input ?? '',
            message: p.message,
            ...(p.kind === 'replaced' ? { preselect: p.current.name } : {}),
          },
        });
      dispatch({ type: 'banner', banner: { tone: 'danger', text: p.message } });
    },
    [session, dispatch, ask],
  );

  /**
   * Action steps are dry-run first (read-only, not journaled): the target must exist and be the
   * container this session knows before the operator is asked to type its name, and the question
   * shows what the step will cut, write or overwrite.
   */
  const confirmAndRun = useCallback(
    (stepId: string, overrideReason?: string, notice?: BannerMessage) => {
      try {
        const step = session.step(stepId);
        if (step.type !== 'action') return ask(stepId, overrideReason);
        const target = session.params(step).container;
        dispatch({
          type: 'banner',
          banner: { tone: 'info', text: `checking ${target ?? 'the target'}…` },
        });
        session
          .preview(stepId, new AbortController().signal)
          .then((p) => afterPreview(stepId, overrideReason, p, notice), fail);
      } catch (err) {
        fail(err);
      }
    },
    [session, dispatch, fail, ask, afterPreview],
  );

  const begin = useCallback(
    (stepId: string, intent: Intent, force = false) => {
      try {
        const step = session.step(stepId);
        const st = session.state.steps[stepId];
        if (st?.status === 'running') return info(`"${stepId}" is running — c cancels it`);
        if (intent === 'run' && step.type === 'manual')
          return info('a manual step: do it by hand, then d done · s skip · f failed');
        if (
          intent === 'run' &&
          !force &&
          st &&
          st.status !== 'pending' &&
          st.status !== 'interrupted'
        )
          return info(`"${stepId}" is already ${st.status} — r runs it again`);
        const blockers = session.blockers(stepId);
        if (blockers.length > 0) {
          return dispatch({
            type: 'prompt',
            prompt: { kind: 'reason', purpose: 'override', stepId, then: intent, blockers },
          });
        }
        if (intent === 'done') {
          const last = st?.results.filter((r) => !r.dryRun).at(-1);
          if (step.type !== 'manual' && last?.outcome !== 'ok') {
            return dispatch({
              type: 'prompt',
              prompt: { kind: 'reason', purpose: 'accept', stepId },
            });
          }
          // A question is done with its answer: ask for it rather than refuse.
          if (step.answer && (st?.notes.length ?? 0) === 0)
            return dispatch({
              type: 'prompt',
              prompt: { kind: 'reason', purpose: 'answer', stepId },
            });
          session.markDone(stepId).then(() => onResolved(stepId), fail);
          return;
        }
        // Action steps: the dry run first (is the target there?), then the safety rule.
        confirmAndRun(stepId);
      } catch (err) {
        fail(err);
      }
    },
    [session, dispatch, fail, info, confirmAndRun, onResolved],
  );

  const dryRun = useCallback(
    (stepId: string) => {
      try {
        const step = session.step(stepId);
        if (step.type === 'manual') return info('a manual step has nothing to dry-run');
        if (runs.has(stepId)) return info(`"${stepId}" is running — c cancels it`);
        void startRun(stepId, { dryRun: true });
      } catch (err) {
        fail(err);
      }
    },
    [session, info, fail, startRun, runs],
  );

  const note = useCallback(
    (stepId: string) => {
      const st = session.state.steps[stepId];
      const question = session.step(stepId).answer === true;
      const answering = question && st?.status === 'pending' && st.notes.length === 0;
      dispatch({
        type: 'prompt',
        prompt: { kind: 'reason', purpose: answering ? 'answer' : 'note', stepId },
      });
    },
    [session, dispatch],
  );

  const askIncidentStart = useCallback(() => {
    const has = session.state.runbook.inputs.some((i) => i.id === 'incident-start');
    if (!has) return info('this runbook records no incident start (only incident runbooks do)');
    const current = session.state.inputs['incident-start'];
    dispatch({
      type: 'prompt',
      prompt: { kind: 'incidentStart', ...(current ? { current } : {}) },
    });
  }, [session, dispatch, info]);

  const replaceTarget = useCallback(
    async (stepId: string, replacement: ContainerIdentity) => {
      try {
        const entry = await session.replaceTarget(stepId, replacement);
        const original = entry.data.original as ContainerIdentity;
        dispatch({ type: 'closePrompt' });
        // The step goes on with the replacement; the notice stays above its confirmation.
        confirmAndRun(stepId, undefined, {
          tone: 'ok',
          text: `Recorded: ${replacement.name} (${replacement.id.slice(0, 12)}) replaces ${original.name || 'the original'}${original.id ? ` (${original.id.slice(0, 12)})` : ''}`,
        });
      } catch (err) {
        refuse(err);
      }
    },
    [session, dispatch, refuse, confirmAndRun],
  );

  const answers = usePromptAnswers(session, dispatch, {
    begin,
    confirmAndRun,
    runTyped,
    runs,
    refuse,
    info,
    onQuit,
    onResolved,
  });

  return {
    ...answers,
    begin,
    dryRun,
    confirmAndRun,
    cancelRuns: runs.cancel,
    isRunning: runs.isRunning,
    stopAll: runs.stopAll,
    note,
    askIncidentStart,
    replaceTarget,
  };
}

/**
 * The session screen's intents. Each one calls the engine and waits for it: the screen shows a
 * change only once the journal entry is written (state arrives through session.subscribe). The
 * engine's refusals (UserError) become banners.
 */
import { useCallback, useRef, type Dispatch } from 'react';
import { UserError, errorMessage } from '../../errors.js';
import type { Session } from '../../engine/session.js';
import {
  failedSteps,
  type Intent,
  type Prompt,
  type ScreenEvent,
} from '../screens/sessionModel.js';

export const DEFAULT_STATEMENT =
  'I have reviewed this session; the record is complete and accurate.';

export interface SessionControls {
  begin(stepId: string, intent: Intent, force?: boolean): void;
  /** After gates and the safety rule: ask the confirmation the step needs, then run. */
  confirmAndRun(stepId: string, overrideReason?: string): void;
  submit(prompt: Prompt, value: string): Promise<void>;
  answer(prompt: Prompt, yes: boolean): void;
  cancelRuns(stepId?: string): boolean;
  isRunning(): boolean;
  /** Cancels running steps and waits for their result entries. */
  stopAll(): Promise<void>;
  startSignOff(): void;
  /** Records what a command, check or action step would do; changes nothing. */
  dryRun(stepId: string): void;
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

export function useSessionControls(
  session: Session,
  dispatch: Dispatch<ScreenEvent>,
  onQuit: () => void,
): SessionControls {
  const controllers = useRef(new Map<string, AbortController>());
  const runs = useRef(new Set<Promise<unknown>>());

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

  const startRun = useCallback(
    (
      stepId: string,
      extra: { typed?: string; confirmed?: boolean; overrideReason?: string; dryRun?: boolean },
      hooks: { done?(): void; refused?(err: unknown): boolean } = {},
    ) => {
      const ac = new AbortController();
      controllers.current.set(stepId, ac);
      dispatch({ type: 'runStarted', stepId });
      const p: Promise<unknown> = session
        .run(stepId, {
          signal: ac.signal,
          onOutput: (line) => dispatch({ type: 'output', stepId, line }),
          ...extra,
        })
        .then(
          () => hooks.done?.(),
          (err: unknown) => {
            if (!hooks.refused?.(err)) fail(err);
          },
        )
        .finally(() => {
          controllers.current.delete(stepId);
          runs.current.delete(p);
        });
      runs.current.add(p);
    },
    [session, dispatch, fail],
  );

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
      if (controllers.current.has(stepId)) return;
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
      startRun(
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

  const confirmAndRun = useCallback(
    (stepId: string, overrideReason?: string) => {
      try {
        const step = session.step(stepId);
        const mode = session.confirmation(step);
        if (mode === 'typed') {
          const target = session.confirmationTarget(step);
          return dispatch({
            type: 'prompt',
            prompt: { kind: 'typed', stepId, target, overrideReason },
          });
        }
        if (mode === 'yes')
          return dispatch({ type: 'prompt', prompt: { kind: 'yes', stepId, overrideReason } });
        dispatch({ type: 'closePrompt' });
        startRun(stepId, { overrideReason });
      } catch (err) {
        fail(err);
      }
    },
    [session, dispatch, fail, startRun],
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
          session.markDone(stepId).catch(fail);
          return;
        }
        const safety =
          step.type === 'action'
            ? session.safetyBlocker(step.action ?? '', session.params(step))
            : undefined;
        if (safety) {
          return dispatch({
            type: 'prompt',
            prompt: { kind: 'reason', purpose: 'safety', stepId, message: safety },
          });
        }
        confirmAndRun(stepId);
      } catch (err) {
        fail(err);
      }
    },
    [session, dispatch, fail, info, confirmAndRun],
  );

  const submit = useCallback(
    async (prompt: Prompt, value: string) => {
      if (prompt.kind === 'typed') return runTyped(prompt, value);
      if (prompt.kind === 'reason' && prompt.purpose === 'safety') {
        if (!value.trim())
          return refuse(
            new UserError('running it anyway needs a reason (recorded in the journal)'),
          );
        return confirmAndRun(prompt.stepId, value.trim());
      }
      if (prompt.kind === 'sessionNote') {
        try {
          await session.addNote(undefined, value);
          dispatch({ type: 'closePrompt' });
          dispatch({ type: 'banner', banner: { tone: 'ok', text: 'Session note recorded' } });
        } catch (err) {
          refuse(err);
        }
        return;
      }
      if (prompt.kind === 'signer') {
        if (!value.trim()) return refuse(new UserError("sign-off needs the signer's name"));
        dispatch({
          type: 'prompt',
          prompt: { kind: 'statement', signer: value.trim(), failed: prompt.failed },
        });
        return;
      }
      try {
        if (prompt.kind === 'statement') {
          await session.signOff(prompt.signer, value);
          dispatch({ type: 'closePrompt' });
          dispatch({
            type: 'banner',
            banner: {
              tone: 'info',
              text: `Signed. \`warden verify ${session.id}\` checks the chain and signature.`,
            },
          });
          return;
        }
        if (prompt.kind !== 'reason') return;
        const id = prompt.stepId;
        if (prompt.purpose === 'skip') await session.skip(id, value);
        else if (prompt.purpose === 'fail') await session.fail(id, value);
        else if (prompt.purpose === 'note') await session.addNote(id, value);
        else if (prompt.purpose === 'accept') await session.markDone(id, { acceptReason: value });
        else if (prompt.purpose === 'override') await session.overrideGate(id, value);
        dispatch({ type: 'closePrompt' });
        dispatch({ type: 'banner', banner: undefined });
        if (prompt.purpose === 'override' && prompt.then) begin(id, prompt.then, true);
      } catch (err) {
        // The prompt stays open with what was typed; the reason for the refusal shows above it.
        refuse(err);
      }
    },
    [session, dispatch, refuse, runTyped, begin, confirmAndRun],
  );

  const cancelRuns = useCallback((stepId?: string) => {
    const targets =
      stepId && controllers.current.has(stepId)
        ? [controllers.current.get(stepId)]
        : [...controllers.current.values()];
    for (const ac of targets) ac?.abort();
    return targets.length > 0;
  }, []);

  const stopAll = useCallback(async () => {
    for (const ac of controllers.current.values()) ac.abort();
    await Promise.allSettled([...runs.current]);
  }, []);

  const answer = useCallback(
    (prompt: Prompt, yes: boolean) => {
      dispatch({ type: 'closePrompt' });
      if (!yes) return;
      if (prompt.kind === 'yes')
        startRun(prompt.stepId, { confirmed: true, overrideReason: prompt.overrideReason });
      else if (prompt.kind === 'quit') void stopAll().then(onQuit);
    },
    [dispatch, startRun, stopAll, onQuit],
  );

  const startSignOff = useCallback(() => {
    const s = session.state;
    if (s.status === 'in-progress') {
      const open = s.order.filter(
        (id) => !['done', 'skipped', 'failed'].includes(s.steps[id]?.status ?? ''),
      );
      return info(
        `${open.length} step(s) still open (${open.slice(0, 3).join(', ')}); resolve them before signing off`,
      );
    }
    const failed = failedSteps(s);
    dispatch({
      type: 'prompt',
      prompt: failed.length > 0 ? { kind: 'signer', failed } : { kind: 'signer' },
    });
  }, [session, dispatch, info]);

  const dryRun = useCallback(
    (stepId: string) => {
      try {
        const step = session.step(stepId);
        if (step.type === 'manual') return info('a manual step has nothing to dry-run');
        if (controllers.current.has(stepId)) return info(`"${stepId}" is running — c cancels it`);
        startRun(stepId, { dryRun: true });
      } catch (err) {
        fail(err);
      }
    },
    [session, info, fail, startRun],
  );

  return {
    begin,
    dryRun,
    confirmAndRun,
    submit,
    answer,
    cancelRuns,
    isRunning: () => controllers.current.size > 0,
    stopAll,
    startSignOff,
  };
}

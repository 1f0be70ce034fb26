/**
 * What an answer to one of the session screen's prompts does (a reason, a note, an answer, a
 * typed name, a signer and statement, a yes/no), the sign-off's first prompt, and a run of all
 * checks with its summary. Each calls the engine; refusals show above the open field.
 */
import { useCallback, type Dispatch } from 'react';
import { UserError } from '../../errors.js';
import type { JournalEntry } from '../../journal/types.js';
import { outcomeCounts } from '../../engine/outcomes.js';
import type { Session } from '../../engine/session.js';
import {
  failedSteps,
  type Intent,
  type Prompt,
  type ScreenEvent,
} from '../screens/sessionModel.js';
import type { StepRuns } from './useStepRuns.js';

export interface PromptAnswerDeps {
  begin(stepId: string, intent: Intent, force?: boolean): void;
  confirmAndRun(stepId: string, overrideReason?: string): void;
  runTyped(prompt: Extract<Prompt, { kind: 'typed' }>, value: string): void;
  runs: StepRuns;
  refuse(err: unknown): void;
  info(text: string): void;
  onQuit(): void;
  onResolved(stepId: string): void;
}

/** Said once an entry is written whose operator text had secrets masked (kinds, never values). */
export function maskedBanner(entry: JournalEntry | undefined) {
  const masked = Array.isArray(entry?.data.masked) ? entry.data.masked.map(String) : [];
  if (masked.length === 0) return undefined;
  return {
    tone: 'warn' as const,
    text: `Recorded with secrets masked (${masked.join('; ')}): the journal never holds them`,
  };
}

export function usePromptAnswers(
  session: Session,
  dispatch: Dispatch<ScreenEvent>,
  { begin, confirmAndRun, runTyped, runs, refuse, info, onQuit, onResolved }: PromptAnswerDeps,
) {
  const { startRun } = runs;
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
          const entry = await session.addNote(undefined, value);
          dispatch({ type: 'closePrompt' });
          dispatch({
            type: 'banner',
            banner: maskedBanner(entry) ?? { tone: 'ok', text: 'Session note recorded' },
          });
        } catch (err) {
          refuse(err);
        }
        return;
      }
      if (prompt.kind === 'incidentStart') {
        try {
          const entry = await session.setIncidentStart(value);
          dispatch({ type: 'closePrompt' });
          const at = session.state.inputs['incident-start'] ?? '';
          dispatch({
            type: 'banner',
            banner: {
              tone: 'ok',
              text: entry
                ? `Incident start recorded: ${at}; time to contain and to recover are measured from it`
                : `The incident start is already ${at}`,
            },
          });
        } catch (err) {
          refuse(err);
        }
        return;
      }
      if (prompt.kind === 'replacement') return;
      if (prompt.kind === 'signer') {
        if (!value.trim()) return refuse(new UserError("sign-off needs the signer's name"));
        dispatch({
          type: 'prompt',
          prompt: {
            kind: 'statement',
            signer: value.trim(),
            failed: prompt.failed,
            accepted: prompt.accepted,
          },
        });
        return;
      }
      try {
        if (prompt.kind === 'statement') {
          const entry = await session.signOff(prompt.signer, value);
          dispatch({ type: 'closePrompt' });
          const masked = maskedBanner(entry);
          dispatch({
            type: 'banner',
            banner: {
              tone: masked ? 'warn' : 'info',
              text: `Signed. \`warden verify ${session.id}\` checks the chain and signature.${masked ? ` ${masked.text}` : ''}`,
            },
          });
          return;
        }
        if (prompt.kind !== 'reason') return;
        const id = prompt.stepId;
        const { purpose } = prompt;
        let entry: JournalEntry | undefined;
        if (purpose === 'skip') entry = await session.skip(id, value);
        else if (purpose === 'fail') entry = await session.fail(id, value);
        else if (purpose === 'note') entry = await session.addNote(id, value);
        else if (purpose === 'answer') {
          if (!value.trim())
            throw new UserError('an answer cannot be empty (s skips the question)');
          entry = await session.markDone(id, { note: value });
        } else if (purpose === 'accept')
          entry = await session.markDone(id, { acceptReason: value });
        else if (purpose === 'override') entry = await session.overrideGate(id, value);
        dispatch({ type: 'closePrompt' });
        dispatch({ type: 'banner', banner: maskedBanner(entry) });
        if (purpose === 'override' && prompt.then) begin(id, prompt.then, true);
        if (['skip', 'fail', 'answer', 'accept'].includes(purpose)) onResolved(id);
      } catch (err) {
        // The prompt stays open with what was typed; the reason for the refusal shows above it.
        refuse(err);
      }
    },
    [session, dispatch, refuse, runTyped, begin, confirmAndRun, onResolved],
  );

  const answer = useCallback(
    (prompt: Prompt, yes: boolean) => {
      dispatch({ type: 'closePrompt' });
      if (!yes) return;
      if (prompt.kind === 'yes')
        void startRun(prompt.stepId, { confirmed: true, overrideReason: prompt.overrideReason });
      else if (prompt.kind === 'quit') void runs.stopAll().then(onQuit);
    },
    [dispatch, startRun, runs, onQuit],
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
    const accepted = outcomeCounts(s).accepted;
    dispatch({
      type: 'prompt',
      prompt: {
        kind: 'signer',
        ...(failed.length > 0 ? { failed } : {}),
        ...(accepted > 0 ? { accepted } : {}),
      },
    });
  }, [session, dispatch, info]);

  const runAll = useCallback(() => {
    if (runs.isRunning()) return info('a step is running — c cancels it, then R runs the checks');
    void runs.runAllChecks().then(({ ran, skipped }) => {
      const st = session.state;
      const passed = ran.filter((id) => st.steps[id]?.status === 'done').length;
      const failedN = ran.filter((id) => st.steps[id]?.status === 'failed').length;
      const other = ran.length - passed - failedN;
      const parts = [
        `${ran.length} check step(s) run: ${passed} passed, ${failedN} failed`,
        ...(other > 0 ? [`${other} did not run to a verdict`] : []),
        ...(skipped.length > 0
          ? [`${skipped.length} left (blocked or needing a confirmation: Enter on each)`]
          : []),
      ];
      if (ran.length === 0 && skipped.length === 0)
        return info('no open check step: every check step is done or skipped');
      dispatch({
        type: 'banner',
        banner: {
          tone: failedN > 0 || other > 0 ? 'warn' : 'ok',
          text: `${parts.join('; ')} — ] goes to the next open step`,
        },
      });
    });
  }, [runs, session, dispatch, info]);

  return { submit, answer, startSignOff, runAll };
}

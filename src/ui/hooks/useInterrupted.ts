/**
 * On resume, an action step left `interrupted` by a crash: re-read what it left behind (networks,
 * evidence files…) through the UI port once per interrupted action, so the details show where
 * things stand before the operator retries.
 */
import { useEffect, type Dispatch } from 'react';
import { errorMessage } from '../../errors.js';
import type { Session } from '../../engine/session.js';
import type { ActionRecord, SessionState } from '../../engine/state.js';
import type { InterruptedInfo, ScreenEvent } from '../screens/sessionModel.js';
import { useDeps } from './useDeps.js';

/** The interrupted action record of a step, when the step is interrupted. */
export function interruptedAction(
  state: SessionState,
  stepId: string | undefined,
): ActionRecord | undefined {
  if (!stepId || state.steps[stepId]?.status !== 'interrupted') return undefined;
  return state.actionLog?.filter((a) => a.step === stepId && a.status === 'interrupted').at(-1);
}

export function useInterrupted(
  session: Session,
  state: SessionState,
  stepId: string | undefined,
  known: Readonly<Record<number, InterruptedInfo>>,
  dispatch: Dispatch<ScreenEvent>,
): InterruptedInfo | undefined {
  const { ports } = useDeps();
  const rec = interruptedAction(state, stepId);
  const seq = rec?.seq;
  const have = seq !== undefined && known[seq] !== undefined;
  useEffect(() => {
    if (seq === undefined || have) return;
    const target = interruptedAction(session.state, stepId);
    if (!target) return;
    dispatch({ type: 'interrupted', seq, info: { state: 'loading' } });
    ports.interrupted(session.id, target).then(
      (view) => dispatch({ type: 'interrupted', seq, info: { state: 'read', view } }),
      (err: unknown) =>
        dispatch({
          type: 'interrupted',
          seq,
          info: { state: 'error', message: errorMessage(err) },
        }),
    );
  }, [seq, have, session, stepId, ports, dispatch]);
  return seq === undefined ? undefined : known[seq];
}

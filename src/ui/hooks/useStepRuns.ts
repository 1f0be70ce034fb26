/**
 * Steps running in this process: start one (its live output goes to the screen), cancel, wait for
 * all on quit, and run every open check step in turn (R). Each run is the engine's: intent entry,
 * execution, result entry; the screen learns of them through session.subscribe.
 */
import { useCallback, useRef, type Dispatch } from 'react';
import type { Session } from '../../engine/session.js';
import { isOpen } from '../../engine/outcomes.js';
import type { ScreenEvent } from '../screens/sessionModel.js';

export interface RunExtra {
  typed?: string;
  confirmed?: boolean;
  overrideReason?: string;
  dryRun?: boolean;
}

export interface RunHooks {
  done?(): void;
  /** A refusal the caller shows itself (true), or leaves to the banner (false). */
  refused?(err: unknown): boolean;
}

export interface StepRuns {
  startRun(stepId: string, extra: RunExtra, hooks?: RunHooks): Promise<void>;
  has(stepId: string): boolean;
  isRunning(): boolean;
  /** Cancels the selected step's run (or every run) and a run of all checks; false if none. */
  cancel(stepId?: string): boolean;
  /** Cancels running steps and waits for their result entries. */
  stopAll(): Promise<void>;
  /** Runs every check step that is open, unblocked and needs no confirmation, one by one. */
  runAllChecks(): Promise<{ ran: string[]; skipped: string[] }>;
}

export function useStepRuns(
  session: Session,
  dispatch: Dispatch<ScreenEvent>,
  fail: (err: unknown) => void,
): StepRuns {
  const controllers = useRef(new Map<string, AbortController>());
  const runs = useRef(new Set<Promise<unknown>>());
  const runAllStop = useRef<AbortController | undefined>(undefined);

  const startRun = useCallback(
    (stepId: string, extra: RunExtra, hooks: RunHooks = {}) => {
      const ac = new AbortController();
      controllers.current.set(stepId, ac);
      dispatch({ type: 'runStarted', stepId });
      const p: Promise<void> = session
        .run(stepId, {
          signal: ac.signal,
          onOutput: (line) => dispatch({ type: 'output', stepId, line }),
          onProgress: (progress) => dispatch({ type: 'progress', stepId, progress }),
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
          dispatch({ type: 'runFinished', stepId });
        });
      runs.current.add(p);
      return p;
    },
    [session, dispatch, fail],
  );

  const cancel = useCallback(
    (stepId?: string) => {
      runAllStop.current?.abort();
      const ids =
        stepId && controllers.current.has(stepId) ? [stepId] : [...controllers.current.keys()];
      for (const id of ids) controllers.current.get(id)?.abort();
      if (ids.length > 0) dispatch({ type: 'cancelling', stepIds: ids });
      return ids.length > 0;
    },
    [dispatch],
  );

  const stopAll = useCallback(async () => {
    runAllStop.current?.abort();
    for (const ac of controllers.current.values()) ac.abort();
    await Promise.allSettled([...runs.current]);
  }, []);

  const runAllChecks = useCallback(async () => {
    const state = session.state;
    const checks = state.order.filter((id) => session.step(id).type === 'check');
    const todo = checks.filter(
      (id) =>
        isOpen(state.steps[id]) &&
        !controllers.current.has(id) &&
        session.blockers(id).length === 0 &&
        session.confirmation(session.step(id)) === 'none',
    );
    const skipped = checks.filter((id) => isOpen(state.steps[id]) && !todo.includes(id));
    const stop = new AbortController();
    runAllStop.current = stop;
    const ran: string[] = [];
    try {
      for (const [i, id] of todo.entries()) {
        if (stop.signal.aborted) break;
        dispatch({ type: 'runAll', progress: { total: todo.length, started: i + 1, current: id } });
        ran.push(id);
        await startRun(id, {});
      }
    } finally {
      runAllStop.current = undefined;
      dispatch({ type: 'runAll', progress: undefined });
    }
    return { ran, skipped };
  }, [session, dispatch, startRun]);

  return {
    startRun,
    has: (id) => controllers.current.has(id),
    isRunning: () => controllers.current.size > 0,
    cancel,
    stopAll,
    runAllChecks,
  };
}

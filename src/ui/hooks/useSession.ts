/** The session's state, straight from the journal fold: re-renders on every written entry. */
import { useSyncExternalStore } from 'react';
import type { Session } from '../../engine/session.js';
import type { SessionState } from '../../engine/state.js';

export function useSessionState(session: Session): SessionState {
  return useSyncExternalStore(
    (onChange) => session.subscribe(onChange),
    () => session.state,
  );
}

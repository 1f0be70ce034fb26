/** Where the cursor goes on the step list: the filter, open steps, first and last. Pure. */
import { findStep } from '../../engine/reducer.js';
import { isOpen } from '../../engine/outcomes.js';
import type { SessionState } from '../../engine/state.js';
import { matchesFilter } from '../filter.js';

/** The steps the list shows, in runbook order: those whose title or id matches the filter. */
export function visibleSteps(state: SessionState, filter: string): string[] {
  return state.order.filter((id) => matchesFilter(filter, id, findStep(state.runbook, id)?.title));
}

/**
 * The next (dir 1) or previous (dir -1) open step after `from` in `order`, wrapping around;
 * undefined when no other step is open.
 */
export function nextOpenStep(
  state: SessionState,
  order: readonly string[],
  from: string | undefined,
  dir: 1 | -1 = 1,
): string | undefined {
  const n = order.length;
  const at = from === undefined ? (dir === 1 ? -1 : n) : order.indexOf(from);
  for (let k = 1; k <= n; k++) {
    const id = order[(((at + dir * k) % n) + n) % n];
    if (id !== undefined && id !== from && isOpen(state.steps[id])) return id;
  }
  return undefined;
}

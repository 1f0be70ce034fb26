/**
 * The `/` filter of a list (steps, home screen, findings): its state, what matches, and what the
 * keys of the filter field do. Pure.
 */
import type { Planned } from './chunk.js';

export interface ListFilter {
  text: string;
  /** The field is being typed in (letters go to it, not to the list's keys). */
  editing: boolean;
}

export const NO_FILTER: ListFilter = { text: '', editing: false };

/**
 * What happens to a filter: text typed into it, or the field opened, kept (Enter) or cleared
 * (Esc). Each changes only its own part: a chunk holding the last letter and Enter applies both,
 * whichever handler hears it first.
 */
export type FilterChange =
  { type: 'filterText'; text: string } | { type: 'filterMode'; editing: boolean; clear?: boolean };

export function changeFilter(f: ListFilter, e: FilterChange): ListFilter {
  if (e.type === 'filterText') return { ...f, text: e.text };
  return { text: e.clear ? '' : f.text, editing: e.editing };
}

/** Case-insensitive substring match of `filter` in any of the fields. */
export function matchesFilter(filter: string, ...fields: (string | undefined)[]): boolean {
  const f = filter.trim().toLowerCase();
  return !f || fields.some((x) => x?.toLowerCase().includes(f));
}

/** The keys of the filter field (the `listFilter` context): move in the list, keep, clear. */
export function filterKey(
  { action, times }: Planned,
  on: { move(delta: number): void; keep(): void; clear(): void },
): void {
  if (action === 'up') on.move(-times);
  else if (action === 'down') on.move(times);
  else if (action === 'apply') on.keep();
  else if (action === 'back') on.clear();
}

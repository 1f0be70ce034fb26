/**
 * The audit screen's own state (the engines to audit, run, selection, scroll, filter, focus): one
 * reducer. Pure.
 */
import type { AuditReport } from '../../audit/types.js';
import { changeFilter, type FilterChange, type ListFilter } from '../filter.js';

export interface AuditState {
  running: boolean;
  report?: AuditReport;
  error?: string;
  selected: number;
  scroll: number;
  filter: ListFilter;
  focus: 'list' | 'details';
  askQuit: boolean;
  /** Choosing the engines (this one and the Docker contexts): the list, not the findings. */
  picking: boolean;
  /** The engine under the cursor while picking. */
  cursor: number;
  /** The engines audited (names: a context, or `default` for the engine chosen as the CLI would). */
  chosen: readonly string[];
}

export type AuditEvent =
  | { type: 'start' }
  | { type: 'done'; report: AuditReport }
  | { type: 'error'; message: string }
  | { type: 'move'; delta: number; count: number }
  | { type: 'scroll'; delta: number; max: number }
  | FilterChange
  | { type: 'focus'; focus: AuditState['focus'] }
  | { type: 'askQuit'; ask: boolean }
  | { type: 'pick' }
  | { type: 'cursor'; delta: number; count: number }
  | { type: 'toggle'; name: string }
  | { type: 'toggleAll'; names: readonly string[]; under: string }
  | { type: 'picked' };

export function auditReducer(s: AuditState, e: AuditEvent): AuditState {
  switch (e.type) {
    case 'start':
      return { ...s, running: true, error: undefined };
    case 'done':
      return {
        ...s,
        running: false,
        report: e.report,
        error: undefined,
        selected: Math.min(s.selected, Math.max(0, e.report.findings.length - 1)),
        scroll: 0,
      };
    case 'error':
      return { ...s, running: false, error: e.message };
    case 'move': {
      const selected = Math.min(Math.max(0, s.selected + e.delta), Math.max(0, e.count - 1));
      return selected === s.selected ? s : { ...s, selected, scroll: 0 };
    }
    case 'scroll':
      return { ...s, scroll: Math.min(e.max, Math.max(0, s.scroll + e.delta)) };
    case 'filterText':
    case 'filterMode': {
      const filter = changeFilter(s.filter, e);
      return {
        ...s,
        filter,
        ...(filter.text !== s.filter.text ? { selected: 0, scroll: 0 } : {}),
      };
    }
    case 'focus':
      return { ...s, focus: e.focus };
    case 'askQuit':
      return { ...s, askQuit: e.ask };
    case 'pick':
      return { ...s, picking: true, focus: 'list' };
    case 'cursor':
      return {
        ...s,
        cursor: Math.min(Math.max(0, s.cursor + e.delta), Math.max(0, e.count - 1)),
      };
    case 'toggle':
      return {
        ...s,
        chosen: s.chosen.includes(e.name)
          ? s.chosen.filter((n) => n !== e.name)
          : [...s.chosen, e.name],
      };
    case 'toggleAll':
      // All when not all are chosen; else only the one under the cursor.
      return { ...s, chosen: s.chosen.length < e.names.length ? [...e.names] : [e.under] };
    case 'picked':
      return { ...s, picking: false, selected: 0, scroll: 0 };
  }
}

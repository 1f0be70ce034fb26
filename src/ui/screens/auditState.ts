/** The audit screen's own state (run, selection, scroll, filter, focus): one reducer. Pure. */
import type { AuditReport } from '../../audit/types.js';
import type { ListFilter } from '../filter.js';

export interface AuditState {
  running: boolean;
  report?: AuditReport;
  error?: string;
  selected: number;
  scroll: number;
  filter: ListFilter;
  focus: 'list' | 'details';
  askQuit: boolean;
}

export type AuditEvent =
  | { type: 'start' }
  | { type: 'done'; report: AuditReport }
  | { type: 'error'; message: string }
  | { type: 'move'; delta: number; count: number }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'filter'; filter: ListFilter }
  | { type: 'focus'; focus: AuditState['focus'] }
  | { type: 'askQuit'; ask: boolean };

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
    case 'filter':
      return {
        ...s,
        filter: e.filter,
        ...(e.filter.text !== s.filter.text ? { selected: 0, scroll: 0 } : {}),
      };
    case 'focus':
      return { ...s, focus: e.focus };
    case 'askQuit':
      return { ...s, askQuit: e.ask };
  }
}

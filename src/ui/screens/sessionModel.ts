/** The session screen's own state (selection, scroll, prompt, banner, live output): one reducer. */
import type { BannerMessage } from '../components/Banner.js';
import type { Progress } from '../../engine/executors.js';
import type { JournalEntry } from '../../journal/types.js';
import type { InterruptedView } from '../hooks/useDeps.js';
import { NO_FILTER, type ListFilter } from '../filter.js';

/** What the live re-read of an interrupted action found (by the action's intent seq). */
export type InterruptedInfo =
  | { state: 'loading' }
  | { state: 'read'; view: InterruptedView }
  | { state: 'error'; message: string };

export type Intent = 'run' | 'done';

export type Prompt =
  | {
      kind: 'reason';
      purpose: 'skip' | 'fail' | 'note' | 'answer' | 'accept' | 'override' | 'safety';
      stepId: string;
      /** Safety prompts: the engine's refusal, shown as the question. */
      message?: string;
      /** After a gate override: what the operator was trying to do. */
      then?: Intent;
      blockers?: string[];
    }
  /** `radius`: what the step will cut, write or overwrite (its dry run), shown above the field. */
  | {
      kind: 'typed';
      stepId: string;
      target: string;
      overrideReason?: string;
      radius?: string;
      /** The engine it runs against, named above the question (with what it will do). */
      engine?: string;
    }
  | { kind: 'yes'; stepId: string; overrideReason?: string; radius?: string; engine?: string }
  /** T: when the incident started (the alert time). */
  | { kind: 'incidentStart'; current?: string }
  /**
   * The step's target is gone (or its name now belongs to another container): pick the container
   * that replaces it; `preselect` is the same name re-created, when there is one.
   */
  | { kind: 'replacement'; stepId: string; input: string; message: string; preselect?: string }
  /** `idle`: Ctrl-C with nothing running (quit asks first, a second Ctrl-C quits). */
  | { kind: 'quit'; idle?: boolean }
  | { kind: 'sessionNote' }
  /**
   * `failed`: steps resolved as failed (not accepted), named so the signer knows; `accepted`: how
   * many steps are accepted risks (the review above lists them).
   */
  | { kind: 'signer'; failed?: string[]; accepted?: number }
  | { kind: 'statement'; signer: string; failed?: string[]; accepted?: number };

/** A run of every open check step (R): how far it got. */
export interface RunAllProgress {
  total: number;
  started: number;
  current?: string;
}

export interface ScreenState {
  selected: string | undefined;
  scroll: number;
  /** Tab moves the keys into the details pane (↑↓ scroll it) and back. */
  focus: 'list' | 'details';
  filter: ListFilter;
  /** Steps whose cancel was asked for and that have not ended yet (the banner says so). */
  cancelling: string[];
  runAll?: RunAllProgress;
  prompt?: Prompt;
  /** Bumped on every new prompt so its text field starts fresh. */
  promptSeq: number;
  /** Why the open prompt's last answer was refused: shown above its field. */
  promptError?: string;
  banner?: BannerMessage;
  /** Live output of steps running in this process, bounded. */
  live: Record<string, string[]>;
  /** How far each running step has got (bytes, a countdown): shown, never journaled. */
  progress: Record<string, Progress>;
  /** Interrupted actions re-read on resume, by the intent entry's seq. */
  interrupted: Record<number, InterruptedInfo>;
}

export type ScreenEvent =
  | { type: 'move'; delta: number; order: readonly string[] }
  /** Select this step (g, G, ], [). */
  | { type: 'select'; stepId: string }
  /** After d/s/f on `from`: go on to `to`, unless the operator moved meanwhile. */
  | { type: 'advance'; from: string; to: string | undefined }
  | { type: 'focus'; focus: ScreenState['focus'] }
  /** Typed into the filter: `order` is what it now shows. */
  | { type: 'filterText'; text: string; order: readonly string[] }
  /** `/` opens the field, Enter keeps the filter, Esc clears it. */
  | { type: 'filterMode'; editing: boolean; clear?: boolean }
  | { type: 'cancelling'; stepIds: string[] }
  | { type: 'runFinished'; stepId: string }
  | { type: 'runAll'; progress: RunAllProgress | undefined }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'prompt'; prompt: Prompt }
  | { type: 'closePrompt' }
  | { type: 'promptError'; error: string }
  | { type: 'banner'; banner: BannerMessage | undefined }
  | { type: 'runStarted'; stepId: string }
  | { type: 'output'; stepId: string; line: string }
  | { type: 'progress'; stepId: string; progress: Progress }
  | { type: 'interrupted'; seq: number; info: InterruptedInfo };

export const LIVE_LINES = 200;

/** Asked on Ctrl-C when nothing runs (home, audit, session). */
export const QUIT_QUESTION = 'Quit warden? (Ctrl-C again quits)';

export function initialScreen(
  selected: string | undefined,
  entries: readonly JournalEntry[] = [],
): ScreenState {
  const banner = repairBanner(entries);
  return {
    selected,
    scroll: 0,
    focus: 'list',
    filter: NO_FILTER,
    cancelling: [],
    promptSeq: 0,
    live: {},
    progress: {},
    interrupted: {},
    ...(banner ? { banner } : {}),
  };
}

/**
 * When this resume had to set aside a torn last line (a crash mid-write), say so once: the
 * operator should know the journal was repaired, and that nothing acknowledged was lost.
 */
export function repairBanner(entries: readonly JournalEntry[]): BannerMessage | undefined {
  const [repaired, resumed] = entries.slice(-2);
  if (repaired?.type !== 'journal.repaired' || resumed?.type !== 'session.resumed')
    return undefined;
  const savedAs = typeof repaired.data.savedAs === 'string' ? repaired.data.savedAs : 'a side file';
  return {
    tone: 'warn',
    text: `The journal's last line was cut off by a crash (never acknowledged): set aside as ${savedAs} and recorded; everything before it is intact.`,
  };
}

export function screenReducer(s: ScreenState, e: ScreenEvent): ScreenState {
  switch (e.type) {
    case 'move': {
      const i = s.selected === undefined ? -1 : e.order.indexOf(s.selected);
      const next = e.order[Math.min(e.order.length - 1, Math.max(0, i + e.delta))];
      if (next === s.selected) return s;
      return { ...s, selected: next, scroll: 0, banner: undefined };
    }
    case 'select':
      return e.stepId === s.selected
        ? s
        : { ...s, selected: e.stepId, scroll: 0, banner: undefined };
    case 'advance':
      return s.selected === e.from && e.to !== undefined && e.to !== e.from
        ? { ...s, selected: e.to, scroll: 0 }
        : s;
    case 'focus':
      return { ...s, focus: e.focus };
    case 'filterText': {
      // The selection stays on a step the filter shows.
      const keep = s.selected !== undefined && e.order.includes(s.selected);
      return {
        ...s,
        filter: { ...s.filter, text: e.text },
        ...(keep || e.order.length === 0 ? {} : { selected: e.order[0], scroll: 0 }),
      };
    }
    case 'filterMode':
      return { ...s, filter: { text: e.clear ? '' : s.filter.text, editing: e.editing } };
    case 'cancelling':
      return { ...s, cancelling: [...new Set([...s.cancelling, ...e.stepIds])] };
    case 'runFinished': {
      const { [e.stepId]: _done, ...progress } = s.progress;
      void _done;
      return {
        ...s,
        progress,
        cancelling: s.cancelling.includes(e.stepId)
          ? s.cancelling.filter((id) => id !== e.stepId)
          : s.cancelling,
      };
    }
    case 'progress': {
      // An uncancellable notice stays with the step until it ends (a later byte count keeps it).
      const prev = s.progress[e.stepId];
      const keep =
        prev?.uncancellable && !e.progress.uncancellable
          ? { uncancellable: prev.uncancellable }
          : {};
      return { ...s, progress: { ...s.progress, [e.stepId]: { ...e.progress, ...keep } } };
    }
    case 'runAll':
      return { ...s, runAll: e.progress };
    case 'scroll':
      return { ...s, scroll: Math.min(e.max, Math.max(0, s.scroll + e.delta)) };
    case 'prompt':
      return { ...s, prompt: e.prompt, promptSeq: s.promptSeq + 1, promptError: undefined };
    case 'closePrompt':
      return { ...s, prompt: undefined, promptError: undefined };
    case 'promptError':
      if (!s.prompt) return { ...s, banner: { tone: 'danger', text: e.error } };
      return { ...s, promptError: e.error };
    case 'banner':
      return { ...s, banner: e.banner };
    case 'runStarted': {
      const { [e.stepId]: _old, ...progress } = s.progress;
      void _old;
      return { ...s, live: { ...s.live, [e.stepId]: [] }, progress, banner: undefined };
    }
    case 'interrupted':
      return { ...s, interrupted: { ...s.interrupted, [e.seq]: e.info } };
    case 'output': {
      const prev = s.live[e.stepId] ?? [];
      const lines = [...prev, e.line];
      return {
        ...s,
        live: {
          ...s.live,
          [e.stepId]: lines.length > LIVE_LINES ? lines.slice(-LIVE_LINES) : lines,
        },
      };
    }
  }
}

/** `2 failed (a, b)`: the steps resolved as failed, not accepted. */
export function failedSummary(failed: readonly string[]): string {
  return `${failed.length} failed (${failed.join(', ')})`;
}

function withFailures(failed: readonly string[] | undefined, accepted = 0): string {
  const parts = [
    ...(failed && failed.length > 0 ? [failedSummary(failed)] : []),
    ...(accepted > 0 ? [`${accepted} accepted risk${accepted === 1 ? '' : 's'}`] : []),
  ];
  return parts.length > 0 ? ` a record with ${parts.join(' and ')}` : '';
}

/** Steps whose status is failed (a failure accepted as done is `done`). */
export function failedSteps(state: {
  order: readonly string[];
  steps: Record<string, { status: string } | undefined>;
}): string[] {
  return state.order.filter((id) => state.steps[id]?.status === 'failed');
}

export function promptLabel(p: Prompt): string {
  switch (p.kind) {
    case 'reason':
      switch (p.purpose) {
        case 'skip':
          return `Skip "${p.stepId}": why? (recorded in the journal; Esc cancels)`;
        case 'fail':
          return `Mark "${p.stepId}" failed: what happened? (Esc cancels)`;
        case 'note':
          return `Note on "${p.stepId}" (Esc cancels)`;
        case 'answer':
          return `Answer "${p.stepId}" (recorded as the answer; the step is then done; Esc cancels)`;
        case 'accept':
          return `Accept "${p.stepId}" as done although it did not pass: reason? (Esc cancels)`;
        case 'safety':
          return `${p.message ?? 'the engine refuses this step'}. Run it anyway? Give a reason (Esc cancels)`;
        case 'override':
          return `"${p.stepId}" requires ${(p.blockers ?? []).map((b) => `"${b}"`).join(', ')} — override the gate? Give a reason (Esc cancels)`;
      }
      break;
    case 'typed':
      return `Destructive step. Type "${p.target}" to confirm (Esc cancels)`;
    case 'incidentStart':
      return `When did the incident start (the alert, UTC)? An ISO time, HH:MM, or a time ago such as 18m${p.current ? ` (now ${p.current})` : ''} (Esc cancels)`;
    case 'replacement':
      return p.message;
    case 'yes':
      return `Run "${p.stepId}"?`;
    case 'quit':
      return p.idle
        ? QUIT_QUESTION
        : 'A step is running. Quit cancels it (the journal records the cancel). Quit?';
    case 'sessionNote':
      return 'Note on the session, not on a step (recorded in the journal; Esc cancels)';
    case 'signer':
      return `Sign off${withFailures(p.failed, p.accepted)}: your name (Esc cancels)`;
    case 'statement':
      return `Sign off as ${p.signer}${withFailures(p.failed, p.accepted)}: statement (Esc cancels)`;
  }
  return '';
}

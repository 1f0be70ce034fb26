/** The session screen's own state (selection, scroll, prompt, banner, live output): one reducer. */
import type { BannerMessage } from '../components/Banner.js';
import type { JournalEntry } from '../../journal/types.js';
import type { InterruptedView } from '../hooks/useDeps.js';

/** What the live re-read of an interrupted action found (by the action's intent seq). */
export type InterruptedInfo =
  | { state: 'loading' }
  | { state: 'read'; view: InterruptedView }
  | { state: 'error'; message: string };

export type Intent = 'run' | 'done';

export type Prompt =
  | {
      kind: 'reason';
      purpose: 'skip' | 'fail' | 'note' | 'accept' | 'override' | 'safety';
      stepId: string;
      /** Safety prompts: the engine's refusal, shown as the question. */
      message?: string;
      /** After a gate override: what the operator was trying to do. */
      then?: Intent;
      blockers?: string[];
    }
  | { kind: 'typed'; stepId: string; target: string; overrideReason?: string }
  | { kind: 'yes'; stepId: string; overrideReason?: string }
  | { kind: 'quit' }
  | { kind: 'sessionNote' }
  /** `failed`: steps resolved as failed (not accepted), named so the signer knows. */
  | { kind: 'signer'; failed?: string[] }
  | { kind: 'statement'; signer: string; failed?: string[] };

export interface ScreenState {
  selected: string | undefined;
  scroll: number;
  prompt?: Prompt;
  /** Bumped on every new prompt so its text field starts fresh. */
  promptSeq: number;
  /** Why the open prompt's last answer was refused: shown above its field. */
  promptError?: string;
  banner?: BannerMessage;
  /** Live output of steps running in this process, bounded. */
  live: Record<string, string[]>;
  /** Interrupted actions re-read on resume, by the intent entry's seq. */
  interrupted: Record<number, InterruptedInfo>;
}

export type ScreenEvent =
  | { type: 'move'; delta: number; order: readonly string[] }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'prompt'; prompt: Prompt }
  | { type: 'closePrompt' }
  | { type: 'promptError'; error: string }
  | { type: 'banner'; banner: BannerMessage | undefined }
  | { type: 'runStarted'; stepId: string }
  | { type: 'output'; stepId: string; line: string }
  | { type: 'interrupted'; seq: number; info: InterruptedInfo };

export const LIVE_LINES = 200;

export function initialScreen(
  selected: string | undefined,
  entries: readonly JournalEntry[] = [],
): ScreenState {
  const banner = repairBanner(entries);
  return {
    selected,
    scroll: 0,
    promptSeq: 0,
    live: {},
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
    case 'runStarted':
      return { ...s, live: { ...s.live, [e.stepId]: [] }, banner: undefined };
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

function withFailures(failed: readonly string[] | undefined): string {
  return failed && failed.length > 0 ? ` a record with ${failedSummary(failed)}` : '';
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
    case 'yes':
      return `Run "${p.stepId}"?`;
    case 'quit':
      return 'A step is running. Quit cancels it (the journal records the cancel). Quit?';
    case 'sessionNote':
      return 'Note on the session, not on a step (recorded in the journal; Esc cancels)';
    case 'signer':
      return `Sign off${withFailures(p.failed)}: your name (Esc cancels)`;
    case 'statement':
      return `Sign off as ${p.signer}${withFailures(p.failed)}: statement (Esc cancels)`;
  }
  return '';
}

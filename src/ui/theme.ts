/**
 * Semantic colours and status marks. NO_COLOR (any non-empty value) turns every colour off; marks
 * and words carry the meaning on their own, so nothing depends on colour.
 */
import type { StepOutcome } from '../engine/outcomes.js';
import type { Verdict } from '../engine/executors.js';

export type Tone = 'accent' | 'ok' | 'warn' | 'danger' | 'muted' | 'info' | 'running' | 'accepted';

const COLOURS: Record<Tone, string> = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  danger: 'red',
  muted: 'gray',
  info: 'blue',
  running: 'magenta',
  // Orange: neither the green of a pass nor the red of a failure, nor the yellow of a warning.
  accepted: '#ff8700',
};

export function colourEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}

/** The Ink colour for a tone, or undefined when colour is off. */
export function tone(
  t: Tone | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (!t || !colourEnabled(env)) return undefined;
  return COLOURS[t];
}

/** Marks by outcome: an accepted failure (`⚑`) never shows as the `✓` of a pass. */
export const STATUS_MARK: Record<StepOutcome, { mark: string; word: string; tone: Tone }> = {
  done: { mark: '✓', word: 'done', tone: 'ok' },
  accepted: { mark: '⚑', word: 'accepted risk', tone: 'accepted' },
  skipped: { mark: '–', word: 'skipped', tone: 'muted' },
  failed: { mark: '✗', word: 'failed', tone: 'danger' },
  running: { mark: '▶', word: 'running', tone: 'running' },
  interrupted: { mark: '!', word: 'interrupted', tone: 'warn' },
  pending: { mark: '○', word: 'pending', tone: 'muted' },
};

/** A pending step whose `requires` gate is not met (the list shows it instead of ○). */
export const BLOCKED_MARK = '⊘';

/** A done step whose result carried warnings (the details list them, in the warn colour). */
export const WARNING_MARK = '⚠';

export const VERDICT_MARK: Record<Verdict, { mark: string; tone: Tone }> = {
  pass: { mark: '✓ pass', tone: 'ok' },
  fail: { mark: '✗ FAIL', tone: 'danger' },
  'not-applicable': { mark: '– n/a', tone: 'muted' },
  error: { mark: '! error', tone: 'warn' },
};

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

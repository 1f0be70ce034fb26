/**
 * The ONE key table. Screens ask `actionFor(context, input, key)` what a key press means; the footer
 * and the `?` help render from the same rows, so a binding cannot exist without being documented.
 */
import type { Key } from 'ink';

export type KeyContext =
  | 'home'
  | 'session'
  | 'running'
  | 'details'
  | 'listFilter'
  | 'prompt'
  | 'confirm'
  | 'quitConfirm'
  | 'help'
  | 'audit'
  | 'picker'
  | 'engines'
  | 'filter'
  | 'manual';

export type Action =
  | 'up'
  | 'down'
  | 'first'
  | 'last'
  | 'nextOpen'
  | 'prevOpen'
  | 'open'
  | 'run'
  | 'runAll'
  | 'rerun'
  | 'done'
  | 'skip'
  | 'fail'
  | 'note'
  | 'override'
  | 'reopen'
  | 'cancel'
  | 'interrupt'
  | 'signoff'
  | 'dryRun'
  | 'sessionNote'
  | 'incidentStart'
  | 'pick'
  | 'filter'
  | 'apply'
  | 'manual'
  | 'focus'
  | 'scrollUp'
  | 'scrollDown'
  | 'help'
  | 'back'
  | 'quit'
  | 'submit'
  | 'clearField'
  | 'deleteWord'
  | 'dismiss'
  | 'yes'
  | 'no'
  | 'toggle'
  | 'toggleAll'
  | 'engines';

export interface Binding {
  action: Action;
  /** How the key is written in the footer and the help. */
  keys: string;
  /** Short footer label. */
  label: string;
  description: string;
  contexts: readonly KeyContext[];
  /**
   * Shown in the footer: in every context it applies to (true), or only in these (the help lists
   * every binding regardless).
   */
  footer: boolean | readonly KeyContext[];
  match(input: string, key: Key): boolean;
}

const ch =
  (...chars: string[]) =>
  (input: string, key: Key) =>
    !key.ctrl && !key.meta && chars.includes(input);
const ctrlC = (i: string, k: Key) => k.ctrl && i === 'c';
const enter = (_i: string, k: Key) => k.return;
const esc = (_i: string, k: Key) => k.escape;
const tab = (_i: string, k: Key) => k.tab;
const up = (i: string, k: Key) => k.upArrow || ch('k')(i, k);
const down = (i: string, k: Key) => k.downArrow || ch('j')(i, k);
const pageUp = (i: string, k: Key) => k.pageUp || ch('K')(i, k);
const pageDown = (i: string, k: Key) => k.pageDown || ch('J')(i, k);

/** Lists with a cursor: the home screen, a session's steps (idle or running), the findings. */
const LISTS: readonly KeyContext[] = ['home', 'session', 'running', 'audit'];
/** Screens (not prompts): `?`, quit and Ctrl-C work there. */
const SCREENS: readonly KeyContext[] = [
  'home',
  'session',
  'running',
  'details',
  'audit',
  'engines',
];
const PANES: readonly KeyContext[] = ['session', 'running', 'details', 'help', 'audit'];

function b(
  action: Action,
  keys: string,
  label: string,
  contexts: readonly KeyContext[],
  footer: Binding['footer'],
  match: Binding['match'],
  description: string,
): Binding {
  return { action, keys, label, description, contexts, footer, match };
}

// One row per binding: action, keys, footer label, where it applies, where the footer shows it,
// what matches it, and what it does (the help's text).
// prettier-ignore
export const KEYMAP: readonly Binding[] = [
  // Moving through a list.
  b('up', '↑/k', 'move', [...LISTS, 'help', 'picker', 'engines'], false, up, 'Select the previous item (help: scroll a line)'),
  b('down', '↓/j', 'move', [...LISTS, 'help', 'picker', 'engines'], ['home', 'session', 'audit', 'help', 'picker', 'engines'], down, 'Select the next item (help: scroll a line)'),
  b('up', '↑', 'move', ['filter', 'listFilter'], false, (_i, k) => k.upArrow, 'Select the previous item (letters go to the filter)'),
  b('down', '↓', 'move', ['filter', 'listFilter'], true, (_i, k) => k.downArrow, 'Select the next item'),
  b('first', 'g', 'first', [...LISTS, 'details'], false, ch('g'), 'First item (details: their top)'),
  b('last', 'G', 'last', [...LISTS, 'details'], false, ch('G'), 'Last item (details: their end)'),

  // Home.
  b('open', 'Enter', 'open', ['home'], true, enter, 'Start the runbook, resume the session or open the entry'),

  // A session's steps.
  b('run', 'Enter', 'run', ['session'], true, enter, 'Run a command, check or action step (asks for confirmation when the runbook says so)'),
  b('done', 'd', 'done', ['session'], true, ch('d'), 'Mark the step done (a step that did not pass asks for an acceptance reason, a question for its answer); the cursor moves to the next open step'),
  b('skip', 's', 'skip', ['session'], true, ch('s'), 'Skip the step (asks for a reason); the cursor moves to the next open step'),
  b('fail', 'f', 'fail', ['session'], true, ch('f'), 'Mark the step failed (asks for a note); the cursor moves to the next open step'),
  b('note', 'n', 'note', ['session'], true, ch('n'), 'Add a note to the step; on a question step: answer it (recorded as the answer, the step is done)'),
  b('runAll', 'R', 'run checks', ['session'], true, ch('R'), 'Run every check step not yet done or skipped, one after another (each recorded; c stops the rest)'),
  b('rerun', 'r', 're-run', ['session'], true, ch('r'), 'Run the step again / re-check after a fix or a stale verdict'),
  b('dryRun', 'x', 'dry run', ['session'], false, ch('x'), 'Dry run: what a command, check or action step would do, changing nothing (recorded)'),
  b('sessionNote', 'N', 'session note', ['session'], false, ch('N'), 'Add a note to the session itself (not to a step)'),
  b('incidentStart', 'T', 'incident start', ['session', 'running'], false, ch('T'), 'Set when the incident started (the alert time: ISO, HH:MM UTC or 18m ago); time to contain and to recover are measured from it (recorded)'),
  b('override', 'o', 'override gate', ['session'], false, ch('o'), 'Override the step’s "requires" gate (asks for a reason)'),
  b('reopen', 'u', 'reopen', ['session'], false, ch('u'), 'Reopen a resolved step (back to pending; recorded)'),
  b('signoff', 'S', 'sign off', ['session'], false, ch('S'), 'Sign off once every step is resolved: first a review of what you sign for (accepted risks, failures)'),
  b('cancel', 'c', 'cancel', ['session', 'running', 'details'], ['running'], ch('c'), 'Cancel the running step (and the rest of a run of all checks)'),
  b('interrupt', 'Ctrl-C', 'cancel', SCREENS, false, ctrlC, 'Cancel what runs (a step); when nothing runs, ask before quitting'),

  b('nextOpen', ']', 'next open', ['session', 'running'], ['session'], ch(']'), 'Next open step (pending, interrupted or failed), wrapping around'),
  b('prevOpen', '[', 'previous open', ['session', 'running'], false, ch('['), 'Previous open step'),

  // The details pane.
  b('focus', 'Tab', 'details', ['session', 'running', 'audit'], ['session', 'audit'], tab, 'Focus the details pane (↑↓ then scroll it)'),
  b('focus', 'Tab', 'list', ['details'], true, tab, 'Back to the list'),
  b('up', '↑/k', 'scroll', ['details'], false, up, 'Scroll the details up a line'),
  b('down', '↓/j', 'scroll', ['details'], true, down, 'Scroll the details down a line'),
  b('scrollUp', 'PgUp/K', 'scroll', PANES, false, pageUp, 'Scroll the details (guidance, output, remediation) up a page'),
  b('scrollDown', 'PgDn/J', 'scroll', PANES, ['running'], pageDown, 'Scroll the details (guidance, output, remediation) down a page'),

  // Filters.
  b('filter', '/', 'filter', LISTS, ['home', 'session', 'audit'], ch('/'), 'Filter the list: runbooks and sessions, steps (title or id), findings (check, target, title)'),
  b('apply', 'Enter', 'keep filter', ['listFilter'], true, enter, 'Keep the filter and go back to the list keys'),
  b('back', 'Esc', 'clear filter', ['listFilter'], true, esc, 'Clear the filter'),

  // Leaving.
  b('help', '?', 'help', SCREENS, true, ch('?'), 'Show every key'),
  b('back', 'Esc', 'back', ['session'], true, esc, 'Back to the home screen (the session stays resumable); clears a filter first'),
  b('back', 'Esc', 'back', ['running'], false, esc, 'Back to the home screen (refused while a step runs: c cancels it first)'),
  b('back', 'Esc', 'list', ['details'], false, esc, 'Back to the list'),
  b('back', 'Esc', 'back', ['audit'], true, esc, 'Back to the home screen; clears a filter first'),
  b('quit', 'q', 'quit', ['home', 'audit'], true, ch('q'), 'Quit'),
  b('quit', 'q', 'quit', ['session', 'running', 'details'], true, ch('q'), 'Quit (asks first while a step runs: quitting cancels it)'),

  // The audit.
  b('rerun', 'r', 're-run', ['audit'], true, ch('r'), 'Run the audit again (read-only)'),

  b('engines', 'e', 'engines', ['audit'], true, ch('e'), 'Choose the engines to audit: this one and the Docker contexts'),

  // The engines to audit.
  b('toggle', 'Space', 'select', ['engines'], true, (i) => i === ' ', 'Add the engine to the audit, or take it out'),
  b('toggleAll', 'a', 'all', ['engines'], true, ch('a'), 'Every engine, or only the one under the cursor again'),
  b('open', 'Enter', 'audit', ['engines'], true, enter, 'Audit the selected engines side by side (read-only; one that does not answer is reported so)'),
  b('back', 'Esc', 'back', ['engines'], true, esc, 'Back (to the findings, or home when none were read yet)'),
  b('quit', 'q', 'quit', ['engines'], false, ch('q'), 'Quit'),

  // The container picker.
  b('rerun', 'r', 'refresh', ['picker'], true, ch('r'), "List the engine's containers again"),
  b('pick', 'Enter', 'pick', ['picker', 'filter'], true, enter, 'Use the selected container'),
  b('filter', '/', 'filter', ['picker'], true, ch('/'), 'Filter the containers by name or image (substring)'),
  b('manual', 'Tab', 'type a name', ['picker'], true, tab, 'Type the container name by hand'),
  b('manual', 'Tab', 'list', ['manual'], true, tab, 'Back to the list of containers'),
  b('back', 'Esc', 'cancel', ['picker'], true, esc, 'Cancel the inputs: back to the home screen'),
  b('back', 'Esc', 'clear filter', ['filter'], true, esc, 'Clear the filter, back to the list'),

  // Prompts and questions.
  b('submit', 'Enter', 'submit', ['prompt'], true, enter, 'Submit the answer'),
  b('clearField', 'Ctrl-U', 'clear', ['prompt', 'filter', 'listFilter'], true, (i, k) => k.ctrl && i === 'u', 'Clear the field (a prefilled answer too)'),
  b('deleteWord', 'Ctrl-W', 'delete word', ['prompt', 'filter', 'listFilter'], false, (i, k) => k.ctrl && i === 'w', 'Delete the word before the cursor'),
  b('dismiss', 'Esc', 'cancel', ['prompt', 'confirm'], true, (i, k) => k.escape || ctrlC(i, k), 'Cancel the prompt, nothing is recorded'),
  b('yes', 'y', 'yes', ['confirm'], true, ch('y', 'Y'), 'Confirm'),
  b('no', 'n / Enter', 'no', ['confirm'], true, (i, k) => ch('n', 'N')(i, k) || k.return, 'Decline (the default)'),
  b('yes', 'y / Ctrl-C', 'quit', ['quitConfirm'], true, (i, k) => ch('y', 'Y')(i, k) || ctrlC(i, k), 'Quit warden'),
  b('no', 'n / Enter / Esc', 'stay', ['quitConfirm'], true, (i, k) => ch('n', 'N')(i, k) || k.return || k.escape, 'Stay (the default)'),
  b('back', 'Esc / ? / q', 'close', ['help'], true, (i, k) => k.escape || ch('?', 'q')(i, k), 'Close the help'),
];

/** The first binding of `context` matching the key press. */
export function actionFor(context: KeyContext, input: string, key: Key): Action | undefined {
  return KEYMAP.find((x) => x.contexts.includes(context) && x.match(input, key))?.action;
}

/**
 * Navigation: these apply for every press in a chunk of several keys (a held `j`); any other key
 * acts at most once per chunk (see chunk.ts).
 */
export const REPEATABLE: ReadonlySet<Action> = new Set([
  'up',
  'down',
  'scrollUp',
  'scrollDown',
  'nextOpen',
  'prevOpen',
]);

export function bindingsFor(context: KeyContext): Binding[] {
  return KEYMAP.filter((x) => x.contexts.includes(context));
}

/** Whether the footer of `context` shows this binding. */
export function inFooter(x: Binding, context: KeyContext): boolean {
  return x.footer === true || (Array.isArray(x.footer) && x.footer.includes(context));
}

export const CONTEXT_TITLES: Record<KeyContext, string> = {
  home: 'Home',
  session: 'Session',
  running: 'Session, while a step runs',
  details: 'Details pane (after Tab)',
  listFilter: 'List filter (after /)',
  prompt: 'Prompts',
  confirm: 'Yes/no questions',
  quitConfirm: 'Quit? (after Ctrl-C)',
  help: 'Help',
  audit: 'Audit',
  picker: 'Container picker',
  engines: 'Engines to audit',
  filter: 'Container filter',
  manual: 'Container name typed by hand',
};

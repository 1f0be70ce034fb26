/**
 * The ONE key table. Screens ask `actionFor(context, input, key)` what a key press means; the footer
 * and the `?` help render from the same rows, so a binding cannot exist without being documented.
 */
import type { Key } from 'ink';

export type KeyContext =
  'home' | 'session' | 'prompt' | 'confirm' | 'help' | 'audit' | 'picker' | 'filter' | 'manual';

export type Action =
  | 'up'
  | 'down'
  | 'open'
  | 'run'
  | 'rerun'
  | 'done'
  | 'skip'
  | 'fail'
  | 'note'
  | 'override'
  | 'reopen'
  | 'cancel'
  | 'signoff'
  | 'dryRun'
  | 'sessionNote'
  | 'pick'
  | 'filter'
  | 'manual'
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
  | 'no';

export interface Binding {
  action: Action;
  /** How the key is written in the footer and the help. */
  keys: string;
  /** Short footer label. */
  label: string;
  description: string;
  contexts: readonly KeyContext[];
  /** Shown in the footer (the help lists every binding regardless). */
  footer: boolean;
  match(input: string, key: Key): boolean;
}

const ch =
  (...chars: string[]) =>
  (input: string, key: Key) =>
    !key.ctrl && !key.meta && chars.includes(input);

export const KEYMAP: readonly Binding[] = [
  {
    action: 'up',
    keys: '↑/k',
    label: 'move',
    description: 'Select the previous item (help: scroll a line)',
    contexts: ['home', 'session', 'help', 'audit', 'picker'],
    footer: false,
    match: (i, k) => k.upArrow || ch('k')(i, k),
  },
  {
    action: 'down',
    keys: '↓/j',
    label: 'move',
    description: 'Select the next item (help: scroll a line)',
    contexts: ['home', 'session', 'help', 'audit', 'picker'],
    footer: true,
    match: (i, k) => k.downArrow || ch('j')(i, k),
  },
  {
    action: 'up',
    keys: '↑',
    label: 'move',
    description: 'Select the previous container (letters go to the filter)',
    contexts: ['filter'],
    footer: false,
    match: (_i, k) => k.upArrow,
  },
  {
    action: 'down',
    keys: '↓',
    label: 'move',
    description: 'Select the next container',
    contexts: ['filter'],
    footer: true,
    match: (_i, k) => k.downArrow,
  },
  {
    action: 'open',
    keys: 'Enter',
    label: 'open',
    description: 'Start the runbook, resume the session or open the entry',
    contexts: ['home'],
    footer: true,
    match: (_i, k) => k.return,
  },
  {
    action: 'run',
    keys: 'Enter',
    label: 'run',
    description:
      'Run a command, check or action step (asks for confirmation when the runbook says so)',
    contexts: ['session'],
    footer: true,
    match: (_i, k) => k.return,
  },
  {
    action: 'done',
    keys: 'd',
    label: 'done',
    description: 'Mark the step done (a step that did not pass asks for an acceptance reason)',
    contexts: ['session'],
    footer: true,
    match: ch('d'),
  },
  {
    action: 'skip',
    keys: 's',
    label: 'skip',
    description: 'Skip the step (asks for a reason)',
    contexts: ['session'],
    footer: true,
    match: ch('s'),
  },
  {
    action: 'fail',
    keys: 'f',
    label: 'fail',
    description: 'Mark the step failed (asks for a note)',
    contexts: ['session'],
    footer: true,
    match: ch('f'),
  },
  {
    action: 'note',
    keys: 'n',
    label: 'note',
    description: 'Add a note to the step',
    contexts: ['session'],
    footer: true,
    match: ch('n'),
  },
  {
    action: 'rerun',
    keys: 'r',
    label: 're-run',
    description: 'Run the step again / re-check after a fix',
    contexts: ['session'],
    footer: true,
    match: ch('r'),
  },
  {
    action: 'dryRun',
    keys: 'x',
    label: 'dry run',
    description:
      'Dry run: what a command, check or action step would do, changing nothing (recorded)',
    contexts: ['session'],
    footer: true,
    match: ch('x'),
  },
  {
    action: 'sessionNote',
    keys: 'N',
    label: 'session note',
    description: 'Add a note to the session itself (not to a step)',
    contexts: ['session'],
    footer: false,
    match: ch('N'),
  },
  {
    action: 'rerun',
    keys: 'r',
    label: 'refresh',
    description: "List the engine's containers again",
    contexts: ['picker'],
    footer: true,
    match: ch('r'),
  },
  {
    action: 'rerun',
    keys: 'r',
    label: 're-run',
    description: 'Run the audit again (read-only)',
    contexts: ['audit'],
    footer: true,
    match: ch('r'),
  },
  {
    action: 'pick',
    keys: 'Enter',
    label: 'pick',
    description: 'Use the selected container',
    contexts: ['picker', 'filter'],
    footer: true,
    match: (_i, k) => k.return,
  },
  {
    action: 'filter',
    keys: '/',
    label: 'filter',
    description: 'Filter the containers by name or image (substring)',
    contexts: ['picker'],
    footer: true,
    match: ch('/'),
  },
  {
    action: 'manual',
    keys: 'Tab',
    label: 'type a name',
    description: 'Type the container name by hand',
    contexts: ['picker'],
    footer: true,
    match: (_i, k) => k.tab,
  },
  {
    action: 'manual',
    keys: 'Tab',
    label: 'list',
    description: 'Back to the list of containers',
    contexts: ['manual'],
    footer: true,
    match: (_i, k) => k.tab,
  },
  {
    action: 'override',
    keys: 'o',
    label: 'override gate',
    description: 'Override the step’s "requires" gate (asks for a reason)',
    contexts: ['session'],
    footer: false,
    match: ch('o'),
  },
  {
    action: 'reopen',
    keys: 'u',
    label: 'reopen',
    description: 'Reopen a resolved step (back to pending; recorded)',
    contexts: ['session'],
    footer: false,
    match: ch('u'),
  },
  {
    action: 'cancel',
    keys: 'c / Ctrl-C',
    label: 'cancel',
    description: 'Cancel the running step (Ctrl-C when nothing runs: quit)',
    contexts: ['session'],
    footer: false,
    match: (i, k) => ch('c')(i, k) || (k.ctrl && i === 'c'),
  },
  {
    action: 'signoff',
    keys: 'S',
    label: 'sign off',
    description: 'Sign off the session when every step is resolved',
    contexts: ['session'],
    footer: false,
    match: ch('S'),
  },
  {
    action: 'scrollUp',
    keys: 'PgUp/K',
    label: 'scroll',
    description: 'Scroll the details (guidance, output, remediation) up',
    contexts: ['session', 'help', 'audit'],
    footer: false,
    match: (i, k) => k.pageUp || ch('K')(i, k),
  },
  {
    action: 'scrollDown',
    keys: 'PgDn/J',
    label: 'scroll',
    description: 'Scroll the details (guidance, output, remediation) down',
    contexts: ['session', 'help', 'audit'],
    footer: false,
    match: (i, k) => k.pageDown || ch('J')(i, k),
  },
  {
    action: 'help',
    keys: '?',
    label: 'help',
    description: 'Show every key',
    contexts: ['home', 'session', 'audit'],
    footer: true,
    match: ch('?'),
  },
  {
    action: 'back',
    keys: 'Esc',
    label: 'back',
    description: 'Back to the home screen (the session stays resumable)',
    contexts: ['session', 'audit'],
    footer: true,
    match: (_i, k) => k.escape,
  },
  {
    action: 'quit',
    keys: 'q / Ctrl-C',
    label: 'quit',
    description: 'Quit (asks first while a step runs)',
    contexts: ['home', 'session', 'audit'],
    footer: true,
    match: (i, k) => ch('q')(i, k) || (k.ctrl && i === 'c'),
  },
  {
    action: 'submit',
    keys: 'Enter',
    label: 'submit',
    description: 'Submit the answer',
    contexts: ['prompt'],
    footer: true,
    match: (_i, k) => k.return,
  },
  {
    action: 'clearField',
    keys: 'Ctrl-U',
    label: 'clear',
    description: 'Clear the field (a prefilled answer too)',
    contexts: ['prompt', 'filter'],
    footer: true,
    match: (i, k) => k.ctrl && i === 'u',
  },
  {
    action: 'deleteWord',
    keys: 'Ctrl-W',
    label: 'delete word',
    description: 'Delete the word before the cursor',
    contexts: ['prompt', 'filter'],
    footer: false,
    match: (i, k) => k.ctrl && i === 'w',
  },
  {
    action: 'dismiss',
    keys: 'Esc',
    label: 'cancel',
    description: 'Cancel the prompt, nothing is recorded',
    contexts: ['prompt', 'confirm'],
    footer: true,
    match: (_i, k) => k.escape || (k.ctrl && _i === 'c'),
  },
  {
    action: 'yes',
    keys: 'y',
    label: 'yes',
    description: 'Confirm',
    contexts: ['confirm'],
    footer: true,
    match: (i, k) => ch('y', 'Y')(i, k),
  },
  {
    action: 'no',
    keys: 'n / Enter',
    label: 'no',
    description: 'Decline (the default)',
    contexts: ['confirm'],
    footer: true,
    match: (i, k) => ch('n', 'N')(i, k) || k.return,
  },
  {
    action: 'back',
    keys: 'Esc',
    label: 'cancel',
    description: 'Cancel the inputs: back to the home screen',
    contexts: ['picker'],
    footer: true,
    match: (_i, k) => k.escape,
  },
  {
    action: 'back',
    keys: 'Esc',
    label: 'clear filter',
    description: 'Clear the filter, back to the list',
    contexts: ['filter'],
    footer: true,
    match: (_i, k) => k.escape,
  },
  {
    action: 'back',
    keys: 'Esc / ? / q',
    label: 'close',
    description: 'Close the help',
    contexts: ['help'],
    footer: true,
    match: (i, k) => k.escape || ch('?', 'q')(i, k),
  },
];

/** The first binding of `context` matching the key press (order matters: cancel before quit). */
export function actionFor(context: KeyContext, input: string, key: Key): Action | undefined {
  return KEYMAP.find((b) => b.contexts.includes(context) && b.match(input, key))?.action;
}

/**
 * Navigation: these apply for every press in a chunk of several keys (a held `j`); any other key
 * acts at most once per chunk (see chunk.ts).
 */
export const REPEATABLE: ReadonlySet<Action> = new Set(['up', 'down', 'scrollUp', 'scrollDown']);

export function bindingsFor(context: KeyContext): Binding[] {
  return KEYMAP.filter((b) => b.contexts.includes(context));
}

export const CONTEXT_TITLES: Record<KeyContext, string> = {
  home: 'Home',
  session: 'Session',
  prompt: 'Prompts',
  confirm: 'Yes/no questions',
  help: 'Help',
  audit: 'Audit',
  picker: 'Container picker',
  filter: 'Container filter',
  manual: 'Container name typed by hand',
};

/**
 * A one-line text field's value and cursor, and the edits a key press makes. Pure.
 *
 * Readline conventions: Ctrl-U clears the field, Ctrl-W deletes the word before the cursor. A
 * control character is never inserted as text (a chunk of typed or pasted text may carry them:
 * tmux sends `C-u` and the following text in one write).
 */

export interface Field {
  value: string;
  /** Offset in UTF-16 units, 0..value.length. */
  cursor: number;
}

export interface Edited {
  field: Field;
  /** The text ended in a line break: submit `field.value`. */
  submit: boolean;
}

export function fieldOf(value: string): Field {
  return { value, cursor: value.length };
}

export function clearField(): Field {
  return { value: '', cursor: 0 };
}

/** Ctrl-W: the spaces before the cursor, then the word before them. */
export function deleteWordBefore(f: Field): Field {
  const head = f.value.slice(0, f.cursor);
  const kept = head.replace(/\S*\s*$/, '');
  return { value: kept + f.value.slice(f.cursor), cursor: kept.length };
}

export function backspace(f: Field): Field {
  if (f.cursor === 0) return f;
  const chars = [...f.value.slice(0, f.cursor)];
  chars.pop();
  const head = chars.join('');
  return { value: head + f.value.slice(f.cursor), cursor: head.length };
}

export function moveCursor(f: Field, to: 'left' | 'right' | 'start' | 'end'): Field {
  if (to === 'start') return { ...f, cursor: 0 };
  if (to === 'end') return { ...f, cursor: f.value.length };
  const head = [...f.value.slice(0, f.cursor)];
  const tail = [...f.value.slice(f.cursor)];
  if (to === 'left' && head.length > 0) return { ...f, cursor: f.cursor - head.at(-1)!.length };
  if (to === 'right' && tail.length > 0) return { ...f, cursor: f.cursor + tail[0]!.length };
  return f;
}

export function insert(f: Field, text: string): Field {
  if (!text) return f;
  return {
    value: f.value.slice(0, f.cursor) + text + f.value.slice(f.cursor),
    cursor: f.cursor + text.length,
  };
}

/**
 * Text as it arrives in one input event (one character, or a run of them: a paste, a fast typist,
 * tmux). A trailing line break is the Enter: submit. Line breaks inside become spaces. Ctrl-U,
 * Ctrl-W and Backspace inside the run act as keys; other control characters are dropped.
 */
export function typeText(f: Field, text: string): Edited {
  const submit = /[\r\n]$/.test(text);
  const body = text.replace(/[\r\n]+$/, '').replace(/[\r\n]+/g, ' ');
  let field = f;
  let run = '';
  const flush = () => {
    field = insert(field, run);
    run = '';
  };
  for (const ch of body) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code !== 0x7f) {
      run += ch;
      continue;
    }
    flush();
    if (ch === '\u0015') field = clearField();
    else if (ch === '\u0017') field = deleteWordBefore(field);
    else if (ch === '\u007f' || ch === '\b') field = backspace(field);
  }
  flush();
  return { field, submit };
}

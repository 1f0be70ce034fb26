/**
 * A one-line text field: typing, ←/→, Home/End, Backspace, Ctrl-U (clear), Ctrl-W (delete word).
 * One key handler owns the value and the cursor, so no other handler can race it (ink-text-input
 * typed a literal "u" on Ctrl-U). Enter submits when `onSubmit` is given; Esc, Tab, ↑/↓ and
 * Ctrl-C are left to the parent. The value lives in a ref as well as in state: text and Enter can
 * arrive in one chunk, or as events before React re-renders, and Enter must submit what was typed.
 */
import { useKeyInput } from '../hooks/keyInput.js';
import { Text } from './Text.js';
import { useRef, useState } from 'react';
import { actionFor } from '../keymap.js';
import { tone } from '../theme.js';
import {
  backspace,
  clearField,
  deleteWordBefore,
  fieldOf,
  moveCursor,
  typeText,
  type Field,
} from './fieldModel.js';

export interface TextFieldProps {
  initial?: string;
  placeholder?: string;
  isFocused: boolean;
  /** Empty the field once the answer is submitted (a typed confirmation is retyped, not edited). */
  clearOnSubmit?: boolean;
  onChange?(value: string): void;
  onSubmit?(value: string): void;
}

export function TextField({
  initial = '',
  placeholder,
  isFocused,
  clearOnSubmit = false,
  onChange,
  onSubmit,
}: TextFieldProps) {
  const latest = useRef<Field>(fieldOf(initial));
  const [field, setField] = useState<Field>(latest.current);

  useKeyInput((input, key) => {
    const before = latest.current;
    let next = before;
    let submit = false;
    const action = actionFor('prompt', input, key);
    if (action === 'submit') submit = true;
    else if (action === 'clearField') next = clearField();
    else if (action === 'deleteWord') next = deleteWordBefore(before);
    else if (key.leftArrow) next = moveCursor(before, 'left');
    else if (key.rightArrow) next = moveCursor(before, 'right');
    else if (key.home || (key.ctrl && input === 'a')) next = moveCursor(before, 'start');
    else if (key.end || (key.ctrl && input === 'e')) next = moveCursor(before, 'end');
    else if (key.backspace || key.delete) next = backspace(before);
    else if (
      key.ctrl ||
      key.meta ||
      key.escape ||
      key.tab ||
      key.upArrow ||
      key.downArrow ||
      key.pageUp ||
      key.pageDown
    )
      return;
    else ({ field: next, submit } = typeText(before, input));
    const answer = next.value;
    // Emptied at once, not when the answer comes back refused: keys typed meanwhile are kept.
    if (submit && clearOnSubmit && onSubmit) next = fieldOf('');
    latest.current = next;
    if (next !== before) {
      setField(next);
      if (next.value !== before.value) onChange?.(next.value);
    }
    if (submit) onSubmit?.(answer);
  }, isFocused);

  const { value, cursor } = field;
  if (!isFocused) {
    return value || !placeholder ? (
      <Text>{value}</Text>
    ) : (
      <Text color={tone('muted')}>{placeholder}</Text>
    );
  }
  if (!value && placeholder) {
    return (
      <Text>
        <Text inverse>{placeholder.slice(0, 1)}</Text>
        <Text color={tone('muted')}>{placeholder.slice(1)}</Text>
      </Text>
    );
  }
  const at = [...value.slice(cursor)][0] ?? ' ';
  return (
    <Text>
      {value.slice(0, cursor)}
      <Text inverse>{at}</Text>
      {value.slice(cursor + (cursor < value.length ? at.length : 0))}
    </Text>
  );
}

/**
 * A one-line question with a text field. Enter submits (the engine decides whether the answer is
 * acceptable); Esc cancels and nothing is recorded. Ctrl-U clears the field, Ctrl-W deletes a word.
 * `error` (a refused answer) shows right above the field, so the operator can retype at once.
 */
import { useKeyInput } from '../hooks/keyInput.js';
import { Box } from 'ink';
import { Text } from './Text.js';
import { useState } from 'react';
import { useKeys } from '../hooks/useKeys.js';
import { actionFor } from '../keymap.js';
import { tone } from '../theme.js';
import { wrapText } from '../text.js';
import { TextField } from './TextField.js';

/** Rows a prompt's label may wrap to (a sign-off names the failed steps) before it is cut. */
export const PROMPT_LABEL_ROWS = 3;

export interface TextPromptProps {
  label: string;
  initial?: string;
  placeholder?: string;
  /** Why the last answer was refused: one line above the field, in the danger colour. */
  error?: string;
  /** The field empties on Enter (a typed confirmation: a refused name is retyped). */
  clearOnSubmit?: boolean;
  width: number;
  /**
   * Rows the field may take. Longer text shows its last rows (where the cursor is), so a long
   * note never pushes the screen past its height. Unset: the field grows with the text.
   */
  fieldRows?: number;
  isFocused: boolean;
  onSubmit(value: string): void;
  onCancel(): void;
}

export function TextPrompt({
  label,
  initial = '',
  placeholder,
  error,
  clearOnSubmit,
  width,
  fieldRows,
  isFocused,
  onSubmit,
  onCancel,
}: TextPromptProps) {
  const [length, setLength] = useState(initial.length);
  useKeyInput((input, key) => {
    if (actionFor('prompt', input, key) === 'dismiss') onCancel();
  }, isFocused);
  return (
    <Box flexDirection="column" width={width}>
      {wrapText(label, width)
        .slice(0, PROMPT_LABEL_ROWS)
        .map((l, i) => (
          <Text key={i} color={tone('accent')} bold wrap="truncate">
            {l}
          </Text>
        ))}
      {error ? (
        <Text color={tone('danger')} wrap="truncate">
          {`✗ ${error}`}
        </Text>
      ) : null}
      <Box
        flexDirection="column"
        {...(fieldRows
          ? {
              height: fieldRows,
              overflow: 'hidden' as const,
              // "› " + text + cursor wider than a row: it wraps; keep its end in view.
              justifyContent: length + 3 > width ? ('flex-end' as const) : ('flex-start' as const),
            }
          : {})}
      >
        <Box flexShrink={0}>
          <Text color={tone('accent')}>› </Text>
          <TextField
            initial={initial}
            placeholder={placeholder}
            isFocused={isFocused}
            clearOnSubmit={clearOnSubmit}
            onChange={(v) => setLength(v.length)}
            onSubmit={onSubmit}
          />
        </Box>
      </Box>
    </Box>
  );
}

export function ConfirmPrompt({
  question,
  context = 'confirm',
  width,
  isFocused,
  onAnswer,
}: {
  question: string;
  /** `quitConfirm`: Ctrl-C again means yes (quit), as in a shell. */
  context?: 'confirm' | 'quitConfirm';
  width: number;
  isFocused: boolean;
  onAnswer(yes: boolean): void;
}) {
  useKeys(
    context,
    ({ action: a }) => {
      if (a === 'yes') onAnswer(true);
      else if (a === 'no' || a === 'dismiss') onAnswer(false);
    },
    { isActive: isFocused },
  );
  return (
    <Box flexDirection="column" width={width}>
      {wrapText(`${question} [y/N]`, width)
        .slice(0, 2)
        .map((l, i) => (
          <Text key={i} color={tone('warn')} bold wrap="truncate">
            {l}
          </Text>
        ))}
    </Box>
  );
}

/**
 * A one-line question with a text field. Enter submits (the engine decides whether the answer is
 * acceptable); Esc cancels and nothing is recorded.
 */
import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import { useRef, useState } from 'react';
import { useKeys } from '../hooks/useKeys.js';
import { actionFor } from '../keymap.js';
import { tone } from '../theme.js';
import { wrapText } from '../text.js';

export interface TextPromptProps {
  label: string;
  initial?: string;
  placeholder?: string;
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
  width,
  fieldRows,
  isFocused,
  onSubmit,
  onCancel,
}: TextPromptProps) {
  const [value, setValue] = useState(initial);
  // Text and Enter can arrive in one chunk (a paste, a fast typist): Enter must submit the text
  // typed just before it, not the value of the last render.
  const latest = useRef(initial);
  const change = (raw: string) => {
    // Text and Enter in one chunk (a fast typist, tmux, a paste ending in a newline): the
    // trailing line break is the Enter, so submit. Line breaks inside pasted text become spaces.
    const submits = /[\r\n]$/.test(raw);
    const v = raw.replace(/[\r\n]+$/, '').replace(/[\r\n]+/g, ' ');
    latest.current = v;
    setValue(v);
    if (submits) onSubmit(v);
  };
  useInput(
    (input, key) => {
      if (actionFor('prompt', input, key) === 'dismiss') onCancel();
    },
    { isActive: isFocused },
  );
  return (
    <Box flexDirection="column" width={width}>
      {wrapText(label, width)
        .slice(0, 2)
        .map((l, i) => (
          <Text key={i} color={tone('accent')} bold wrap="truncate">
            {l}
          </Text>
        ))}
      <Box
        flexDirection="column"
        {...(fieldRows
          ? {
              height: fieldRows,
              overflow: 'hidden' as const,
              // "› " + text + cursor wider than a row: it wraps; keep its end in view.
              justifyContent:
                value.length + 3 > width ? ('flex-end' as const) : ('flex-start' as const),
            }
          : {})}
      >
        <Box flexShrink={0}>
          <Text color={tone('accent')}>› </Text>
          <TextInput
            value={value}
            placeholder={placeholder}
            focus={isFocused}
            onChange={change}
            onSubmit={() => onSubmit(latest.current)}
          />
        </Box>
      </Box>
    </Box>
  );
}

export function ConfirmPrompt({
  question,
  width,
  isFocused,
  onAnswer,
}: {
  question: string;
  width: number;
  isFocused: boolean;
  onAnswer(yes: boolean): void;
}) {
  useKeys(
    'confirm',
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

/**
 * The session screen's open question: a yes/no (run? quit?) or a text field (reason, note,
 * answer, typed name, signer, statement), with the engine's last refusal above the field.
 */
import { DEFAULT_STATEMENT, type SessionControls } from '../hooks/useSessionControls.js';
import { useDeps } from '../hooks/useDeps.js';
import { promptLabel, type Prompt } from '../screens/sessionModel.js';
import { tone } from '../theme.js';
import { wrapText } from '../text.js';
import { ConfirmPrompt, TextPrompt } from './TextPrompt.js';
import { Box } from 'ink';
import { Text } from './Text.js';

/** Rows kept for a text prompt's field: a note longer than a row wraps instead of overflowing. */
export const PROMPT_FIELD_ROWS = 2;

function isQuestion(p: Prompt): p is Extract<Prompt, { kind: 'yes' | 'quit' }> {
  return p.kind === 'yes' || p.kind === 'quit';
}

/** Rows kept for what a confirmed step will do (its blast radius), above the question. */
export const RADIUS_ROWS = 4;

/**
 * What the step will cut, write or overwrite, and on which engine, wrapped (at most RADIUS_ROWS
 * rows).
 */
export function radiusLines(prompt: Prompt | undefined, width: number): string[] {
  if (!prompt || (prompt.kind !== 'typed' && prompt.kind !== 'yes')) return [];
  const { radius, engine } = prompt;
  if (!radius && !engine) return [];
  const text = radius ? `This will${engine ? `, on ${engine}` : ''}: ${radius}` : `On ${engine}.`;
  const lines = wrapText(text, width);
  return lines.length > RADIUS_ROWS
    ? [...lines.slice(0, RADIUS_ROWS - 1), `${lines[RADIUS_ROWS - 1]?.slice(0, width - 1)}…`]
    : lines;
}

/** Rows the prompt takes at this width (none when no prompt is open, or a picker takes the body). */
export function promptRows(prompt: Prompt | undefined, error: string | undefined, width: number) {
  if (!prompt || prompt.kind === 'replacement') return 0;
  const question = isQuestion(prompt);
  const label = promptLabel(prompt) + (question ? ' [y/N]' : '');
  return (
    radiusLines(prompt, width).length +
    Math.min(2, wrapText(label, width).length) +
    (question ? 0 : PROMPT_FIELD_ROWS) +
    (error ? 1 : 0)
  );
}

export function SessionPrompt({
  prompt,
  promptSeq,
  error,
  width,
  isFocused,
  controls,
  onCancel,
}: {
  prompt: Prompt | undefined;
  promptSeq: number;
  error: string | undefined;
  width: number;
  isFocused: boolean;
  controls: SessionControls;
  onCancel(): void;
}) {
  const { ports } = useDeps();
  if (!prompt || prompt.kind === 'replacement') return null;
  const radius = radiusLines(prompt, width);
  const above = radius.length ? (
    <Box flexDirection="column">
      {radius.map((l, i) => (
        <Text key={i} color={tone('warn')} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  ) : null;
  if (isQuestion(prompt))
    return (
      <>
        {above}
        <ConfirmPrompt
          question={promptLabel(prompt)}
          context={prompt.kind === 'quit' && prompt.idle ? 'quitConfirm' : 'confirm'}
          width={width}
          isFocused={isFocused}
          onAnswer={(yes) => controls.answer(prompt, yes)}
        />
      </>
    );
  return (
    <>
      {above}
      <TextPrompt
        key={promptSeq}
        label={promptLabel(prompt)}
        initial={
          prompt.kind === 'signer'
            ? ports.operator()
            : prompt.kind === 'statement'
              ? DEFAULT_STATEMENT
              : prompt.kind === 'incidentStart'
                ? (prompt.current ?? '')
                : ''
        }
        error={error}
        clearOnSubmit={prompt.kind === 'typed'}
        width={width}
        fieldRows={PROMPT_FIELD_ROWS}
        isFocused={isFocused}
        onSubmit={(v) => void controls.submit(prompt, v)}
        onCancel={onCancel}
      />
    </>
  );
}

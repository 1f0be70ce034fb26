/** Asks for a runbook's inputs one at a time (defaults prefilled) before the session starts. */
import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useReducer } from 'react';
import type { LoadedRunbook } from '../../runbook/types.js';
import { Banner, bannerLines } from '../components/Banner.js';
import { ContainerPicker } from '../components/ContainerPicker.js';
import { Footer } from '../components/Footer.js';
import { TextPrompt } from '../components/TextPrompt.js';
import { useTermSize } from '../hooks/useTermSize.js';
import { useDeps } from '../hooks/useDeps.js';
import { parseIncidentStart } from '../../engine/safety.js';
import { errorMessage } from '../../errors.js';
import { tone } from '../theme.js';
import { truncate, wrapText } from '../text.js';

interface FormState {
  index: number;
  values: Record<string, string>;
  error?: string;
}

type FormEvent = { type: 'answer'; id: string; value: string } | { type: 'error'; message: string };

function reducer(s: FormState, e: FormEvent): FormState {
  if (e.type === 'error') return { ...s, error: e.message };
  return { index: s.index + 1, values: { ...s.values, [e.id]: e.value }, error: undefined };
}

export interface InputsScreenProps {
  loaded: LoadedRunbook;
  given: Record<string, string>;
  isFocused: boolean;
  onStart(inputs: Record<string, string>): void;
  onCancel(): void;
}

export function InputsScreen({ loaded, given, isFocused, onStart, onCancel }: InputsScreenProps) {
  const { columns, rows } = useTermSize();
  const { now } = useDeps();
  const width = Math.max(20, columns);
  const height = Math.max(10, rows - 1);
  const inputs = loaded.runbook.inputs;
  const [s, dispatch] = useReducer(reducer, { index: 0, values: { ...given } });
  const input = inputs[s.index];
  const inputAbout = input?.description ? wrapText(input.description, width) : [];
  // The runbook's description whole, unless that would leave the picker no room.
  const aboutAll = wrapText(loaded.runbook.description, width);
  const room = Math.max(1, height - 12 - inputAbout.length);
  const about =
    aboutAll.length <= room
      ? aboutAll
      : [...aboutAll.slice(0, room - 1), truncate(`${aboutAll[room - 1] ?? ''} …`, width)];
  const error = s.error ? { tone: 'danger' as const, text: s.error } : undefined;
  const label = input
    ? `${input.title} (${input.id}, ${input.type}${input.required ? ', required' : ''})`
    : '';
  // The picker renders its own footer (its keys change with its mode).
  const pickerHeight = Math.max(
    5,
    height - 1 - about.length - 1 - bannerLines(error, width).length - inputAbout.length,
  );

  const submit = (value: string) => {
    if (!input) return;
    const v = value.trim();
    if (input.required && !v)
      return dispatch({ type: 'error', message: `${input.title} is required` });
    // A time is read now (18m, HH:MM, ISO), so a typo is said here, not after the session starts.
    if (input.type === 'time' && v)
      try {
        parseIncidentStart(v, new Date((now ?? Date.now)()));
      } catch (err) {
        return dispatch({ type: 'error', message: errorMessage(err) });
      }
    const values = { ...s.values };
    if (v) values[input.id] = v;
    else delete values[input.id];
    if (s.index + 1 >= inputs.length) return onStart(values);
    dispatch({ type: 'answer', id: input.id, value: v });
  };

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        <Text color={tone('accent')}>WARDEN</Text>
        {truncate(
          ` ${loaded.runbook.title} — inputs ${Math.min(s.index + 1, inputs.length)}/${inputs.length}`,
          width - 6,
        )}
      </Text>
      {about.map((l, i) => (
        <Text key={i} color={tone('muted')} wrap="truncate">
          {l}
        </Text>
      ))}
      <Text> </Text>
      <Banner message={error} width={width} />
      {inputAbout.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {input?.type === 'container' ? (
          <ContainerPicker
            key={input.id}
            input={input}
            label={label}
            initial={s.values[input.id] ?? input.default ?? ''}
            width={width}
            height={pickerHeight}
            isFocused={isFocused}
            onSubmit={submit}
            onCancel={onCancel}
          />
        ) : input ? (
          <TextPrompt
            key={input.id}
            label={label}
            initial={s.values[input.id] ?? input.default ?? ''}
            width={width}
            isFocused={isFocused}
            onSubmit={submit}
            onCancel={onCancel}
          />
        ) : null}
      </Box>
      {input?.type === 'container' ? null : <Footer contexts={['prompt']} width={width} />}
    </Box>
  );
}

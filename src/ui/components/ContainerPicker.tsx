/**
 * A runbook input of `type: container`: the live engine's containers (name, image, state,
 * networks, published ports) to pick from, `/` to filter, Tab to type a name by hand. When the
 * engine cannot be reached, it falls back to typing with a banner saying so.
 */
import { Box } from 'ink';
import { Text } from './Text.js';
import { useEffect, useReducer, useState } from 'react';
import { errorMessage } from '../../errors.js';
import type { RunbookInput } from '../../runbook/types.js';
import { useDeps, type ContainerRow } from '../hooks/useDeps.js';
import { useKeys } from '../hooks/useKeys.js';
import type { KeyContext } from '../keymap.js';
import { tone } from '../theme.js';
import { truncate, wrapText } from '../text.js';
import { Banner, bannerLines, type BannerMessage } from './Banner.js';
import { Footer } from './Footer.js';
import { windowTop } from './ScrollView.js';
import { columnWidths, headText, pickerItems, pickerReducer, rowText } from './pickerModel.js';
import { TextField } from './TextField.js';
import { TextPrompt } from './TextPrompt.js';

export interface ContainerPickerProps {
  input: RunbookInput;
  label: string;
  initial: string;
  width: number;
  /** Rows available to the picker (label, banner, filter line, list and its footer). */
  height: number;
  isFocused: boolean;
  /** The name picked (or typed); `row` when it was picked from the engine's list. */
  onSubmit(value: string, row?: ContainerRow): void;
  onCancel(): void;
}

/**
 * The "no container" row of an optional input, from its description: `Leave empty to audit every
 * running container.` reads `(leave empty: audit every running container)`.
 */
export function leaveEmptyText(description: string | undefined): string {
  const d = description?.trim() ?? '';
  const m = /^leave (?:it )?empty(?: to| for)?\s+(.*?)\.?$/i.exec(d);
  if (m?.[1]) return `(leave empty: ${m[1]})`;
  return d ? `(leave empty) ${d}` : '(leave empty)';
}

/** The footer contexts for the picker's current mode. */
function pickerContexts(mode: string, listed: boolean): KeyContext[] {
  if (mode === 'filter') return ['filter'];
  if (mode === 'manual') return listed ? ['prompt', 'manual'] : ['prompt'];
  return ['picker'];
}

export function ContainerPicker(props: ContainerPickerProps) {
  const { input, label, initial, width, height, isFocused, onSubmit, onCancel } = props;
  const { ports } = useDeps();
  const optional = !input.required;
  const [s, dispatch] = useReducer(pickerReducer, { mode: 'loading', filter: '', selected: 0 });
  // Bumped by `r`: containers come and go during an incident.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    ports.containers().then(
      (rows) => live && dispatch({ type: 'loaded', rows, initial, optional }),
      (err: unknown) => live && dispatch({ type: 'failed', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [ports, initial, optional, generation]);

  const items = pickerItems(s, optional);
  const listed = s.rows !== undefined;
  const context: KeyContext =
    s.mode === 'filter' ? 'filter' : s.mode === 'manual' ? 'manual' : 'picker';

  useKeys(
    context,
    ({ action, times }) => {
      switch (action) {
        case 'up':
          return dispatch({ type: 'move', delta: -times, count: items.length });
        case 'down':
          return dispatch({ type: 'move', delta: times, count: items.length });
        case 'pick': {
          const it = items[s.selected];
          if (!it) return;
          return it.kind === 'empty' ? onSubmit('') : onSubmit(it.row.name, it.row);
        }
        case 'filter':
          return dispatch({ type: 'mode', mode: 'filter' });
        case 'rerun':
          return setGeneration((g) => g + 1);
        case 'manual':
          if (s.mode === 'manual')
            return listed ? dispatch({ type: 'mode', mode: 'list' }) : undefined;
          return dispatch({ type: 'mode', mode: 'manual' });
        case 'back':
          return s.mode === 'filter' ? dispatch({ type: 'mode', mode: 'list' }) : onCancel();
      }
    },
    { isActive: isFocused && s.mode !== 'loading' && (s.mode !== 'manual' || listed) },
  );

  const banner: BannerMessage | undefined = s.unreachable
    ? { tone: 'warn', text: `cannot list containers: ${s.unreachable} — type the name` }
    : s.missing
      ? { tone: 'info', text: `"${s.missing}" is not a container on this engine — Tab lists them` }
      : undefined;

  const footer = <Footer contexts={pickerContexts(s.mode, listed)} width={width} />;
  if (s.mode === 'loading') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Box flexGrow={1}>
          <Text color={tone('muted')}>Listing the engine’s containers…</Text>
        </Box>
        {footer}
      </Box>
    );
  }
  if (s.mode === 'manual') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Banner message={banner} width={width} />
        <TextPrompt
          label={`${label} — type the name`}
          initial={s.missing ?? initial}
          width={width}
          isFocused={isFocused}
          onSubmit={(v) =>
            onSubmit(
              v,
              s.rows?.find((r) => r.name === v.trim()),
            )
          }
          onCancel={() => (listed ? dispatch({ type: 'mode', mode: 'list' }) : onCancel())}
        />
        <Box flexGrow={1} />
        {footer}
      </Box>
    );
  }

  // Rows start with the selection mark and a space.
  const widths = columnWidths(s.rows ?? [], width - 2);
  const head = `  ${headText(widths)}`;
  const filterLine = s.mode === 'filter' || s.filter ? 1 : 0;
  // The label wraps (two rows at most) rather than losing the count.
  const headLines = wrapText(
    `${label} — ${s.rows?.length ?? 0} container(s) on this engine`,
    width,
  ).slice(0, 2);
  // label, banner, filter line, column heads, list, footer
  const listHeight = Math.max(
    2,
    height - headLines.length - bannerLines(banner, width).length - filterLine - 1 - 1,
  );
  // The last row says how many more there are when the list does not fit.
  const fits = items.length <= listHeight;
  const rowsShown = fits ? listHeight : Math.max(1, listHeight - 1);
  const top = windowTop(s.selected, items.length, rowsShown);
  const visible = items.slice(top, top + rowsShown);
  const below = items.length - (top + visible.length);
  const emptyText = leaveEmptyText(input.description);

  return (
    <Box flexDirection="column" width={width} height={height}>
      {headLines.map((l, i) => (
        <Text key={i} color={tone('accent')} bold wrap="truncate">
          {l}
        </Text>
      ))}
      <Banner message={banner} width={width} />
      {s.mode === 'filter' ? (
        <Box>
          <Text color={tone('accent')}>/ </Text>
          <TextField
            initial={s.filter}
            isFocused={isFocused}
            placeholder="name or image"
            onChange={(v) => dispatch({ type: 'filter', value: v })}
          />
        </Box>
      ) : s.filter ? (
        <Text color={tone('muted')} wrap="truncate">
          {truncate(`filter: ${s.filter}`, width)}
        </Text>
      ) : null}
      <Text color={tone('muted')} wrap="truncate">
        {truncate(head, width)}
      </Text>
      <Box flexDirection="column" height={listHeight} overflow="hidden">
        {items.length === 0 ? (
          <Text color={tone('muted')}>
            {s.filter ? 'no container matches the filter' : 'no containers on this engine'}
          </Text>
        ) : null}
        {visible.map((it, i) => {
          const sel = top + i === s.selected;
          const text = it.kind === 'empty' ? emptyText : rowText(it.row, widths);
          return (
            <Text
              key={it.kind === 'empty' ? '-' : it.row.id}
              inverse={sel}
              color={it.kind === 'empty' ? tone('muted') : undefined}
              wrap="truncate"
            >
              {truncate(`${sel ? '›' : ' '} ${text}`, width)}
            </Text>
          );
        })}
        {!fits ? (
          <Text color={tone('muted')} wrap="truncate">
            {truncate(
              below > 0
                ? `  ↓ ${below} more${top > 0 ? ` · ↑ ${top} above` : ''} (${items.length} in all)`
                : `  ↑ ${top} above (${items.length} in all)`,
              width,
            )}
          </Text>
        ) : null}
      </Box>
      {footer}
    </Box>
  );
}

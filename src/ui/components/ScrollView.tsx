/**
 * A fixed-height window over pre-wrapped lines. When the text is longer than the window, the last
 * row says where we are and how to scroll; content rows never hide behind it.
 */
import { Box } from 'ink';
import { Text } from './Text.js';
import { tone } from '../theme.js';
import { truncate, type Line } from '../text.js';

/** Rows for content: all of them, or one less for the position line (long text, or focused). */
function contentRows(lines: readonly Line[], height: number, focused = false): number {
  return lines.length > height || focused ? Math.max(1, height - 1) : height;
}

export function maxScroll(lines: readonly Line[], height: number, focused = false): number {
  return Math.max(0, lines.length - contentRows(lines, height, focused));
}

/** How far PgDn/PgUp move: a page, keeping one line of context. */
export function pageSize(lines: readonly Line[], height: number, focused = false): number {
  return Math.max(1, contentRows(lines, height, focused) - 1);
}

/** The first row to show so that row `sel` stays visible, with its headings when they fit. */
export function windowTop(sel: number, count: number, height: number): number {
  let top = Math.max(0, Math.min(sel - Math.floor(height / 2), count - height));
  if (sel - top >= height) top = sel - height + 1;
  return top;
}

export function ScrollView({
  lines,
  height,
  width,
  scroll,
  focused = false,
}: {
  lines: readonly Line[];
  height: number;
  width: number;
  scroll: number;
  /** The keys are here (Tab): the last row says so and how to go back. */
  focused?: boolean;
}) {
  const rows = contentRows(lines, height, focused);
  const top = Math.min(Math.max(0, scroll), maxScroll(lines, height, focused));
  const visible: Line[] = lines.slice(top, top + rows);
  if (lines.length > height || focused) {
    const below = lines.length - (top + rows);
    const a = top + 1;
    const b = top + visible.length;
    const n = lines.length;
    // The longest hint that fits: where we are, how much is left, how to go on.
    const candidates = focused
      ? [
          `── details · lines ${a}–${b} of ${n}${below > 0 ? ` · ↓ ${below} more` : ''} · Tab: the list`,
          `── details ${a}–${b} of ${n}${below > 0 ? ` · ↓ ${below}` : ''} · Tab: list`,
          `── ${a}–${b}/${n}${below > 0 ? ` ↓${below}` : ''} · Tab: list`,
        ]
      : [
          `  ── lines ${a}–${b} of ${n} · ${below > 0 ? `↓ ${below} more (PgDn/J)` : '↑ PgUp/K'}`,
          `── ${a}–${b} of ${n} · ${below > 0 ? `↓ ${below} more (PgDn/J)` : '↑ PgUp/K'}`,
          `── ${a}–${b}/${n} · ${below > 0 ? `↓${below} PgDn/J` : '↑ PgUp/K'}`,
        ];
    while (visible.length < rows) visible.push({ text: '' });
    visible.push({
      text: candidates.find((c) => c.length <= width) ?? candidates.at(-1) ?? '',
      tone: focused ? 'accent' : 'muted',
    });
  }
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {visible.map((l, i) => (
        <Text key={i} color={tone(l.tone)} bold={l.bold} wrap="truncate">
          {truncate(l.text, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}

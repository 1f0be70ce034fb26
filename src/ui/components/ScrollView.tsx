/**
 * A fixed-height window over pre-wrapped lines. When the text is longer than the window, the last
 * row says where we are and how to scroll; content rows never hide behind it.
 */
import { Box, Text } from 'ink';
import { tone } from '../theme.js';
import { truncate, type Line } from '../text.js';

function contentRows(lines: readonly Line[], height: number): number {
  return lines.length > height ? Math.max(1, height - 1) : height;
}

export function maxScroll(lines: readonly Line[], height: number): number {
  return Math.max(0, lines.length - contentRows(lines, height));
}

/** How far PgDn/PgUp move: a page, keeping one line of context. */
export function pageSize(lines: readonly Line[], height: number): number {
  return Math.max(1, contentRows(lines, height) - 1);
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
}: {
  lines: readonly Line[];
  height: number;
  width: number;
  scroll: number;
}) {
  const rows = contentRows(lines, height);
  const top = Math.min(Math.max(0, scroll), maxScroll(lines, height));
  const visible: Line[] = lines.slice(top, top + rows);
  if (lines.length > height) {
    const below = lines.length - (top + rows);
    const where = `lines ${top + 1}–${top + visible.length} of ${lines.length}`;
    const hint = below > 0 ? `↓ ${below} more (PgDn/J)` : '↑ PgUp/K';
    visible.push({ text: `  ── ${where} · ${hint}`, tone: 'muted' });
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

/** `?`: every binding in the keymap, grouped by where it applies. Rendered from KEYMAP only. */
import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useReducer } from 'react';
import { Footer } from '../components/Footer.js';
import { ScrollView, maxScroll, pageSize } from '../components/ScrollView.js';
import { useTermSize } from '../hooks/useTermSize.js';
import { useKeys } from '../hooks/useKeys.js';
import { CONTEXT_TITLES, KEYMAP, type KeyContext } from '../keymap.js';
import { BLOCKED_MARK, STATUS_MARK, WARNING_MARK, tone } from '../theme.js';
import { wrapLines, wrapText, type Line } from '../text.js';

export function helpLines(width: number): Line[] {
  const out: Line[] = [];
  const contexts = Object.keys(CONTEXT_TITLES) as KeyContext[];
  const keyWidth = Math.max(...KEYMAP.map((b) => b.keys.length)) + 2;
  for (const c of contexts) {
    const rows = KEYMAP.filter((b) => b.contexts.includes(c));
    if (rows.length === 0) continue;
    out.push({ text: CONTEXT_TITLES[c], tone: 'accent', bold: true });
    for (const b of rows) {
      const desc = wrapText(b.description, Math.max(10, width - keyWidth - 2));
      desc.forEach((d, i) =>
        out.push({ text: `  ${(i === 0 ? b.keys : '').padEnd(keyWidth)}${d}` }),
      );
    }
  }
  out.push({ text: 'Step marks', tone: 'accent', bold: true });
  const marks = Object.values(STATUS_MARK).map((m) => `${m.mark} ${m.word}`);
  out.push(
    ...wrapLines(
      [
        ...marks,
        `${BLOCKED_MARK} blocked by a gate`,
        `${WARNING_MARK} done, with warnings`,
        '· stale: the verdict names a container that is gone or was recreated',
      ].join('   '),
      width,
      undefined,
      '  ',
    ),
  );
  return out;
}

export function HelpScreen({ isFocused, onClose }: { isFocused: boolean; onClose(): void }) {
  const { columns, rows } = useTermSize();
  const width = Math.max(20, columns);
  const height = Math.max(6, rows - 1);
  const lines = helpLines(width);
  const viewHeight = height - 2;
  const max = maxScroll(lines, viewHeight);
  const [scroll, dispatch] = useReducer(
    (s: number, e: { delta: number; max: number }) => Math.min(e.max, Math.max(0, s + e.delta)),
    0,
  );
  useKeys(
    'help',
    ({ action: a, times }) => {
      const page = pageSize(lines, viewHeight);
      const step = { down: 1, up: -1, scrollDown: page, scrollUp: -page };
      if (a === 'back') onClose();
      else if (a === 'down' || a === 'up' || a === 'scrollDown' || a === 'scrollUp')
        dispatch({ delta: step[a] * times, max });
    },
    { isActive: isFocused },
  );
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={tone('accent')}>
        Keys
      </Text>
      <ScrollView lines={lines} height={viewHeight} width={width} scroll={scroll} />
      <Footer contexts={['help']} width={width} />
    </Box>
  );
}

/**
 * The details beside the list (a gap) or below it (a rule): a scrolling window over wrapped lines,
 * marked when Tab gave it the keys.
 */
import { Box } from 'ink';
import { Text } from './Text.js';
import { tone } from '../theme.js';
import type { Line } from '../text.js';
import { ScrollView } from './ScrollView.js';

export function DetailsPane({
  side,
  screenWidth,
  lines,
  height,
  width,
  scroll,
  focused,
}: {
  side: boolean;
  screenWidth: number;
  lines: readonly Line[];
  height: number;
  width: number;
  scroll: number;
  focused: boolean;
}) {
  return (
    <>
      {side ? <Box width={2} /> : <Text color={tone('muted')}>{'─'.repeat(screenWidth)}</Text>}
      <ScrollView lines={lines} height={height} width={width} scroll={scroll} focused={focused} />
    </>
  );
}

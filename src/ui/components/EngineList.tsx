/**
 * The engines an audit may cover, to choose from: this one (as the docker CLI would choose it)
 * and every Docker context, each with its address; `[x]` marks the ones to audit.
 */
import { Box } from 'ink';
import type { EngineChoice } from '../hooks/useDeps.js';
import { windowTop } from './ScrollView.js';
import { Text } from './Text.js';
import { tone } from '../theme.js';
import { truncate } from '../text.js';

export function EngineList({
  choices,
  chosen,
  cursor,
  width,
  height,
}: {
  choices: readonly EngineChoice[];
  chosen: readonly string[];
  cursor: number;
  width: number;
  height: number;
}) {
  const nameWidth = Math.min(24, Math.max(...choices.map((c) => c.name.length)));
  const rows = Math.max(1, height - 2);
  const top = windowTop(cursor, choices.length, rows);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text color={tone('accent')} bold wrap="truncate">
        {truncate(
          `Engines to audit (${chosen.length} of ${choices.length} selected; read-only)`,
          width,
        )}
      </Text>
      {choices.slice(top, top + rows).map((c, i) => {
        const at = top + i === cursor;
        const mark = chosen.includes(c.name) ? '[x]' : '[ ]';
        const line = `${at ? '›' : ' '} ${mark} ${c.name.padEnd(nameWidth)}  ${c.endpoint}${c.current ? '  (this engine)' : ''}`;
        return (
          <Text key={c.name} inverse={at} wrap="truncate">
            {truncate(line, width)}
          </Text>
        );
      })}
      <Text color={tone('muted')} wrap="truncate">
        {truncate(
          'One that does not answer is reported as not reached; the others are audited.',
          width,
        )}
      </Text>
    </Box>
  );
}

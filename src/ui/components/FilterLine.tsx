/**
 * The `/` filter of a list: a field while typing, then a line saying what is filtered and how to
 * clear it. The list below shows only what matches.
 */
import { Box } from 'ink';
import { Text } from './Text.js';
import type { ListFilter } from '../filter.js';
import { tone } from '../theme.js';
import { truncate } from '../text.js';
import { TextField } from './TextField.js';

export function FilterLine({
  filter,
  shown,
  total,
  width,
  isFocused,
  onChange,
}: {
  filter: ListFilter;
  shown: number;
  total: number;
  width: number;
  isFocused: boolean;
  onChange(text: string): void;
}) {
  const count = ` ${shown} of ${total}`;
  if (filter.editing)
    return (
      <Box width={width} overflow="hidden">
        <Text color={tone('accent')}>/ </Text>
        <TextField
          initial={filter.text}
          isFocused={isFocused}
          placeholder="filter"
          onChange={onChange}
        />
        <Text color={tone('muted')}>{count}</Text>
      </Box>
    );
  return (
    <Text color={tone('accent')} wrap="truncate">
      {truncate(`/${filter.text} ·${count} · Esc clears`, width)}
    </Text>
  );
}

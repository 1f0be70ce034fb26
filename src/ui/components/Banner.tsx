/** A message of up to three lines: refusals from the engine, hints, the sign-off invitation. */
import { Box } from 'ink';
import { Text } from './Text.js';
import { tone, type Tone } from '../theme.js';
import { wrapText } from '../text.js';

export interface BannerMessage {
  tone: Extract<Tone, 'danger' | 'warn' | 'info' | 'ok'>;
  text: string;
}

/** Long refusals (a lock, a tampered journal) wrap to this many rows before they are cut. */
export const BANNER_ROWS = 3;

export function bannerLines(b: BannerMessage | undefined, width: number): string[] {
  if (!b) return [];
  const icon =
    b.tone === 'danger' ? '✗ ' : b.tone === 'warn' ? '! ' : b.tone === 'ok' ? '✓ ' : '» ';
  const lines = wrapText(icon + b.text, width);
  if (lines.length > BANNER_ROWS) {
    const last = lines[BANNER_ROWS - 1] ?? '';
    return [...lines.slice(0, BANNER_ROWS - 1), last.slice(0, Math.max(0, width - 1)) + '…'];
  }
  return lines;
}

export function Banner({ message, width }: { message?: BannerMessage; width: number }) {
  const lines = bannerLines(message, width);
  if (!message || lines.length === 0) return null;
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} color={tone(message.tone)} bold={message.tone === 'danger'} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}

/**
 * Key hints for the current context, generated from the keymap. When the line is too narrow the
 * middle hints drop out; help and quit always stay visible.
 */
import { Text } from './Text.js';
import { bindingsFor, inFooter, type KeyContext } from '../keymap.js';
import { tone } from '../theme.js';
import { truncate } from '../text.js';

const ALWAYS = new Set(['help', 'quit']);
const SEP = '  ';

export function footerText(
  contexts: readonly KeyContext[],
  extra: readonly string[] = [],
  width = Number.POSITIVE_INFINITY,
): string {
  const seen = new Set<string>();
  const body: string[] = [...extra];
  const tail: string[] = [];
  for (const c of contexts) {
    for (const b of bindingsFor(c)) {
      if (!inFooter(b, c)) continue;
      const short = b.keys.split(' / ')[0] ?? b.keys;
      const label = b.action === 'down' ? `↑↓ ${b.label}` : `${short} ${b.label}`;
      if (seen.has(label)) continue;
      seen.add(label);
      (ALWAYS.has(b.action) ? tail : body).push(label);
    }
  }
  const fixed = tail.join(SEP);
  const parts: string[] = [];
  let used = fixed.length;
  for (const p of body) {
    if (used + p.length + SEP.length > width) break;
    parts.push(p);
    used += p.length + SEP.length;
  }
  return [...parts, ...tail].join(SEP);
}

export function Footer({
  contexts,
  width,
  extra,
  flash,
}: {
  contexts: readonly KeyContext[];
  width: number;
  extra?: readonly string[];
  /** Shown instead of the hints for a moment (an unknown key: "? for help"). */
  flash?: string;
}) {
  return (
    <Text color={tone(flash ? 'warn' : 'muted')} wrap="truncate">
      {truncate(flash ?? footerText(contexts, extra, width), width)}
    </Text>
  );
}

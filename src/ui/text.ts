/** Plain-text layout helpers: word wrap and truncation by terminal columns. Pure. */
import { terminalText } from '../engine/terminal-text.js';
import type { Tone } from './theme.js';

/** One rendered row of a scrollable pane. */
export interface Line {
  text: string;
  tone?: Tone;
  bold?: boolean;
}

// Each helper makes its text inert (terminalText) before measuring it, so a stand-in symbol is
// counted in the width it takes on screen.

export function truncate(raw: string, width: number): string {
  if (width <= 0) return '';
  const text = terminalText(raw);
  return text.length > width ? text.slice(0, Math.max(0, width - 1)) + '…' : text;
}

/**
 * Text that must stay copyable whole (an id, a hash, a path): `label value` on one row when it
 * fits, otherwise the label alone and the value cut into rows of `width` columns (no ellipsis).
 */
export function wrapExact(raw: string, width: number, label = ''): string[] {
  const w = Math.max(1, width);
  const value = terminalText(raw);
  if (label && label.length + value.length <= w) return [label + value];
  const out: string[] = label ? [label.trimEnd()] : [];
  for (let i = 0; i < value.length; i += w) out.push(value.slice(i, i + w));
  if (value.length === 0 && !label) out.push('');
  return out;
}

/** Wraps each paragraph at word boundaries; words longer than the width are cut. */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const w = Math.max(8, width);
  const out: string[] = [];
  for (const raw of terminalText(text.replace(/\t/g, '  '), 'block').split('\n')) {
    const lead = /^\s*/.exec(raw)?.[0] ?? '';
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      out.push('');
      continue;
    }
    let line = indent + lead;
    const base = line.length;
    for (let word of words) {
      while (word.length > w - base) {
        if (line.length > base) {
          out.push(line);
          line = indent + lead;
        }
        out.push(line + word.slice(0, w - base));
        word = word.slice(w - base);
      }
      if (line.length > base && line.length + 1 + word.length > w) {
        out.push(line);
        line = indent + lead;
      }
      line += (line.length > base ? ' ' : '') + word;
    }
    if (line.length > base) out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

const KEEP = /^(\s|[-*•#>|]|\d+[.)]\s)/;

/**
 * Joins hard-wrapped prose lines (as YAML block scalars keep them) into paragraphs, keeping blank
 * lines, list items, headings and indented (command) lines as they are.
 */
export function reflow(text: string): string {
  const out: string[] = [];
  let prev = '';
  const prose = (l: string) => l.trim() !== '' && !KEEP.test(l);
  for (const line of text.split('\n')) {
    const join = prose(prev) && prose(line) && prev.length >= 40 && !prev.trim().endsWith(':');
    if (join && out.length > 0) out[out.length - 1] += ' ' + line.trim();
    else out.push(line);
    prev = line;
  }
  return out.join('\n');
}

export function wrapLines(text: string, width: number, tone?: Tone, indent = ''): Line[] {
  return wrapText(text, width, indent).map((t) => ({ text: t, tone }));
}

export function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

/** `7 s`, `2:05`, `1:02:05`: a running step's elapsed time. */
export function elapsedText(ms: number): string {
  const t = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}:${p(m)}:${p(s)}`;
  return m > 0 ? `${m}:${p(s)}` : `${s} s`;
}

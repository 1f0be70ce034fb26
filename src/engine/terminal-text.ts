/**
 * Strings from a container, an engine or a file, made inert before they reach a terminal or a
 * Markdown report. Pure.
 *
 * A container's log line, a service name or a variable name can carry escape sequences (clear the
 * screen, set the window title, rewrite the clipboard, hide text) or bidirectional overrides
 * that make a line read differently from what it holds. Nothing is dropped: every control
 * character is replaced by a visible stand-in, so an operator sees that it was there
 * (`␛[2J`, `␇`, `‹U+009B›`). Evidence files keep the bytes exactly; only what is shown changes.
 */

/**
 * Beyond C0: DEL, C1 controls, bidi marks, overrides and isolates. Formats that may carry them
 * raw (JSON, XML) write them escaped instead: `escapeActive`.
 */
const ACTIVE = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
/** C0 controls (but tab and newline) and the active ones. */
const UNSAFE_BLOCK = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f${ACTIVE}]`);
const UNSAFE_LINE = new RegExp(`[\\u0000-\\u001f${ACTIVE}]`);
const UNSAFE_BLOCK_G = new RegExp(UNSAFE_BLOCK.source, 'g');
const UNSAFE_LINE_G = new RegExp(UNSAFE_LINE.source, 'g');
/** The active ones, and the line and paragraph separators JSON may carry raw. */
const ACTIVE_G = new RegExp(`[${ACTIVE}\\u2028\\u2029]`, 'g');

function standIn(c: string): string {
  const code = c.charCodeAt(0);
  // Control Pictures: ␀ … ␟ for C0 (␛ for ESC, ␍ for CR, ␤ for a newline in one line), ␡ for DEL.
  if (code < 0x20) return code === 0x0a ? '\u2424' : String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `‹U+${code.toString(16).toUpperCase().padStart(4, '0')}›`;
}

/**
 * Text safe to print: control and escape characters shown as visible symbols. `block` keeps
 * newlines and tabs (a log excerpt, a report); `line` (the default) makes them visible as well, for
 * a table cell or a one-line message, so one value cannot break the layout around it.
 */
export function terminalText(s: string, mode: 'line' | 'block' = 'line'): string {
  if (mode === 'block') return UNSAFE_BLOCK.test(s) ? s.replace(UNSAFE_BLOCK_G, standIn) : s;
  if (!UNSAFE_LINE.test(s)) return s;
  return s.replace(UNSAFE_LINE_G, (c) => (c === '\t' ? ' ' : standIn(c)));
}

/**
 * Replaces what a terminal acts on that a format may carry raw (DEL, C1, bidi controls, line and
 * paragraph separators) with `as(code)`: a JSON `\u` escape, an XML character reference.
 */
export function escapeActive(s: string, as: (code: number) => string): string {
  return s.replace(ACTIVE_G, (c) => as(c.charCodeAt(0)));
}

/**
 * JSON.stringify whose output is safe on a terminal and the same value to every parser:
 * JSON.stringify already escapes C0 controls; DEL, C1 and bidi controls are escaped here. These
 * characters can only occur inside strings, so the escaping never touches the structure.
 */
export function jsonText(value: unknown, indent = 2): string {
  return escapeActive(
    JSON.stringify(value, null, indent),
    (code) => `\\u${code.toString(16).padStart(4, '0')}`,
  );
}

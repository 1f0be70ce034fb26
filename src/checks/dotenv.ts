/**
 * `.env` and `env_file` parsing as Docker Compose does it (compose-go's dotenv). Pure.
 *
 * - `KEY=VALUE`, `export KEY=VALUE`, `KEY: VALUE`; blank lines and `#` lines are skipped.
 * - Unquoted values are trimmed and end at ` #` (a `#` after whitespace starts a comment).
 * - `'single'` values are literal; `"double"` values take `\n \r \t \\ \" \$` escapes; both may span
 *   lines, and whatever follows the closing quote (a comment) is ignored.
 * - Unquoted and double-quoted values are interpolated (`${VAR}`, `${VAR:-x}`...) from the variables
 *   defined earlier in the file, then from `lookup` (compose: the shell, then the project `.env`).
 * - A bare `KEY` takes its value from `lookup`, and is skipped when `lookup` has none.
 */
import { InterpolationError, interpolate } from './compose-env.js';

export interface DotEnvEntry {
  name: string;
  value: string;
  /** 1-based line of the key. */
  line: number;
}

export type Lookup = (name: string) => string | undefined;

const KEY = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=|:[ \t]|:$)?/;

const DOUBLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  '"': '"',
  $: '$$',
};

/** A line number and message for a value that cannot be interpolated (never the value). */
export class DotEnvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Reads a quoted value starting at `text[start]` (the quote); returns it and the index after it. */
function readQuoted(text: string, start: number): { raw: string; end: number } | undefined {
  const quote = text[start];
  let i = start + 1;
  let raw = '';
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\' && quote === '"' && i + 1 < text.length) {
      raw += ch + (text[i + 1] as string);
      i += 2;
      continue;
    }
    if (ch === quote) return { raw, end: i + 1 };
    raw += ch;
    i++;
  }
  return undefined;
}

function unescapeDouble(raw: string): string {
  // `\$` stays a literal `$` through interpolation, as `$$`.
  return raw.replace(/\\(.)/gs, (whole, c: string) => DOUBLE_ESCAPES[c] ?? whole);
}

export function parseDotEnvEntries(text: string, lookup: Lookup = () => undefined): DotEnvEntry[] {
  const out: DotEnvEntry[] = [];
  const defined = new Map<string, string>();
  const vars = new Proxy({} as Record<string, string | undefined>, {
    get: (_t, name: string) => defined.get(name) ?? lookup(name),
  });
  const lineStarts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const expand = (value: string, line: number) => {
    try {
      return interpolate(value, vars);
    } catch (err) {
      if (err instanceof InterpolationError) throw new DotEnvError(err.message, line);
      throw err;
    }
  };

  let pos = 0;
  while (pos < text.length) {
    const eol = text.indexOf('\n', pos);
    const lineEnd = eol < 0 ? text.length : eol;
    const raw = text.slice(pos, lineEnd).replace(/\r$/, '');
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trimStart();
    const lineNo = lineAt(pos);
    if (!body || body.startsWith('#')) {
      pos = lineEnd + 1;
      continue;
    }
    const m = KEY.exec(body);
    if (!m || m[1] === undefined) {
      pos = lineEnd + 1;
      continue;
    }
    const name = m[1];
    if (m[2] === undefined) {
      // `KEY` alone (or `KEY # comment`): taken from the environment when it is there.
      const rest = body.slice(m[0].length).trim();
      if (rest === '' || rest.startsWith('#')) {
        const v = lookup(name);
        if (v !== undefined) {
          out.push({ name, value: v, line: lineNo });
          defined.set(name, v);
        }
      }
      pos = lineEnd + 1;
      continue;
    }
    const valueStart = pos + lead + m[0].length;
    let i = valueStart;
    while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
    const first = text[i];
    let value: string;
    let next: number;
    if (first === '"' || first === "'") {
      const q = readQuoted(text, i);
      if (!q) throw new DotEnvError(`unterminated quoted value for ${name}`, lineNo);
      value = first === '"' ? expand(unescapeDouble(q.raw), lineNo) : q.raw;
      const after = text.indexOf('\n', q.end);
      next = after < 0 ? text.length : after + 1;
    } else {
      let v = text.slice(i, lineEnd).replace(/\r$/, '');
      // `KEY=#x` is the value `#x`; `KEY= #x` and `KEY=x #y` end at the comment.
      if (v.startsWith('#') && i > valueStart) v = '';
      const comment = /[ \t]#/.exec(v);
      if (comment) v = v.slice(0, comment.index);
      value = expand(v.trim(), lineNo);
      next = lineEnd + 1;
    }
    out.push({ name, value, line: lineNo });
    defined.set(name, value);
    pos = next;
  }
  return out;
}

/** `.env` text as a record (last definition wins). */
export function parseDotEnv(text: string, lookup?: Lookup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of parseDotEnvEntries(text, lookup)) out[e.name] = e.value;
  return out;
}

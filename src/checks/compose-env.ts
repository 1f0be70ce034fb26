/** Compose variable interpolation (`${VAR:-default}` and friends). Pure. `.env` files: dotenv.ts. */

/**
 * A value that cannot be interpolated. The message never quotes the value (it may be a password):
 * `path` names where it is (`services.db.environment.DB_PASSWORD`) so the loader can add a line.
 */
export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
  }
}

/** `services.db.environment[0]`, plus the variable name of a `NAME=value` list item. */
export function interpolationPathLabel(
  path: readonly (string | number)[],
  value?: unknown,
): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  const name =
    typeof value === 'string' ? /^([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(value)?.[1] : undefined;
  return `${out || '(root)'}${name && typeof path.at(-1) === 'number' ? ` (${name})` : ''}`;
}

/**
 * What a required variable (`${VAR:?err}`, `${VAR?err}`) that is not set becomes when the caller
 * audits the file anyway: by default an error, as in compose.
 */
export type OnMissingRequired = (name: string) => string;

const UNSET_OPEN = '\uE000';
const UNSET_CLOSE = '\uE001';
const UNSET_RE = /\uE000([^\uE001]*)\uE001/g;

/** A placeholder for a required variable that is not set (private-use characters around it). */
export const unsetMarker = (name: string) => `${UNSET_OPEN}${name}${UNSET_CLOSE}`;
/** True when an interpolated string holds a required variable that was not set. */
export const hasUnset = (s: string) => s.includes(UNSET_OPEN);
/** The placeholders written back as `${NAME}`, for settings shown as evidence. */
export const showUnset = (s: string) => s.replace(UNSET_RE, (_m, name: string) => `\${${name}}`);

/**
 * Compose interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`,
 * `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`; `$$` is a literal `$`. Defaults may nest.
 */
export function interpolate(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
  onMissing?: OnMissingRequired,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      // Find the matching brace (defaults may contain ${...}).
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}') depth--;
        if (depth > 0) j++;
      }
      if (depth !== 0) throw new InterpolationError('unterminated ${');
      out += expand(text.slice(i + 2, j), vars, onMissing);
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (m) {
      out += vars[m[0]] ?? '';
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}

function expand(
  expr: string,
  vars: Readonly<Record<string, string | undefined>>,
  onMissing?: OnMissingRequired,
): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(expr);
  if (!m || m[1] === undefined) throw new InterpolationError('invalid interpolation ${...}');
  const name = m[1];
  const op = m[2];
  const arg = m[3] ?? '';
  const value = vars[name];
  const unsetOrEmpty = value === undefined || value === '';
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
      return unsetOrEmpty ? interpolate(arg, vars, onMissing) : (value ?? '');
    case '-':
      return value === undefined ? interpolate(arg, vars, onMissing) : value;
    case ':?':
    case '?':
      if (op === ':?' ? unsetOrEmpty : value === undefined) {
        if (onMissing) return onMissing(name);
        throw new InterpolationError(
          `required variable ${name} is missing: ${arg || 'no message'}`,
        );
      }
      return value ?? '';
    case ':+':
      return unsetOrEmpty ? '' : interpolate(arg, vars, onMissing);
    case '+':
      return value === undefined ? '' : interpolate(arg, vars, onMissing);
    default:
      return value ?? '';
  }
}

/**
 * Interpolates every string in a parsed YAML value (keys left alone). An InterpolationError comes
 * out with the path of the string at fault.
 */
export function interpolateDeep(
  value: unknown,
  vars: Readonly<Record<string, string | undefined>>,
  path: readonly (string | number)[] = [],
  onMissing?: OnMissingRequired,
): unknown {
  if (typeof value === 'string') {
    try {
      return interpolate(value, vars, onMissing);
    } catch (err) {
      if (err instanceof InterpolationError && err.path.length === 0)
        throw new InterpolationError(
          `${interpolationPathLabel(path, value)}: ${err.message}`,
          path,
        );
      throw err;
    }
  }
  if (Array.isArray(value))
    return value.map((v, i) => interpolateDeep(v, vars, [...path, i], onMissing));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = interpolateDeep(v, vars, [...path, k], onMissing);
    return out;
  }
  return value;
}

/**
 * What may go into an engine request path as a container, network or volume name, or an image
 * reference. dockerode pastes these into the URL unescaped (`/containers/<name>/json`), so a name
 * like `../../x` or `%2e%2e` would address another endpoint. Checked before any request. Pure.
 */
import { UserError } from '../../errors.js';

/**
 * Docker's own pattern for container, network and volume names (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`,
 * daemon/names), relaxed to one character so that short id prefixes (`a1`, `f`) are accepted.
 * Such a string is one path segment that cannot be `.` or `..` and holds no `%`, `/`, `?` or `#`.
 */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export type NamedObject = 'container' | 'network' | 'volume';

/** Printable and bounded, for a message about a rejected name (escapes control characters). */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** Returns the name to send (a leading `/`, as inspect shows names, is dropped), or throws. */
export function engineName(kind: NamedObject, value: string): string {
  const name = value.startsWith('/') ? value.slice(1) : value;
  if (!NAME_PATTERN.test(name))
    throw new UserError(
      `${shown(value)} is not a valid ${kind} name or id`,
      `${kind} names match [a-zA-Z0-9][a-zA-Z0-9_.-]+; ids are 12 to 64 hex digits`,
    );
  return name;
}

/**
 * An image reference (`repo/name:tag`, `name@sha256:…`, an id) may hold `/` and `:`; what it
 * may not hold is a `.` or `..` path segment, `%`, `?`, `#`, a backslash, whitespace or control
 * characters.
 */
export function imageRef(value: string): string {
  const bad =
    value === '' ||
    /[%?#\\\s\p{Cc}]/u.test(value) ||
    value.split('/').some((seg) => seg === '' || seg === '.' || seg === '..');
  if (bad)
    throw new UserError(
      `${shown(value)} is not a valid image reference`,
      'give an image as NAME[:TAG], NAME@sha256:DIGEST or an id',
    );
  return value;
}

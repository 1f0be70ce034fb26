/** RFC 8785 JSON Canonicalization Scheme, via the `canonicalize` package. */
import * as canonicalizeModule from 'canonicalize';

// The package is CommonJS whose typings declare an ES default export; at run time the default
// import is the function itself. Resolve it once, whichever shape the loader gives.
type Serialize = (value: unknown) => string | undefined;
const mod = canonicalizeModule as unknown as { default: Serialize | { default: Serialize } };
const serialize: Serialize = typeof mod.default === 'function' ? mod.default : mod.default.default;

export function canonicalJson(value: unknown): string {
  const out = serialize(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalized');
  return out;
}

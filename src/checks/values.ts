/** Small guards for values read from parsed YAML. Pure. */

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A present value as a string; undefined for a missing or null one. */
export const str = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : String(v);

/** A value or list of values as strings (`[]` for a missing one). */
export const strList = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);

/** A compose boolean (`true`, `"true"`, `"yes"`). */
export const truthy = (v: unknown): boolean => v === true || v === 'true' || v === 'yes';

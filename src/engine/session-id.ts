/** Session ids: `20261123-081502-3fa9c1`, the UTC start time and random hex. */
export function newSessionId(now: Date, hex: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${hex}`;
}

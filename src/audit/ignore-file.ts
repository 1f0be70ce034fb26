/**
 * The ignore file: parse and validate its entries (`file:line` on the first bad one). Pure; apart
 * from ignore.ts because it needs the YAML and schema libraries, which an audit without
 * `--ignore-file` does not load.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { IgnoreEntry } from './types.js';

const entrySchema = z.object({
  check: z
    .string({ error: 'an ignore entry needs a check (a check id or a glob such as "*")' })
    .min(1, 'an ignore entry needs a check (a check id or a glob such as "*")'),
  target: z
    .string({ error: 'an ignore entry needs a target (a container name, service or glob)' })
    .min(1, 'an ignore entry needs a target (a container name, service or glob)'),
  reason: z
    .string({ error: 'an ignore entry needs a reason' })
    .trim()
    .min(1, 'an ignore entry needs a reason'),
  owner: z.string().optional(),
  expires: z
    .union([z.string(), z.date()])
    .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
    .refine(isCalendarDate, 'expires must be a real date (YYYY-MM-DD)')
    .optional(),
});

/**
 * Accepts a list of entries or `{ignore: [...]}`. Throws UserError with `file:line` on the first
 * invalid entry (an entry without a reason is rejected).
 */
export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const first = doc.errors[0];
  if (first) {
    const pos = lc.linePos(first.pos[0]);
    throw new UserError(`${file}:${pos.line}: invalid YAML in ignore file`);
  }
  const root = doc.contents;
  const seq = isSeq(root) ? root : isMap(root) ? root.get('ignore', true) : undefined;
  // An empty file, or `ignore:` with nothing under it yet, ignores nothing.
  if (root === null || (isScalar(seq) && seq.value === null)) return [];
  if (!isSeq(seq))
    throw new UserError(`${file}: an ignore file is a list of entries (or \`ignore:\` with one)`);
  return seq.items.map((node, i) => {
    const range = (node as { range?: [number, number, number] }).range;
    const line = range ? lc.linePos(range[0]).line : undefined;
    const parsed = entrySchema.safeParse((node as { toJSON(): unknown }).toJSON());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = `${file}:${line ?? '?'}`;
      const field = issue?.path.join('.') || `entry ${i + 1}`;
      const msg =
        issue?.code === 'invalid_type' && field === 'reason'
          ? 'an ignore entry needs a reason'
          : (issue?.message ?? 'invalid entry');
      throw new UserError(`${where}: ignore entry ${i + 1}: ${field}: ${msg}`);
    }
    const e = parsed.data;
    return {
      check: e.check,
      target: e.target,
      reason: e.reason,
      ...(e.owner !== undefined ? { owner: e.owner } : {}),
      ...(e.expires !== undefined ? { expires: e.expires } : {}),
      ...(line !== undefined ? { line } : {}),
    };
  });
}

/** `YYYY-MM-DD` naming a day that exists (no month 13, no 30 February). */
function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

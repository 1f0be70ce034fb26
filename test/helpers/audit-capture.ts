/** AuditDeps for runAudit in tests: files from disk, output captured, a fixed clock. */
import { readFile } from 'node:fs/promises';
import type { AuditDeps } from '../../src/cli/commands/audit.js';

export function captureAudit(extra: Partial<AuditDeps> = {}) {
  const out = { stdout: '', stderr: '' };
  const deps: AuditDeps = {
    readFile: (p) => readFile(p, 'utf8'),
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    now: () => new Date('2026-06-15T12:00:00Z'),
    env: {},
    ...extra,
  };
  return { deps, out };
}

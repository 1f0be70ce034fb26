/** One line per journal entry, for the report's timeline. Pure. */
import type { JournalEntry } from '../journal/types.js';

export function summarize(e: JournalEntry): string {
  const d = e.data;
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  switch (e.type) {
    case 'session.started':
      return `session started (runbook ${(d.runbook as { id?: string })?.id ?? '?'})`;
    case 'session.resumed':
      return 'session resumed';
    case 'step.done':
      return d.accepted
        ? `done, accepted: ${s('reason')}`
        : `done${s('note') ? `: ${s('note')}` : ''}`;
    case 'step.skipped':
      return `skipped: ${s('reason')}`;
    case 'step.failed':
      return `failed: ${s('note')}`;
    case 'step.started':
      return `${d.dryRun ? 'dry run ' : ''}started (${s('kind')}${Array.isArray(d.argv) ? `: ${(d.argv as string[]).join(' ')}` : ''}${s('action') ? `: ${s('action')}` : ''})`;
    case 'step.result':
      return `${d.dryRun ? 'dry run ' : ''}${s('outcome')}: ${s('summary')}`;
    case 'step.reopened':
      return 'reopened';
    case 'note.added':
      return `note: ${s('text')}`;
    case 'gate.overridden':
      return `gate overridden (${(d.unmet as string[] | undefined)?.join(', ') ?? ''}): ${s('reason')}`;
    case 'session.signed':
      return `signed off by ${s('signer')}`;
    case 'journal.repaired':
      return `torn trailing line (${String(d.bytes)} bytes) set aside as ${s('savedAs')}`;
    case 'action.started':
      return `${d.dryRun ? 'dry run ' : ''}action ${s('action')} started${d.params && typeof d.params === 'object' && 'container' in d.params ? ` on ${String((d.params as Record<string, unknown>).container)}` : ''}${s('overrideReason') ? ` (safety rule overridden: ${s('overrideReason')})` : ''}`;
    case 'action.result':
      return `${d.dryRun ? 'dry run ' : ''}action ${s('action')} ${s('outcome')}: ${s('summary')}`;
    case 'input.changed':
      return `input ${s('input')} set to ${s('value')}${s('previous') ? ` (was ${s('previous')})` : ''}${s('reason') ? `: ${s('reason')}` : ''}`;
    case 'target.replaced': {
      const c = (k: string) => (d[k] ?? {}) as { id?: string; name?: string };
      return `${s('input')} replaced: ${c('original').name ?? '?'} (${(c('original').id ?? '').slice(0, 12)}) by ${c('replacement').name ?? '?'} (${(c('replacement').id ?? '').slice(0, 12)})${s('reason') ? `: ${s('reason')}` : ''}`;
    }
    default:
      return e.type;
  }
}

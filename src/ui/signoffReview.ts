/**
 * What the signer sees before the signature: the counts told apart, every accepted critical and
 * high finding by name (with who accepted it and why), failures, skips and stale verdicts. Pure.
 */
import { acceptedRisks, outcomeCounts, riskName, type AcceptedRisk } from '../engine/outcomes.js';
import type { StaleVerdict } from '../engine/staleness.js';
import type { SessionState } from '../engine/state.js';
import { STATUS_MARK } from './theme.js';
import { wrapLines, type Line } from './text.js';

function serious(r: AcceptedRisk): boolean {
  return r.severity === 'critical' || r.severity === 'high';
}

export function signoffLines(
  state: SessionState,
  stale: Readonly<Record<string, readonly StaleVerdict[]>>,
  width: number,
): Line[] {
  const out: Line[] = [];
  const add = (text: string, tone?: Line['tone'], indent = '') =>
    out.push(...wrapLines(text, width, tone, indent));
  const c = outcomeCounts(state);
  out.push({ text: 'Before you sign: what this record says', tone: 'accent', bold: true });
  add(
    `${state.order.length} steps: ${c.done} done · ${c.accepted} accepted risk${c.accepted === 1 ? '' : 's'} · ${c.skipped} skipped · ${c.failed} failed`,
  );
  const risks = acceptedRisks(state);
  const top = risks.filter(serious);
  if (top.length > 0) {
    out.push({ text: '' });
    add(`You accept ${top.length} critical/high finding(s):`, 'accepted');
    for (const r of top) {
      add(
        `${STATUS_MARK.accepted.mark} ${(r.severity ?? '').toUpperCase()} ${riskName(r)}`,
        'accepted',
        '  ',
      );
      add(`step ${r.stepId}, accepted by ${r.by}: ${r.reason}`, 'muted', '      ');
    }
  }
  const lower = risks.length - top.length;
  if (lower > 0) add(`and ${lower} lower accepted risk(s), listed in the report`, 'muted');
  const ids = (o: 'failed' | 'skipped') =>
    state.order.filter((id) => state.steps[id]?.status === o);
  const failed = ids('failed');
  if (failed.length > 0) {
    out.push({ text: '' });
    add(
      `${STATUS_MARK.failed.mark} Failed, not accepted (${failed.length}): ${failed.join(', ')}`,
      'danger',
    );
  }
  const skipped = ids('skipped');
  if (skipped.length > 0)
    add(`${STATUS_MARK.skipped.mark} Skipped (${skipped.length}): ${skipped.join(', ')}`, 'muted');
  const staleIds = Object.keys(stale);
  if (staleIds.length > 0) {
    out.push({ text: '' });
    add(
      `⟳ Stale verdicts (${staleIds.length}): ${staleIds.join(', ')} — their container is gone or was recreated; Esc, then r re-checks`,
      'warn',
    );
  }
  return out;
}

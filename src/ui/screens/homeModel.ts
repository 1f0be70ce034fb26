/** Home screen data and selection: what can be opened, grouped for display. Pure. */
import type { Catalog } from '../../runbook/load.js';
import type { LoadedRunbook } from '../../runbook/types.js';
import type { SessionRow } from '../hooks/useDeps.js';

export type HomeItem =
  | { kind: 'resume'; row: SessionRow }
  | { kind: 'runbook'; loaded: LoadedRunbook }
  | { kind: 'audit' };

export type HomeRow =
  | { kind: 'heading'; text: string }
  | { kind: 'info'; text: string }
  | { kind: 'item'; item: HomeItem; index: number; text: string };

export const RECENT = 3;

export function homeRows(catalog: Catalog, sessions: readonly SessionRow[]): HomeRow[] {
  const rows: HomeRow[] = [];
  let index = 0;
  const item = (it: HomeItem, text: string) =>
    rows.push({ kind: 'item', item: it, index: index++, text });
  const open = sessions.filter(
    (s) => (s.status === 'in-progress' || s.status === 'ready-to-sign') && !s.locked,
  );
  if (open.length > 0) {
    rows.push({ kind: 'heading', text: 'Sessions in progress — resume' });
    for (const s of open) {
      const ready = s.status === 'ready-to-sign' ? ' · ready to sign' : '';
      item(
        { kind: 'resume', row: s },
        `${s.title} · ${s.progress}${ready} · ${s.id} · ${s.operator}`,
      );
    }
  }
  const busy = sessions.filter((s) => s.locked && s.status !== 'signed');
  for (const s of busy)
    rows.push({ kind: 'info', text: `  ${s.title} · ${s.id} is open in another warden` });
  const groups: [string, string][] = [
    ['incident', 'Incident response'],
    ['checklist', 'Hardening checklists'],
  ];
  for (const [kind, title] of groups) {
    const list = catalog.runbooks.filter((l) => l.runbook.kind === kind);
    if (list.length === 0) continue;
    rows.push({ kind: 'heading', text: title });
    for (const l of list) {
      const steps = l.runbook.phases.reduce((n, p) => n + p.steps.length, 0);
      item({ kind: 'runbook', loaded: l }, `${l.runbook.title} · ${steps} steps · ${l.runbook.id}`);
    }
  }
  rows.push({ kind: 'heading', text: 'This host' });
  item({ kind: 'audit' }, 'Audit this host (read-only hardening checks)');
  if (catalog.broken.length > 0) {
    rows.push({
      kind: 'info',
      text: `  ${catalog.broken.length} runbook file(s) failed to load — \`warden runbooks validate <file>\``,
    });
  }
  const recent = sessions.filter((s) => s.status === 'signed').slice(0, RECENT);
  if (recent.length > 0) {
    rows.push({ kind: 'heading', text: 'Recently signed' });
    for (const s of recent) {
      rows.push({
        kind: 'info',
        text: `  ✓ ${s.title} · ${s.started.slice(0, 10)} · ${s.id} · ${s.operator}`,
      });
    }
  }
  return rows;
}

export function itemCount(rows: readonly HomeRow[]): number {
  return rows.filter((r) => r.kind === 'item').length;
}

/**
 * Home screen data and selection: what can be opened, grouped for display, filtered by `/`.
 * Sessions are told apart by runbook, targets, progress, last activity and state. Pure.
 */
import { targetText } from '../../engine/session-summary.js';
import type { Catalog } from '../../runbook/load.js';
import type { LoadedRunbook } from '../../runbook/types.js';
import type { ContainerRow, SessionRow } from '../hooks/useDeps.js';
import { shortTime } from '../text.js';
import { signedText } from '../../journal/key-trust.js';
import { matchesFilter } from '../filter.js';

export type HomeItem =
  | { kind: 'resume'; row: SessionRow }
  | { kind: 'runbook'; loaded: LoadedRunbook }
  | { kind: 'audit' };

export type HomeRow =
  | { kind: 'heading'; text: string }
  | { kind: 'info'; lines: string[] }
  | { kind: 'item'; item: HomeItem; key: string; lines: string[] };

export const RECENT = 3;

export function itemKey(item: HomeItem): string {
  return item.kind === 'resume'
    ? `session:${item.row.id}`
    : item.kind === 'runbook'
      ? `runbook:${item.loaded.runbook.id}`
      : 'audit';
}

/** ` · 2 accepted, 1 failed`: what a plain `7/15` would hide. */
function apart(s: SessionRow): string {
  const parts = (['accepted', 'failed'] as const)
    .filter((k) => s.counts[k] > 0)
    .map((k) => `${s.counts[k]} ${k}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Targets of the session that the engine no longer has (once the engine answered). */
function gone(s: SessionRow, live: readonly ContainerRow[] | undefined): string[] {
  if (!live) return [];
  return s.targets.filter(
    (t) => !t.includes('/') && !t.endsWith('.yaml') && !live.some((c) => c.name === t),
  );
}

export function sessionLines(s: SessionRow, live?: readonly ContainerRow[]): string[] {
  const state = s.status === 'ready-to-sign' ? ' · ready to sign' : '';
  const missing = gone(s, live);
  return [
    `${s.title} · ${targetText(s)} · ${s.progress}${apart(s)}${state}`,
    `  ${s.id} · last ${shortTime(s.lastActivity)} by ${s.operator}${missing.length ? ` · ${missing.join(', ')} no longer on the engine` : ''}`,
  ];
}

export function homeRows(
  catalog: Catalog,
  sessions: readonly SessionRow[],
  opts: { filter?: string; live?: readonly ContainerRow[] } = {},
): HomeRow[] {
  const filter = opts.filter ?? '';
  const rows: HomeRow[] = [];
  const section = (heading: string, items: { item: HomeItem; lines: string[] }[]) => {
    const shown = items.filter((x) => matchesFilter(filter, ...x.lines));
    if (shown.length === 0) return;
    rows.push({ kind: 'heading', text: heading });
    for (const x of shown) rows.push({ kind: 'item', ...x, key: itemKey(x.item) });
  };
  const open = sessions.filter(
    (s) => (s.status === 'in-progress' || s.status === 'ready-to-sign') && !s.locked,
  );
  section(
    'Sessions in progress — resume',
    open.map((row) => ({ item: { kind: 'resume', row }, lines: sessionLines(row, opts.live) })),
  );
  const busy = sessions.filter((s) => s.locked && s.status !== 'signed');
  for (const s of busy.filter((x) => matchesFilter(filter, x.title, x.id)))
    rows.push({ kind: 'info', lines: [`  ${s.title} · ${s.id} is open in another warden`] });
  const groups: [string, string][] = [
    ['incident', 'Incident response'],
    ['checklist', 'Hardening checklists'],
  ];
  for (const [kind, title] of groups) {
    section(
      title,
      catalog.runbooks
        .filter((l) => l.runbook.kind === kind)
        .map((l) => {
          const steps = l.runbook.phases.reduce((n, p) => n + p.steps.length, 0);
          return {
            item: { kind: 'runbook', loaded: l },
            lines: [
              `${l.runbook.title} · ${steps} step${steps === 1 ? '' : 's'} · ${l.runbook.id}`,
            ],
          };
        }),
    );
  }
  section('Engines', [
    { item: { kind: 'audit' }, lines: ['Audit the engines (read-only hardening checks)'] },
  ]);
  if (catalog.broken.length > 0 && !filter) {
    rows.push({
      kind: 'info',
      lines: [
        `  ${catalog.broken.length} runbook file(s) failed to load — \`warden runbooks validate <file>\``,
      ],
    });
  }
  const recent = sessions
    .filter((s) => s.status === 'signed')
    .filter((s) => matchesFilter(filter, s.title, s.id, s.signedBy, ...s.targets))
    .slice(0, RECENT);
  if (recent.length > 0) {
    rows.push({ kind: 'heading', text: 'Recently signed' });
    for (const s of recent) {
      rows.push({
        kind: 'info',
        lines: [
          `  ✓ ${s.title} · ${targetText(s)}`,
          `    ${s.id} · ${signedText(s.signedBy ?? '?', s.signedKey ?? 'unknown')} at ${shortTime(s.signedAt ?? s.lastActivity)}`,
        ],
      });
    }
  }
  return rows;
}

export function items(rows: readonly HomeRow[]): Extract<HomeRow, { kind: 'item' }>[] {
  return rows.filter((r): r is Extract<HomeRow, { kind: 'item' }> => r.kind === 'item');
}

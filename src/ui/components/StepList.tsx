/**
 * The runbook's steps grouped by phase, with status marks. Titles wrap (never cut); the window
 * follows the selection, keeping its phase heading in view when it fits.
 */
import { Box } from 'ink';
import { Text } from './Text.js';
import { outcomeOf } from '../../engine/outcomes.js';
import type { SessionState, StepState } from '../../engine/state.js';
import { BLOCKED_MARK, STATUS_MARK, WARNING_MARK, tone, type Tone } from '../theme.js';
import { truncate, wrapText } from '../text.js';

export type ListRow =
  | { kind: 'phase'; text: string }
  | {
      kind: 'step';
      id: string;
      title: string;
      mark: string;
      markTone: Tone;
      dim: boolean;
      stale: boolean;
    };

/** The warnings of a step's last (non-dry) result when it passed, e.g. restore's backup age. */
export function resultWarnings(st: StepState | undefined): string[] {
  const last = st?.results.filter((r) => !r.dryRun).at(-1);
  if (last?.outcome !== 'ok' || !Array.isArray(last.data.warnings)) return [];
  return last.data.warnings.map(String);
}

export interface ListInput {
  state: SessionState;
  /** The steps shown (a filter may hide some), in runbook order. */
  visible: readonly string[];
  blocked(id: string): boolean;
  /** Steps whose last verdicts name a container that is gone or was recreated. */
  stale: ReadonlySet<string>;
  spinner: string;
}

export function listRows({ state, visible, blocked, stale, spinner }: ListInput): ListRow[] {
  const rows: ListRow[] = [];
  const shown = new Set(visible);
  for (const phase of state.runbook.phases) {
    const steps = phase.steps.filter((s) => shown.has(s.id));
    if (steps.length === 0) continue;
    const p = state.phases.find((x) => x.id === phase.id);
    rows.push({
      kind: 'phase',
      text: `${phase.title} ${p?.resolved ?? 0}/${p?.total ?? phase.steps.length}`,
    });
    for (const step of steps) {
      const st = state.steps[step.id];
      const outcome = outcomeOf(st);
      const m = STATUS_MARK[outcome];
      const isBlocked = outcome === 'pending' && blocked(step.id);
      // Done, but its result carried warnings: not the clean green ✓.
      const warned = outcome === 'done' && resultWarnings(st).length > 0;
      rows.push({
        kind: 'step',
        id: step.id,
        title: step.title,
        mark:
          outcome === 'running'
            ? spinner
            : isBlocked
              ? BLOCKED_MARK
              : warned
                ? WARNING_MARK
                : m.mark,
        markTone: warned ? 'warn' : m.tone,
        dim: isBlocked,
        stale: stale.has(step.id),
      });
    }
  }
  return rows;
}

/** Rows a step's title takes at most; longer titles end in an ellipsis on the last one. */
const TITLE_ROWS = 3;

/** A step row's lines at this width: the title wrapped after the `›✓ ` gutter. */
export function stepLines(row: Extract<ListRow, { kind: 'step' }>, width: number): string[] {
  const text = row.stale ? `${row.title} · stale` : row.title;
  const lines = wrapText(text, Math.max(8, width - 3));
  if (lines.length <= TITLE_ROWS) return lines;
  const kept = lines.slice(0, TITLE_ROWS);
  kept[TITLE_ROWS - 1] = truncate(`${kept[TITLE_ROWS - 1]} …`, width - 3);
  return kept;
}

/** Lines the list takes in all (for the stacked layout's height). */
export function listLineCount(rows: readonly ListRow[], width: number): number {
  return rows.reduce((n, r) => n + (r.kind === 'phase' ? 1 : stepLines(r, width).length), 0);
}

interface Drawn {
  key: string;
  row: ListRow;
  line: string;
  first: boolean;
}

export function StepList({
  rows,
  selectedId,
  height,
  width,
  focused,
}: {
  rows: readonly ListRow[];
  selectedId: string | undefined;
  height: number;
  width: number;
  /** False while the details pane has the keys: the selection is marked, not highlighted. */
  focused: boolean;
}) {
  const drawn: Drawn[] = [];
  let selFirst = 0;
  let selLast = 0;
  let selHeading = 0;
  let heading = 0;
  for (const [i, r] of rows.entries()) {
    if (r.kind === 'phase') {
      heading = drawn.length;
      drawn.push({ key: `p${i}`, row: r, line: r.text, first: true });
      continue;
    }
    const lines = stepLines(r, width);
    if (r.id === selectedId) {
      selFirst = drawn.length;
      selLast = drawn.length + lines.length - 1;
      selHeading = heading;
    }
    lines.forEach((line, j) => drawn.push({ key: `${r.id}-${j}`, row: r, line, first: j === 0 }));
  }
  // Keep the whole selected step in view, with its phase heading when it fits.
  let top = Math.max(0, Math.min(selFirst - Math.floor(height / 2), drawn.length - height));
  if (selLast - top >= height) top = selLast - height + 1;
  if (selHeading < top && selLast - selHeading < height) top = selHeading;
  const visible = drawn.slice(top, top + height);
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {visible.map((d) => {
        const r = d.row;
        if (r.kind === 'phase')
          return (
            <Text key={d.key} color={tone('accent')} bold wrap="truncate">
              {truncate(d.line, width)}
            </Text>
          );
        const selected = r.id === selectedId;
        return (
          <Text key={d.key} wrap="truncate" inverse={selected && focused} dimColor={r.dim}>
            <Text color={tone(r.markTone)}>
              {d.first ? `${selected ? '›' : ' '}${r.mark} ` : '   '}
            </Text>
            {d.line}
          </Text>
        );
      })}
    </Box>
  );
}

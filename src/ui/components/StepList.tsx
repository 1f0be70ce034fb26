/** The runbook's steps grouped by phase, with status marks; a window that follows the selection. */
import { Box, Text } from 'ink';
import type { SessionState, StepState } from '../../engine/state.js';
import { BLOCKED_MARK, STATUS_MARK, tone } from '../theme.js';

/** A done step whose result carried warnings (the details list them, in the warn colour). */
export const WARNING_MARK = '⚠';
import { truncate } from '../text.js';

type Row =
  | { kind: 'phase'; text: string }
  | {
      kind: 'step';
      id: string;
      text: string;
      mark: string;
      markTone: string | undefined;
      dim: boolean;
    };

/** The warnings of a step's last (non-dry) result when it passed, e.g. restore's backup age. */
export function resultWarnings(st: StepState | undefined): string[] {
  const last = st?.results.filter((r) => !r.dryRun).at(-1);
  if (last?.outcome !== 'ok' || !Array.isArray(last.data.warnings)) return [];
  return last.data.warnings.map(String);
}

export function listRows(
  state: SessionState,
  blocked: (id: string) => boolean,
  spinner: string,
): Row[] {
  const rows: Row[] = [];
  for (const phase of state.runbook.phases) {
    const p = state.phases.find((x) => x.id === phase.id);
    rows.push({
      kind: 'phase',
      text: `${phase.title} ${p?.resolved ?? 0}/${p?.total ?? phase.steps.length}`,
    });
    for (const step of phase.steps) {
      const st = state.steps[step.id];
      const status = st?.status ?? 'pending';
      const m = STATUS_MARK[status];
      const isBlocked = status === 'pending' && blocked(step.id);
      // Done, but its result carried warnings: not the clean green ✓.
      const warned = status === 'done' && resultWarnings(st).length > 0;
      rows.push({
        kind: 'step',
        id: step.id,
        text: step.title,
        mark:
          status === 'running'
            ? spinner
            : isBlocked
              ? BLOCKED_MARK
              : warned
                ? WARNING_MARK
                : m.mark,
        markTone: tone(warned ? 'warn' : m.tone),
        dim: isBlocked,
      });
    }
  }
  return rows;
}

export function StepList({
  rows,
  selectedId,
  height,
  width,
}: {
  rows: readonly Row[];
  selectedId: string | undefined;
  height: number;
  width: number;
}) {
  const sel = Math.max(
    0,
    rows.findIndex((r) => r.kind === 'step' && r.id === selectedId),
  );
  // Keep the selection visible, with its phase heading when it fits.
  let top = Math.max(0, Math.min(sel - Math.floor(height / 2), rows.length - height));
  if (sel - top >= height) top = sel - height + 1;
  const visible = rows.slice(top, top + height);
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {visible.map((r, i) =>
        r.kind === 'phase' ? (
          <Text key={`p${top + i}`} color={tone('accent')} bold wrap="truncate">
            {truncate(r.text, width)}
          </Text>
        ) : (
          <Text key={r.id} wrap="truncate" inverse={r.id === selectedId} dimColor={r.dim}>
            <Text color={r.markTone}>
              {r.id === selectedId ? '›' : ' '}
              {r.mark}{' '}
            </Text>
            {truncate(r.text, width - 3)}
          </Text>
        ),
      )}
    </Box>
  );
}

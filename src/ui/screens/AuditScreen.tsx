/**
 * "Audit": the full read-only audit (every container, every check) of this engine, or of the
 * engines picked among the Docker contexts (asked first when there are any; `e` asks again),
 * findings by severity then target, the selected finding's evidence and fix. `r` runs it again.
 */
import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { errorMessage } from '../../errors.js';
import { Banner, bannerLines, type BannerMessage } from '../components/Banner.js';
import { FilterLine } from '../components/FilterLine.js';
import { ScreenFooter } from '../components/ScreenFooter.js';
import { DetailsPane } from '../components/DetailsPane.js';
import { EngineList } from '../components/EngineList.js';
import { maxScroll, pageSize, windowTop } from '../components/ScrollView.js';
import { useDeps } from '../hooks/useDeps.js';
import { unknownKeyText, useFlash } from '../hooks/useFlash.js';
import { useKeys } from '../hooks/useKeys.js';
import { useSpinner } from '../hooks/useSpinner.js';
import { useTermSize } from '../hooks/useTermSize.js';
import { tone } from '../theme.js';
import { truncate } from '../text.js';
import {
  auditRows,
  engineText,
  findingLines,
  orderedFindings,
  summaryText,
  type AuditRow,
} from './auditModel.js';
import type { KeyContext } from '../keymap.js';
import { SIDE_BY_SIDE } from './sessionLayout.js';
import { filterKey, NO_FILTER } from '../filter.js';
import { auditReducer } from './auditState.js';
import { isHostTarget } from '../../checks/targets.js';

export interface AuditScreenProps {
  isFocused: boolean;
  onBack(): void;
  onQuit(): void;
  onHelp(): void;
}

export function AuditScreen({ isFocused, onBack, onQuit, onHelp }: AuditScreenProps) {
  const { ports, animate } = useDeps();
  const { columns, rows: termRows } = useTermSize();
  // Read once: the contexts of the docker CLI's store, this engine first.
  const [choices] = useState(() => ports.engines());
  const several = choices.length > 1;
  const [s, dispatch] = useReducer(auditReducer, {
    // With contexts to choose from, the engines are asked first; else this engine at once.
    running: !several,
    selected: 0,
    scroll: 0,
    filter: NO_FILTER,
    focus: 'list',
    askQuit: false,
    picking: several,
    cursor: 0,
    chosen: choices.filter((c) => c.current).map((c) => c.name),
  });
  const [flash, showFlash] = useFlash();
  const spinner = useSpinner(animate && s.running);
  const current = useRef<AbortController | undefined>(undefined);

  const start = useCallback(
    (engines: readonly string[]) => {
      current.current?.abort();
      const ac = new AbortController();
      current.current = ac;
      dispatch({ type: 'start' });
      // A promise that rejects at once (a context that cannot be used) is said like any other.
      Promise.resolve()
        .then(() => ports.audit(ac.signal, several ? engines : undefined))
        .then(
          (report) => !ac.signal.aborted && dispatch({ type: 'done', report }),
          (err: unknown) =>
            !ac.signal.aborted && dispatch({ type: 'error', message: errorMessage(err) }),
        );
    },
    [ports, several],
  );

  const first = useRef(s.chosen);
  useEffect(() => {
    if (!several) start(first.current);
    return () => current.current?.abort();
  }, [start, several]);

  const width = Math.max(20, columns);
  const height = Math.max(10, termRows - 1);
  const side = width >= SIDE_BY_SIDE;
  const report = s.report;
  const findings = report ? orderedFindings(report, s.filter.text) : [];
  const rows: AuditRow[] = report ? auditRows(report, s.filter.text) : [];
  // As wide as the findings' lines need, up to half the screen (wider terminals cut less).
  const longest = Math.max(0, ...rows.map((r) => r.text.length + 3));
  const listWidth = side ? Math.max(32, Math.min(longest, Math.floor(width * 0.5) - 8)) : width;
  const detailWidth = side ? width - listWidth - 2 : width;
  const finding = findings[s.selected];
  const lines = finding ? findingLines(finding, detailWidth) : [];

  const banner: BannerMessage | undefined = s.error ? { tone: 'danger', text: s.error } : undefined;
  const filterShown = s.filter.editing || s.filter.text !== '';
  const chrome = 2 + bannerLines(banner, width).length + 1 + (s.askQuit ? 1 : 0);
  const body = Math.max(3, height - chrome);
  const listHeight = side
    ? body
    : Math.min((rows.length || 1) + (filterShown ? 1 : 0), Math.max(3, Math.floor(body * 0.4)));
  const detailHeight = side ? body : Math.max(1, body - listHeight - 1);
  const focusDetails = s.focus === 'details';
  const max = maxScroll(lines, detailHeight, focusDetails);
  const context: KeyContext = s.picking
    ? 'engines'
    : s.filter.editing
      ? 'listFilter'
      : focusDetails
        ? 'details'
        : 'audit';

  useKeys(
    context,
    (p) => {
      const { action, times } = p;
      const page = pageSize(lines, detailHeight, focusDetails);
      const move = (delta: number) => dispatch({ type: 'move', delta, count: findings.length });
      const scroll = (delta: number) => dispatch({ type: 'scroll', delta, max });
      if (context === 'engines') return pickKey(action, times);
      if (context === 'listFilter')
        return filterKey(p, {
          move,
          keep: () => dispatch({ type: 'filterMode', editing: false }),
          clear: () => dispatch({ type: 'filterMode', editing: false, clear: true }),
        });
      switch (action) {
        case 'up':
          return focusDetails ? scroll(-times) : move(-times);
        case 'down':
          return focusDetails ? scroll(times) : move(times);
        case 'first':
          return focusDetails ? scroll(-max) : move(-findings.length);
        case 'last':
          return focusDetails ? scroll(max) : move(findings.length);
        case 'scrollUp':
          return scroll(-page * times);
        case 'scrollDown':
          return scroll(page * times);
        case 'focus':
          return dispatch({ type: 'focus', focus: focusDetails ? 'list' : 'details' });
        case 'filter':
          return dispatch({ type: 'filterMode', editing: true });
        case 'rerun':
          return s.running ? undefined : start(s.chosen);
        case 'engines':
          if (!several)
            return showFlash(
              'only this engine: `docker context create NAME --docker host=…` adds others',
            );
          return dispatch({ type: 'pick' });
        case 'help':
          return onHelp();
        case 'back':
          if (focusDetails) return dispatch({ type: 'focus', focus: 'list' });
          if (s.filter.text) return dispatch({ type: 'filterMode', editing: false, clear: true });
          return onBack();
        case 'quit':
          return onQuit();
        case 'interrupt':
          return dispatch({ type: 'askQuit', ask: true });
      }
    },
    {
      isActive: isFocused && !s.askQuit,
      onUnknown: context === 'listFilter' ? undefined : (key) => showFlash(unknownKeyText(key)),
    },
  );

  function pickKey(action: string | undefined, times: number) {
    const under = choices[s.cursor]?.name ?? '';
    switch (action) {
      case 'up':
        return dispatch({ type: 'cursor', delta: -times, count: choices.length });
      case 'down':
        return dispatch({ type: 'cursor', delta: times, count: choices.length });
      case 'toggle':
        return dispatch({ type: 'toggle', name: under });
      case 'toggleAll':
        return dispatch({ type: 'toggleAll', names: choices.map((c) => c.name), under });
      case 'open':
        if (s.chosen.length === 0) return showFlash('select an engine first (Space)');
        dispatch({ type: 'picked' });
        // In the list's order, whatever order they were picked in.
        return start(choices.map((c) => c.name).filter((n) => s.chosen.includes(n)));
      case 'back':
        return report || s.error ? dispatch({ type: 'picked' }) : onBack();
      case 'help':
        return onHelp();
      case 'quit':
        return onQuit();
      case 'interrupt':
        return dispatch({ type: 'askQuit', ask: true });
    }
  }

  const status = s.picking
    ? 'Choose the engines: Space selects, a all, Enter audits.'
    : s.running
      ? `${spinner} Auditing every container ${s.chosen.length > 1 && several ? `on ${s.chosen.length} engines` : 'on this engine'} (read-only)…`
      : report
        ? summaryText(report)
        : s.error
          ? 'The audit did not run.'
          : '';
  const selRow = Math.max(
    0,
    rows.findIndex((r) => r.kind === 'finding' && r.index === s.selected),
  );
  const rowsHeight = listHeight - (filterShown ? 1 : 0);
  const top = windowTop(selRow, rows.length, rowsHeight);
  const visible = rows.slice(top, top + rowsHeight);
  const empty = report && findings.length === 0;
  const total = report?.findings.length ?? 0;

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        <Text color={tone('accent')}>WARDEN</Text>
        {truncate(` Audit${report && !s.picking ? ` · ${engineText(report)}` : ''}`, width - 6)}
      </Text>
      <Text color={s.running ? tone('running') : undefined} bold={!s.running} wrap="truncate">
        {truncate(status, width)}
      </Text>
      <Banner message={banner} width={width} />
      {s.picking ? (
        <EngineList
          choices={choices}
          chosen={s.chosen}
          cursor={s.cursor}
          width={width}
          height={body}
        />
      ) : report ? (
        <Box flexDirection={side ? 'row' : 'column'} height={body}>
          <Box flexDirection="column" width={listWidth} height={listHeight} overflow="hidden">
            {filterShown ? (
              <FilterLine
                filter={s.filter}
                shown={findings.length}
                total={total}
                width={listWidth}
                isFocused={isFocused && s.filter.editing}
                onChange={(text) => dispatch({ type: 'filterText', text })}
              />
            ) : null}
            {empty ? (
              <Text color={tone(s.filter.text ? 'muted' : 'ok')} wrap="truncate">
                {truncate(
                  s.filter.text
                    ? `no finding matches "${s.filter.text}"`
                    : report.targets.every(isHostTarget)
                      ? 'No containers on this engine.'
                      : 'No findings: every check passed.',
                  listWidth,
                )}
              </Text>
            ) : null}
            {visible.map((r, i) =>
              r.kind === 'severity' ? (
                <Text key={`s${top + i}`} color={tone(r.tone)} bold wrap="truncate">
                  {truncate(r.text, listWidth)}
                </Text>
              ) : r.kind === 'target' ? (
                <Text key={`t${top + i}`} color={tone('accent')} wrap="truncate">
                  {truncate(` ${r.text}`, listWidth)}
                </Text>
              ) : (
                <Text
                  key={`f${r.index}`}
                  inverse={r.index === s.selected && !focusDetails}
                  wrap="truncate"
                >
                  {truncate(`${r.index === s.selected ? '›' : ' '}  ${r.text}`, listWidth)}
                </Text>
              ),
            )}
          </Box>
          <DetailsPane
            side={side}
            screenWidth={width}
            lines={lines}
            height={detailHeight}
            width={detailWidth}
            scroll={s.scroll}
            focused={focusDetails}
          />
        </Box>
      ) : (
        <Box height={body} />
      )}
      <ScreenFooter
        context={context}
        askQuit={s.askQuit}
        flash={flash}
        width={width}
        isFocused={isFocused}
        onQuitAnswer={(yes) => (yes ? onQuit() : dispatch({ type: 'askQuit', ask: false }))}
      />
    </Box>
  );
}

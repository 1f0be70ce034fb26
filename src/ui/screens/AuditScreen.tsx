/**
 * "Audit this host": the full read-only audit of the live engine (every container, every check),
 * findings by severity then target, the selected finding's evidence and fix. `r` runs it again.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { AuditReport } from '../../audit/types.js';
import { errorMessage } from '../../errors.js';
import { Banner, bannerLines, type BannerMessage } from '../components/Banner.js';
import { Footer } from '../components/Footer.js';
import { ScrollView, maxScroll, pageSize, windowTop } from '../components/ScrollView.js';
import { useDeps } from '../hooks/useDeps.js';
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
import { SIDE_BY_SIDE } from './SessionScreen.js';

interface AuditState {
  running: boolean;
  report?: AuditReport;
  error?: string;
  selected: number;
  scroll: number;
}

type AuditEvent =
  | { type: 'start' }
  | { type: 'done'; report: AuditReport }
  | { type: 'error'; message: string }
  | { type: 'move'; delta: number; count: number }
  | { type: 'scroll'; delta: number; max: number };

function reducer(s: AuditState, e: AuditEvent): AuditState {
  switch (e.type) {
    case 'start':
      return { ...s, running: true, error: undefined };
    case 'done':
      return {
        ...s,
        running: false,
        report: e.report,
        error: undefined,
        selected: Math.min(s.selected, Math.max(0, e.report.findings.length - 1)),
        scroll: 0,
      };
    case 'error':
      return { ...s, running: false, error: e.message };
    case 'move': {
      const selected = Math.min(Math.max(0, s.selected + e.delta), Math.max(0, e.count - 1));
      return selected === s.selected ? s : { ...s, selected, scroll: 0 };
    }
    case 'scroll':
      return { ...s, scroll: Math.min(e.max, Math.max(0, s.scroll + e.delta)) };
  }
}

export interface AuditScreenProps {
  isFocused: boolean;
  onBack(): void;
  onQuit(): void;
  onHelp(): void;
}

export function AuditScreen({ isFocused, onBack, onQuit, onHelp }: AuditScreenProps) {
  const { ports, animate } = useDeps();
  const { columns, rows: termRows } = useTermSize();
  const [s, dispatch] = useReducer(reducer, { running: true, selected: 0, scroll: 0 });
  const spinner = useSpinner(animate && s.running);
  const current = useRef<AbortController | undefined>(undefined);

  const start = useCallback(() => {
    current.current?.abort();
    const ac = new AbortController();
    current.current = ac;
    dispatch({ type: 'start' });
    ports.audit(ac.signal).then(
      (report) => !ac.signal.aborted && dispatch({ type: 'done', report }),
      (err: unknown) =>
        !ac.signal.aborted && dispatch({ type: 'error', message: errorMessage(err) }),
    );
  }, [ports]);

  useEffect(() => {
    start();
    return () => current.current?.abort();
  }, [start]);

  const width = Math.max(20, columns);
  const height = Math.max(10, termRows - 1);
  const side = width >= SIDE_BY_SIDE;
  const listWidth = side ? Math.min(40, Math.floor(width * 0.4)) : width;
  const detailWidth = side ? width - listWidth - 2 : width;

  const report = s.report;
  const findings = report ? orderedFindings(report) : [];
  const rows: AuditRow[] = report ? auditRows(report) : [];
  const finding = findings[s.selected];
  const lines = finding ? findingLines(finding, detailWidth) : [];

  const banner: BannerMessage | undefined = s.error ? { tone: 'danger', text: s.error } : undefined;
  const chrome = 2 + bannerLines(banner, width).length + 1;
  const body = Math.max(3, height - chrome);
  const listHeight = side ? body : Math.min(rows.length || 1, Math.max(3, Math.floor(body * 0.4)));
  const detailHeight = side ? body : Math.max(1, body - listHeight - 1);
  const max = maxScroll(lines, detailHeight);

  useKeys(
    'audit',
    ({ action, times }) => {
      const page = pageSize(lines, detailHeight);
      switch (action) {
        case 'up':
          return dispatch({ type: 'move', delta: -times, count: findings.length });
        case 'down':
          return dispatch({ type: 'move', delta: times, count: findings.length });
        case 'scrollUp':
          return dispatch({ type: 'scroll', delta: -page * times, max });
        case 'scrollDown':
          return dispatch({ type: 'scroll', delta: page * times, max });
        case 'rerun':
          return s.running ? undefined : start();
        case 'help':
          return onHelp();
        case 'back':
          return onBack();
        case 'quit':
          return onQuit();
      }
    },
    { isActive: isFocused },
  );

  const status = s.running
    ? `${spinner} Auditing every container on this host (read-only)…`
    : report
      ? summaryText(report)
      : s.error
        ? 'The audit did not run.'
        : '';
  const selRow = Math.max(
    0,
    rows.findIndex((r) => r.kind === 'finding' && r.index === s.selected),
  );
  const top = windowTop(selRow, rows.length, listHeight);
  const visible = rows.slice(top, top + listHeight);
  const empty = report && findings.length === 0;

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        <Text color={tone('accent')}>WARDEN</Text>
        {truncate(` Audit this host${report ? ` · ${engineText(report)}` : ''}`, width - 6)}
      </Text>
      <Text color={s.running ? tone('running') : undefined} bold={!s.running} wrap="truncate">
        {truncate(status, width)}
      </Text>
      <Banner message={banner} width={width} />
      {report ? (
        <Box flexDirection={side ? 'row' : 'column'} height={body}>
          <Box flexDirection="column" width={listWidth} height={listHeight} overflow="hidden">
            {empty ? (
              <Text color={tone('ok')} wrap="truncate">
                {truncate(
                  report.targets.length === 0
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
                <Text key={`f${r.index}`} inverse={r.index === s.selected} wrap="truncate">
                  {truncate(`${r.index === s.selected ? '›' : ' '}  ${r.text}`, listWidth)}
                </Text>
              ),
            )}
          </Box>
          {side ? <Box width={2} /> : <Text color={tone('muted')}>{'─'.repeat(width)}</Text>}
          <ScrollView lines={lines} height={detailHeight} width={detailWidth} scroll={s.scroll} />
        </Box>
      ) : (
        <Box height={body} />
      )}
      <Footer contexts={['audit']} width={width} />
    </Box>
  );
}

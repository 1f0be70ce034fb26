/** The live session: steps by phase, the selected step's details, prompts, sign-off. */
import { Box, Text } from 'ink';
import { useReducer } from 'react';
import type { Session } from '../../engine/session.js';
import { nextStep } from '../../engine/reducer.js';
import { Banner, bannerLines, type BannerMessage } from '../components/Banner.js';
import { Footer } from '../components/Footer.js';
import { ScrollView, maxScroll, pageSize } from '../components/ScrollView.js';
import { StepList, listRows } from '../components/StepList.js';
import { ConfirmPrompt, PROMPT_LABEL_ROWS, TextPrompt } from '../components/TextPrompt.js';
import { detailLines } from '../detail.js';
import { useDeps } from '../hooks/useDeps.js';
import { useInterrupted } from '../hooks/useInterrupted.js';
import { useKeys } from '../hooks/useKeys.js';
import { useSessionState } from '../hooks/useSession.js';
import { DEFAULT_STATEMENT, useSessionControls } from '../hooks/useSessionControls.js';
import { useSpinner } from '../hooks/useSpinner.js';
import { useTermSize } from '../hooks/useTermSize.js';
import { tone } from '../theme.js';
import { truncate, wrapExact, wrapText } from '../text.js';
import {
  failedSteps,
  failedSummary,
  initialScreen,
  promptLabel,
  screenReducer,
} from './sessionModel.js';

/** Columns from which list and details sit side by side. */
export const SIDE_BY_SIDE = 72;

/** Rows kept for a text prompt's field: a note longer than a row wraps instead of overflowing. */
const PROMPT_FIELD_ROWS = 2;

export interface SessionScreenProps {
  session: Session;
  isFocused: boolean;
  onBack(): void;
  onQuit(): void;
  onHelp(): void;
}

export function SessionScreen({ session, isFocused, onBack, onQuit, onHelp }: SessionScreenProps) {
  const state = useSessionState(session);
  const { ports, animate } = useDeps();
  const { columns, rows } = useTermSize();
  const [ui, dispatch] = useReducer(screenReducer, undefined, () =>
    initialScreen(nextStep(session.state) ?? session.state.order[0], session.entries),
  );
  const controls = useSessionControls(session, dispatch, onQuit);
  const anyRunning = state.order.some((id) => state.steps[id]?.status === 'running');
  const spinner = useSpinner(animate && anyRunning);

  const width = Math.max(20, columns);
  const height = Math.max(10, rows - 1);
  const side = width >= SIDE_BY_SIDE;
  const listWidth = side ? Math.min(40, Math.floor(width * 0.4)) : width;
  const detailWidth = side ? width - listWidth - 2 : width;

  const selected = ui.selected ?? state.order[0];
  const step = selected ? session.step(selected) : undefined;
  const blockers = selected ? session.blockers(selected) : [];
  const interrupted = useInterrupted(session, state, selected, ui.interrupted, dispatch);
  const lines = step
    ? detailLines({
        state,
        step,
        blockers,
        safety:
          step.type === 'action'
            ? session.safetyBlocker(step.action ?? '', session.params(step))
            : undefined,
        argv: step.type === 'command' ? session.argv(step) : undefined,
        live: ui.live[step.id],
        interrupted,
        width: detailWidth,
      })
    : [];

  const resolved = state.phases.reduce((n, p) => n + p.resolved, 0);
  const total = state.phases.reduce((n, p) => n + p.total, 0);
  const lastSignoff = state.signoffs.at(-1);
  const failed = failedSteps(state);
  const banner: BannerMessage | undefined =
    ui.banner ??
    (state.status === 'ready-to-sign'
      ? failed.length > 0
        ? {
            tone: 'warn',
            text: `All steps resolved — ${failedSummary(failed)} — press S to sign off`,
          }
        : { tone: 'ok', text: 'All steps resolved — press S to sign off' }
      : undefined);
  // The hash and the path are copied into tickets: never cut, wrapped onto rows of their own.
  const signedLines: { text: string; bold: boolean }[] =
    state.status === 'signed' && lastSignoff
      ? [
          ...wrapText(
            `✓ SIGNED by ${lastSignoff.signer} — head hash (paste into the ticket):`,
            width,
          ).map((text) => ({ text, bold: true })),
          ...wrapExact(lastSignoff.hash, width).map((text) => ({ text, bold: true })),
          ...wrapExact(session.journalPath, width, 'journal: ').map((text) => ({
            text,
            bold: false,
          })),
        ]
      : [];
  // The session id is copied too (`warden verify <id>`): on a row of its own when it does not fit.
  const headTail = ` ${state.runbook.title} · ${resolved}/${total}`;
  const headOneLine = 6 + headTail.length + ` · session ${state.id}`.length <= width;
  const headerLines = headOneLine ? [] : wrapExact(state.id, width, 'session ');
  const prompt = ui.prompt;
  const promptRows = prompt
    ? Math.min(
        2,
        wrapText(
          promptLabel(prompt) + (prompt.kind === 'yes' || prompt.kind === 'quit' ? ' [y/N]' : ''),
          width,
        ).length,
      ) +
      (prompt.kind === 'yes' || prompt.kind === 'quit' ? 0 : PROMPT_FIELD_ROWS) +
      (ui.promptError ? 1 : 0)
    : 0;
  const chrome =
    2 +
    headerLines.length +
    bannerLines(banner, width).length +
    signedLines.length +
    promptRows +
    1;
  const body = Math.max(3, height - chrome);
  const rowsOfList = listRows(state, (id) => session.blockers(id).length > 0, spinner);
  const listHeight = side
    ? body
    : Math.min(rowsOfList.length, Math.max(3, Math.floor(body * 0.4)), body - 3);
  const detailHeight = side ? body : body - listHeight - 1;
  const max = maxScroll(lines, detailHeight);

  useKeys(
    'session',
    ({ action, times, key }) => {
      const order = state.order;
      const page = pageSize(lines, detailHeight);
      switch (action) {
        case 'up':
          return dispatch({ type: 'move', delta: -times, order });
        case 'down':
          return dispatch({ type: 'move', delta: times, order });
        case 'scrollUp':
          return dispatch({ type: 'scroll', delta: -page * times, max });
        case 'scrollDown':
          return dispatch({ type: 'scroll', delta: page * times, max });
        case 'help':
          return onHelp();
        case 'signoff':
          return controls.startSignOff();
        case 'sessionNote':
          return dispatch({ type: 'prompt', prompt: { kind: 'sessionNote' } });
        case 'cancel':
          if (controls.cancelRuns(selected)) {
            return dispatch({ type: 'banner', banner: { tone: 'warn', text: 'cancelling…' } });
          }
          if (key.ctrl) return onQuit();
          return dispatch({ type: 'banner', banner: { tone: 'info', text: 'nothing is running' } });
        case 'quit':
          return controls.isRunning()
            ? dispatch({ type: 'prompt', prompt: { kind: 'quit' } })
            : onQuit();
        case 'back':
          if (controls.isRunning()) {
            return dispatch({
              type: 'banner',
              banner: {
                tone: 'warn',
                text: 'a step is running — c cancels it, then Esc goes back',
              },
            });
          }
          return onBack();
      }
      if (!selected || !step) return;
      switch (action) {
        case 'run':
          return controls.begin(selected, 'run');
        case 'rerun':
          return controls.begin(selected, 'run', true);
        case 'dryRun':
          return controls.dryRun(selected);
        case 'done':
          return controls.begin(selected, 'done');
        case 'skip':
        case 'fail':
        case 'note':
          return dispatch({
            type: 'prompt',
            prompt: { kind: 'reason', purpose: action, stepId: selected },
          });
        case 'override':
          if (blockers.length === 0) {
            return dispatch({
              type: 'banner',
              banner: { tone: 'info', text: 'this step is not blocked' },
            });
          }
          return dispatch({
            type: 'prompt',
            prompt: { kind: 'reason', purpose: 'override', stepId: selected, blockers },
          });
        case 'reopen':
          return void session.reopen(selected).catch((err: unknown) =>
            dispatch({
              type: 'banner',
              banner: { tone: 'danger', text: (err as Error).message },
            }),
          );
      }
    },
    { isActive: isFocused && !prompt },
  );

  const phaseBar = state.phases.map((p) => `${p.title} ${p.resolved}/${p.total}`).join(' │ ');

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        <Text color={tone('accent')}>WARDEN</Text>
        {headOneLine
          ? ` ${state.runbook.title} · ${resolved}/${total} · session ${state.id}`
          : truncate(headTail, width - 6)}
      </Text>
      {headerLines.map((l, i) => (
        <Text key={i} color={tone('muted')} wrap="truncate">
          {l}
        </Text>
      ))}
      <Text color={tone('muted')} wrap="truncate">
        {truncate(phaseBar, width)}
      </Text>
      <Banner message={banner} width={width} />
      {signedLines.map((l, i) => (
        <Text key={i} color={tone('ok')} bold={l.bold} wrap="truncate">
          {l.text}
        </Text>
      ))}
      <Box flexDirection={side ? 'row' : 'column'} height={body}>
        <StepList rows={rowsOfList} selectedId={selected} height={listHeight} width={listWidth} />
        {side ? <Box width={2} /> : <Text color={tone('muted')}>{'─'.repeat(width)}</Text>}
        <ScrollView lines={lines} height={detailHeight} width={detailWidth} scroll={ui.scroll} />
      </Box>
      {prompt && (prompt.kind === 'yes' || prompt.kind === 'quit') ? (
        <ConfirmPrompt
          question={promptLabel(prompt)}
          width={width}
          isFocused={isFocused}
          onAnswer={(yes) => controls.answer(prompt, yes)}
        />
      ) : prompt ? (
        <TextPrompt
          key={ui.promptSeq}
          label={promptLabel(prompt)}
          initial={
            prompt.kind === 'signer'
              ? ports.operator()
              : prompt.kind === 'statement'
                ? DEFAULT_STATEMENT
                : ''
          }
          error={ui.promptError}
          clearOnSubmit={prompt.kind === 'typed'}
          width={width}
          fieldRows={PROMPT_FIELD_ROWS}
          isFocused={isFocused}
          onSubmit={(v) => void controls.submit(prompt, v)}
          onCancel={() => dispatch({ type: 'closePrompt' })}
        />
      ) : null}
      <Footer
        contexts={
          prompt
            ? prompt.kind === 'yes' || prompt.kind === 'quit'
              ? ['confirm']
              : ['prompt']
            : ['session']
        }
        width={width}
        extra={!prompt && state.status === 'ready-to-sign' ? ['S sign off'] : []}
      />
    </Box>
  );
}

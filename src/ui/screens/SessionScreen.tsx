/**
 * The live session: header, steps by phase beside (or above) the selected step's details, the
 * sign-off review, prompts, and a footer of the keys that work now. Keys: useSessionKeys;
 * intents: useSessionControls; sizes: sessionLayout.
 */
import { Box } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef } from 'react';
import { nextStep } from '../../engine/reducer.js';
import type { Session } from '../../engine/session.js';
import { staleSteps } from '../../engine/staleness.js';
import { ContainerPicker } from '../components/ContainerPicker.js';
import { DetailsPane } from '../components/DetailsPane.js';
import { FilterLine } from '../components/FilterLine.js';
import { Footer } from '../components/Footer.js';
import { ScrollView } from '../components/ScrollView.js';
import { SessionHeader, headerModel, headerRows } from '../components/SessionHeader.js';
import { SessionPrompt, promptRows } from '../components/SessionPrompt.js';
import { StepList, listLineCount, listRows } from '../components/StepList.js';
import { detailLines } from '../detail.js';
import { useDeps } from '../hooks/useDeps.js';
import { useFlash } from '../hooks/useFlash.js';
import { useInterrupted } from '../hooks/useInterrupted.js';
import { useLiveContainers } from '../hooks/useLiveContainers.js';
import { useNow } from '../hooks/useNow.js';
import { useSessionState } from '../hooks/useSession.js';
import { useSessionControls } from '../hooks/useSessionControls.js';
import { useSessionKeys } from '../hooks/useSessionKeys.js';
import { useSignoffTrust } from '../hooks/useSignoffTrust.js';
import { useSpinner } from '../hooks/useSpinner.js';
import { useTermSize } from '../hooks/useTermSize.js';
import type { KeyContext } from '../keymap.js';
import { signoffLines } from '../signoffReview.js';
import { sessionBanner, sessionLayout } from './sessionLayout.js';
import { initialScreen, screenReducer } from './sessionModel.js';
import { nextOpenStep, visibleSteps } from './sessionNav.js';

/** Columns from which list and details sit side by side. */
export { SIDE_BY_SIDE } from './sessionLayout.js';

export interface SessionScreenProps {
  session: Session;
  isFocused: boolean;
  onBack(): void;
  onQuit(): void;
  onHelp(): void;
}

export function SessionScreen({ session, isFocused, onBack, onQuit, onHelp }: SessionScreenProps) {
  const state = useSessionState(session);
  const { animate } = useDeps();
  const term = useTermSize();
  const [ui, dispatch] = useReducer(screenReducer, undefined, () =>
    initialScreen(nextStep(session.state) ?? session.state.order[0], session.entries),
  );
  const visible = visibleSteps(state, ui.filter.text);
  const shown = useRef(visible);
  useLayoutEffect(() => {
    shown.current = visible;
  });
  // After d/s/f: on to the next open step of the list as it is shown.
  const onResolved = useCallback(
    (id: string) =>
      dispatch({ type: 'advance', from: id, to: nextOpenStep(session.state, shown.current, id) }),
    [session],
  );
  const controls = useSessionControls(session, dispatch, onQuit, onResolved);
  const running = state.order.some((id) => state.steps[id]?.status === 'running');
  const spinner = useSpinner(animate && running);
  const now = useNow(running);
  const [flash, showFlash] = useFlash();

  // Whether recorded verdicts still describe the engine: read again after every run.
  const { live, refresh } = useLiveContainers();
  const runsSoFar = state.order.reduce((n, id) => n + (state.steps[id]?.results.length ?? 0), 0);
  useEffect(() => {
    if (runsSoFar > 0) refresh();
  }, [runsSoFar, refresh]);
  const stale = live ? staleSteps(state, live) : {};
  const staleIds = new Set(Object.keys(stale));

  const selected =
    ui.selected !== undefined && visible.includes(ui.selected) ? ui.selected : visible[0];
  const step = selected ? session.step(selected) : undefined;
  const blockers = selected ? session.blockers(selected) : [];
  const interrupted = useInterrupted(session, state, selected, ui.interrupted, dispatch);
  const prompt = ui.prompt;
  const signing = prompt?.kind === 'signer' || prompt?.kind === 'statement';
  const picking = prompt?.kind === 'replacement' ? prompt : undefined;

  const banner = sessionBanner(state, ui);
  const trust = useSignoffTrust(state);
  const header = headerModel(state, Math.max(20, term.columns), session.journalPath, trust);
  const rows = listRows({
    state,
    visible,
    blocked: (id) => session.blockers(id).length > 0,
    stale: staleIds,
    spinner,
  });
  const filterShown = ui.filter.editing || ui.filter.text !== '';
  const layout = sessionLayout({
    term,
    chrome: (w) => headerRows(header, banner, w) + promptRows(prompt, ui.promptError, w) + 1,
    titles: rows.map((r) => (r.kind === 'step' ? r.title + (r.stale ? ' · stale' : '') : '')),
    listLines: (w) => listLineCount(rows, w) + (filterShown ? 1 : 0),
  });
  const { width, side, listWidth, detailWidth, body, listHeight, detailHeight } = layout;
  const lines = signing
    ? signoffLines(state, stale, width)
    : step
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
          progress: ui.progress[step.id],
          interrupted,
          stale: selected ? stale[selected] : undefined,
          now,
          width: detailWidth,
        })
      : [];
  const detailsFocused = ui.focus === 'details' && !signing;

  const context: KeyContext = ui.filter.editing
    ? 'listFilter'
    : detailsFocused
      ? 'details'
      : running
        ? 'running'
        : 'session';
  useSessionKeys({
    session,
    ui,
    dispatch,
    controls,
    context,
    visible,
    selected,
    lines,
    detailHeight: signing ? body : detailHeight,
    isActive: isFocused && !prompt,
    onBack,
    onQuit,
    onHelp,
    flash: showFlash,
  });

  const footerContexts: KeyContext[] = prompt
    ? [
        prompt.kind === 'quit' && prompt.idle
          ? 'quitConfirm'
          : prompt.kind === 'yes' || prompt.kind === 'quit'
            ? 'confirm'
            : 'prompt',
      ]
    : [context];

  return (
    <Box flexDirection="column" width={width} height={layout.height} overflow="hidden">
      <SessionHeader model={header} banner={banner} sessionId={state.id} width={width} />
      {picking ? (
        <ContainerPicker
          input={{
            ...(state.runbook.inputs.find((i) => i.id === picking.input) ?? {
              id: picking.input,
              title: picking.input,
              type: 'container',
            }),
            required: true,
          }}
          label={picking.message}
          initial={picking.preselect ?? ''}
          width={width}
          height={body}
          isFocused={isFocused}
          onSubmit={(name, row) =>
            row
              ? void controls.replaceTarget(picking.stepId, {
                  id: row.id,
                  name: row.name,
                  ...(row.image ? { image: row.image } : {}),
                })
              : dispatch({
                  type: 'banner',
                  banner: {
                    tone: 'danger',
                    text: `no container "${name}" on the engine: pick one from the list (Tab)`,
                  },
                })
          }
          onCancel={() => dispatch({ type: 'closePrompt' })}
        />
      ) : signing ? (
        <ScrollView lines={lines} height={body} width={width} scroll={ui.scroll} />
      ) : (
        <Box flexDirection={side ? 'row' : 'column'} height={body}>
          <Box flexDirection="column" width={listWidth} height={listHeight}>
            {filterShown ? (
              <FilterLine
                filter={ui.filter}
                shown={visible.length}
                total={state.order.length}
                width={listWidth}
                isFocused={isFocused && ui.filter.editing}
                onChange={(text) =>
                  dispatch({ type: 'filterText', text, order: visibleSteps(session.state, text) })
                }
              />
            ) : null}
            <StepList
              rows={rows}
              selectedId={selected}
              height={listHeight - (filterShown ? 1 : 0)}
              width={listWidth}
              focused={!detailsFocused}
            />
          </Box>
          <DetailsPane
            side={side}
            screenWidth={width}
            lines={lines}
            height={detailHeight}
            width={detailWidth}
            scroll={ui.scroll}
            focused={detailsFocused}
          />
        </Box>
      )}
      <SessionPrompt
        prompt={prompt}
        promptSeq={ui.promptSeq}
        error={ui.promptError}
        width={width}
        isFocused={isFocused}
        controls={controls}
        onCancel={() => dispatch({ type: 'closePrompt' })}
      />
      {picking ? null : (
        <Footer
          contexts={footerContexts}
          width={width}
          flash={prompt ? undefined : flash}
          extra={
            !prompt && context === 'session' && state.status === 'ready-to-sign'
              ? ['S sign off']
              : []
          }
        />
      )}
    </Box>
  );
}

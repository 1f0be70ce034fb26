/**
 * What each key does on the session screen, by context: the step list (idle or while a step
 * runs), the details pane after Tab, the list filter after `/`. The meanings come from the keymap.
 */
import type { Dispatch } from 'react';
import type { Session } from '../../engine/session.js';
import type { KeyContext } from '../keymap.js';
import type { Planned } from '../chunk.js';
import { filterKey } from '../filter.js';
import { maxScroll, pageSize } from '../components/ScrollView.js';
import type { Line } from '../text.js';
import type { ScreenEvent, ScreenState } from '../screens/sessionModel.js';
import { nextOpenStep } from '../screens/sessionNav.js';
import type { SessionControls } from './useSessionControls.js';
import { useKeys } from './useKeys.js';
import { unknownKeyText } from './useFlash.js';

export interface SessionKeysInput {
  session: Session;
  ui: ScreenState;
  dispatch: Dispatch<ScreenEvent>;
  controls: SessionControls;
  context: KeyContext;
  /** The steps the list shows (after the filter). */
  visible: readonly string[];
  selected: string | undefined;
  lines: readonly Line[];
  detailHeight: number;
  isActive: boolean;
  onBack(): void;
  onQuit(): void;
  onHelp(): void;
  flash(text: string): void;
}

export function useSessionKeys(k: SessionKeysInput): void {
  const { session, ui, dispatch, controls, visible, selected, lines, detailHeight } = k;
  const max = maxScroll(lines, detailHeight);
  const page = pageSize(lines, detailHeight);

  const common = ({ action, key }: Planned): boolean => {
    switch (action) {
      case 'help':
        k.onHelp();
        return true;
      case 'quit':
        if (controls.isRunning()) dispatch({ type: 'prompt', prompt: { kind: 'quit' } });
        else k.onQuit();
        return true;
      case 'interrupt':
        if (controls.cancelRuns(selected)) return true;
        dispatch({ type: 'prompt', prompt: { kind: 'quit', idle: true } });
        return true;
      case 'cancel':
        if (!controls.cancelRuns(selected))
          dispatch({ type: 'banner', banner: { tone: 'info', text: 'nothing is running' } });
        return true;
      case 'scrollUp':
        dispatch({ type: 'scroll', delta: -page, max });
        return true;
      case 'scrollDown':
        dispatch({ type: 'scroll', delta: page, max });
        return true;
      case 'focus':
        dispatch({ type: 'focus', focus: ui.focus === 'list' ? 'details' : 'list' });
        return true;
    }
    void key;
    return false;
  };

  const onDetails = (p: Planned) => {
    const { action, times } = p;
    switch (action) {
      case 'up':
        return dispatch({ type: 'scroll', delta: -times, max });
      case 'down':
        return dispatch({ type: 'scroll', delta: times, max });
      case 'first':
        return dispatch({ type: 'scroll', delta: -max, max });
      case 'last':
        return dispatch({ type: 'scroll', delta: max, max });
      case 'back':
        return dispatch({ type: 'focus', focus: 'list' });
    }
    common(p);
  };

  const onFilter = (p: Planned) =>
    filterKey(p, {
      move: (delta) => dispatch({ type: 'move', delta, order: visible }),
      keep: () => dispatch({ type: 'filterMode', editing: false }),
      clear: () => dispatch({ type: 'filterMode', editing: false, clear: true }),
    });

  const onList = (p: Planned) => {
    const { action, times } = p;
    const move = (to: string | undefined) => to && dispatch({ type: 'select', stepId: to });
    switch (action) {
      case 'up':
        return dispatch({ type: 'move', delta: -times, order: visible });
      case 'down':
        return dispatch({ type: 'move', delta: times, order: visible });
      case 'first':
        return move(visible[0]);
      case 'last':
        return move(visible.at(-1));
      case 'nextOpen':
      case 'prevOpen': {
        let at = selected;
        for (let i = 0; i < times; i++)
          at = nextOpenStep(session.state, visible, at, action === 'nextOpen' ? 1 : -1) ?? at;
        if (at === selected)
          return dispatch({ type: 'banner', banner: { tone: 'info', text: 'no other open step' } });
        return move(at);
      }
      case 'filter':
        return dispatch({ type: 'filterMode', editing: true });
      case 'back':
        if (ui.filter.text) return dispatch({ type: 'filterMode', editing: false, clear: true });
        if (controls.isRunning())
          return dispatch({
            type: 'banner',
            banner: { tone: 'warn', text: 'a step is running — c cancels it, then Esc goes back' },
          });
        return k.onBack();
      case 'signoff':
        return controls.startSignOff();
      case 'sessionNote':
        return dispatch({ type: 'prompt', prompt: { kind: 'sessionNote' } });
      case 'runAll':
        return controls.runAll();
      case 'incidentStart':
        return controls.askIncidentStart();
    }
    if (common(p) || !selected) return;
    switch (action) {
      case 'run':
        return controls.begin(selected, 'run');
      case 'rerun':
        return controls.begin(selected, 'run', true);
      case 'dryRun':
        return controls.dryRun(selected);
      case 'done':
        return controls.begin(selected, 'done');
      case 'note':
        return controls.note(selected);
      case 'skip':
      case 'fail':
        return dispatch({
          type: 'prompt',
          prompt: { kind: 'reason', purpose: action, stepId: selected },
        });
      case 'override': {
        const blockers = session.blockers(selected);
        if (blockers.length === 0)
          return dispatch({
            type: 'banner',
            banner: { tone: 'info', text: 'this step is not blocked' },
          });
        return dispatch({
          type: 'prompt',
          prompt: { kind: 'reason', purpose: 'override', stepId: selected, blockers },
        });
      }
      case 'reopen':
        return void session
          .reopen(selected)
          .catch((err: unknown) =>
            dispatch({ type: 'banner', banner: { tone: 'danger', text: (err as Error).message } }),
          );
    }
  };

  useKeys(
    k.context,
    (p) =>
      k.context === 'details' ? onDetails(p) : k.context === 'listFilter' ? onFilter(p) : onList(p),
    {
      isActive: k.isActive,
      onUnknown: k.context === 'listFilter' ? undefined : (key) => k.flash(unknownKeyText(key)),
    },
  );
}

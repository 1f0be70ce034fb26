/**
 * The root: routes between home, runbook inputs, session, audit and the help overlay. The one
 * place that calls exit(); opening and closing sessions happen here so the lock is always released.
 */
import { Box, useApp } from 'ink';
import { Text } from './components/Text.js';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { Session } from '../engine/session.js';
import type { LoadedRunbook } from '../runbook/types.js';
import type { BannerMessage } from './components/Banner.js';
import { useDeps, type HomeData } from './hooks/useDeps.js';
import { bannerFor } from './hooks/useSessionControls.js';
import { AuditScreen } from './screens/AuditScreen.js';
import { HelpScreen } from './screens/HelpScreen.js';
import { HomeScreen } from './screens/HomeScreen.js';
import type { HomeItem } from './screens/homeModel.js';
import { InputsScreen } from './screens/InputsScreen.js';
import { SessionScreen } from './screens/SessionScreen.js';
import { tone } from './theme.js';

export type TuiStart =
  /** `preload`: runbooks and sessions read while the UI loaded, so the first frame has them. */
  | { kind: 'home'; preload?: HomeData }
  | { kind: 'run'; loaded: LoadedRunbook; inputs: Record<string, string> }
  | { kind: 'resume'; sessionId: string };

/** Where the open session lives so the entry can close it after exit. */
export interface SessionHolder {
  current?: Session;
}

type Route =
  | {
      screen: 'home';
      notice?: BannerMessage;
      seq: number;
      /** The session just left: the cursor starts on it. */
      focus?: string;
      initial?: HomeData;
    }
  | { screen: 'inputs'; loaded: LoadedRunbook; given: Record<string, string> }
  | { screen: 'busy'; text: string }
  | { screen: 'session'; session: Session }
  | { screen: 'audit' };

interface RootState {
  route: Route;
  help: boolean;
  homeSeq: number;
}

type RootEvent =
  | { type: 'go'; route: Route }
  | { type: 'home'; notice?: BannerMessage; focus?: string; initial?: HomeData }
  | { type: 'help'; open: boolean };

function reducer(s: RootState, e: RootEvent): RootState {
  switch (e.type) {
    case 'go':
      return { ...s, route: e.route, help: false };
    case 'home':
      return {
        ...s,
        route: {
          screen: 'home',
          notice: e.notice,
          seq: s.homeSeq + 1,
          focus: e.focus,
          initial: e.initial,
        },
        homeSeq: s.homeSeq + 1,
        help: false,
      };
    case 'help':
      return { ...s, help: e.open };
  }
}

function needsForm(loaded: LoadedRunbook, given: Record<string, string>): boolean {
  return loaded.runbook.inputs.some((i) => i.required && !(given[i.id] ?? i.default));
}

export function App({ start, holder }: { start: TuiStart; holder: SessionHolder }) {
  const { exit } = useApp();
  const { ports } = useDeps();
  const [s, dispatch] = useReducer(reducer, {
    // The home screen draws at once; other starts show what they wait for.
    route:
      start.kind === 'home'
        ? { screen: 'home', seq: 0, initial: start.preload }
        : { screen: 'busy', text: 'Starting…' },
    help: false,
    homeSeq: 0,
  });

  const open = useCallback(
    async (how: () => Promise<Session>, what: string) => {
      dispatch({ type: 'go', route: { screen: 'busy', text: what } });
      try {
        const session = await how();
        holder.current = session;
        dispatch({ type: 'go', route: { screen: 'session', session } });
      } catch (err) {
        dispatch({ type: 'home', notice: bannerFor(err) });
      }
    },
    [holder],
  );

  const startRunbook = useCallback(
    (loaded: LoadedRunbook, inputs: Record<string, string>) =>
      open(
        () => Session.start(ports.sessionDeps(), loaded, inputs, ports.operator()),
        `Starting ${loaded.runbook.title}…`,
      ),
    [open, ports],
  );

  const choose = useCallback(
    (item: HomeItem) => {
      if (item.kind === 'audit') return dispatch({ type: 'go', route: { screen: 'audit' } });
      if (item.kind === 'resume') {
        const id = item.row.id;
        return void open(
          () => Session.resume(ports.sessionDeps(), id, ports.operator()),
          `Resuming ${id}…`,
        );
      }
      if (item.loaded.runbook.inputs.length > 0) {
        return dispatch({
          type: 'go',
          route: { screen: 'inputs', loaded: item.loaded, given: {} },
        });
      }
      void startRunbook(item.loaded, {});
    },
    [open, ports, startRunbook],
  );

  const closeSession = useCallback(async () => {
    const session = holder.current;
    holder.current = undefined;
    dispatch({ type: 'go', route: { screen: 'busy', text: 'Closing the session…' } });
    try {
      await session?.close();
      dispatch({ type: 'home', focus: session?.id });
    } catch (err) {
      dispatch({ type: 'home', notice: bannerFor(err), focus: session?.id });
    }
  }, [holder]);

  const quit = useCallback(() => exit(), [exit]);
  const openHelp = useCallback(() => dispatch({ type: 'help', open: true }), []);

  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (start.kind === 'home') return;
    if (start.kind === 'resume')
      void open(
        () => Session.resume(ports.sessionDeps(), start.sessionId, ports.operator()),
        `Resuming ${start.sessionId}…`,
      );
    else if (needsForm(start.loaded, start.inputs))
      dispatch({
        type: 'go',
        route: { screen: 'inputs', loaded: start.loaded, given: start.inputs },
      });
    else void startRunbook(start.loaded, start.inputs);
  }, [start, open, ports, startRunbook]);

  const r = s.route;
  const focused = !s.help;
  return (
    <Box flexDirection="column">
      <Box display={s.help ? 'none' : 'flex'} flexDirection="column">
        {r.screen === 'home' ? (
          <HomeScreen
            key={r.seq}
            isFocused={focused}
            notice={r.notice}
            initial={r.initial}
            focusSession={r.focus}
            onOpen={choose}
            onQuit={quit}
            onHelp={openHelp}
          />
        ) : r.screen === 'inputs' ? (
          <InputsScreen
            loaded={r.loaded}
            given={r.given}
            isFocused={focused}
            onStart={(inputs) => void startRunbook(r.loaded, inputs)}
            onCancel={() => dispatch({ type: 'home' })}
          />
        ) : r.screen === 'session' ? (
          <SessionScreen
            key={r.session.id}
            session={r.session}
            isFocused={focused}
            onBack={() => void closeSession()}
            onQuit={quit}
            onHelp={openHelp}
          />
        ) : r.screen === 'audit' ? (
          <AuditScreen
            isFocused={focused}
            onBack={() => dispatch({ type: 'home' })}
            onQuit={quit}
            onHelp={openHelp}
          />
        ) : (
          <Text color={tone('muted')}>{r.text}</Text>
        )}
      </Box>
      {s.help ? (
        <HelpScreen isFocused onClose={() => dispatch({ type: 'help', open: false })} />
      ) : null}
    </Box>
  );
}

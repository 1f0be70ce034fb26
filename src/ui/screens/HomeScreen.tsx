/**
 * Home: sessions to resume, runbooks by kind, the host audit, recently signed sessions. Drawn at
 * once from disk (runbooks and sessions); the engine line fills in afterwards, with a spinner
 * while it waits.
 */
import { Box } from 'ink';
import { Text } from '../components/Text.js';
import { useEffect, useReducer } from 'react';
import { errorMessage } from '../../errors.js';
import { Banner, bannerLines, type BannerMessage } from '../components/Banner.js';
import { EngineLine, type EngineState } from '../components/EngineLine.js';
import { FilterLine } from '../components/FilterLine.js';
import { ScreenFooter } from '../components/ScreenFooter.js';
import { useDeps, type HomeData } from '../hooks/useDeps.js';
import { unknownKeyText, useFlash } from '../hooks/useFlash.js';
import { useKeys } from '../hooks/useKeys.js';
import { useTermSize } from '../hooks/useTermSize.js';
import type { KeyContext } from '../keymap.js';
import { tone } from '../theme.js';
import { truncate } from '../text.js';
import { homeRows, items, type HomeItem, type HomeRow } from './homeModel.js';
import {
  changeFilter,
  filterKey,
  NO_FILTER,
  type FilterChange,
  type ListFilter,
} from '../filter.js';

interface HomeState {
  data?: HomeData;
  error?: string;
  /** The selected item's key (stays on it when the list changes). */
  selected?: string;
  filter: ListFilter;
  engine: EngineState;
  askQuit: boolean;
}

type HomeEvent =
  | { type: 'loaded'; data: HomeData }
  | { type: 'error'; message: string }
  | { type: 'select'; key: string | undefined }
  | FilterChange
  | { type: 'engine'; engine: EngineState }
  | { type: 'askQuit'; ask: boolean };

function reducer(s: HomeState, e: HomeEvent): HomeState {
  switch (e.type) {
    case 'loaded':
      return { ...s, data: e.data, error: undefined };
    case 'error':
      return { ...s, error: e.message };
    case 'select':
      return { ...s, selected: e.key };
    case 'filterText':
    case 'filterMode':
      return { ...s, filter: changeFilter(s.filter, e) };
    case 'engine':
      return { ...s, engine: e.engine };
    case 'askQuit':
      return { ...s, askQuit: e.ask };
  }
}

export interface HomeScreenProps {
  isFocused: boolean;
  notice?: BannerMessage;
  /** Runbooks and sessions already read (the first screen draws with them at once). */
  initial?: HomeData;
  /** The session just left: the cursor starts on it. */
  focusSession?: string;
  onOpen(item: HomeItem): void;
  onQuit(): void;
  onHelp(): void;
}

interface Drawn {
  key: string;
  text: string;
  row: HomeRow;
  item?: string;
}

function drawnLines(rows: readonly HomeRow[]): Drawn[] {
  return rows.flatMap((r, i): Drawn[] =>
    r.kind === 'heading'
      ? [{ key: `h${i}`, text: r.text, row: r }]
      : r.lines.map((text, j) => ({
          key: `${i}-${j}`,
          text,
          row: r,
          ...(r.kind === 'item' ? { item: r.key } : {}),
        })),
  );
}

export function HomeScreen(props: HomeScreenProps) {
  const { isFocused, notice, initial, focusSession, onOpen, onQuit, onHelp } = props;
  const { ports, animate } = useDeps();
  const { columns, rows: termRows } = useTermSize();
  const [s, dispatch] = useReducer(reducer, {
    data: initial,
    selected: focusSession ? `session:${focusSession}` : undefined,
    filter: NO_FILTER,
    engine: { state: 'loading' },
    askQuit: false,
  });
  const [flash, showFlash] = useFlash();

  useEffect(() => {
    let live = true;
    if (!initial)
      Promise.all([ports.catalog(), ports.sessions()])
        .then(
          ([catalog, sessions]) =>
            live && dispatch({ type: 'loaded', data: { catalog, sessions } }),
        )
        .catch((err: unknown) => live && dispatch({ type: 'error', message: errorMessage(err) }));
    ports.engine().then(
      (view) => live && dispatch({ type: 'engine', engine: { state: 'ok', view } }),
      (err: unknown) =>
        live &&
        dispatch({ type: 'engine', engine: { state: 'error', message: errorMessage(err) } }),
    );
    return () => {
      live = false;
    };
  }, [ports, initial]);

  const live = s.engine.state === 'ok' ? s.engine.view.containers : undefined;
  const rows = s.data
    ? homeRows(s.data.catalog, s.data.sessions, { filter: s.filter.text, live })
    : [];
  const list = items(rows);
  const keys = list.map((x) => x.key);
  const selected = s.selected && keys.includes(s.selected) ? s.selected : keys[0];
  const at = selected ? keys.indexOf(selected) : -1;
  const width = Math.max(20, columns);
  const height = Math.max(8, termRows - 1);
  const banner: BannerMessage | undefined = s.error
    ? { tone: 'danger', text: `could not list runbooks or sessions: ${s.error}` }
    : notice;
  const filterShown = s.filter.editing || s.filter.text !== '';
  const listHeight = Math.max(
    3,
    height -
      2 -
      bannerLines(banner, width).length -
      1 -
      (filterShown ? 1 : 0) -
      (s.askQuit ? 1 : 0),
  );
  const context: KeyContext = s.filter.editing ? 'listFilter' : 'home';

  useKeys(
    context,
    (p) => {
      const { action, times } = p;
      const move = (i: number) =>
        dispatch({ type: 'select', key: keys[Math.max(0, Math.min(keys.length - 1, i))] });
      if (context === 'listFilter')
        return filterKey(p, {
          move: (d) => move(at + d),
          keep: () => dispatch({ type: 'filterMode', editing: false }),
          clear: () => dispatch({ type: 'filterMode', editing: false, clear: true }),
        });
      switch (action) {
        case 'up':
          return move(at - times);
        case 'down':
          return move(at + times);
        case 'first':
          return move(0);
        case 'last':
          return move(keys.length - 1);
        case 'open': {
          const it = list[at];
          if (it) onOpen(it.item);
          return;
        }
        case 'filter':
          return dispatch({ type: 'filterMode', editing: true });
        case 'help':
          return onHelp();
        case 'quit':
          return onQuit();
        case 'interrupt':
          return dispatch({ type: 'askQuit', ask: true });
      }
    },
    {
      isActive: isFocused && !s.askQuit,
      onUnknown: context === 'home' ? (key) => showFlash(unknownKeyText(key)) : undefined,
    },
  );

  // Window over the drawn lines: the whole selected item in view, never a heading alone at the end.
  const drawn = drawnLines(rows);
  const selFirst = Math.max(
    0,
    drawn.findIndex((d) => d.item === selected),
  );
  const selLast = selFirst + (list[at]?.lines.length ?? 1) - 1;
  let top = Math.max(0, Math.min(selFirst - Math.floor(listHeight / 2), drawn.length - listHeight));
  if (selLast - top >= listHeight) top = selLast - listHeight + 1;
  if (selLast < listHeight) top = 0;
  // On the last item, what follows it (recently signed sessions) comes into view too.
  if (at === keys.length - 1) top = Math.max(top, Math.min(selFirst, drawn.length - listHeight));
  let visible = drawn.slice(top, top + listHeight);
  const below = drawn.length - (top + visible.length);
  if (below > 0) {
    visible = visible.slice(0, listHeight - 1);
    while (visible.at(-1)?.row.kind === 'heading') visible = visible.slice(0, -1);
    visible.push({
      key: 'more',
      text: `  ↓ ${drawn.length - top - visible.length} more`,
      row: { kind: 'info', lines: [] },
    });
  }

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        <Text color={tone('accent')}>WARDEN</Text>
        {truncate(' — incident response and Docker hardening runbooks', width - 6)}
      </Text>
      <EngineLine engine={s.engine} animate={animate} width={width} />
      <Banner message={banner} width={width} />
      {filterShown ? (
        <FilterLine
          filter={s.filter}
          shown={list.length}
          total={s.data ? items(homeRows(s.data.catalog, s.data.sessions)).length : 0}
          width={width}
          isFocused={isFocused && s.filter.editing}
          onChange={(text) => dispatch({ type: 'filterText', text })}
        />
      ) : null}
      <Box flexDirection="column" height={listHeight} overflow="hidden">
        {!s.data && !s.error ? (
          <Text color={tone('muted')}>Reading runbooks and sessions…</Text>
        ) : null}
        {s.data && list.length === 0 && s.filter.text ? (
          <Text color={tone('muted')}>{truncate(`nothing matches "${s.filter.text}"`, width)}</Text>
        ) : null}
        {visible.map((d) =>
          d.row.kind === 'heading' ? (
            <Text key={d.key} color={tone('accent')} bold wrap="truncate">
              {truncate(d.text, width)}
            </Text>
          ) : d.item === undefined ? (
            <Text key={d.key} color={tone('muted')} wrap="truncate">
              {truncate(d.text, width)}
            </Text>
          ) : (
            <Text key={d.key} inverse={d.item === selected} wrap="truncate">
              {truncate(
                `${d.item === selected && d.key.endsWith('-0') ? '›' : ' '} ${d.text}`,
                width,
              )}
            </Text>
          ),
        )}
      </Box>
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

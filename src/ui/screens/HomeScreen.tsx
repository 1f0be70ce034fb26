/** Home: sessions to resume, runbooks by kind, the host audit, recently signed sessions. */
import { Box, Text } from 'ink';
import { useEffect, useReducer } from 'react';
import { errorMessage } from '../../errors.js';
import type { Catalog } from '../../runbook/load.js';
import { Banner, bannerLines, type BannerMessage } from '../components/Banner.js';
import { Footer } from '../components/Footer.js';
import { useDeps, type SessionRow } from '../hooks/useDeps.js';
import { useTermSize } from '../hooks/useTermSize.js';
import { useKeys } from '../hooks/useKeys.js';
import { tone } from '../theme.js';
import { truncate } from '../text.js';
import { homeRows, itemCount, type HomeItem } from './homeModel.js';

interface HomeState {
  data?: { catalog: Catalog; sessions: SessionRow[] };
  error?: string;
  selected: number;
}

type HomeEvent =
  | { type: 'loaded'; catalog: Catalog; sessions: SessionRow[] }
  | { type: 'error'; message: string }
  | { type: 'move'; delta: number; count: number };

function reducer(s: HomeState, e: HomeEvent): HomeState {
  switch (e.type) {
    case 'loaded':
      return { ...s, data: { catalog: e.catalog, sessions: e.sessions }, error: undefined };
    case 'error':
      return { ...s, error: e.message };
    case 'move':
      return {
        ...s,
        selected: Math.min(Math.max(0, s.selected + e.delta), Math.max(0, e.count - 1)),
      };
  }
}

export interface HomeScreenProps {
  isFocused: boolean;
  notice?: BannerMessage;
  onOpen(item: HomeItem): void;
  onQuit(): void;
  onHelp(): void;
}

export function HomeScreen({ isFocused, notice, onOpen, onQuit, onHelp }: HomeScreenProps) {
  const { ports } = useDeps();
  const { columns, rows: termRows } = useTermSize();
  const [s, dispatch] = useReducer(reducer, { selected: 0 });

  useEffect(() => {
    let live = true;
    Promise.all([ports.catalog(), ports.sessions()])
      .then(([catalog, sessions]) => live && dispatch({ type: 'loaded', catalog, sessions }))
      .catch((err: unknown) => live && dispatch({ type: 'error', message: errorMessage(err) }));
    return () => {
      live = false;
    };
  }, [ports]);

  const rows = s.data ? homeRows(s.data.catalog, s.data.sessions) : [];
  const count = itemCount(rows);
  const width = Math.max(20, columns);
  const height = Math.max(8, termRows - 1);
  const banner: BannerMessage | undefined = s.error
    ? { tone: 'danger', text: `could not list runbooks or sessions: ${s.error}` }
    : notice;
  const listHeight = Math.max(3, height - 2 - bannerLines(banner, width).length - 1);

  useKeys(
    'home',
    ({ action, times }) => {
      switch (action) {
        case 'up':
          return dispatch({ type: 'move', delta: -times, count });
        case 'down':
          return dispatch({ type: 'move', delta: times, count });
        case 'open': {
          const row = rows.find((r) => r.kind === 'item' && r.index === s.selected);
          if (row?.kind === 'item') onOpen(row.item);
          return;
        }
        case 'help':
          return onHelp();
        case 'quit':
          return onQuit();
      }
    },
    { isActive: isFocused },
  );

  const selRow = Math.max(
    0,
    rows.findIndex((r) => r.kind === 'item' && r.index === s.selected),
  );
  let top = Math.max(0, Math.min(selRow - Math.floor(listHeight / 2), rows.length - listHeight));
  // Show the heading above the first item when the list fits from the top.
  if (selRow < listHeight) top = 0;
  const visible = rows.slice(top, top + listHeight);

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        <Text color={tone('accent')}>WARDEN</Text>
        {truncate(' — incident response and Docker hardening runbooks', width - 6)}
      </Text>
      <Text> </Text>
      <Banner message={banner} width={width} />
      <Box flexDirection="column" height={listHeight} overflow="hidden">
        {!s.data && !s.error ? (
          <Text color={tone('muted')}>Loading runbooks and sessions…</Text>
        ) : null}
        {visible.map((r, i) =>
          r.kind === 'heading' ? (
            <Text key={i} color={tone('accent')} bold wrap="truncate">
              {truncate(r.text, width)}
            </Text>
          ) : r.kind === 'info' ? (
            <Text key={i} color={tone('muted')} wrap="truncate">
              {truncate(r.text, width)}
            </Text>
          ) : (
            <Text key={i} inverse={r.index === s.selected} wrap="truncate">
              {truncate(`${r.index === s.selected ? '›' : ' '} ${r.text}`, width)}
            </Text>
          ),
        )}
      </Box>
      <Footer contexts={['home']} width={width} />
    </Box>
  );
}

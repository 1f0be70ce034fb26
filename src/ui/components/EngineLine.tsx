/**
 * One line about the Docker engine on the home screen: a spinner while it is reached (the rest of
 * the screen is already drawn), then its version and containers, or why it cannot be reached.
 */
import { Text } from './Text.js';
import type { EngineView } from '../hooks/useDeps.js';
import { useSpinner } from '../hooks/useSpinner.js';
import { tone } from '../theme.js';
import { truncate } from '../text.js';

export type EngineState =
  { state: 'loading' } | { state: 'ok'; view: EngineView } | { state: 'error'; message: string };

export function engineText(e: EngineState): string {
  if (e.state === 'loading') return 'reaching the Docker engine…';
  if (e.state === 'error')
    return `! no Docker engine: checks and actions need it; runbooks and sessions work — ${e.message}`;
  const running = e.view.containers.filter((c) => c.state === 'running').length;
  return `Docker ${e.view.version} at ${e.view.endpoint} · ${e.view.containers.length} containers, ${running} running`;
}

export function EngineLine({
  engine,
  animate,
  width,
}: {
  engine: EngineState;
  animate: boolean;
  width: number;
}) {
  const spinner = useSpinner(animate && engine.state === 'loading');
  const text = engineText(engine);
  return (
    <Text
      color={tone(
        engine.state === 'error' ? 'warn' : engine.state === 'loading' ? 'running' : 'muted',
      )}
      wrap="truncate"
    >
      {truncate(
        engine.state === 'loading' ? `${spinner === '▶' ? '…' : spinner} ${text}` : text,
        width,
      )}
    </Text>
  );
}

/** Renders the real root App over a test harness. */
import { App, type SessionHolder, type TuiStart } from '../../src/ui/app.js';
import { DepsProvider } from '../../src/ui/hooks/useDeps.js';
import type { Harness } from '../fakes/app.js';
import { renderTui } from '../helpers/ink.js';

export async function renderApp(
  h: Harness,
  start: TuiStart,
  size?: { columns?: number; rows?: number },
) {
  const holder: SessionHolder = {};
  const tui = await renderTui(
    <DepsProvider deps={h.deps}>
      <App start={start} holder={holder} />
    </DepsProvider>,
    size,
  );
  return { tui, holder };
}

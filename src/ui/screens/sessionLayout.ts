/** The session screen's sizes and its banner, from the terminal and the session. Pure. */
import { outcomeCounts } from '../../engine/outcomes.js';
import type { SessionState } from '../../engine/state.js';
import type { BannerMessage } from '../components/Banner.js';
import type { TermSize } from '../hooks/useTermSize.js';
import { failedSteps, failedSummary, type ScreenState } from './sessionModel.js';

/** Columns from which list and details sit side by side. */
export const SIDE_BY_SIDE = 72;
const MIN_LIST = 30;
const LIST_SHARE = 0.45;

export interface SessionLayout {
  width: number;
  height: number;
  side: boolean;
  listWidth: number;
  detailWidth: number;
  body: number;
  listHeight: number;
  detailHeight: number;
}

export function sessionLayout({
  term,
  chrome,
  titles,
  listLines,
}: {
  term: TermSize;
  /** Rows around the body (header, banner, prompt, footer) at this width. */
  chrome(width: number): number;
  /** The step titles as the list shows them (the list is as wide as they need, up to a share). */
  titles: readonly string[];
  /** Rows the whole list takes at this width. */
  listLines(width: number): number;
}): SessionLayout {
  const width = Math.max(20, term.columns);
  const height = Math.max(10, term.rows - 1);
  const side = width >= SIDE_BY_SIDE;
  const longest = Math.max(0, ...titles.map((t) => t.length));
  const listWidth = side
    ? Math.max(MIN_LIST, Math.min(longest + 3, Math.floor(width * LIST_SHARE)))
    : width;
  const detailWidth = side ? width - listWidth - 2 : width;
  const body = Math.max(3, height - chrome(width));
  const listHeight = side
    ? body
    : Math.max(2, Math.min(listLines(listWidth), Math.max(3, Math.floor(body * 0.4)), body - 3));
  const detailHeight = side ? body : Math.max(1, body - listHeight - 1);
  return { width, height, side, listWidth, detailWidth, body, listHeight, detailHeight };
}

/**
 * The banner: a message of the screen, else a cancel in progress, else a run of all checks, else
 * the invitation to sign off (never the green ✓ when failures or accepted risks are in it).
 */
export function sessionBanner(state: SessionState, ui: ScreenState): BannerMessage | undefined {
  if (ui.banner) return ui.banner;
  // Signing: the review below says it all.
  if (ui.prompt?.kind === 'signer' || ui.prompt?.kind === 'statement') return undefined;
  // A cancel the engine cannot honour (a stop waiting out its grace period) is said as such.
  // Only steps the journal still shows running: once the cancel is recorded the banner goes,
  // in the same frame that shows the result.
  const cancelling = ui.cancelling.filter((id) => state.steps[id]?.status === 'running');
  const stuck = cancelling.map((id) => ui.progress[id]?.uncancellable).find(Boolean);
  if (stuck) return { tone: 'warn', text: `cancel asked, but ${stuck}; waiting for it` };
  if (cancelling.length > 0)
    return {
      tone: 'warn',
      text: `cancelling ${cancelling.map((id) => `"${id}"`).join(', ')}… (the journal records the cancel)`,
    };
  if (ui.runAll)
    return {
      tone: 'info',
      text: `running check steps: ${ui.runAll.started} of ${ui.runAll.total}${ui.runAll.current ? ` (${ui.runAll.current})` : ''} — c stops the rest`,
    };
  if (state.status !== 'ready-to-sign') return undefined;
  const failed = failedSteps(state);
  const accepted = outcomeCounts(state).accepted;
  const parts = [
    ...(failed.length > 0 ? [failedSummary(failed)] : []),
    ...(accepted > 0 ? [`${accepted} accepted risk${accepted === 1 ? '' : 's'}`] : []),
  ];
  return parts.length > 0
    ? { tone: 'warn', text: `All steps resolved — ${parts.join(', ')} — press S to sign off` }
    : { tone: 'ok', text: 'All steps resolved — press S to sign off' };
}

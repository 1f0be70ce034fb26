/** Entry to the Ink UI (placeholder until the UI lands). */
import type { App } from '../cli/compose.js';
import type { LoadedRunbook } from '../runbook/types.js';

export type TuiStart =
  | { kind: 'home' }
  | { kind: 'run'; loaded: LoadedRunbook; inputs: Record<string, string> }
  | { kind: 'resume'; sessionId: string };

export async function runTui(_app: App, _start: TuiStart): Promise<number> {
  return 0;
}

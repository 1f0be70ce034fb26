/** What every command's registration receives from the entry: the app (built on first use), io. */
import type { App } from './compose.js';
import type { Io } from './io.js';

export interface CommandContext {
  app(): App;
  io: Io;
  /** Runs a handler, mapping thrown errors to a one-line message and an exit code. */
  handle(fn: () => Promise<number> | number): Promise<void>;
}

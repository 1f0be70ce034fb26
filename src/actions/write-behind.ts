/**
 * Writes to a file one block behind the reader: each write starts at once and is awaited only
 * before the next one (or at `settle`), so the engine keeps sending while the disk writes. Order
 * is kept and at most one write is in flight; a failed write is thrown by the next `write` or by
 * `settle`, never reported as unhandled meanwhile.
 */
import type { HashingWriter } from './files-port.js';

export interface WriteBehind {
  write(data: Uint8Array): Promise<void>;
  /** Waits for the write in flight; throws its failure. */
  settle(): Promise<void>;
}

export function writeBehind(w: Pick<HashingWriter, 'write'>): WriteBehind {
  let writing: Promise<void> = Promise.resolve();
  return {
    async write(data) {
      await writing;
      writing = w.write(data);
      writing.catch(() => undefined);
    },
    settle: () => writing,
  };
}

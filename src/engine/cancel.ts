/**
 * Cancellation: how a run notices that the operator cancelled it (the `c` key, Ctrl-C, quit,
 * SIGINT/SIGTERM to a headless verb), and how that is told apart from a failure. A cancelled run
 * is recorded with outcome `cancelled` and what had been done; its step stays open.
 */
import { CancelledError } from '../errors.js';

export { CancelledError };

export const CANCELLED = 'cancelled by the operator';

/** True when `err` is (or was caused by) the operator's cancel. */
export function isCancellation(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (err instanceof CancelledError) return true;
  const e = err as { name?: string; code?: string } | undefined;
  return e?.name === 'AbortError' || e?.code === 'ABORT_ERR';
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}

/**
 * Iterates `source` until the signal aborts, then throws CancelledError at once, even while the
 * source is still waiting for its next chunk (a stalled engine stream). The source is told to
 * close (its `return()`), which for engine streams closes the connection.
 */
export async function* untilCancelled<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  throwIfCancelled(signal);
  const it = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const r = await nextOrCancel(it, signal);
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
      throwIfCancelled(signal);
    }
  } finally {
    // Not awaited: a source stuck in next() may never settle its return().
    if (!finished) void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}

/**
 * The source's next chunk, or CancelledError as soon as the signal aborts. One listener per
 * chunk, removed when the chunk arrives: racing every chunk against one long-lived "aborted"
 * promise (`Promise.race`) would leave a reaction on it per chunk, each holding that chunk, and so
 * keep every byte of a long stream in memory until the end (a 200 MB log snapshot peaked at 450 MB).
 */
function nextOrCancel<T>(it: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    it.next().then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

/**
 * Every request Warden makes to the engine passes through `guardModem`, which wraps the one
 * docker-modem instance dockerode dials with:
 *  - before the first call, `GET /_ping` within the connect timeout: an engine that accepts and
 *    never answers is "not responding", a server without Docker's `Api-Version` header is "not a
 *    Docker engine";
 *  - a deadline on every call (the engine timeout; stop/restart add their grace period, commit
 *    gets ten times it); a request body (putArchive) moves the deadline on with every chunk;
 *  - on streams (logs, events, export, archives) an idle timeout that runs only while the reader
 *    waits for bytes, so a slow disk downstream is not taken for a silent engine;
 *  - no redirects (docker-modem follows five by default: an engine never redirects, a 301 comes
 *    from a path that was cleaned or from something that is not an engine);
 *  - no request whose path holds a `.`/`..`/empty segment or `%` (names are checked before this,
 *    see names.ts; this is the backstop).
 */
import { pipeline, Readable, Transform } from 'node:stream';
import type Docker from 'dockerode';
import modemHttp from 'docker-modem/lib/http.js';
import { UserError } from '../../errors.js';
import type { EngineTimeouts } from './timeouts.js';

/** The engine said nothing for `ms` while Warden waited (`phase` says for what). */
export class EngineSilentError extends Error {
  readonly code = 'WARDEN_ENGINE_SILENT';
  constructor(
    readonly ms: number,
    readonly phase: 'connect' | 'answer' | 'stream',
  ) {
    super(`no answer within ${ms} ms`);
  }
}

/** Something answered, but not as a Docker engine does. */
export class NotDockerError extends Error {
  readonly code = 'WARDEN_NOT_DOCKER';
}

interface DialOptions {
  path: string;
  method?: string;
  options?: Record<string, unknown>;
  isStream?: boolean;
  hijack?: boolean;
  openStdin?: boolean;
  file?: unknown;
  abortSignal?: AbortSignal;
  statusCodes?: Record<number, boolean | string>;
}
type DialCallback = (err: unknown, result: unknown) => void;
type Dial = (options: DialOptions, callback: DialCallback) => void;

// The redirect follower docker-modem uses (its lib/http.js), imported statically so that the
// bundle holds one copy, the one dockerode uses. One process-wide switch: Warden never wants a
// redirect.
modemHttp.maxRedirects = 0;

const isRedirectRefusal = (err: unknown) =>
  err instanceof Error && /^Max redirects exceeded/.test(err.message);

/** Every status code: the ping looks at the answer itself. */
const ANY_STATUS: Record<number, true> = Object.fromEntries(
  Array.from({ length: 500 }, (_, i) => [i + 100, true]),
);

export function checkRequestPath(path: string): void {
  const segments = (path.split('?')[0] ?? '').split('/').slice(1);
  if (
    path.includes('%') ||
    segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1))
  )
    throw new UserError(
      `refusing to send the engine a request for ${JSON.stringify(path)} (a path segment that is not a name)`,
    );
}

/** How long one call may take before the engine counts as silent. */
export function deadlineOf(options: DialOptions, idleMs: number): number {
  const path = options.path;
  if (/^\/containers\/[^/]+\/(stop|restart)\?/.test(path)) {
    const t = Number(options.options?.t);
    return idleMs + (Number.isFinite(t) && t >= 0 ? t : 10) * 1000;
  }
  if (path.startsWith('/commit')) return idleMs * 10;
  return idleMs;
}

/** A follow stream is silent by nature; only its start is bounded. */
function follows(options: DialOptions): boolean {
  const o = options.options ?? {};
  return o.follow === true || (options.path.startsWith('/events') && o.until === undefined);
}

/**
 * The stream the engine sends, through a reader whose idle timer runs only while the consumer is
 * waiting for data; on silence the stream fails with EngineSilentError.
 */
function idleGuarded(res: Readable, idleMs: number): Readable {
  let timer: NodeJS.Timeout | undefined;
  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const out = new Readable({
    read() {
      timer ??= setTimeout(() => out.destroy(new EngineSilentError(idleMs, 'stream')), idleMs);
      res.resume();
    },
    destroy(err, cb) {
      disarm();
      res.destroy();
      cb(err);
    },
  });
  res.pause();
  res.on('data', (chunk: Buffer) => {
    disarm();
    if (!out.push(chunk)) res.pause();
  });
  res.on('end', () => {
    disarm();
    out.push(null);
  });
  res.on('error', (err) => out.destroy(err));
  return out;
}

function ping(dial: Dial, connectMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ac = new AbortController();
    let res: Readable | undefined;
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        res?.destroy();
        ac.abort();
        reject(err);
      } else resolve();
    };
    const timer = setTimeout(() => settle(new EngineSilentError(connectMs, 'connect')), connectMs);
    dial(
      {
        path: '/_ping',
        method: 'GET',
        isStream: true,
        abortSignal: ac.signal,
        statusCodes: ANY_STATUS,
      },
      (err, result) => {
        if (err) {
          settle(
            isRedirectRefusal(err)
              ? new NotDockerError('it answered GET /_ping with a redirect')
              : (err as Error),
          );
          return;
        }
        res = result as Readable & { statusCode?: number; headers?: Record<string, string> };
        const { statusCode, headers = {} } = res as {
          statusCode?: number;
          headers?: Record<string, string>;
        };
        res.on('error', (e) => settle(e));
        res.on('data', () => undefined);
        res.on('end', () => {
          if (!headers['api-version'])
            settle(
              new NotDockerError(
                `it answered GET /_ping with HTTP ${statusCode ?? '?'}${headers['content-type'] ? ` (${String(headers['content-type']).split(';')[0]})` : ''} and no Api-Version header`,
              ),
            );
          else if (statusCode !== 200)
            settle(
              Object.assign(new Error(`GET /_ping answered HTTP ${statusCode}`), { statusCode }),
            );
          else settle();
        });
      },
    );
  });
}

/** Wraps `docker.modem.dial` in place; returns the same client. */
export function guardModem(docker: Docker, timeouts: EngineTimeouts): Docker {
  const modem = docker.modem as unknown as { dial: Dial };
  const dial: Dial = modem.dial.bind(modem);
  let reached: Promise<void> | undefined;
  // One ping for all calls; after a failure the next call pings again (the TUI keeps polling).
  const ready = () =>
    (reached ??= ping(dial, timeouts.connectMs).catch((err: unknown) => {
      reached = undefined;
      throw err;
    }));

  const timed = (options: DialOptions, callback: DialCallback) => {
    const budget = deadlineOf(options, timeouts.idleMs);
    const ac = new AbortController();
    let silent: EngineSilentError | undefined;
    const timer = setTimeout(() => {
      silent = new EngineSilentError(budget, 'answer');
      ac.abort(silent);
    }, budget);
    const signal = options.abortSignal
      ? AbortSignal.any([options.abortSignal, ac.signal])
      : ac.signal;
    let file = options.file;
    if (file && typeof (file as Readable).pipe === 'function') {
      // Each chunk the engine takes moves the deadline on: a large restore is not "silent".
      const counted = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          timer.refresh();
          cb(null, chunk);
        },
      });
      pipeline(file as Readable, counted, () => undefined);
      file = counted;
    }
    dial({ ...options, abortSignal: signal, ...(file ? { file } : {}) }, (err, result) => {
      clearTimeout(timer);
      if (err) {
        ac.abort();
        callback(silent ?? err, null);
        return;
      }
      const stream =
        options.isStream && !options.hijack && !options.openStdin && result instanceof Readable;
      callback(null, stream && !follows(options) ? idleGuarded(result, timeouts.idleMs) : result);
    });
  };

  modem.dial = (options, callback) => {
    try {
      checkRequestPath(options.path);
    } catch (err) {
      callback(err, null);
      return;
    }
    ready().then(
      () => timed(options, callback),
      (err: unknown) => callback(err, null),
    );
  };
  return docker;
}

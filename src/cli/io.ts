/** Output helpers for headless commands, and the error → exit code mapping. */
import { terminalText } from '../engine/terminal-text.js';
import { BugError, DockerError, ExternalError, UserError } from '../errors.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  color: boolean;
}

export function processIo(): Io {
  // `warden verify … | head`: when the reader goes away, stop quietly instead of crashing.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  // Everything a headless command prints passes here: a container's log line, an engine's error
  // or a file's name cannot reach the terminal as an escape sequence (JSON output is escaped
  // already by jsonText, so this never changes its value).
  return {
    out: (t) => void process.stdout.write(terminalText(t, 'block')),
    err: (t) => void process.stderr.write(terminalText(t, 'block')),
    isTTY: process.stdout.isTTY === true,
    color:
      process.stdout.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''),
  };
}

/** Prints a one-line message (plus a hint line) for known errors; returns the exit code. */
export function reportError(io: Io, err: unknown): number {
  if (err instanceof UserError) {
    io.err(`warden: ${err.message}\n`);
    if (err.hint) io.err(`  try: ${err.hint}\n`);
    return err.exitCode;
  }
  if (err instanceof DockerError || err instanceof ExternalError) {
    io.err(`warden: ${err.message}\n`);
    if (err.details.hint) io.err(`  try: ${err.details.hint}\n`);
    return err.exitCode;
  }
  if (err instanceof BugError) {
    io.err(`warden: internal error: ${err.message}\n${err.stack ?? ''}\n`);
    return 70;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && e.syscall) {
    // Filesystem and system-call errors are environment errors, not bugs.
    io.err(
      `warden: ${e.syscall} ${e.path ?? ''}: ${e.code}${e.code === 'ENOSPC' ? ' (disk full)' : ''}\n`,
    );
    return 2;
  }
  io.err(`warden: internal error: ${(err as Error)?.message ?? String(err)}\n`);
  if (process.env.WARDEN_DEBUG) io.err(`${(err as Error)?.stack ?? ''}\n`);
  return 70;
}

export function table(rows: string[][], header: string[]): string {
  // One cell, one line: a newline or tab in a value cannot break the columns.
  const all = [header, ...rows].map((r) => r.map((c) => terminalText(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return (
    all
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

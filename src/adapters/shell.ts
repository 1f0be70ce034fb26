/** ShellPort over execa: argv arrays only (never a shell string), line streaming, timeout, cancel. */
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import type { ShellPort, ShellResult, ShellRun } from '../engine/ports.js';

export function createShell(): ShellPort {
  return {
    async run({ argv, timeoutMs, signal, onLine, cwd }: ShellRun): Promise<ShellResult> {
      const started = Date.now();
      const [file, ...args] = argv;
      if (!file)
        return { timedOut: false, cancelled: false, startError: 'empty command', durationMs: 0 };
      const sub = execa(file, args, {
        cancelSignal: signal,
        timeout: timeoutMs,
        forceKillAfterDelay: 3000,
        reject: false,
        buffer: false,
        stdin: 'ignore',
        cwd,
        // The child must not inherit a terminal UI's raw mode or colours.
        env: { NO_COLOR: '1' },
      });
      const pump = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') =>
        stream
          ? new Promise<void>((done) => {
              const rl = createInterface({ input: stream, crlfDelay: Infinity });
              rl.on('line', (l) => onLine(l, name));
              rl.on('close', done);
            })
          : Promise.resolve();
      const pumps = Promise.all([pump(sub.stdout, 'stdout'), pump(sub.stderr, 'stderr')]);
      const r = await sub;
      await pumps;
      const durationMs = Date.now() - started;
      const code = (r as { code?: string }).code;
      const startError =
        r.exitCode === undefined && !r.isCanceled && !r.timedOut && r.signal === undefined
          ? code === 'ENOENT'
            ? 'not found on PATH'
            : (r.originalMessage ?? r.shortMessage ?? 'failed to start')
          : undefined;
      return {
        exitCode: r.exitCode,
        signal: r.signal,
        timedOut: r.timedOut,
        cancelled: r.isCanceled,
        startError,
        durationMs,
      };
    },
  };
}

import { describe, expect, it } from 'vitest';
import { createShell } from '../../src/adapters/shell.js';

const shell = createShell();
const node = process.execPath;

function collect() {
  const lines: string[] = [];
  return { lines, onLine: (l: string, s: 'stdout' | 'stderr') => lines.push(`${s}:${l}`) };
}

describe('shell adapter (execa, real processes)', () => {
  it('streams stdout and stderr lines and returns the exit code; arguments are never shell-parsed', async () => {
    const c = collect();
    const r = await shell.run({
      argv: [
        node,
        '-e',
        'console.log(process.argv[1]); console.error("warn"); process.exit(4)',
        '$(touch /tmp/pwned); `id` | cat',
      ],
      signal: new AbortController().signal,
      onLine: c.onLine,
    });
    expect(r).toMatchObject({ exitCode: 4, timedOut: false, cancelled: false });
    expect(c.lines).toContain('stdout:$(touch /tmp/pwned); `id` | cat');
    expect(c.lines).toContain('stderr:warn');
  });

  it('stops a process at its timeout', async () => {
    const r = await shell.run({
      argv: [node, '-e', 'setInterval(() => {}, 1000)'],
      timeoutMs: 300,
      signal: new AbortController().signal,
      onLine: () => {},
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeUndefined();
  });

  it('cancels a running process when the signal aborts', async () => {
    const ac = new AbortController();
    const c = collect();
    const p = shell.run({
      argv: [node, '-e', 'console.log("ready"); setInterval(() => {}, 1000)'],
      signal: ac.signal,
      onLine: (l, s) => {
        c.onLine(l, s);
        if (l === 'ready') ac.abort();
      },
    });
    const r = await p;
    expect(r.cancelled).toBe(true);
    expect(c.lines).toEqual(['stdout:ready']);
  });

  it('reports a program that is not installed as a start error, not a crash', async () => {
    const r = await shell.run({
      argv: ['warden-no-such-program'],
      signal: new AbortController().signal,
      onLine: () => {},
    });
    expect(r.startError).toBe('not found on PATH');
  });
});

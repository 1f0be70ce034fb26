/**
 * Drives the real bin/warden.js in a pseudo-terminal through tmux: send keys, read the screen.
 * Every wait polls the screen for a condition with a deadline (no fixed sleeps).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BIN } from './cli.js';

export const tmuxAvailable = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

export class Tmux {
  readonly name = `warden-e2e-${randomBytes(4).toString('hex')}`;
  private readonly socket = `${this.name}.sock`;

  constructor(
    private readonly env: Record<string, string>,
    readonly width = 80,
    readonly height = 24,
  ) {}

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `node bin/warden.js ...args` in a detached session of width × height. */
  start(args: string[]): void {
    const envArgs = Object.entries({ TERM: 'xterm-256color', ...this.env }).flatMap(([k, v]) => [
      '-e',
      `${k}=${v}`,
    ]);
    // tmux runs the command through a shell; every part is a fixed string or a quoted path.
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, BIN, ...args].map(quote).join(' ');
    this.tmux([
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(this.width),
      '-y',
      String(this.height),
      ...envArgs,
      `${cmd}; echo "[exit $?]"; sleep 600`,
    ]);
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', this.name]);
  }

  /** Sends tmux key names (e.g. 'Down', 'Enter', 'Escape', 'C-c') or literal text with {literal: true}. */
  keys(keys: string[] | string, opts: { literal?: boolean } = {}): void {
    const list = Array.isArray(keys) ? keys : [keys];
    this.tmux(['send-keys', '-t', this.name, ...(opts.literal ? ['-l'] : []), ...list]);
  }

  type(text: string): void {
    this.keys(text, { literal: true });
  }

  /** Waits until the screen matches; returns it. Throws with the last screen on timeout. */
  async waitFor(
    match: RegExp | string | ((s: string) => boolean),
    timeoutMs = 15_000,
  ): Promise<string> {
    const test =
      typeof match === 'function'
        ? match
        : typeof match === 'string'
          ? (s: string) => s.includes(match)
          : (s: string) => match.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${String(match)}; screen was:\n${last}`);
  }

  /** The pid of the warden node process in the pane. */
  pid(): number {
    const panePid = Number(
      this.tmux(['display-message', '-p', '-t', this.name, '#{pane_pid}']).trim(),
    );
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(panePid)], {
      encoding: 'utf8',
    });
    const line = out.split('\n').find((l) => l.includes('warden.js'));
    if (!line) return panePid;
    return Number(line.trim().split(/\s+/)[0]);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
  }
}

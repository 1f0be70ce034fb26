/** Runs the real bin/warden.js (built dist/) headless, with its own WARDEN_HOME. */
import { execa } from 'execa';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');

export async function warden(home: string, args: string[], env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { WARDEN_HOME: home, NO_COLOR: '1', ...env },
    stdin: 'ignore',
    timeout: 60_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * A private Docker engine for tests that must not disturb the shared one (its event buffer,
 * daemon settings): its own socket, data root and exec root, in its own network namespace
 * (`unshare --net`, unix socket only, so it touches none of the host's bridges). See
 * ../shared/DOCKER.md. The test image is loaded into it from the shared engine.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE, ensureTestImage } from './docker.js';

export interface PrivateEngine {
  socket: string;
  /** Runs the docker CLI against this engine (setup only). */
  cli(args: string[]): string;
  stop(): Promise<void>;
}

const answers = (socket: string) =>
  spawnSync('docker', ['-H', `unix://${socket}`, 'info'], { stdio: 'ignore' }).status === 0;

export const canStartEngine =
  spawnSync('which', ['dockerd'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('which', ['unshare'], { stdio: 'ignore' }).status === 0 &&
  process.getuid?.() === 0;

export async function startPrivateEngine(): Promise<PrivateEngine> {
  ensureTestImage();
  const dir = mkdtempSync(join(tmpdir(), 'warden-engine-'));
  const socket = join(dir, 'd.sock');
  const child = spawn(
    'unshare',
    [
      '--net',
      'dockerd',
      '--host',
      `unix://${socket}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'd.pid'),
      '--iptables=false',
      '--bridge',
      'none',
    ],
    { stdio: 'ignore', detached: true },
  );
  child.unref();
  const deadline = Date.now() + 30_000;
  while (!answers(socket)) {
    if (Date.now() > deadline) throw new Error(`private engine did not start (see ${dir})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const cli = (args: string[]) =>
    execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8' }).trim();
  const image = execFileSync('docker', ['save', TEST_IMAGE], { maxBuffer: 256 << 20 });
  execFileSync('docker', ['-H', `unix://${socket}`, 'load', '-q'], { input: image });
  return {
    socket,
    cli,
    async stop() {
      const ids = cli(['ps', '-aq']).split('\n').filter(Boolean);
      if (ids.length) spawnSync('docker', ['-H', `unix://${socket}`, 'rm', '-f', ...ids]);
      let pid = 0;
      try {
        pid = Number(readFileSync(join(dir, 'd.pid'), 'utf8'));
      } catch {
        pid = child.pid ?? 0;
      }
      if (pid) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const end = Date.now() + 20_000;
        while (Date.now() < end) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      spawnSync('umount', ['-R', '-l', join(dir, 'data')], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

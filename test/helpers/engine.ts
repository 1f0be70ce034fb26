/**
 * A private Docker engine for tests that must not disturb the shared one (its event buffer,
 * daemon settings): its own socket, data root and exec root, in its own network namespace
 * (`unshare --net`, unix socket only, so it touches none of the host's bridges). See
 * ../shared/DOCKER.md. The test image is loaded into it from the shared engine.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE, ensureTestImage } from './docker.js';

export interface PrivateEngineOptions {
  /** Written as the engine's daemon.json (`--config-file`). */
  daemonJson?: Record<string, unknown>;
  /** More dockerd flags. */
  args?: string[];
  /**
   * Give the engine a default bridge and iptables rules (its own docker0 and tables, inside its
   * own network namespace, so the host's are untouched); without, `--bridge none --iptables=false`.
   */
  bridge?: boolean;
  /** Load the test image (default true). */
  loadImage?: boolean;
  /**
   * Run in this machine's network namespace (for a TCP listener on 127.0.0.1), with a bridge of
   * its own (never `--bridge none` here: it would delete the host's docker0; ../shared/DOCKER.md).
   */
  hostNetwork?: boolean;
  /**
   * Bring up the loopback of the engine's own network namespace (down in a new one), for what
   * binds to 127.0.0.1 there: `docker swarm init --advertise-addr 127.0.0.1`.
   */
  loopback?: boolean;
}

export interface PrivateEngine {
  socket: string;
  /** Its data root, as `info` reports it. */
  dataRoot: string;
  /** Its daemon.json (written only with `daemonJson`). */
  configFile: string;
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

export async function startPrivateEngine(opts: PrivateEngineOptions = {}): Promise<PrivateEngine> {
  const loadImage = opts.loadImage ?? true;
  if (loadImage) ensureTestImage();
  const dir = mkdtempSync(join(tmpdir(), 'warden-engine-'));
  const socket = join(dir, 'd.sock');
  const config = join(dir, 'daemon.json');
  if (opts.daemonJson) writeFileSync(config, JSON.stringify(opts.daemonJson, null, 2));
  const log = openSync(join(dir, 'log'), 'w');
  // A bridge of its own, named after the engine's directory, with a /24 of 172.31.x.
  const bridge = opts.hostNetwork ? `wtbr${dir.slice(-6).replace(/[^a-zA-Z0-9]/g, '')}` : '';
  if (bridge) {
    const octet = 200 + Math.floor(Math.random() * 50);
    execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
    execFileSync('ip', ['addr', 'add', `172.31.${octet}.1/24`, 'dev', bridge]);
    execFileSync('ip', ['link', 'set', bridge, 'up']);
  }
  const delBridge = () => {
    if (bridge) spawnSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
  };
  const child = spawn(
    opts.hostNetwork ? 'dockerd' : 'unshare',
    [
      ...(opts.hostNetwork ? [] : ['--net', 'dockerd']),
      '--host',
      `unix://${socket}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'd.pid'),
      // With a bridge, its iptables rules are those of its own network namespace.
      ...(opts.hostNetwork
        ? ['--iptables=false', '-b', bridge]
        : opts.bridge
          ? []
          : ['--iptables=false', '--bridge', 'none']),
      ...(opts.daemonJson ? ['--config-file', config] : []),
      ...(opts.args ?? []),
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  child.unref();
  closeSync(log);
  const deadline = Date.now() + 30_000;
  while (!answers(socket)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      const tail = readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      spawnSync('umount', ['-R', '-l', join(dir, 'data')], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
      delBridge();
      throw new Error(`private engine did not start: ${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (opts.loopback && !opts.hostNetwork) {
    const pid = readFileSync(join(dir, 'd.pid'), 'utf8').trim();
    execFileSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', 'link', 'set', 'lo', 'up']);
  }
  const cli = (args: string[]) =>
    execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8' }).trim();
  // A swarm leaves network namespaces mounted under the exec root: every mount below `dir`.
  const unmountAll = () => {
    const below = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const m of below) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  };
  if (loadImage) {
    const image = execFileSync('docker', ['save', TEST_IMAGE], { maxBuffer: 256 << 20 });
    execFileSync('docker', ['-H', `unix://${socket}`, 'load', '-q'], { input: image });
  }
  return {
    socket,
    dataRoot: join(dir, 'data'),
    configFile: config,
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
      unmountAll();
      rmSync(dir, { recursive: true, force: true });
      delBridge();
    },
  };
}

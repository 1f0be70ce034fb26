/**
 * An OpenSSH server on 127.0.0.1 for tests of ssh:// engines: its own host key, config, pid file
 * and authorized_keys in a temporary directory, key authentication only, and DOCKER_HOST set for
 * the sessions it opens (so the remote `docker system dial-stdio` reaches the engine under test).
 * A client home holds the key the server accepts and the known_hosts line of its host key.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';
export const canStartSshd =
  spawnSync('test', ['-x', SSHD]).status === 0 &&
  spawnSync('which', ['ssh-keygen'], { stdio: 'ignore' }).status === 0 &&
  process.getuid?.() === 0;

export interface TestSshd {
  port: number;
  /** A HOME for the client: .ssh/id_ed25519 (accepted) and .ssh/known_hosts (this server). */
  home: string;
  /** The server's host key line as known_hosts holds it. */
  knownHostsLine: string;
  /** Makes a key the server does not accept (for the refusal test); returns its path. */
  strangerKey(): string;
  /** Logins the server accepted so far (its log, one line each). */
  logins(): number;
  stop(): Promise<void>;
}

const keygen = (path: string) =>
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'warden-test', '-f', path]);

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startSshd(port: number, dockerHost: string): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-sshd-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  keygen(join(dir, 'host_key'));
  keygen(join(home, '.ssh', 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(home, '.ssh', 'id_ed25519.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/);
  const knownHostsLine = `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}`;
  writeFileSync(join(home, '.ssh', 'known_hosts'), `${knownHostsLine}\n`);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `SetEnv DOCKER_HOST=${dockerHost}`,
      '',
    ].join('\n'),
  );
  // Privilege separation needs this directory; Debian creates it at boot only.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d) => (log += d));
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start: ${log.trim().split('\n').slice(-3).join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    home,
    knownHostsLine,
    strangerKey() {
      const path = join(dir, 'stranger');
      if (!existsSync(path)) keygen(path);
      return path;
    },
    logins: () => (log.match(/Accepted publickey for /g) ?? []).length,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

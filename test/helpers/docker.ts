/**
 * Real-engine helpers for integration tests (see ../shared/DOCKER.md).
 * - `dockerAvailable` tells whether an engine answers. With WARDEN_REQUIRE_DOCKER=1 (CI) a missing
 *   engine is a failure, not a skip.
 * - `ensureTestImage()` builds `warden-test/busybox:1` from the host's static busybox when missing.
 * - `testName()` gives unique, labelled names; `cleanupLabelled()` removes what a run created.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  mkdirSync,
  copyFileSync,
  symlinkSync,
  writeFileSync,
  existsSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDockerClient, resolveEndpoint } from '../../src/adapters/docker/client.js';
import { createDockerReadAdapter } from '../../src/adapters/docker/read.js';

export const TEST_IMAGE = 'warden-test/busybox:1';
export const TEST_LABEL = 'warden.test';

function docker(args: string[], input?: Buffer): string {
  return execFileSync('docker', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function engineAnswers(): boolean {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

export const dockerAvailable: boolean = engineAnswers();

if (!dockerAvailable && process.env.WARDEN_REQUIRE_DOCKER === '1') {
  throw new Error('WARDEN_REQUIRE_DOCKER=1 but no Docker engine answers (`docker info` failed)');
}

/** Why integration tests are skipped, for `describe.skipIf(!dockerAvailable)` messages. */
export const noDockerReason =
  'skipped when no Docker engine answers; CI sets WARDEN_REQUIRE_DOCKER=1 and starts one';

const BUSYBOX_APPLETS = [
  'sh',
  'ls',
  'cat',
  'echo',
  'sleep',
  'tar',
  'mkdir',
  'date',
  'id',
  'ps',
  'top',
  'nc',
  'wget',
  'httpd',
  'ip',
  'ping',
  'rm',
  'touch',
  'head',
  'tail',
  'wc',
  'sha256sum',
  'dd',
  'seq',
  'yes',
  'true',
  'false',
  'env',
  'kill',
  'chmod',
  'cp',
  'mv',
];

export function ensureTestImage(): string {
  const has = spawnSync('docker', ['image', 'inspect', TEST_IMAGE], { stdio: 'ignore' });
  if (has.status === 0) return TEST_IMAGE;
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  const root = mkdtempSync(join(tmpdir(), 'warden-img-'));
  try {
    for (const d of ['bin', 'tmp', 'etc', 'data', 'usr/sbin'])
      mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin/busybox'));
    for (const a of BUSYBOX_APPLETS) symlinkSync('busybox', join(root, 'bin', a));
    // An "sshd" for the sshd-running check: a busybox sleep under that name.
    symlinkSync('../../bin/busybox', join(root, 'usr/sbin/sshd'));
    writeFileSync(
      join(root, 'etc/passwd'),
      'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/data:/bin/sh\n',
    );
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\napp:x:1000:\n');
    const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 << 20 });
    // Two tests may race to build it; a second import of the same tag is harmless.
    docker(['import', '-c', 'CMD ["sh"]', '-', TEST_IMAGE], tar);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return TEST_IMAGE;
}

/** A unique resource name: `wt-<prefix>-<random>`. */
export function testName(prefix: string): string {
  return `wt-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Runs the docker CLI (setup only; the product talks to the engine through dockerode). */
export function dockerCli(args: string[]): string {
  return docker(args).trim();
}

/** Removes containers, networks and volumes carrying `warden.test=<runId>`. */
export function cleanupLabelled(runId: string): void {
  const filter = `label=${TEST_LABEL}=${runId}`;
  const ids = (cmd: string[]) =>
    docker(cmd)
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  const containers = ids(['ps', '-aq', '--filter', filter]);
  if (containers.length)
    spawnSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore' });
  const networks = ids(['network', 'ls', '-q', '--filter', filter]);
  if (networks.length) spawnSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' });
  const volumes = ids(['volume', 'ls', '-q', '--filter', filter]);
  if (volumes.length) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
}

/** `--label warden.test=<runId>` for docker CLI calls. */
export function labelArgs(runId: string): string[] {
  return ['--label', `${TEST_LABEL}=${runId}`];
}

/** The engine's read port over the endpoint the CLI would use (or `host`), as the audit reads it. */
export function readPort(host?: string): ReturnType<typeof createDockerReadAdapter> {
  const endpoint = resolveEndpoint(host);
  return createDockerReadAdapter(createDockerClient(endpoint), endpoint);
}

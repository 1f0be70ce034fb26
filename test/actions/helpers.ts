/** Shared setup for the incident-action integration tests (real engine). */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { actionDeps as composedDeps } from '../../src/cli/runners.js';
import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createDockerAdapter } from '../../src/adapters/docker/index.js';
import { resolveEndpoint } from '../../src/adapters/docker/client.js';
import { createEvidenceFiles } from '../../src/adapters/evidence-fs.js';
import { createBackupSources } from '../../src/adapters/backup-sources-fs.js';
import { createActionRunner, type ActionDeps } from '../../src/actions/runner.js';
import { createFileSessionStore } from '../../src/journal/file.js';
import type { DockerPort } from '../../src/engine/ports.js';
import { Session } from '../../src/engine/session.js';
import { deps as sessionDeps } from '../helpers/session.js';
import { dockerCli, labelArgs, testName, TEST_IMAGE } from '../helpers/docker.js';

export function actionDeps(
  home: string,
  docker?: DockerPort,
  over: Partial<ActionDeps> = {},
): ActionDeps {
  const real = docker ?? createDockerAdapter();
  const store = createFileSessionStore(home, { now: () => new Date() });
  return {
    docker: () => real,
    sessionDir: (id) => store.sessionDir(id),
    clock: { now: () => new Date() },
    files: createEvidenceFiles(),
    sources: createBackupSources(),
    home,
    ...over,
  };
}

export async function adHocSession(home: string, ad: ActionDeps): Promise<Session> {
  let n = 0;
  return Session.startAdHoc(
    sessionDeps(home, {
      actions: createActionRunner(ad),
      randomHex: () => randomBytes(3).toString('hex') + String(n++),
    }),
    'tester',
  );
}

export function dockerAt(socketPath: string): DockerPort {
  return createDockerAdapter(resolveEndpoint(`unix://${socketPath}`));
}

export interface Victim {
  name: string;
  volume: string;
  netA: string;
  netB: string;
  secret: string;
  quarantine: string;
}

/**
 * A victim: named volume with data, published port, two networks with aliases (one with a static
 * address), chatty stdout and stderr, a planted secret in its environment.
 */
export function createVictim(runId: string, prefix: string, subnetOctet: number): Victim {
  const v: Victim = {
    name: testName(`${prefix}-victim`),
    volume: testName(`${prefix}-vol`),
    netA: testName(`${prefix}-neta`),
    netB: testName(`${prefix}-netb`),
    secret: randomBytes(12).toString('hex'),
    quarantine: testName(`${prefix}-quar`),
  };
  const L = labelArgs(runId);
  dockerCli(['network', 'create', ...L, v.netA]);
  dockerCli(['network', 'create', ...L, '--subnet', `10.${subnetOctet}.7.0/24`, v.netB]);
  dockerCli(['volume', 'create', ...L, v.volume]);
  dockerCli([
    'run',
    '-d',
    ...L,
    '--name',
    v.name,
    '--network',
    v.netA,
    '--network-alias',
    'web',
    '--network-alias',
    'app',
    '-v',
    `${v.volume}:/data`,
    '-p',
    '127.0.0.1::8080',
    '-e',
    `DB_PASSWORD=${v.secret}`,
    TEST_IMAGE,
    'sh',
    '-c',
    'echo precious > /data/keep.txt; mkdir -p /data/sub; echo nested > /data/sub/n.txt; ' +
      'for i in $(seq 1 60); do echo "boot line $i"; done; echo "connecting with $DB_PASSWORD"; ' +
      'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.2; done',
  ]);
  dockerCli([
    'network',
    'connect',
    '--alias',
    'db',
    '--ip',
    `10.${subnetOctet}.7.50`,
    v.netB,
    v.name,
  ]);
  return v;
}

export function networksOf(name: string): Record<string, { aliases: string[]; ip?: string }> {
  const raw = JSON.parse(
    dockerCli(['inspect', name, '--format', '{{json .NetworkSettings.Networks}}']),
  ) as Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }>;
  const out: Record<string, { aliases: string[]; ip?: string }> = {};
  for (const [k, v] of Object.entries(raw))
    out[k] = {
      aliases: [...(v.Aliases ?? [])].sort(),
      ...(v.IPAMConfig?.IPv4Address ? { ip: v.IPAMConfig.IPv4Address } : {}),
    };
  return out;
}

export function sha256sum(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0] ?? '';
}

/** Polls until `fn` returns true or the deadline passes. */
export async function until(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A container whose log is large and still growing: `mb` MB of long lines as fast as the engine
 * takes them, then a line every 50 ms. Waits until the engine's log file holds `readyMb`.
 */
export async function createChattyContainer(
  runId: string,
  prefix: string,
  mb: number,
  readyMb: number,
): Promise<string> {
  const name = testName(`${prefix}-chatty`);
  const line = 'x'.repeat(200);
  dockerCli([
    'run',
    '-d',
    ...labelArgs(runId),
    '--name',
    name,
    '-e',
    'API_TOKEN=chatty-token-value',
    TEST_IMAGE,
    'sh',
    '-c',
    `yes "${line}" | head -c ${mb * 1_000_000}; while true; do echo tick; sleep 0.05; done`,
  ]);
  const logPath = dockerCli(['inspect', name, '--format', '{{.LogPath}}']);
  await until(() => {
    try {
      return statSync(logPath).size >= readyMb * 1_000_000;
    } catch {
      return false;
    }
  }, 60_000);
  return name;
}

/**
 * The victim re-created under its name, as `docker compose up` would after a removal: the same
 * volume, on its first network only, without its aliases; it exits on SIGTERM (no wait for the
 * engine's grace period). Returns the new container's id.
 */
export function recreateVictim(runId: string, v: Victim): string {
  dockerCli([
    'run',
    '-d',
    ...labelArgs(runId),
    '--name',
    v.name,
    '--network',
    v.netA,
    '-v',
    `${v.volume}:/data`,
    TEST_IMAGE,
    'sh',
    '-c',
    "trap 'exit 0' TERM; while true; do sleep 0.2; done",
  ]);
  return dockerCli(['inspect', v.name, '--format', '{{.Id}}']);
}

/** A container whose shell ignores SIGTERM: a stop waits out the grace period, then SIGKILLs. */
export function createStubborn(runId: string, prefix: string): string {
  const name = testName(`${prefix}-stubborn`);
  dockerCli([
    'run',
    '-d',
    ...labelArgs(runId),
    '--name',
    name,
    TEST_IMAGE,
    'sh',
    '-c',
    "trap '' TERM; while true; do sleep 0.2; done",
  ]);
  return name;
}

/**
 * The action deps as the composition root builds them (src/cli/runners.ts): a restore or a
 * restore test asks the journal of the session that took the backup.
 */
export function composedActionDeps(home: string): ActionDeps {
  return composedDeps({
    docker: () => createDockerAdapter(),
    store: createFileSessionStore(home, { now: () => new Date() }),
    clock: { now: () => new Date() },
    home,
    files: createEvidenceFiles(),
    sources: createBackupSources(),
    readText: (p) => readFile(p, 'utf8'),
  });
}

/** Waits until the victim's start script has written its data (`/data/sub/n.txt`). */
export async function victimReady(v: Victim): Promise<void> {
  await until(() => {
    try {
      return dockerCli(['exec', v.name, 'cat', '/data/sub/n.txt']) === 'nested';
    } catch {
      return false;
    }
  });
}

/**
 * The images scope against the real engine: a clean image and one with each bad pattern, built
 * locally from warden-test/busybox (classic builder, no registry). Both verdicts per check.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerAdapter } from '../../src/adapters/docker/index.js';
import { runAuditCore } from '../../src/checks/audit-core.js';
import type { Evaluation } from '../../src/checks/types.js';
import {
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  noDockerReason,
  testName,
} from '../helpers/docker.js';

const DB_PASSWORD = 'Zq8vLm2Xp9Rt4Kw7-images-test';
const TOKEN = 'Hx7pQ2mV9sL4kT8wRz-images-test';

function build(
  tag: string,
  dockerfile: string,
  files: Record<string, string> = {},
  args: string[] = [],
) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-imgtest-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    writeFileSync(join(dir, 'Dockerfile'), dockerfile);
    const r = spawnSync('docker', ['build', '-q', '-t', tag, ...args, dir], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    if (r.status !== 0) throw new Error(`docker build failed: ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!dockerAvailable)(`images scope (real engine; ${noDockerReason})`, () => {
  const clean = `${testName('img-clean')}:1`;
  const bad = `${testName('img-bad')}:1`;
  let evals: Evaluation[] = [];
  const verdict = (tag: string, check: string) =>
    evals.find((e) => e.target.name === tag && e.check === check);

  beforeAll(async () => {
    ensureTestImage();
    build(
      clean,
      'FROM warden-test/busybox:1\nENV APP_MODE=prod\nUSER 1000\nHEALTHCHECK CMD ["true"]\n',
    );
    build(
      bad,
      [
        'FROM warden-test/busybox:1',
        `ENV DB_PASSWORD=${DB_PASSWORD}`,
        'ARG TOKEN',
        'RUN echo built >/tmp/b',
        'COPY id_rsa /root/.ssh/id_rsa',
        'COPY .env /app/.env',
        'RUN rm /app/.env && cp /bin/busybox /bin/suidbox && chmod u+s /bin/suidbox',
        '',
      ].join('\n'),
      { id_rsa: '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n', '.env': 'A=1\n' },
      ['--build-arg', `TOKEN=${TOKEN}`],
    );
    const run = await runAuditCore({ docker: createDockerAdapter(), scopes: ['images'] });
    evals = run.evaluations;
  }, 120_000);

  afterAll(() => {
    for (const t of [clean, bad])
      spawnSync('docker', ['image', 'rm', '-f', t], { stdio: 'ignore' });
  });

  it.each([
    ['image-user-root'],
    ['image-no-healthcheck'],
    ['image-secret-env'],
    ['image-secret-history'],
    ['image-credential-file'],
    ['image-setuid'],
  ])('%s: fails on the bad image, passes on the clean one', (check) => {
    expect(verdict(bad, check)?.verdict).toBe('fail');
    expect(verdict(clean, check)?.verdict).toBe('pass');
  });

  it('says a credential deleted in a later layer is still in the image', () => {
    const e = verdict(bad, 'image-credential-file')?.evidence ?? '';
    expect(e).toContain('/root/.ssh/id_rsa (ssh-private-key');
    expect(e).toMatch(/\/app\/\.env \(dotenv, present in layer \d+, deleted later/);
  });

  it('names ENV and ARG credentials without their values', () => {
    expect(verdict(bad, 'image-secret-env')?.evidence).toBe('ENV DB_PASSWORD=***');
    expect(verdict(bad, 'image-secret-history')?.evidence).toContain('ARG TOKEN=***');
    const all = JSON.stringify(evals);
    expect(all).not.toContain(DB_PASSWORD);
    expect(all).not.toContain(TOKEN);
  });

  it('image-unused: an image no container uses fails, one a stopped container uses passes', async () => {
    expect(verdict(clean, 'image-unused')?.verdict).toBe('fail');
    const name = testName('img-user');
    dockerCli(['create', '--name', name, '--label', 'warden.test=images', clean]);
    try {
      const r = await runAuditCore({ docker: createDockerAdapter(), scopes: ['images'] });
      const e = r.evaluations.find((x) => x.target.name === clean && x.check === 'image-unused');
      expect(e?.verdict).toBe('pass');
    } finally {
      spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    }
  }, 120_000);
});

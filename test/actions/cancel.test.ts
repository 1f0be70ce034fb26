/**
 * Cancel that cancels, against the real engine: a snapshot of a large, still-growing log stops
 * within 2 s of the cancel, keeps what it wrote and is recorded cancelled and INCOMPLETE with a
 * manifest saying so; a stop the engine cannot call back says so and records what the engine
 * finally did; a cancelled backup is never restorable.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/engine/executors.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  testName,
  TEST_IMAGE,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import {
  actionDeps,
  adHocSession,
  createChattyContainer,
  createStubborn,
  until,
} from './helpers.js';

const runId = `cancel-${randomBytes(3).toString('hex')}`;

describe.skipIf(!dockerAvailable)(
  `cancelling actions on the real engine (${noDockerReason})`,
  () => {
    const home = tempHome('warden-cancel-');
    let chatty = '';

    beforeAll(async () => {
      ensureTestImage();
      chatty = await createChattyContainer(runId, 'cx', 120, 40);
    }, 90_000);

    afterAll(() => cleanupLabelled(runId));

    it('a snapshot of a large, growing log stops within 2 s of the cancel: cancelled, INCOMPLETE, files kept', async () => {
      const ad = actionDeps(home);
      const s = await adHocSession(home, ad);
      const ac = new AbortController();
      const progress: Progress[] = [];
      const run = s.runAdHoc(
        'snapshot',
        { container: chatty },
        { signal: ac.signal, onProgress: (p) => progress.push(p) },
      );
      // Cancel once the log stream is well under way.
      await until(() => (progress.at(-1)?.bytes ?? 0) > 5_000_000, 30_000);
      expect(progress.at(-1)).toMatchObject({ label: 'logs' });
      const asked = Date.now();
      ac.abort();
      const r = await run;
      const took = Date.now() - asked;
      expect(took).toBeLessThan(2000);
      expect(r.outcome).toBe('cancelled');
      expect(r.summary).toMatch(
        /^INCOMPLETE snapshot of .*: cancelled by the operator during logs/,
      );
      expect(r.data.cancelRequestedAt).toEqual(expect.any(String));

      const dir = join(ad.sessionDir(s.id), String(r.data.dir));
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ complete: false, cancelled: true });
      expect(manifest.errors[0]).toMatchObject({ part: 'logs' });
      expect(manifest.errors[0].message).toMatch(
        /cancelled by the operator during logs \(.* kept\)/,
      );
      // What was written is kept and hashed; the rest of the parts are named as not collected.
      const log = manifest.files.find((f: { kind: string }) => f.kind === 'logs-stdout');
      expect(log.bytes).toBeGreaterThan(5_000_000);
      expect(statSync(join(dir, 'stdout.log')).size).toBe(log.bytes);
      expect(manifest.skipped.map((x: { part: string }) => x.part)).toEqual(
        expect.arrayContaining(['inspect', 'processes', 'changes', 'events']),
      );
      // The journal: cancelled, never a complete snapshot, so it opens no containment gate.
      expect(s.state.evidence?.at(-1)).toMatchObject({ complete: false, cancelled: true });
      expect(s.safetyBlocker('isolate', { container: chatty })).toMatch(/no complete snapshot/);
      await s.close();
    }, 90_000);

    it('a stop the engine cannot call back says so on cancel, and records what the engine did', async () => {
      const stubborn = createStubborn(runId, 'cx');
      const ad = actionDeps(home);
      const s = await adHocSession(home, ad);
      const ac = new AbortController();
      const lines: string[] = [];
      const progress: Progress[] = [];
      const started = Date.now();
      const run = s.runAdHoc(
        'stop',
        { container: stubborn, timeout: '4' },
        {
          signal: ac.signal,
          confirmed: true,
          onOutput: (l) => lines.push(l),
          onProgress: (p) => progress.push(p),
        },
      );
      await until(() => progress.some((p) => p.deadline !== undefined), 10_000);
      const deadline = Date.parse(progress.find((p) => p.deadline)?.deadline ?? '');
      expect(deadline - started).toBeGreaterThan(3000);
      expect(deadline - started).toBeLessThan(6000);
      ac.abort();
      // Within a moment the operator is told the engine cannot be called back.
      await until(() => lines.some((l) => /cannot be called back/.test(l)), 2000);
      expect(progress.at(-1)?.uncancellable).toMatch(/SIGKILL at /);
      const r = await run;
      expect(r.outcome).toBe('ok');
      expect(r.summary).toMatch(/running → exited \(the cancel came while the engine was stopping/);
      expect(r.data.cancelNotHonoured).toMatch(/cannot be called back/);
      expect(r.data.cancelRequestedAt).toEqual(expect.any(String));
      expect(r.data.after).toEqual({ status: 'exited' });
      expect(dockerCli(['inspect', stubborn, '--format', '{{.State.Status}}'])).toBe('exited');
      await s.close();
    }, 60_000);

    it('a cancelled backup keeps its partial archive, says so in its manifest, and is never restored', async () => {
      const vol = testName('cx-vol');
      const box = testName('cx-box');
      dockerCli(['volume', 'create', ...labelArgs(runId), vol]);
      dockerCli([
        'run',
        '-d',
        ...labelArgs(runId),
        '--name',
        box,
        '-v',
        `${vol}:/data`,
        TEST_IMAGE,
        'sh',
        '-c',
        // Incompressible data, so the archive takes a moment to write.
        'dd if=/dev/urandom of=/data/blob bs=1M count=300 2>/dev/null; echo ready; sleep 600',
      ]);
      await until(() => dockerCli(['logs', box]).includes('ready'), 60_000);
      const ad = actionDeps(home);
      const s = await adHocSession(home, ad);
      const ac = new AbortController();
      const progress: Progress[] = [];
      const run = s.runAdHoc(
        'backup',
        { container: box },
        { signal: ac.signal, onProgress: (p) => progress.push(p) },
      );
      await until(() => (progress.at(-1)?.bytes ?? 0) > 10_000_000, 30_000);
      const asked = Date.now();
      ac.abort();
      const r = await run;
      expect(Date.now() - asked).toBeLessThan(2000);
      expect(r.outcome).toBe('cancelled');
      expect(r.summary).toMatch(/^INCOMPLETE backup of .*cancelled by the operator/);
      const dir = join(ad.sessionDir(s.id), String(r.data.dir));
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ complete: false, archives: [] });
      expect(manifest.missing[0]).toMatchObject({ destination: '/data' });
      // Not a backup the session counts, and a restore of it is refused with nothing written.
      expect(s.state.backups ?? []).toHaveLength(0);
      const restore = await s.runAdHoc(
        'restore',
        { container: box, backup: dir },
        { signal: new AbortController().signal, confirmed: true },
      );
      expect(restore.outcome).toBe('error');
      expect(restore.summary).toMatch(/incomplete backup .*refused, nothing written/);
      await s.close();
    }, 120_000);
  },
);

/**
 * A real SIGINT / SIGTERM to a headless verb (`warden snapshot`) while it streams a large, still
 * growing log: it stops within 2 s, exits 130, and its session records the snapshot cancelled and
 * INCOMPLETE with what had been written. Needs `npm run build` first and a Docker engine.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChattyContainer } from '../actions/helpers.js';
import { BIN } from '../helpers/cli.js';
import {
  cleanupLabelled,
  dockerAvailable,
  ensureTestImage,
  noDockerReason,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';

const runId = `cancel-cli-${randomBytes(3).toString('hex')}`;

describe.skipIf(!dockerAvailable)(`signals to headless verbs (${noDockerReason})`, () => {
  let chatty = '';
  beforeAll(async () => {
    ensureTestImage();
    chatty = await createChattyContainer(runId, 'sig', 120, 40);
  }, 90_000);
  afterAll(() => cleanupLabelled(runId));

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} cancels a running snapshot within 2 s; exit 130; recorded cancelled and INCOMPLETE`, async () => {
      const home = tempHome('warden-sig-');
      const child = execa(process.execPath, [BIN, 'snapshot', chatty], {
        reject: false,
        env: { WARDEN_HOME: home, NO_COLOR: '1' },
        stdin: 'ignore',
        timeout: 60_000,
      });
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr?.on('data', (d: Buffer) => {
          stderr += d.toString();
          // A progress line with megabytes written: the log stream is under way.
          if (/logs: \d+(\.\d)? MiB/.test(stderr)) resolve();
        });
        void child.then(() => reject(new Error(`exited before progress: ${stderr}`)));
      });
      const asked = Date.now();
      child.kill(sig);
      const r = await child;
      const took = Date.now() - asked;
      expect(took).toBeLessThan(2000);
      expect(r.exitCode).toBe(130);
      expect(String(r.stderr)).toContain(`${sig}: cancelling snapshot`);
      expect(String(r.stderr)).toMatch(
        /CANCELLED: INCOMPLETE snapshot of .*cancelled by the operator/,
      );

      const [id] = readdirSync(join(home, 'sessions'));
      const lines = readFileSync(join(home, 'sessions', id ?? '', 'journal.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
      const result = lines.find((e) => e.type === 'action.result');
      expect(result?.data).toMatchObject({
        outcome: 'cancelled',
        complete: false,
        cancelled: true,
      });
      const manifest = JSON.parse(
        readFileSync(join(home, 'sessions', id ?? '', String(result?.data.manifest)), 'utf8'),
      );
      expect(manifest).toMatchObject({ complete: false, cancelled: true });
      // The container's token never reached the disk.
      expect(JSON.stringify(lines)).not.toContain('chatty-token-value');
    }, 90_000);
  }
});

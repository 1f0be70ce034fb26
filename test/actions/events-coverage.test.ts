/**
 * The engine keeps a bounded buffer of events (256 on these engines). When it no longer reaches
 * back to the container's creation, snapshot and triage say "events since <time> only" instead of
 * presenting a partial history as the whole. On a private engine, so flooding its buffer disturbs
 * no other test.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../../src/actions/snapshot.js';
import { triage } from '../../src/actions/triage.js';
import { dockerAvailable, noDockerReason, TEST_IMAGE } from '../helpers/docker.js';
import { canStartEngine, startPrivateEngine, type PrivateEngine } from '../helpers/engine.js';
import { tempHome } from '../helpers/session.js';
import { actionDeps, dockerAt } from './helpers.js';

const ctx = (container: string) => ({
  sessionId: `cov-${randomBytes(3).toString('hex')}`,
  stepId: 'adhoc:snapshot',
  params: { container },
  signal: new AbortController().signal,
  onOutput: () => undefined,
});

describe.skipIf(!dockerAvailable || !canStartEngine)(
  `events coverage on a private engine (needs root, dockerd and unshare; ${noDockerReason})`,
  () => {
    let engine: PrivateEngine;
    const home = tempHome('warden-cov-');

    beforeAll(async () => {
      engine = await startPrivateEngine();
    }, 60_000);
    afterAll(async () => engine?.stop(), 60_000);

    it('says the events reach its creation when they do, and "since <time> only" once they do not', async () => {
      const ad = actionDeps(home, dockerAt(engine.socket));
      const name = 'cov-target';
      engine.cli(['run', '-d', '--name', name, '--network', 'none', TEST_IMAGE, 'sleep', '600']);

      const fresh = await snapshot(ad, ctx(name));
      expect(fresh.ok, fresh.summary).toBe(true);
      expect(fresh.data.eventsCoverage).toMatchObject({ complete: true });
      expect(fresh.summary).not.toContain('only');

      // 300 more events of its own (exec_create) push its creation out of the engine's buffer.
      const api = new Docker({ socketPath: engine.socket });
      const c = api.getContainer(name);
      for (let i = 0; i < 300; i++) await c.exec({ Cmd: ['true'] });

      const at = ctx(name);
      const partial = await snapshot(ad, at);
      expect(partial.ok, partial.summary).toBe(true);
      const cov = partial.data.eventsCoverage as {
        complete: boolean;
        since: string;
        reason: string;
      };
      expect(cov.complete).toBe(false);
      expect(cov.reason).toMatch(/no longer reaches back to the container's creation/);
      expect(partial.summary).toContain(`events since ${cov.since} only`);
      const manifest = JSON.parse(
        readFileSync(join(ad.sessionDir(at.sessionId), String(partial.data.manifest)), 'utf8'),
      );
      expect(manifest.eventsCoverage).toEqual(cov);
      const events = manifest.files.find((f: { kind: string }) => f.kind === 'events');
      expect(events.description).toContain(`since ${cov.since} only`);

      const t = await triage(ad, ctx(name));
      expect(t.summary).toMatch(/engine event\(s\) since .* only/);
      expect(t.data.eventsCoverage).toMatchObject({ complete: false });
    }, 120_000);
  },
);

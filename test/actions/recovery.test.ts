/**
 * The incident runbook's recover phase after eradication, against the real engine: the removed
 * target is reported before anything is asked, a re-created container under the same name is
 * refused until it is recorded as the replacement, and then restore, restart, reconnect (the
 * original's network plan) and health all work on it. Also: what the operator types is masked
 * with the target's own secret values, and the incident's start drives restore's warning.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRunner } from '../../src/actions/runner.js';
import { targetSecrets } from '../../src/actions/target-secrets.js';
import { createDockerAdapter } from '../../src/adapters/docker/index.js';
import { Session } from '../../src/engine/session.js';
import { renderMarkdown } from '../../src/report/format-markdown.js';
import { buildReport } from '../../src/report/report.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  noDockerReason,
  TEST_IMAGE,
} from '../helpers/docker.js';
import { deps as sessionDeps, loadedFrom, tempHome } from '../helpers/session.js';
import { actionDeps, createVictim, networksOf, recreateVictim, type Victim } from './helpers.js';

const runId = `recover-${randomBytes(3).toString('hex')}`;
const runbookFile = join(import.meta.dirname, '..', '..', 'runbooks', 'incident-response.yaml');
const signal = new AbortController().signal;
const realClock = { now: () => new Date() };

describe.skipIf(!dockerAvailable)(`recovery into a replacement (${noDockerReason})`, () => {
  let v: Victim;
  const home = tempHome('warden-recover-');

  beforeAll(() => {
    ensureTestImage();
    v = createVictim(runId, 'rec', 60 + Math.floor(Math.random() * 30));
  });
  afterAll(() => cleanupLabelled(runId));

  it('eradicate, then restore, restart, reconnect and health on the same name re-created', async () => {
    const docker = createDockerAdapter();
    const ad = actionDeps(home);
    const s = await Session.start(
      sessionDeps(home, {
        clock: realClock,
        actions: createActionRunner(ad),
        targetSecrets: (refs) => targetSecrets(docker, refs),
      }),
      loadedFrom(readFileSync(runbookFile, 'utf8'), runbookFile),
      { target: v.name },
      'tester',
    );
    const networksBefore = networksOf(v.name);
    const originalId = dockerCli(['inspect', v.name, '--format', '{{.Id}}']);
    const go = async (step: string, typed?: string) => {
      for (const b of s.blockers(step)) void b;
      if (s.blockers(step).length)
        await s.overrideGate(step, 'engine test: earlier steps not needed');
      await s.run(step, { signal, ...(typed ? { typed } : {}) });
      const last = s.state.steps[step]?.results.at(-1);
      return last;
    };

    // What the operator types is masked with the target's own secret, before it is journaled.
    const note = await s.addNote('confirm-alert', `attacker used DB_PASSWORD ${v.secret} from env`);
    expect(note.data.text).toBe('attacker used DB_PASSWORD *** from env');
    expect(note.data.masked).toEqual([`the value of DB_PASSWORD of ${v.name}`]);

    expect((await go('snapshot-evidence'))?.outcome).toBe('ok');
    expect((await go('isolate-target', v.name))?.outcome).toBe('ok');
    expect((await go('backup-volumes'))?.outcome).toBe('ok');
    dockerCli(['exec', v.name, 'sh', '-c', 'echo defaced > /data/keep.txt']);
    expect((await go('remove-target', v.name))?.outcome).toBe('ok');

    // Gone: said before any confirmation is asked, with when it was removed.
    const gone = await s.preview('restore-volumes', signal);
    expect(gone).toMatchObject({ kind: 'missing', original: { id: originalId } });
    expect(gone.kind === 'missing' && gone.message).toMatch(/was removed in this session/);

    // Re-created under the same name (as `docker compose up` would), on one network, no aliases.
    const replacementId = recreateVictim(runId, v);
    const seen = await s.preview('restore-volumes', signal);
    expect(seen).toMatchObject({
      kind: 'replaced',
      original: { id: originalId },
      current: { id: replacementId, name: v.name },
    });
    // Not recorded as the replacement yet: the engine refuses to act on another container.
    const refused = await go('restore-volumes', v.name);
    expect(refused?.outcome).toBe('error');
    expect(refused?.summary).toMatch(/not .* that this session worked on/);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('defaced');

    await s.replaceTarget('restore-volumes', {
      id: replacementId,
      name: v.name,
      image: TEST_IMAGE,
    });
    expect(s.state.replacements?.[0]).toMatchObject({
      original: { id: originalId },
      replacement: { id: replacementId },
    });
    expect((await s.preview('restore-volumes', signal)).kind).toBe('ready');
    const restored = await go('restore-volumes', v.name);
    expect(restored?.outcome, restored?.summary).toBe('ok');
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('precious');
    expect((await go('restart-target'))?.outcome).toBe('ok');

    // The replacement gets the original's network plan: networks, aliases, the static address.
    const plan = await s.preview('unisolate-or-replace', signal);
    expect(plan.kind === 'ready' && plan.blastRadius).toMatch(/the network plan of/);
    const reconnected = await go('unisolate-or-replace');
    expect(reconnected?.outcome, reconnected?.summary).toBe('ok');
    // The engine adds each container's short id as an alias of its own.
    const named = (n: ReturnType<typeof networksOf>, id: string) =>
      Object.fromEntries(
        Object.entries(n).map(([k, x]) => [
          k,
          { ...x, aliases: x.aliases.filter((a) => a !== id.slice(0, 12)) },
        ]),
      );
    expect(named(networksOf(v.name), replacementId)).toEqual(named(networksBefore, originalId));
    expect(existsSync(join(home, 'quarantine', `${originalId}.json`))).toBe(false);
    const closed = readdirSync(join(home, 'quarantine')).find((f) =>
      f.startsWith(`${originalId}.`),
    );
    expect(JSON.parse(readFileSync(join(home, 'quarantine', closed ?? ''), 'utf8'))).toMatchObject({
      restoredTo: { id: replacementId },
    });
    expect((await go('verify-health'))?.outcome).toBe('ok');

    const chain = { ok: true, entries: s.state.entries, head: s.state.head, signatures: 0 };
    const md = renderMarkdown(buildReport(s.state, s.entries, chain));
    expect(md).toContain(
      `- Target replaced: ${v.name} (\`${originalId.slice(0, 12)}\`) by ${v.name} (\`${replacementId.slice(0, 12)}\``,
    );
    expect(md).toMatch(/- Incident start: \S+ \(the session's start: no alert time was recorded\)/);
    expect(md).toMatch(/target replaced: .* by /);
    expect(md).not.toContain(v.secret);
    await s.close();
    expect(readFileSync(s.journalPath, 'utf8')).not.toContain(v.secret);
  }, 120_000);

  it("the incident's start, set during the session, makes restore warn about a backup taken after it", async () => {
    const ad = actionDeps(home);
    const s = await Session.start(
      sessionDeps(home, {
        clock: realClock,
        actions: createActionRunner(ad),
        randomHex: () => 'def456',
      }),
      loadedFrom(readFileSync(runbookFile, 'utf8'), runbookFile),
      { target: v.name },
      'tester',
    );
    expect((await s.runAdHoc('backup', { container: v.name }, { signal })).outcome).toBe('ok');
    await expect(s.setIncidentStart('in an hour')).rejects.toThrow(/cannot read/);
    const set = await s.setIncidentStart('2h', 'the alert fired two hours before the page');
    expect(set?.type).toBe('input.changed');
    const at = s.state.inputs['incident-start'] ?? '';
    expect(Date.now() - Date.parse(at)).toBeGreaterThan(7_100_000);
    await s.overrideGate('restore-volumes', 'engine test');
    await s.run('restore-volumes', { signal, typed: v.name });
    const r = s.state.steps['restore-volumes']?.results.at(-1);
    expect(r?.outcome, r?.summary).toBe('ok');
    expect((r?.data.warnings as string[]).join(' ')).toContain(
      `newer than the incident's start (${at})`,
    );
    await s.close();
  }, 60_000);
});

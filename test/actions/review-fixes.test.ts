/**
 * Regressions from the incident-action review: isolate retried after a partial isolate, restore's
 * `latest` picking another container's backup, restore trusting the manifest (encryption flag,
 * extractTo), `restore --stop` with a failing write, and triage's summary masking. The action
 * functions are called directly; the engine parts are skipped when no engine answers.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepContext } from '../../src/engine/executors.js';
import type { DockerPort } from '../../src/engine/ports.js';
import { createDockerAdapter } from '../../src/adapters/docker/index.js';
import { backup } from '../../src/actions/backup.js';
import { isolate } from '../../src/actions/isolate.js';
import { unisolate } from '../../src/actions/unisolate.js';
import { restore, restoreDryRun } from '../../src/actions/restore.js';
import { triage } from '../../src/actions/triage.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  noDockerReason,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import { actionDeps, createVictim, networksOf, type Victim } from './helpers.js';

const runId = `review-${randomBytes(3).toString('hex')}`;
const signal = new AbortController().signal;

function ctx(params: Record<string, string>, sessionId = 'review-session'): StepContext {
  return { sessionId, stepId: 'adhoc', params, signal, onOutput: () => undefined };
}

function writeManifest(dir: string, container: { id: string; name: string }, createdAt: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      format: 'warden-backup/1',
      session: 'x',
      container,
      createdAt,
      finishedAt: createdAt,
      encrypted: false,
      compression: 'gzip level 1',
      archives: [],
    }),
  );
}

async function tarGz(entries: { name: string; body: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name }, e.body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack.pipe(createGzip())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('restore with backup "latest"', () => {
  const web = { Id: 'a'.repeat(64), Name: '/web', State: { Running: true } };
  const fake = { inspectDetailed: async () => web } as unknown as DockerPort;

  it("picks this container's newest backup, never web-db-…, and refuses one whose manifest names another container", async () => {
    const home = tempHome('warden-latest-');
    const ad = actionDeps(home, fake);
    const backups = join(ad.sessionDir('s1'), 'backups');
    writeManifest(
      join(backups, 'web-20260101T000000.000Z'),
      { id: web.Id, name: 'web' },
      '2026-01-01T00:00:00.000Z',
    );
    writeManifest(
      join(backups, 'web-20251201T000000.000Z'),
      { id: web.Id, name: 'web' },
      '2025-12-01T00:00:00.000Z',
    );
    writeManifest(
      join(backups, 'web-db-20260102T000000.000Z'),
      { id: 'b'.repeat(64), name: 'web-db' },
      '2026-01-02T00:00:00.000Z',
    );
    const p = await restoreDryRun(ad, ctx({ container: 'web', backup: 'latest' }, 's1'));
    expect(p.data.backup).toBe(join(backups, 'web-20260101T000000.000Z'));

    // A newer directory named for web whose manifest was taken from web-db: refused.
    writeManifest(
      join(backups, 'web-20260103T000000.000Z'),
      { id: 'b'.repeat(64), name: 'web-db' },
      '2026-01-03T00:00:00.000Z',
    );
    await expect(
      restoreDryRun(ad, ctx({ container: 'web', backup: 'latest' }, 's1')),
    ).rejects.toThrow(/taken from web-db .*refusing/);
    await expect(restore(ad, ctx({ container: 'web', backup: 'latest' }, 's1'))).rejects.toThrow(
      /taken from web-db .*refusing/,
    );
  });
});

describe.skipIf(!dockerAvailable)(`review fixes on the real engine (${noDockerReason})`, () => {
  let v: Victim;
  const home = tempHome('warden-review-');
  const real = createDockerAdapter();
  const sid = 'review-session';

  beforeAll(() => {
    ensureTestImage();
    v = createVictim(runId, 'rev', 50 + Math.floor(Math.random() * 50));
  });

  afterAll(() => {
    cleanupLabelled(runId);
    spawnSync('docker', ['network', 'rm', v.quarantine], { stdio: 'ignore' });
  });

  it('isolate retried after a partial isolate keeps every original network: unisolate restores both with aliases and addresses', async () => {
    const before = networksOf(v.name);
    expect(Object.keys(before).sort()).toEqual([v.netA, v.netB].sort());
    let disconnects = 0;
    const flaky: DockerPort = {
      ...real,
      disconnectNetwork: async (network, container, force) => {
        if (++disconnects === 2) throw new Error('engine hiccup');
        return real.disconnectNetwork(network, container, force);
      },
    };
    await expect(
      isolate(
        actionDeps(home, flaky, { quarantineNetwork: v.quarantine }),
        ctx({ container: v.name }),
      ),
    ).rejects.toThrow(/engine hiccup/);
    expect(Object.keys(networksOf(v.name))).toHaveLength(1);

    const ad = actionDeps(home, real, { quarantineNetwork: v.quarantine });
    const iso = await isolate(ad, ctx({ container: v.name }));
    expect(iso.ok, iso.summary).toBe(true);
    expect(Object.keys(networksOf(v.name))).toEqual([]);
    // Once more, already isolated: the record still holds both networks.
    expect((await isolate(ad, ctx({ container: v.name }))).ok).toBe(true);

    const un = await unisolate(ad, ctx({ container: v.name }));
    expect(un.ok, un.summary).toBe(true);
    expect(networksOf(v.name)).toEqual(before);
    expect(iso.summary).toContain(`cut off from ${[v.netA, v.netB].sort().join(', ')}`);
  });

  it("triage's summary masks a secret that appears in a problem's text", async () => {
    const leaky: DockerPort = {
      ...real,
      events: async () => {
        throw new Error(`events failed near DB_PASSWORD=${v.secret}`);
      },
    };
    const r = await triage(actionDeps(home, leaky), ctx({ container: v.name }));
    expect(r.ok).toBe(false);
    expect(r.summary).toContain('events failed');
    expect(r.summary).not.toContain(v.secret);
    expect(JSON.stringify(r.data)).not.toContain(v.secret);
  });

  it('restore --stop whose write fails starts the container again and says what was written', async () => {
    const ad = actionDeps(home, real);
    const b = await backup(ad, ctx({ container: v.name }, sid));
    expect(b.ok, b.summary).toBe(true);
    const bdir = join(ad.sessionDir(sid), String(b.data.dir));
    const failing: DockerPort = {
      ...real,
      putArchive: async (_id, _path, body) => {
        for await (const _ of body) break;
        throw new Error('no space left in the engine');
      },
    };
    const r = await restore(
      actionDeps(home, failing),
      ctx({ container: v.name, backup: bdir, stop: 'true', timeout: '1' }, sid),
    );
    expect(r.ok).toBe(false);
    expect(r.summary).toMatch(
      /FAILED part-way: wrote nothing; writing \/data failed \(no space left in the engine\)/,
    );
    expect(r.summary).toMatch(/stopped for the restore and started again/);
    expect(r.data).toMatchObject({
      stopped: true,
      restarted: true,
      written: [],
      failedAt: '/data',
    });
    expect(dockerCli(['inspect', v.name, '--format', '{{.State.Running}}'])).toBe('true');
  });

  it('restore reads encryption from the archive header, not the manifest: a decrypted-and-swapped archive with a key given is refused', async () => {
    const keyFile = join(tempHome(), 'raw.key');
    writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
    const ad = actionDeps(home, real);
    const e = await backup(ad, ctx({ container: v.name, encrypt: 'true', keyFile }, sid));
    expect(e.ok, e.summary).toBe(true);
    const edir = join(ad.sessionDir(sid), String(e.data.dir));
    const mpath = join(edir, 'manifest.json');
    const original = readFileSync(mpath, 'utf8');
    dockerCli(['exec', v.name, 'sh', '-c', 'echo KEEP > /data/keep.txt']);

    // The archive swapped for an unencrypted one with its hash, and the flag edited; the
    // operator passes the key expecting an authenticated restore.
    const m = JSON.parse(original);
    const file = m.archives[0].file as string;
    const sealed = readFileSync(join(edir, file));
    const evil = await tarGz([{ name: 'data/keep.txt', body: 'pwned\n' }]);
    writeFileSync(join(edir, file), evil);
    m.encrypted = false;
    delete m.encryption;
    m.archives[0] = { ...m.archives[0], bytes: evil.length, sha256: sha(evil) };
    writeFileSync(mpath, JSON.stringify(m));
    const r1 = await restore(ad, ctx({ container: v.name, backup: edir, keyFile }, sid));
    expect(r1.ok).toBe(false);
    expect(r1.summary).toMatch(/not encrypted but a key was given: refusing/);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('KEEP');

    // Only the flag edited: the header says encrypted, the manifest says not.
    writeFileSync(join(edir, file), sealed);
    const flagOnly = JSON.parse(original);
    flagOnly.encrypted = false;
    delete flagOnly.encryption;
    writeFileSync(mpath, JSON.stringify(flagOnly));
    const r2 = await restore(ad, ctx({ container: v.name, backup: edir }, sid));
    expect(r2.ok).toBe(false);
    expect(r2.summary).toMatch(
      /refused, nothing written: manifest.json says .*not encrypted.*altered/,
    );
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('KEEP');
  });

  it('restore extracts at dirname(destination), never at the manifest extractTo; odd destinations are refused', async () => {
    const ad = actionDeps(home, real);
    const b = await backup(ad, ctx({ container: v.name }, sid));
    const base = JSON.parse(
      readFileSync(join(ad.sessionDir(sid), String(b.data.dir), 'manifest.json'), 'utf8'),
    );
    const evil = await tarGz([{ name: 'tmp/pwned', body: 'x\n' }]);
    const cases: [string, string, RegExp][] = [
      ['/nowhere/tmp', '/', /extractTo "\/" disagrees with its destination \/nowhere\/tmp/],
      ['tmp', '/', /destination "tmp" is not a plain absolute path/],
      ['/data/../tmp', '/', /destination "\/data\/..\/tmp" is not a plain absolute path/],
    ];
    for (const [destination, extractTo, why] of cases) {
      const mdir = join(tempHome(), 'crafted');
      mkdirSync(mdir);
      writeFileSync(join(mdir, '1-x.tar.gz'), evil);
      base.archives = [
        {
          ...base.archives[0],
          file: '1-x.tar.gz',
          destination,
          extractTo,
          bytes: evil.length,
          sha256: sha(evil),
        },
      ];
      writeFileSync(join(mdir, 'manifest.json'), JSON.stringify(base));
      const r = await restore(ad, ctx({ container: v.name, backup: mdir, restart: 'false' }, sid));
      expect(r.ok, destination).toBe(false);
      expect(r.summary).toMatch(/refused, nothing written/);
      expect(r.summary).toMatch(why);
      expect(dockerCli(['exec', v.name, 'ls', '/tmp'])).not.toContain('pwned');
    }
  });
});

/**
 * The action verbs through the real bin/warden.js (run `npm run build` first): snapshot, isolate,
 * unisolate, backup, restore, then report and verify (which re-hashes the evidence). Skipped when
 * no engine answers (CI sets WARDEN_REQUIRE_DOCKER=1 to make that a failure).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warden } from '../helpers/cli.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  noDockerReason,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import { createVictim, networksOf, type Victim } from '../actions/helpers.js';

const runId = `cli-${randomBytes(3).toString('hex')}`;

describe('action verbs without an engine', () => {
  it('a dead engine socket or a missing container is a one-line error, exit 2, and leaves no session', async () => {
    const home = tempHome();
    const r = await warden(home, ['pause', 'whatever', '--json'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^warden: the Docker engine at unix:\/\/\/nonexistent\/docker.sock is not running/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const s = await warden(home, ['sessions', '--json']);
    expect(JSON.parse(s.stdout)).toEqual([]);
  });

  it('destructive verbs need --yes; isolate without a snapshot needs a reason', async () => {
    const home = tempHome();
    const a = await warden(home, ['stop', 'web']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('needs --yes');
    const b = await warden(home, ['isolate', 'wt-no-such-container-0', '--yes']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/No such container: wt-no-such-container-0|not reachable/);
  });
});

describe.skipIf(!dockerAvailable)(`action verbs on the real engine (${noDockerReason})`, () => {
  let v: Victim;
  const home = tempHome('warden-cli-actions-');
  beforeAll(() => {
    ensureTestImage();
    v = createVictim(runId, 'cli', 100 + Math.floor(Math.random() * 50));
  });
  afterAll(() => {
    cleanupLabelled(runId);
  });

  it('snapshot, isolate, unisolate, backup, restore, report and verify', async () => {
    const refused = await warden(home, ['isolate', v.name, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no complete snapshot.*\n.*--snapshot-first/);

    const snap = await warden(home, ['snapshot', v.name, '--json']);
    expect(snap.code, snap.stderr).toBe(0);
    const s = JSON.parse(snap.stdout);
    expect(s.complete).toBe(true);
    const session = s.session as string;

    const dry = await warden(home, ['isolate', v.name, '--session', session, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`POST /networks/${v.netA}/disconnect`);
    expect(dry.stdout).toMatch(/blast radius: .*published ports stop answering/);
    expect(Object.keys(networksOf(v.name)).length).toBe(2);

    const before = networksOf(v.name);
    const iso = await warden(home, ['isolate', v.name, '--session', session, '--yes', '--json']);
    expect(iso.code, iso.stderr).toBe(0);
    const i = JSON.parse(iso.stdout);
    expect(i.after).toEqual([]);
    expect(i.verification).toMatchObject({ sealed: true, networks: [], publishedPorts: [] });
    expect(i.before.map((a: { network: string }) => a.network).sort()).toEqual(
      [v.netA, v.netB].sort(),
    );
    const un = await warden(home, ['unisolate', v.name, '--session', session, '--json']);
    expect(un.code, un.stderr).toBe(0);
    expect(networksOf(v.name)).toEqual(before);

    const bk = await warden(home, ['backup', v.name, '--session', session, '--json']);
    expect(bk.code, bk.stderr).toBe(0);
    const backupDir = join(JSON.parse(bk.stdout).sessionDir, JSON.parse(bk.stdout).dir);
    dockerCli(['exec', v.name, 'sh', '-c', 'echo DAMAGED > /data/keep.txt']);
    const rs = await warden(home, [
      'restore',
      backupDir,
      '--to',
      v.name,
      '--session',
      session,
      '--yes',
      '--no-restart',
    ]);
    expect(rs.code, rs.stderr).toBe(0);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('precious');
    expect(rs.stderr + rs.stdout).not.toContain('not cross-checked');

    const rep = await warden(home, ['report', session]);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toContain('## Evidence');
    expect(rep.stdout).toContain(s.manifestSha256);
    expect(rep.stdout).toMatch(/Time to contain: \d+/);
    expect(rep.stdout).toMatch(/\| isolate \| ok: /);
    expect(rep.stdout).toContain('### Restores and their verification');
    expect(rep.stdout).not.toContain(v.secret);
    expect(readFileSync(join(s.sessionDir, 'journal.jsonl'), 'utf8')).not.toContain(v.secret);

    const ok = await warden(home, ['verify', session]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/\d+ evidence and backup file\(s\) re-hashed: all match/);

    const victimFile = join(s.sessionDir, s.dir, 'stdout.log');
    writeFileSync(victimFile, readFileSync(victimFile, 'utf8') + 'forged line\n');
    const bad = await warden(home, ['verify', session]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`evidence ${s.dir}/stdout.log: sha256`);

    // An unencrypted backup altered together with its manifest: the manifest no longer matches
    // the SHA-256 journaled when the backup was taken, so the restore is refused.
    const bk2 = await warden(home, ['backup', v.name, '--session', session, '--json']);
    const b2 = JSON.parse(bk2.stdout);
    const dir2 = join(b2.sessionDir, b2.dir);
    const manifest2 = JSON.parse(readFileSync(join(dir2, 'manifest.json'), 'utf8'));
    const archive2 = join(dir2, manifest2.archives[0].file);
    const forged = Buffer.concat([readFileSync(archive2), Buffer.from('x')]);
    writeFileSync(archive2, forged);
    manifest2.archives[0].sha256 = createHash('sha256').update(forged).digest('hex');
    manifest2.archives[0].bytes = forged.length;
    writeFileSync(join(dir2, 'manifest.json'), JSON.stringify(manifest2, null, 2) + '\n');
    dockerCli(['exec', v.name, 'sh', '-c', 'echo DAMAGED > /data/keep.txt']);
    const forgedRestore = await warden(home, [
      'restore',
      dir2,
      '--to',
      v.name,
      '--session',
      session,
      '--yes',
      '--no-restart',
      '--json',
    ]);
    expect(forgedRestore.code).toBe(2);
    expect(JSON.parse(forgedRestore.stdout).summary).toMatch(
      /refused, nothing written: manifest.json does not match the SHA-256 journaled by session/,
    );
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('DAMAGED');
  });

  it('backup --compression none writes plain tar archives that restore reads back', async () => {
    dockerCli(['exec', v.name, 'sh', '-c', 'printf kept > /data/keep.txt']);
    const bk = await warden(home, ['backup', v.name, '--compression', 'none', '--json']);
    expect(bk.code, bk.stderr).toBe(0);
    const b = JSON.parse(bk.stdout);
    const dir = join(b.sessionDir, b.dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.compression).toBe('none');
    const archive = readFileSync(join(dir, manifest.archives[0].file));
    expect(manifest.archives[0].file).toMatch(/\.tar$/);
    // A tar: the "ustar" magic of the first header, no gzip magic in front.
    expect(archive.subarray(257, 262).toString()).toBe('ustar');
    expect(archive.length).toBe(manifest.archives[0].tarBytes);
    dockerCli(['exec', v.name, 'sh', '-c', 'echo DAMAGED > /data/keep.txt']);
    const rs = await warden(home, [
      'restore',
      dir,
      '--to',
      v.name,
      '--session',
      b.session,
      '--yes',
      '--no-restart',
    ]);
    expect(rs.code, rs.stderr).toBe(0);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('kept');
    // Read and checked in one pass (no "verifying" part); each part ends with its size and time.
    // (A slow part also prints running lines before its last; only the last ones are compared.)
    const parts = rs.stderr
      .split('\n')
      .filter((l) => /^ {2}(read|verify|write) .* in \d+\.\d s/.test(l));
    expect(parts).toEqual([
      expect.stringMatching(/^ {2}read 1-.*\.tar: \d+(\.\d)? (B|KiB|MiB) in \d+\.\d s/),
      expect.stringMatching(/^ {2}write \/data: \d+(\.\d)? (B|KiB|MiB) in \d+\.\d s/),
    ]);

    const bad = await warden(home, ['backup', v.name, '--compression', 'zstd']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/zstd/);
  });
});

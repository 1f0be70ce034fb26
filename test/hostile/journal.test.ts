/**
 * Hostile journals and session directories (issue 13, items 8-10), met the way an attacker with
 * write access to a session directory would: recorded paths out of the session, symlinks, a FIFO
 * and a device where evidence should be, a journal copied from another session, the sign-off cut
 * off, a sign-off by a key nobody knows, files slipped into the evidence, and a disk that fills up
 * mid-snapshot. Through the real bin/warden.js wherever the issue speaks of the CLI.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvidenceFiles, type OpenForWrite } from '../../src/adapters/evidence-fs.js';
import { createSigner, keyPaths } from '../../src/adapters/signer.js';
import type { SignerPort } from '../../src/engine/ports.js';
import { Session } from '../../src/engine/session.js';
import { createFileSessionStore } from '../../src/journal/file.js';
import { homeRows } from '../../src/ui/screens/homeModel.js';
import type { SessionRow } from '../../src/cli/commands/sessions.js';
import { BIN, warden } from '../helpers/cli.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  testName,
} from '../helpers/docker.js';
import { deps, tempHome } from '../helpers/session.js';
import { actionDeps, adHocSession } from '../actions/helpers.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A throwaway Ed25519 key: its signer, and its public key as a PEM file. */
function throwawayKey(dir: string): { signer: SignerPort; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
  const pem = join(dir, `key-${Math.random().toString(36).slice(2)}.pub.pem`);
  writeFileSync(pem, publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    signer: {
      sign: async (bytes) => ({
        signature: sign(null, bytes, privateKey).toString('base64'),
        publicKey: der,
      }),
    },
    pem,
  };
}

interface Recorded {
  /** Relative to the session directory, as the journal records it. */
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * An ad-hoc session whose journal records one complete snapshot with `files` (written by the test
 * beforehand, or crafted), optionally signed. The chain is valid: only what it points at is hostile.
 */
async function sessionWithEvidence(
  home: string,
  files: (sessionDir: string) => Recorded[],
  signer?: SignerPort,
): Promise<{ id: string; dir: string; journal: string }> {
  const d = deps(home, {
    randomHex: () => randomBytes(3).toString('hex'),
    ...(signer ? { signer } : {}),
  });
  const s = await Session.startAdHoc(d, 'tester');
  const id = s.id;
  await s.close();
  const dir = d.store.sessionDir(id);
  const recorded = files(dir);
  const j = await d.store.open(id);
  const started = await j.append(
    { type: 'action.started', data: { action: 'snapshot', params: { container: 'web' } } },
    'tester',
  );
  await j.append(
    {
      type: 'action.result',
      data: {
        startedSeq: started.seq,
        outcome: 'ok',
        summary: 'snapshot of web',
        action: 'snapshot',
        container: { id: 'f'.repeat(64), name: 'web' },
        complete: true,
        fullSnapshot: true,
        dir: 'evidence/web-1',
        manifest: 'evidence/web-1/manifest.json',
        manifestSha256: null,
        files: recorded.map((f) => ({ ...f, kind: 'logs-stdout' })),
        skipped: [],
        errors: [],
      },
    },
    'tester',
  );
  await j.close();
  if (signer) {
    const again = await Session.resume(d, id, 'tester');
    await again.markDone('review-actions');
    await again.signOff('Alice Auditor', 'reviewed');
    await again.close();
  }
  return { id, dir, journal: join(dir, 'journal.jsonl') };
}

/** An honest evidence file under evidence/web-1/. */
function evidenceFile(sessionDir: string, name: string, content: string): Recorded {
  mkdirSync(join(sessionDir, 'evidence', 'web-1'), { recursive: true, mode: 0o700 });
  writeFileSync(join(sessionDir, 'evidence', 'web-1', name), content, { mode: 0o600 });
  return {
    path: `evidence/web-1/${name}`,
    bytes: Buffer.byteLength(content),
    sha256: sha(content),
  };
}

/** `warden verify` with a deadline well above its run time under load: a hang shows as -1. */
async function verify(home: string, args: string[]) {
  const r = await execa(process.execPath, [BIN, 'verify', ...args], {
    reject: false,
    env: { WARDEN_HOME: home, NO_COLOR: '1' },
    stdin: 'ignore',
    timeout: 30_000,
  });
  return {
    code: r.timedOut ? -1 : (r.exitCode ?? -1),
    stdout: String(r.stdout),
    stderr: String(r.stderr),
  };
}

describe('verify stays inside the session (item 8)', () => {
  it('a recorded path out of the session is reported, never read: no size, no hash', async () => {
    const home = tempHome('warden-hostile-');
    const secret = readFileSync('/etc/passwd');
    const s = await sessionWithEvidence(home, () => [
      { path: '../../../../etc/passwd', bytes: secret.length, sha256: sha(secret) },
      { path: '/etc/passwd', bytes: secret.length, sha256: sha(secret) },
    ]);
    const r = await verify(home, [s.id]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('evidence ../../../../etc/passwd: path outside the session');
    expect(r.stdout).toContain('evidence /etc/passwd: path outside the session (absolute)');
    expect(r.stdout).not.toContain(sha(secret));
    const json = JSON.parse((await verify(home, [s.id, '--json'])).stdout);
    expect(JSON.stringify(json)).not.toContain(sha(secret));
    expect(json.evidenceFiles).toBe(0);
  });

  it('a symlink out of the session (as the file or as a directory on the way) is refused', async () => {
    const home = tempHome('warden-hostile-');
    const target = readFileSync('/etc/passwd');
    const s = await sessionWithEvidence(home, (dir) => {
      mkdirSync(join(dir, 'evidence', 'web-1'), { recursive: true });
      symlinkSync('/etc/passwd', join(dir, 'evidence', 'web-1', 'stdout.log'));
      symlinkSync('/etc', join(dir, 'evidence', 'web-1', 'etc'));
      return [
        { path: 'evidence/web-1/stdout.log', bytes: target.length, sha256: sha(target) },
        { path: 'evidence/web-1/etc/passwd', bytes: target.length, sha256: sha(target) },
      ];
    });
    const r = await verify(home, [s.id]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/evidence evidence\/web-1\/stdout\.log: a symlink \(refused/);
    expect(r.stdout).toMatch(/evidence\/web-1\/etc\/passwd: evidence\/web-1\/etc is a symlink/);
    expect(r.stdout).not.toContain(`${sha(target)} (`);
  });

  it('a FIFO, /dev/zero and a device node never hang verify: each is reported, not read', async () => {
    const home = tempHome('warden-hostile-');
    let device = false;
    const s = await sessionWithEvidence(home, (dir) => {
      const ev = join(dir, 'evidence', 'web-1');
      mkdirSync(ev, { recursive: true });
      execFileSync('mkfifo', [join(ev, 'stdout.log')]);
      symlinkSync('/dev/zero', join(ev, 'zero.log'));
      device = spawnSync('mknod', [join(ev, 'dev.log'), 'c', '1', '5']).status === 0;
      return [
        { path: 'evidence/web-1/stdout.log', bytes: 10, sha256: 'a'.repeat(64) },
        { path: '../../../../dev/zero', bytes: 10, sha256: 'a'.repeat(64) },
        { path: 'evidence/web-1/zero.log', bytes: 10, sha256: 'a'.repeat(64) },
        ...(device ? [{ path: 'evidence/web-1/dev.log', bytes: 10, sha256: 'a'.repeat(64) }] : []),
      ];
    });
    const r = await verify(home, [s.id]);
    expect(r.code, 'verify hung (killed after 30 s)').toBe(1);
    expect(r.stdout).toContain('stdout.log: a named pipe (FIFO), not a regular file: not read');
    expect(r.stdout).toContain('evidence ../../../../dev/zero: path outside the session');
    expect(r.stdout).toMatch(/zero\.log: a symlink/);
    // mknod needs CAP_MKNOD: where it is missing the FIFO and /dev/zero cases above still ran.
    if (device) expect(r.stdout).toContain('dev.log: a device, not a regular file: not read');
  });
});

describe('journal substitution and truncation (item 9)', () => {
  it('a journal copied from session A into session B fails verify, also with --trusted-key --require-signed', async () => {
    const home = tempHome('warden-hostile-');
    const signer = createSigner(home);
    const a = await sessionWithEvidence(home, () => [], signer);
    const b = await sessionWithEvidence(home, () => [], signer);
    const pub = keyPaths(home).publicKey;
    expect((await verify(home, [b.id, '--trusted-key', pub, '--require-signed'])).code).toBe(0);
    copyFileSync(a.journal, b.journal);
    for (const args of [[b.id], [b.id, '--trusted-key', pub, '--require-signed'], [b.journal]]) {
      const r = await verify(home, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toContain(
        `the journal records session ${a.id} but lies in the directory of session ${b.id}`,
      );
    }
    // Nor does the copy pass as a clean session elsewhere: listed damaged, reported damaged.
    const list = await warden(home, ['sessions', '--json']);
    expect(
      JSON.parse(list.stdout).filter((x: { status: string }) => x.status === 'damaged'),
    ).toHaveLength(1);
    expect((await warden(home, ['report', b.id])).code).toBe(1);
  });

  it('deleting the sign-off fails --trusted-key and --require-signed; plain verify says "not signed off"', async () => {
    const home = tempHome('warden-hostile-');
    const s = await sessionWithEvidence(home, () => [], createSigner(home));
    const pub = keyPaths(home).publicKey;
    const lines = readFileSync(s.journal, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1)!).type).toBe('session.signed');
    writeFileSync(s.journal, lines.slice(0, -1).join('\n') + '\n');
    for (const args of [['--trusted-key', pub], ['--require-signed']]) {
      const r = await verify(home, [s.id, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toContain('the session is not signed off');
    }
    const plain = await verify(home, [s.id]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^ok, NOT SIGNED OFF: /);
    expect(plain.stdout).not.toContain('0 valid signature');
    expect(plain.stdout).toContain(
      'entries removed from the end of the journal cannot be detected',
    );
  });

  it('sessions, report and the home screen say "signed by an unknown key" for a key known nowhere', async () => {
    const home = tempHome('warden-hostile-');
    await createSigner(home).sign(Buffer.from('make this machine a key'));
    const stranger = throwawayKey(home);
    const s = await sessionWithEvidence(home, () => [], stranger.signer);

    const list = await warden(home, ['sessions']);
    expect(list.stdout).toContain('signed by an unknown key (signer: Alice Auditor)');
    const md = await warden(home, ['report', s.id]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('**signed** by an unknown key');
    expect(md.stdout).toMatch(
      /chain verified \(it proves order and integrity, not who wrote it: signed by an unknown key\)/,
    );
    expect(md.stdout).toContain('Signed by **Alice Auditor** at');
    expect(md.stdout).toContain(', signed by an unknown key');
    const json = JSON.parse((await warden(home, ['report', s.id, '--format', 'json'])).stdout);
    expect(json.signoffs[0].key).toBe('unknown');
    const rows = JSON.parse((await warden(home, ['sessions', '--json'])).stdout) as SessionRow[];
    expect(rows[0]?.signedKey).toBe('unknown');
    const home_ = homeRows({ runbooks: [], broken: [] } as never, rows);
    expect(JSON.stringify(home_)).toContain('signed by an unknown key (signer: Alice Auditor)');

    // The same key given as trusted (or kept in keys/trusted/) drops the caveat.
    const trusted = await warden(home, ['report', s.id, '--trusted-key', stranger.pem]);
    expect(trusted.stdout).not.toContain('unknown key');
    expect(trusted.stdout).toContain('(Ed25519): a trusted key');
    mkdirSync(keyPaths(home).trustedDir, { recursive: true });
    copyFileSync(stranger.pem, join(keyPaths(home).trustedDir, 'alice.pem'));
    expect((await warden(home, ['sessions'])).stdout).toContain(
      'signed by Alice Auditor (trusted key)',
    );
    // ...but only a key given on the command line satisfies verify --trusted-key.
    const other = throwawayKey(home);
    expect((await verify(home, [s.id, '--trusted-key', other.pem])).code).toBe(1);
  });

  it('a file or directory added to the evidence fails verify as unrecorded', async () => {
    const home = tempHome('warden-hostile-');
    const s = await sessionWithEvidence(home, (dir) => [evidenceFile(dir, 'stdout.log', 'line\n')]);
    const ok = await verify(home, [s.id]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('1 evidence and backup file(s) re-hashed');
    writeFileSync(join(s.dir, 'evidence', 'web-1', 'planted.log'), 'evil\n');
    const r = await verify(home, [s.id]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('unrecorded file evidence/web-1/planted.log');
    rmSync(join(s.dir, 'evidence', 'web-1', 'planted.log'));
    mkdirSync(join(s.dir, 'evidence', 'db-2'));
    writeFileSync(join(s.dir, 'evidence', 'db-2', 'stdout.log'), 'evil\n');
    const d = await verify(home, [s.id]);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain(
      'unrecorded directory evidence/db-2: present in the session but recorded by no journal entry',
    );
  });
});

/** A file opener whose files take `budget` bytes in all, then fail ENOSPC: a short write first. */
function fillingAfter(budget: number): OpenForWrite {
  let left = budget;
  return async (path) => {
    const fh = await openFile(path, 'wx', 0o600);
    return {
      async write(buf, offset, length) {
        if (left <= 0)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        const n = Math.min(left, length);
        left -= n;
        return fh.write(buf, offset, n);
      },
      sync: () => fh.sync(),
      close: () => fh.close(),
    };
  };
}

describe('hash what was written (item 10)', () => {
  it('a write that fails part-way: the writer hashes and counts exactly the bytes on disk', async () => {
    const dir = tempHome('warden-hostile-');
    const files = createEvidenceFiles({ openForWrite: fillingAfter(1000) });
    const w = await files.createWriter(join(dir, 'stdout.log'));
    await w.write(Buffer.alloc(600, 'a'));
    await expect(w.write(Buffer.alloc(600, 'b'))).rejects.toMatchObject({ code: 'ENOSPC' });
    const done = await w.close();
    const disk = readFileSync(join(dir, 'stdout.log'));
    expect(done).toEqual({ bytes: disk.length, sha256: sha(disk) });
    expect(disk.length).toBe(1000);
    // A whole-file write that cannot complete leaves nothing behind to be mistaken for evidence.
    await expect(files.writeFile(join(dir, 'inspect.json'), 'x'.repeat(100))).rejects.toMatchObject(
      {
        code: 'ENOSPC',
      },
    );
    expect(() => statSync(join(dir, 'inspect.json'))).toThrow();
  });

  const runId = testName('hostile-journal');
  const mounts: string[] = [];
  afterAll(() => {
    for (const m of mounts) spawnSync('umount', [m], { stdio: 'ignore' });
    if (dockerAvailable) cleanupLabelled(runId);
  });

  it.skipIf(!dockerAvailable)(
    `a snapshot onto a full disk (a 64 KiB tmpfs under evidence/) still verifies (${noDockerReason})`,
    async (ctx) => {
      const home = tempHome('warden-hostile-');
      const ad = actionDeps(home);
      const s = await adHocSession(home, ad);
      const evidence = join(ad.sessionDir(s.id), 'evidence');
      mkdirSync(evidence, { recursive: true, mode: 0o700 });
      const mounted =
        spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', evidence])
          .status === 0;
      // Without root (no mount) the injected-fault test above covers the writer.
      if (!mounted) {
        await s.close();
        ctx.skip('cannot mount a tmpfs here (needs root)');
      }
      mounts.push(evidence);
      ensureTestImage();
      const name = testName('hostile-fill');
      dockerCli([
        'run',
        '-d',
        ...labelArgs(runId),
        '--name',
        name,
        'warden-test/busybox:1',
        'sh',
        '-c',
        'i=0; while [ $i -lt 4000 ]; do echo "log line $i padding padding padding"; i=$((i+1)); done; sleep 600',
      ]);
      // Wait for the whole log (about 170 KB) to be in the engine, without a fixed sleep.
      const deadline = Date.now() + 60_000;
      while (!dockerCli(['logs', '--tail', '1', name]).includes('line 3999')) {
        if (Date.now() > deadline) throw new Error('the container did not log in time');
        await new Promise((r) => setTimeout(r, 100));
      }
      const r = await s.runAdHoc(
        'snapshot',
        { container: name },
        { signal: new AbortController().signal },
      );
      await s.close();
      expect(r.outcome).not.toBe('ok');
      expect(r.summary).toMatch(/ENOSPC|no space/i);
      const v = await verify(home, [s.id]);
      expect(v.stdout + v.stderr).not.toMatch(/does not match the journal/);
      expect(v.code, v.stdout).toBe(0);
      // The log was cut by the full disk and recorded as far as it got, matching the disk.
      const log = readFileSync(join(evidence, readdirSync(evidence)[0]!, 'stdout.log'));
      expect(log.length).toBeGreaterThan(0);
      expect(log.length).toBeLessThanOrEqual(64 * 1024);
      const entries = readFileSync(join(ad.sessionDir(s.id), 'journal.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const files = entries.find((e) => e.type === 'action.result')?.data.files ?? [];
      expect(files.find((f: { path: string }) => f.path.endsWith('stdout.log'))).toMatchObject({
        bytes: log.length,
        sha256: sha(log),
      });
    },
    120_000,
  );
});

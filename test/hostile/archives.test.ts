/**
 * Hostile backups against restore, on the real engine: crafted archives (symlink chains, global
 * PAX, GNU long name beside a PAX path, `data → data`, hard links out), non-regular sources, an
 * archive swapped after it was verified, a symlinked path to a session's altered backup, tampered
 * KDF parameters, a wrong tar size. Each refusal must leave the container's filesystem (its
 * exported root and /data) byte-identical, the host's backup files unchanged, and be recorded in
 * the journal; what a restore writes must be the bytes it verified.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createGzip, gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerAdapter } from '../../src/adapters/docker/index.js';
import { createEvidenceFiles } from '../../src/adapters/evidence-fs.js';
import { createBackupSources } from '../../src/adapters/backup-sources-fs.js';
import { actionDeps } from '../../src/cli/runners.js';
import { createFileSessionStore } from '../../src/journal/file.js';
import type { DockerPort } from '../../src/engine/ports.js';
import type { Session } from '../../src/engine/session.js';
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
import { warden } from '../helpers/cli.js';
import { tempHome } from '../helpers/session.js';
import { adHocSession, until } from '../actions/helpers.js';

const runId = `hostile-${randomBytes(3).toString('hex')}`;
const signal = new AbortController().signal;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Entry = {
  header: Partial<tar.Header> & { name: string };
  body?: string | Buffer;
  retype?: string;
};

/**
 * A tar built with tar-stream; `retype` rewrites an entry's type flag afterwards (tar-stream
 * writes no global PAX or GNU long-name headers itself), its checksum recomputed.
 */
async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry(e.header as tar.Header, e.body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const t = Buffer.concat(chunks);
  const retypes = new Map(entries.filter((e) => e.retype).map((e) => [e.header.name, e.retype]));
  for (let off = 0; off + 512 <= t.length;) {
    const block = t.subarray(off, off + 512);
    if (block.every((c) => c === 0)) break;
    const name = block.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(block.subarray(124, 136).toString('latin1').replace(/\0.*$/s, ''), 8);
    const flag = retypes.get(name);
    if (flag) {
      block[156] = flag.charCodeAt(0);
      block.fill(0x20, 148, 156);
      const sum = block.reduce((n, c) => n + c, 0);
      block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    }
    off += 512 + Math.ceil((size || 0) / 512) * 512;
  }
  return t;
}

const gzip = async (t: Buffer) => {
  const chunks: Buffer[] = [];
  const gz = createGzip();
  gz.end(t);
  for await (const c of gz) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

const paxRecord = (k: string, v: string) => {
  const body = ` ${k}=${v}\n`;
  let n = body.length + 1;
  while (String(n).length + body.length !== n) n = String(n).length + body.length;
  return `${n}${body}`;
};

const dir = (name: string): Entry => ({ header: { name, type: 'directory' } });
const file = (name: string, body: string, pax?: Record<string, string>): Entry => ({
  header: { name, ...(pax ? { pax } : {}) },
  body,
});
const symlink = (name: string, linkname: string): Entry => ({
  header: { name, type: 'symlink', linkname },
});
const hardlink = (name: string, linkname: string): Entry => ({
  header: { name, type: 'link', linkname },
});

/** Every file under `root`, by relative path, with its SHA-256 (symlinks by their target). */
function hostFiles(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (n.isFile()) out[relative(root, p)] = sha(readFileSync(p));
      else out[relative(root, p)] = n.isSymbolicLink() ? 'symlink' : 'special';
    }
  };
  walk(root);
  return out;
}

describe.skipIf(!dockerAvailable)(`restore refuses hostile backups (${noDockerReason})`, () => {
  const home = tempHome('warden-hostile-');
  const real: DockerPort = createDockerAdapter();
  const ad = actionDeps({
    docker: () => real,
    store: createFileSessionStore(home, { now: () => new Date() }),
    clock: { now: () => new Date() },
    home,
    files: createEvidenceFiles(),
    sources: createBackupSources(),
    readText: (p) => readFile(p, 'utf8'),
  });
  let s: Session;
  let name = '';
  let backupDir = '';
  let manifest: Record<string, unknown> & { archives: Record<string, unknown>[] };

  /** The container's whole filesystem: its exported root, /data, and /etc/passwd. */
  const fingerprint = () => ({
    rootfs: sha(execFileSync('docker', ['export', name], { maxBuffer: 512 << 20 })),
    data: sha(execFileSync('docker', ['cp', `${name}:/data`, '-'], { maxBuffer: 512 << 20 })),
    passwd: dockerCli(['exec', name, 'cat', '/etc/passwd']),
    files: dockerCli(['exec', name, 'ls', '-la', '/data', '/data/sub']),
  });

  const restoreFrom = (
    backup: string,
    extra: Record<string, string> = {},
    onOutput?: (l: string) => void,
  ) =>
    s.runAdHoc(
      'restore',
      { container: name, backup, restart: 'false', ...extra },
      { signal, confirmed: true, ...(onOutput ? { onOutput } : {}) },
    );

  /** The last result entry in the session's journal. */
  const lastResult = () =>
    readFileSync(s.journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> })
      .filter((e) => e.type === 'action.result')
      .at(-1);

  /** A backup directory outside the session holding one crafted archive for /data. */
  const crafted = async (t: Buffer, over: Record<string, unknown> = {}) => {
    const d = join(tempHome('warden-crafted-'), 'backup');
    mkdirSync(d);
    const gz = await gzip(t);
    writeFileSync(join(d, '1-data.tar.gz'), gz);
    const { entries: _drop, ...first } = manifest.archives[0] as Record<string, unknown>;
    void _drop;
    writeFileSync(
      join(d, 'manifest.json'),
      JSON.stringify({
        ...manifest,
        archives: [
          {
            ...first,
            file: '1-data.tar.gz',
            bytes: gz.length,
            sha256: sha(gz),
            tarBytes: t.length,
            ...over,
          },
        ],
      }),
    );
    return d;
  };

  /** Restores from `backup`; it must be refused for `why`, change nothing, and be journaled. */
  const expectRefused = async (backup: string, why: RegExp, extra: Record<string, string> = {}) => {
    const before = fingerprint();
    const host = hostFiles(backup);
    const t0 = Date.now();
    const r = await restoreFrom(backup, extra);
    const ms = Date.now() - t0;
    expect(r.outcome, r.summary).not.toBe('ok');
    expect(r.summary).toMatch(/^restore refused, nothing written: /);
    expect(r.summary).toMatch(why);
    expect(r.summary).not.toContain('\n');
    expect(fingerprint()).toEqual(before);
    expect(hostFiles(backup)).toEqual(host);
    const rec = lastResult();
    expect(rec?.data.refused).toEqual(expect.stringMatching(why));
    expect(rec?.data.written).toEqual([]);
    // No private copy is left behind.
    expect(readdirSync(ad.sessionDir(s.id)).filter((n) => n.startsWith('.restore-'))).toEqual([]);
    return { r, ms };
  };

  beforeAll(async () => {
    ensureTestImage();
    name = testName('hostile');
    const vol = testName('hostile-vol');
    dockerCli(['volume', 'create', ...labelArgs(runId), vol]);
    dockerCli([
      'run',
      '-d',
      ...labelArgs(runId),
      '--name',
      name,
      '-v',
      `${vol}:/data`,
      TEST_IMAGE,
      'sh',
      '-c',
      'mkdir -p /data/sub; for f in keep a b c; do echo "precious $f" > /data/$f.txt; done; ' +
        "echo nested > /data/sub/n.txt; touch /data/.ready; trap 'exit 0' TERM; while true; do sleep 1; done",
    ]);
    await until(() => {
      try {
        dockerCli(['exec', name, 'cat', '/data/.ready']);
        return true;
      } catch {
        return false;
      }
    }, 30_000);
    s = await adHocSession(home, ad);
    const b = await s.runAdHoc('backup', { container: name }, { signal, confirmed: true });
    expect(b.outcome, b.summary).toBe('ok');
    backupDir = join(ad.sessionDir(s.id), String(b.data.dir));
    manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    cleanupLabelled(runId);
  });

  it('a symlink chain (data/a → ., data/a/b → .., data/b/etc/passwd) is refused at its second link', async () => {
    const t = await tarOf([
      dir('data/'),
      symlink('data/a', '.'),
      symlink('data/a/b', '..'),
      file('data/b/etc/passwd', 'pwned::0:0::/:/bin/sh\n'),
    ]);
    await expectRefused(
      await crafted(t),
      /data\/a\/b is under data\/a, which an earlier entry made a symlink/,
    );
  });

  it('a global PAX header is refused (the engine ignores it, a Node reader applies it)', async () => {
    const t = await tarOf([
      dir('data/'),
      { header: { name: '@global' }, body: paxRecord('path', 'data/safe.txt'), retype: 'g' },
      { header: { name: '@local' }, body: paxRecord('comment', 'x'), retype: 'x' },
      file('etc/passwd', 'pwned::0:0::/:/bin/sh\n'),
    ]);
    await expectRefused(await crafted(t), /global PAX header/);
  });

  it('a GNU long name beside a PAX path is refused (the engine takes one, tar-stream the other)', async () => {
    const t = await tarOf([
      dir('data/'),
      { header: { name: '@long' }, body: 'etc/passwd\0', retype: 'L' },
      file('data/ok.txt', 'pwned::0:0::/:/bin/sh\n', { comment: 'x' }),
    ]);
    await expectRefused(await crafted(t), /both a GNU long name and a PAX path/);
  });

  it('a symlink data → data in place of the top directory is refused (the engine would empty /data)', async () => {
    await expectRefused(
      await crafted(await tarOf([symlink('data', 'data')])),
      /a symlink data → data in place of the top directory data\//,
    );
  });

  it('an unencrypted archive is checked while it is copied (one read), and a wrong SHA-256 is the reason given before the tar is', async () => {
    const hostile = await tarOf([dir('data/'), symlink('data/a', '/etc'), file('data/a/x', 'x')]);
    // The tar is refused on its own …
    const lines: string[] = [];
    const before = fingerprint();
    const r = await restoreFrom(await crafted(hostile), {}, (l) => lines.push(l));
    expect(r.summary).toMatch(/^restore refused, nothing written: 1-data.tar.gz: refused, /);
    expect(lines.filter((l) => /^(reading|verifying) /.test(l))).toEqual(['reading 1-data.tar.gz']);
    expect(fingerprint()).toEqual(before);
    // … but when its bytes are not the ones recorded, that is what the operator is told.
    await expectRefused(
      await crafted(hostile, { sha256: 'ab'.repeat(32) }),
      /1-data.tar.gz: SHA-256 [0-9a-f]{16}… does not match the manifest \(abababab/,
    );
    // A sound archive: read once, then written.
    lines.length = 0;
    const ok = await restoreFrom(backupDir, {}, (l) => lines.push(l));
    expect(ok.outcome, ok.summary).toBe('ok');
    expect(lines.filter((l) => /^(reading|verifying|writing) /.test(l))).toEqual([
      expect.stringMatching(/^reading 1-/),
      'writing /data',
    ]);
  });

  it('hard links only to earlier regular files of the archive', async () => {
    await expectRefused(
      await crafted(await tarOf([dir('data/'), hardlink('data/h', 'data/keep.txt')])),
      /hard link data\/h → data\/keep.txt: not an earlier regular file/,
    );
    await expectRefused(
      await crafted(await tarOf([dir('data/'), dir('data/sub/'), hardlink('data/h', 'data/sub')])),
      /hard link data\/h → data\/sub: not an earlier regular file/,
    );
    await expectRefused(
      await crafted(
        await tarOf([
          dir('data/'),
          file('data/x', 'x'),
          symlink('data/l', '.'),
          hardlink('data/h', 'data/l/x'),
        ]),
      ),
      /hard link data\/h → data\/l\/x: not an earlier regular file/,
    );
  });

  it('a named pipe, or a link out of the backup directory, is refused without blocking on it', async () => {
    const d = await crafted(await tarOf([dir('data/'), file('data/keep.txt', 'pwned\n')]));
    const archive = join(d, '1-data.tar.gz');
    execFileSync('rm', [archive]);
    execFileSync('mkfifo', [archive]);
    await expectRefused(d, /1-data.tar.gz is a named pipe, not a regular file/);
    execFileSync('rm', [archive]);
    symlinkSync('/dev/zero', archive);
    await expectRefused(d, /1-data.tar.gz is a link to \/dev\/zero, outside the backup directory/);
    // The manifest itself as a pipe: refused on reading, never opened for a blocking read.
    const m = join(d, 'manifest.json');
    execFileSync('rm', [m]);
    execFileSync('mkfifo', [m]);
    const before = fingerprint();
    const r = await restoreFrom(d);
    expect(r.outcome).not.toBe('ok');
    expect(r.summary).toMatch(/manifest.json is a named pipe, not a regular file/);
    expect(fingerprint()).toEqual(before);
  });

  it('an archive swapped after it was verified: the bytes written are the verified ones', async () => {
    const d = join(tempHome('warden-swap-'), 'backup');
    cpSync(backupDir, d, { recursive: true });
    const good = readFileSync(join(d, String(manifest.archives[0]?.file)));
    const evil = await gzip(await tarOf([dir('data/'), file('data/keep.txt', 'pwned\n')]));
    writeFileSync(join(d, 'evil.tar.gz'), evil);
    dockerCli(['exec', name, 'sh', '-c', 'echo DAMAGED > /data/keep.txt']);
    let written = createHash('sha256');
    const watching: DockerPort = {
      ...real,
      putArchive: async (id, path, body, sig) => {
        written = createHash('sha256');
        const tee = (async function* () {
          for await (const c of body) {
            written.update(c);
            yield c;
          }
        })();
        return real.putArchive(id, path, tee, sig);
      },
    };
    const swapping = actionDeps({
      docker: () => watching,
      store: createFileSessionStore(home, { now: () => new Date() }),
      clock: { now: () => new Date() },
      home,
      files: createEvidenceFiles(),
      sources: createBackupSources(),
      readText: (p) => readFile(p, 'utf8'),
    });
    const s2 = await adHocSession(home, swapping);
    try {
      let swapped = false;
      const r = await s2.runAdHoc(
        'restore',
        { container: name, backup: d, restart: 'false' },
        {
          signal,
          confirmed: true,
          onOutput: (l) => {
            // Verified, about to write: the file in the backup directory is replaced.
            if (l.startsWith('writing ') && !swapped) {
              renameSync(join(d, 'evil.tar.gz'), join(d, String(manifest.archives[0]?.file)));
              swapped = true;
            }
          },
        },
      );
      expect(swapped).toBe(true);
      expect(r.outcome, r.summary).toBe('ok');
      expect(written.digest('hex')).toBe(sha(gunzipSync(good)));
      expect(dockerCli(['exec', name, 'cat', '/data/keep.txt'])).toBe('precious keep');
    } finally {
      await s2.close();
    }
  });

  it("a symlinked path to a session's altered backup still gets the journal cross-check", async () => {
    // The session's own backup, altered together with its manifest (hashes rewritten).
    const b = await s.runAdHoc('backup', { container: name }, { signal, confirmed: true });
    expect(b.outcome, b.summary).toBe('ok');
    const bdir = join(ad.sessionDir(s.id), String(b.data.dir));
    const m = JSON.parse(readFileSync(join(bdir, 'manifest.json'), 'utf8'));
    const t = await tarOf([dir('data/'), file('data/keep.txt', 'pwned\n')]);
    const gz = await gzip(t);
    writeFileSync(join(bdir, m.archives[0].file), gz);
    m.archives[0] = { ...m.archives[0], bytes: gz.length, sha256: sha(gz), tarBytes: t.length };
    delete m.archives[0].entries;
    writeFileSync(join(bdir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
    const link = join(tempHome('warden-link-'), 'looks-unrelated');
    symlinkSync(bdir, link);
    await expectRefused(link, /manifest.json does not match the SHA-256 journaled by session/);

    // The other way round: a session's backup directory that is a link to somewhere else.
    const elsewhere = await crafted(t);
    const inSession = join(ad.sessionDir(s.id), 'backups', `${name}-20990101T000000.000Z`);
    symlinkSync(elsewhere, inSession);
    await expectRefused(inSession, /lies in session .* but resolves to .*, outside it/);
  });

  it("KDF parameters other than Warden's are refused before any key is derived, fast", async () => {
    const keyFile = join(tempHome('warden-key-'), 'pass.key');
    writeFileSync(keyFile, 'correct horse battery staple\n', { mode: 0o600 });
    const b = await s.runAdHoc(
      'backup',
      { container: name, encrypt: 'true', keyFile },
      { signal, confirmed: true },
    );
    expect(b.outcome, b.summary).toBe('ok');
    const bdir = join(ad.sessionDir(s.id), String(b.data.dir));
    const m = JSON.parse(readFileSync(join(bdir, 'manifest.json'), 'utf8'));
    const sealed = readFileSync(join(bdir, m.archives[0].file));
    const costly = Buffer.from(sealed);
    costly[9] = 18; // log2 N: 2^18, with r 8 and p 8 several seconds of scrypt
    costly[11] = 8;

    // In the session: the archive no longer has the journaled hash.
    writeFileSync(join(bdir, m.archives[0].file), costly);
    const inSession = await expectRefused(bdir, /SHA-256 .* does not match the manifest/, {
      keyFile,
    });
    expect(inSession.ms).toBeLessThan(1000);
    writeFileSync(join(bdir, m.archives[0].file), sealed);

    // Elsewhere, with the manifest's hash rewritten to match: the header itself is refused.
    const d = join(tempHome('warden-kdf-'), 'backup');
    cpSync(bdir, d, { recursive: true });
    writeFileSync(join(d, m.archives[0].file), costly);
    m.archives[0] = { ...m.archives[0], sha256: sha(costly) };
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    const elsewhere = await expectRefused(
      d,
      /the header asks for scrypt N=2\^18, r=8, p=8; Warden writes only N=2\^15, r=8, p=1/,
      {
        keyFile,
      },
    );
    expect(elsewhere.ms).toBeLessThan(1000);
  });

  it('a tar size or entry count other than the manifest says is refused', async () => {
    const d = join(tempHome('warden-size-'), 'backup');
    cpSync(backupDir, d, { recursive: true });
    const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    const tarBytes = m.archives[0].tarBytes as number;
    expect(gunzipSync(readFileSync(join(d, m.archives[0].file))).length).toBe(tarBytes);
    m.archives[0].tarBytes = tarBytes + 512;
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    await expectRefused(
      d,
      new RegExp(`${tarBytes} bytes of tar, the manifest says ${tarBytes + 512}`),
    );
    expect(m.archives[0].entries).toBeGreaterThan(5);
    m.archives[0].tarBytes = tarBytes;
    m.archives[0].entries += 1;
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    await expectRefused(d, /tar entries, the manifest says/);
  });

  it('the CLI: a refused archive is one line on stderr, exit 2, recorded in the journal', async () => {
    const d = await crafted(
      await tarOf([
        dir('data/'),
        symlink('data/a', '.'),
        symlink('data/a/b', '..'),
        file('data/b/etc/passwd', 'x'),
      ]),
    );
    const before = fingerprint();
    const r = await warden(home, ['restore', d, '--to', name, '--yes', '--no-restart']);
    expect(r.code, r.stderr).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('warden: FAILED'));
    expect(errors).toEqual([
      expect.stringMatching(/^warden: FAILED: restore refused, nothing written: .*made a symlink$/),
    ]);
    expect(fingerprint()).toEqual(before);
    const session = /session: (\S+)/.exec(r.stdout)?.[1] ?? '';
    const journal = readFileSync(join(ad.sessionDir(session), 'journal.jsonl'), 'utf8');
    expect(journal).toMatch(/"refused":"1-data.tar.gz: refused, data\/a\/b is under data\/a/);
    expect(statSync(join(ad.sessionDir(session), 'journal.jsonl')).size).toBeGreaterThan(0);
  });
});

/**
 * restore-test against the real engine: a backup taken in one session is found from another
 * (`latest` across this WARDEN_HOME), restored into scratch volumes of a scratch container that
 * is never started, read back through the engine and compared file by file; the scratch
 * resources are gone afterwards and the original container was not touched. An encrypted backup
 * passes with its key; a backup altered after it was journaled fails, and is recorded so.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeDifferences, type Tree } from '../../src/actions/tar-digest.js';
import { RESTORE_TEST_LABEL } from '../../src/actions/restore-test.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  noDockerReason,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import {
  adHocSession,
  composedActionDeps as actionDeps,
  createVictim,
  victimReady,
  type Victim,
} from './helpers.js';

const runId = `rtest-${randomBytes(3).toString('hex')}`;
const signal = new AbortController().signal;

/** Scratch resources a restore test left on the engine (there must be none). */
const leftovers = () =>
  [
    ...dockerCli(['ps', '-aq', '--filter', `label=${RESTORE_TEST_LABEL}`]).split('\n'),
    ...dockerCli(['volume', 'ls', '-q', '--filter', `label=${RESTORE_TEST_LABEL}`]).split('\n'),
  ].filter(Boolean);

describe.skipIf(!dockerAvailable)(`restore-test on the real engine (${noDockerReason})`, () => {
  let v: Victim;
  const home = tempHome('warden-restore-test-');
  beforeAll(async () => {
    ensureTestImage();
    v = createVictim(runId, 'rt', 150 + Math.floor(Math.random() * 40));
    await victimReady(v);
  });
  afterAll(() => cleanupLabelled(runId));

  it('a backup from another session restores into scratch volumes, every file equal; nothing left, the original untouched', async () => {
    const ad = actionDeps(home);
    const taker = await adHocSession(home, ad);
    const b = await taker.runAdHoc('backup', { container: v.name }, { signal });
    expect(b.outcome, b.summary).toBe('ok');
    await taker.close();
    const startedAt = dockerCli(['inspect', '-f', '{{.State.StartedAt}}', v.name]);

    const tester = await adHocSession(home, ad);
    const r = await tester.runAdHoc('restore-test', { container: v.name }, { signal });
    expect(r.outcome, r.summary).toBe('ok');
    expect(r.summary).toMatch(/^restore test passed: \d+ files \(\d+ bytes\) of the backup of /);
    expect(r.data.passed).toBe(true);
    expect(r.data.differences).toEqual([]);
    expect(r.data.files).toBeGreaterThanOrEqual(2);
    expect(r.data.manifestSha256).toBe(b.data.manifestSha256);
    expect(r.data.removed).toBe(true);
    expect(leftovers()).toEqual([]);
    expect(tester.state.restoreTests?.map((t) => [t.manifestSha256, t.passed])).toEqual([
      [b.data.manifestSha256, true],
    ]);
    // The original: still running from the same start, its data as it was.
    expect(dockerCli(['inspect', '-f', '{{.State.StartedAt}}', v.name])).toBe(startedAt);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('precious');
    await tester.close();
  });

  it('an encrypted backup passes with its key', async () => {
    const ad = actionDeps(home);
    const s = await adHocSession(home, ad);
    const keyFile = join(tempHome(), 'key.txt');
    writeFileSync(keyFile, 'correct horse battery staple\n', { mode: 0o600 });
    const b = await s.runAdHoc(
      'backup',
      { container: v.name, encrypt: 'true', keyFile },
      { signal },
    );
    expect(b.outcome, b.summary).toBe('ok');
    // Without its key: refused before any scratch resource exists.
    const nokey = await s.runAdHoc('restore-test', { container: v.name }, { signal }).then(
      (x) => x.summary,
      (err: Error) => err.message,
    );
    expect(nokey).toMatch(/is encrypted: pass --key-file FILE/);
    expect(leftovers()).toEqual([]);
    const r = await s.runAdHoc('restore-test', { container: v.name, keyFile }, { signal });
    expect(r.outcome, r.summary).toBe('ok');
    expect(r.data.encrypted).toBe(true);
    expect(leftovers()).toEqual([]);
    await s.close();
  });

  it('a backup altered after it was journaled fails the test, and the failure is recorded', async () => {
    const ad = actionDeps(home);
    const s = await adHocSession(home, ad);
    const b = await s.runAdHoc('backup', { container: v.name }, { signal });
    const dir = join(ad.sessionDir(s.id), String(b.data.dir));
    const mpath = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(mpath, 'utf8'));
    m.createdAt = '2020-01-01T00:00:00.000Z';
    writeFileSync(mpath, JSON.stringify(m));
    const r = await s.runAdHoc('restore-test', { container: v.name, backup: dir }, { signal });
    expect(r.outcome).toBe('failed');
    expect(r.summary).toMatch(
      /^restore test FAILED: restore refused, nothing written: manifest.json does not match the SHA-256 journaled/,
    );
    expect(r.data.passed).toBe(false);
    expect(leftovers()).toEqual([]);
    // The session's record: the backup it names, and that it did not pass.
    expect(s.state.restoreTests?.map((t) => [t.backup, t.passed])).toEqual([[dir, false]]);
    await s.close();
  });
});

describe('comparing a backup with what was restored', () => {
  const tree = (entries: [string, Partial<{ type: string; sha256: string; linkname: string }>][]) =>
    new Map(entries.map(([n, e]) => [n, { type: 'file', ...e }])) as Tree;

  it('names what is missing, changed, of another type, relinked or extra', () => {
    const backup = tree([
      ['data', { type: 'directory' }],
      ['data/a', { sha256: 'a'.repeat(64) }],
      ['data/b', { sha256: 'b'.repeat(64) }],
      ['data/c', { sha256: 'c'.repeat(64) }],
      ['data/l', { type: 'symlink', linkname: 'a' }],
    ]);
    const restored = tree([
      ['data', { type: 'directory' }],
      ['data/a', { sha256: 'a'.repeat(64) }],
      ['data/b', { sha256: 'f'.repeat(64) }],
      ['data/c', { type: 'directory' }],
      ['data/l', { type: 'symlink', linkname: '/etc/passwd' }],
      ['data/new', { sha256: 'e'.repeat(64) }],
    ]);
    expect(treeDifferences(backup, restored)).toEqual([
      'data/b: SHA-256 ffffffffffff restored, bbbbbbbbbbbb in the backup',
      'data/c: a file in the backup, a directory restored',
      'data/l: links to /etc/passwd restored, a in the backup',
      'data/new: restored but not in the backup',
    ]);
    expect(treeDifferences(backup, new Map([...backup].slice(0, 2)))).toEqual([
      'data/b: missing after the restore',
      'data/c: missing after the restore',
      'data/l: missing after the restore',
    ]);
    expect(treeDifferences(backup, backup)).toEqual([]);
  });
});

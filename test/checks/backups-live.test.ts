/**
 * The backups scope against the real engine and a real WARDEN_HOME: a container with a volume is
 * backed up and restore-tested by the real actions, and the audit reads what the journals
 * recorded. Both verdicts of each check; a container without data is not applicable; a session
 * whose journal was tampered with is not counted.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCore } from '../../src/checks/audit-core.js';
import { fixParts } from '../../src/checks/remediation.js';
import { readBackupHistory } from '../../src/cli/backup-history.js';
import { createFileSessionStore } from '../../src/journal/file.js';
import {
  adHocSession,
  composedActionDeps,
  createVictim,
  victimReady,
  type Victim,
} from '../actions/helpers.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  readPort,
  testName,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';

const runId = `bk-${randomBytes(3).toString('hex')}`;
const signal = new AbortController().signal;

describe.skipIf(!dockerAvailable)(`backups scope (${noDockerReason})`, () => {
  const home = tempHome('warden-backups-');
  const store = createFileSessionStore(home, { now: () => new Date() });
  const ad = composedActionDeps(home);
  let v: Victim;
  const stateless = testName('stateless');

  beforeAll(async () => {
    ensureTestImage();
    v = createVictim(runId, 'bk', 100 + Math.floor(Math.random() * 40));
    dockerCli([
      'create',
      ...labelArgs(runId),
      '--name',
      stateless,
      'warden-test/busybox:1',
      'true',
    ]);
    await victimReady(v);
  });
  afterAll(() => cleanupLabelled(runId));

  const audit = async (now = new Date(), rpoHours?: number) => {
    const run = await runAuditCore({
      docker: readPort(),
      containers: [v.name, stateless],
      scopes: ['backups'],
      backups: {
        history: () => readBackupHistory(store),
        now,
        ...(rpoHours !== undefined ? { rpoHours } : {}),
      },
    });
    return (check: string, name = v.name) =>
      run.evaluations.find((e) => e.check === check && e.target.name === name);
  };

  it('no backup yet: backup-recent fails; the others wait for one; a container without data is not applicable', async () => {
    const e = await audit();
    expect(e('backup-recent')?.verdict).toBe('fail');
    expect(e('backup-recent')?.evidence).toBe('no backup by Warden of /data');
    // The fix is Warden's own command for this container, labelled `run` everywhere.
    const r = e('backup-recent')?.remediation;
    expect(r?.warden).toBe(`warden backup ${v.name} --encrypt --key-file <key>`);
    expect(fixParts(r ?? { compose: '', run: '', live: false })).toEqual([
      { label: 'run', text: `warden backup ${v.name} --encrypt --key-file <key>` },
    ]);
    expect(e('backup-encrypted')?.verdict).toBe('not-applicable');
    expect(e('backup-restore-tested')?.verdict).toBe('not-applicable');
    expect(e('backup-recent', stateless)?.verdict).toBe('not-applicable');
    expect(e('backup-recent', stateless)?.reason).toMatch(/no writable volume or bind mount/);
  });

  it('a plain backup: recent passes, encrypted fails, never restore-tested fails; then a passing restore test', async () => {
    const s = await adHocSession(home, ad);
    const b = await s.runAdHoc('backup', { container: v.name }, { signal });
    expect(b.outcome, b.summary).toBe('ok');
    let e = await audit();
    expect(e('backup-recent')?.verdict).toBe('pass');
    expect(e('backup-recent')?.evidence).toMatch(
      /^newest backup .* \(session .*\), \d+ min old \(RPO 24 h\)$/,
    );
    expect(e('backup-encrypted')?.verdict).toBe('fail');
    expect(e('backup-restore-tested')?.evidence).toMatch(/was never restore-tested$/);
    const t = await s.runAdHoc('restore-test', { container: v.name }, { signal });
    expect(t.outcome, t.summary).toBe('ok');
    await s.close();
    e = await audit();
    expect(e('backup-restore-tested')?.verdict).toBe('pass');
    // Three days on, with the default RPO: stale.
    e = await audit(new Date(Date.now() + 3 * 86_400_000));
    expect(e('backup-recent')?.verdict).toBe('fail');
    expect(e('backup-recent')?.evidence).toMatch(/is 3 days old: more than the RPO of 24 h$/);
    expect((await audit(new Date(Date.now() + 3 * 86_400_000), 96))('backup-recent')?.verdict).toBe(
      'pass',
    );
  });

  it('a newer encrypted backup: encrypted passes, and its restore test is its own (the older one does not count)', async () => {
    const s = await adHocSession(home, ad);
    const keyFile = join(tempHome(), 'key.txt');
    appendFileSync(keyFile, 'correct horse battery staple\n');
    const b = await s.runAdHoc(
      'backup',
      { container: v.name, encrypt: 'true', keyFile },
      { signal },
    );
    expect(b.outcome, b.summary).toBe('ok');
    await s.close();
    const e = await audit();
    expect(e('backup-encrypted')?.verdict).toBe('pass');
    expect(e('backup-restore-tested')?.verdict).toBe('fail');
  });

  it("a session whose journal was tampered with does not count: its backups are someone's claim", async () => {
    const s = await adHocSession(home, ad);
    const b = await s.runAdHoc('backup', { container: v.name }, { signal });
    expect(b.outcome).toBe('ok');
    const t = await s.runAdHoc('restore-test', { container: v.name }, { signal });
    expect(t.outcome).toBe('ok');
    await s.close();
    expect((await audit())('backup-restore-tested')?.verdict).toBe('pass');
    // A forged line appended to that journal breaks its chain.
    const dir = ad.sessionDir(s.id);
    const journal = readdirSync(dir).find((f) => f.endsWith('.jsonl'));
    appendFileSync(join(dir, journal ?? 'journal.jsonl'), '{"seq":999,"type":"note"}\n');
    const history = await readBackupHistory(store);
    expect(history.unverified).toContain(s.id);
    expect((await audit())('backup-restore-tested')?.verdict).toBe('fail');
  });
});

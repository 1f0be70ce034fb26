import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/engine/session.js';
import { warden } from '../helpers/cli.js';
import { dockerAvailable, noDockerReason } from '../helpers/docker.js';
import { deps, loadedFrom, tempHome, twoPhaseRunbook } from '../helpers/session.js';

async function finishedSession(home: string) {
  const s = await Session.start(deps(home), loadedFrom(twoPhaseRunbook), {}, 'alice');
  await s.markDone('a', { note: 'done by hand' });
  await s.addNote('b', 'vendor confirmed');
  await s.markDone('b');
  await s.skip('c', 'not on this host');
  const signed = await s.signOff('Alice Auditor', 'Reviewed and accepted');
  await s.close();
  return { s, signed };
}

describe('warden CLI (headless, real bin/warden.js)', () => {
  it('prints its version and help; unknown commands and bad options exit 2', async () => {
    const home = tempHome();
    const v = await warden(home, ['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await warden(home, ['report', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--format <format>');
    const u = await warden(home, ['frobnicate']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown command "frobnicate"');
    const o = await warden(home, ['sessions', '--bogus']);
    expect(o.code).toBe(2);
  });

  it('interactive commands without a TTY exit 2 and name the non-interactive alternative', async () => {
    const home = tempHome();
    for (const args of [[], ['run', 'container-hardening'], ['resume', 'x']]) {
      const r = await warden(home, args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/needs an interactive terminal/);
      expect(r.stderr).toMatch(/warden (audit|report)/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('verify passes on an intact journal and names the edited entry after tampering', async () => {
    const home = tempHome();
    const { s, signed } = await finishedSession(home);
    const ok = await warden(home, ['verify', s.id]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`head ${signed.hash}`);
    expect(ok.stdout).toContain('1 valid signature');
    const lines = readFileSync(s.journalPath, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('vendor confirmed', 'vendor denied');
    writeFileSync(s.journalPath, lines.join('\n'));
    const bad = await warden(home, ['verify', s.journalPath]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('line 3 (seq 3): hash does not match its content');
    const json = await warden(home, ['verify', s.id, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, entries: 2 });
  });

  it('report shows every step, note, skip reason and the sign-off (md and json)', async () => {
    const home = tempHome();
    const { s, signed } = await finishedSession(home);
    const md = await warden(home, ['report', s.id]);
    expect(md.code).toBe(0);
    for (const text of [
      'First',
      'Second',
      'Third',
      'vendor confirmed',
      'done by hand',
      'not on this host',
      'Alice Auditor',
      'Reviewed and accepted',
      signed.hash,
      'Prepare | 2/2',
    ]) {
      expect(md.stdout).toContain(text);
    }
    const out = join(home, 'r.json');
    // Any unique part of the id works: its middle (the start time) here.
    const j = await warden(home, [
      'report',
      s.id.slice(9, 15),
      '--format',
      'json',
      '--output',
      out,
    ]);
    expect(j.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.signoffs[0]).toMatchObject({ signer: 'Alice Auditor', entryHash: signed.hash });
    expect(report.timeline).toHaveLength(6);
    expect(report.integrity.chainOk).toBe(true);
  });

  it('sessions lists id, runbook, status, started and operator', async () => {
    const home = tempHome();
    const { s } = await finishedSession(home);
    const r = await warden(home, ['sessions', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({ id: s.id, runbook: 'demo', status: 'signed', operator: 'alice' }),
    ]);
    const t = await warden(home, ['sessions']);
    expect(t.stdout).toMatch(
      new RegExp(`${s.id}\\s+demo\\s+-\\s+signed by an unknown key \\(signer: Alice Auditor\\)`),
    );
  });

  it('a missing session or journal is a one-line error, exit 2', async () => {
    const home = tempHome();
    const r = await warden(home, ['report', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^warden: no session "nope"/);
  });

  it('runbooks validate prints every error as file:line:col and exits 1; list shows bundled runbooks', async () => {
    const home = tempHome();
    const f = join(home, 'bad.yaml');
    writeFileSync(f, 'id: bad\ntitle: Bad\nkind: nope\ndescription: d\nphases: []\nextra: 1\n');
    const r = await warden(home, ['runbooks', 'validate', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${f}:3:7: kind: must be one of "incident", "checklist"`);
    expect(r.stdout).toContain(`${f}:6:1: extra: unknown key "extra"`);
    expect(r.stdout).toContain(`${f}:5:9: phases: a runbook needs at least one phase`);
    const l = await warden(home, ['runbooks', 'list', '--json']);
    const ids = JSON.parse(l.stdout).runbooks.map((x: { id: string }) => x.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'container-hardening',
        'secrets-and-credentials',
        'pre-production-signoff',
      ]),
    );
  });

  it('a user runbook with the same id overrides the bundled one', async () => {
    const home = tempHome();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, 'runbooks'));
    writeFileSync(
      join(home, 'runbooks', 'mine.yaml'),
      twoPhaseRunbook
        .replace('id: demo', 'id: container-hardening')
        .replace('Demo checklist', 'Our hardening'),
    );
    const l = await warden(home, ['runbooks', 'list', '--json']);
    const hit = JSON.parse(l.stdout).runbooks.find(
      (x: { id: string }) => x.id === 'container-hardening',
    );
    expect(hit).toMatchObject({ origin: 'user', title: 'Our hardening' });
  });

  it('config set/get goes through the settings file under WARDEN_HOME', async () => {
    const home = tempHome();
    expect((await warden(home, ['config', 'set', 'operator', 'Night Shift'])).code).toBe(0);
    const g = await warden(home, ['config', 'get', 'operator']);
    expect(g.stdout.trim()).toBe('Night Shift');
    const bad = await warden(home, ['config', 'set', 'colour', 'blue']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown setting "colour"');
    // Dotted keys are stored nested; list and get read them back.
    const sock = `unix://${home}/d.sock`;
    expect((await warden(home, ['config', 'set', 'docker.host', sock])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'))).toEqual({
      operator: 'Night Shift',
      docker: { host: sock },
    });
    expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);
    const list = await warden(home, ['config', 'list']);
    expect(list.stdout).toContain(`docker.host = ${sock}    #`);
    expect(list.stdout).toContain('operator = Night Shift    #');
    expect(list.stdout).toContain('command.timeout = (unset)');
  });

  it('a broken settings file is one line and exit 2, for every command, and is not overwritten', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), '{"operator": "Ni');
    for (const args of [['config', 'list'], ['config', 'set', 'operator', 'X'], ['sessions']]) {
      const r = await warden(home, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^warden: the settings file .*config\.json is not a JSON object/),
        expect.stringMatching(/fix it, or remove it/),
      ]);
    }
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe('{"operator": "Ni');
  });

  it.skipIf(!dockerAvailable)(
    `doctor reports the engine's API version and exits 0 (${noDockerReason})`,
    async () => {
      const home = tempHome();
      const r = await warden(home, ['doctor']);
      expect(r.stdout).toMatch(/ok\s+docker\s+engine .+ API 1\.\d+/);
      expect(r.code).toBe(0);
    },
  );

  it('doctor exits 2 with a clear line when the engine is not running', async () => {
    const home = tempHome();
    const r = await warden(home, ['doctor'], { DOCKER_HOST: `unix://${home}/no.sock` });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /FAIL\s+docker\s+the Docker engine at unix:\/\/.*no\.sock is not running \(no socket at/,
    );
  });
  it('verify names whose key signed; a journal rebuilt and re-signed with another key fails --trusted-key', async () => {
    const home = tempHome();
    const { s } = await finishedSession(home);
    // The sign-off in finishedSession used a throwaway key; make this home's own key the trusted one.
    const { createSigner, keyPaths } = await import('../../src/adapters/signer.js');
    await createSigner(home).sign(Buffer.from('create the key'));
    const trusted = keyPaths(home).publicKey;

    const plain = await warden(home, ['verify', s.id]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /signed at seq 6 by Alice Auditor .*key sha256:[0-9a-f]{64}: an unknown key: /,
    );
    const strict = await warden(home, ['verify', s.id, '--trusted-key', trusted]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /seq 6: sign-off by Alice Auditor was made with key sha256:[0-9a-f]{64}, which is not one of the trusted keys/,
    );

    // A forger rewrites an entry, rebuilds the chain and re-signs with a key of their own: the
    // chain verifies, the key does not.
    const lines = readFileSync(s.journalPath, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    lines[2].data.text = 'vendor denied';
    const { sealEntry } = await import('../../src/journal/chain.js');
    const { signoffBytes, keyFingerprint } = await import('../../src/journal/signature.js');
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const forger = generateKeyPairSync('ed25519');
    const pub = (forger.publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString(
      'base64',
    );
    let prev = '0'.repeat(64);
    const forged = lines.map((e: Record<string, any>) => {
      const { hash: _h, ...rest } = e;
      rest.prev = prev;
      if (rest.type === 'session.signed') {
        rest.data.head = prev;
        rest.data.publicKey = pub;
        rest.data.keyFingerprint = keyFingerprint(pub);
        rest.data.signature = sign(
          null,
          signoffBytes({
            type: 'warden-signoff',
            session: rest.session,
            head: prev,
            signer: rest.data.signer,
            statement: rest.data.statement,
            signedAt: rest.data.signedAt,
          }),
          forger.privateKey,
        ).toString('base64');
      }
      const sealed = sealEntry(rest as never);
      prev = sealed.hash;
      return JSON.stringify(sealed);
    });
    writeFileSync(s.journalPath, forged.join('\n') + '\n');
    const chainOnly = await warden(home, ['verify', s.id]);
    expect(chainOnly.code).toBe(0);
    expect(chainOnly.stdout).toContain(': an unknown key: ');
    expect((await warden(home, ['verify', s.id, '--trusted-key', trusted])).code).toBe(1);
  });

  it('verify --require-signed fails when entries follow the last sign-off', async () => {
    const home = tempHome();
    const { s } = await finishedSession(home);
    expect((await warden(home, ['verify', s.id, '--require-signed'])).code).toBe(0);
    const again = await Session.resume(deps(home), s.id, 'mallory');
    await again.addNote(undefined, 'added after the sign-off');
    await again.close();
    const r = await warden(home, ['verify', s.id, '--require-signed']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 entries were recorded after the last sign-off (seq 6)');
    const plain = await warden(home, ['verify', s.id]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('note: 2 entries after the last sign-off are not covered by it');
  });
  it('stops quietly when the reader of its output goes away (warden verify | head)', async () => {
    const home = tempHome();
    const { s } = await finishedSession(home);
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [BIN, 'verify', s.id], {
      env: { ...process.env, WARDEN_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(code).toBe(0);
  });
  it('report on a tampered journal says so, never "signed", and exits 1', async () => {
    const home = tempHome();
    const { s } = await finishedSession(home);
    const lines = readFileSync(s.journalPath, 'utf8').split('\n');
    lines[4] = lines[4]!.replace('not on this host', 'not on any host');
    writeFileSync(s.journalPath, lines.join('\n'));
    const md = await warden(home, ['report', s.id]);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('**WARNING: this journal fails verification (line 5 (seq 5)');
    expect(md.stdout).toContain('Status: **damaged**');
    expect(md.stdout).toContain('**NOT VALID: the journal fails verification');
    expect(md.stderr).toMatch(/^warden: the journal fails verification \(line 5/);
    const json = await warden(home, ['report', s.id, '--format', 'json']);
    expect(JSON.parse(json.stdout).status).toBe('damaged');
  });
});

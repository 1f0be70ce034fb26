/**
 * Incident actions against the real engine: snapshot, isolate/unisolate, backup/restore,
 * broken-off snapshots and a vanishing engine. Skipped when no engine answers (CI sets
 * WARDEN_REQUIRE_DOCKER=1, which turns a missing engine into a failure instead).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createGzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJournalText, verifyChain } from '../../src/journal/chain.js';
import type { DockerPort } from '../../src/engine/ports.js';
import { createDockerAdapter } from '../../src/adapters/docker/index.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  noDockerReason,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import {
  actionDeps,
  adHocSession,
  createVictim,
  dockerAt,
  networksOf,
  sha256sum,
  type Victim,
} from './helpers.js';

const runId = `actions-${randomBytes(3).toString('hex')}`;
const signal = new AbortController().signal;

function allText(dir: string): string {
  let out = '';
  for (const n of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, n);
    if (statSync(p).isFile()) out += readFileSync(p, 'latin1');
  }
  return out;
}

describe.skipIf(!dockerAvailable)(`incident actions on the real engine (${noDockerReason})`, () => {
  let v: Victim;
  const home = tempHome('warden-actions-');

  beforeAll(() => {
    ensureTestImage();
    v = createVictim(runId, 'act', 200 + Math.floor(Math.random() * 50));
  });

  afterAll(() => {
    cleanupLabelled(runId);
    spawnSync('docker', ['network', 'rm', v.quarantine], { stdio: 'ignore' });
  });

  it('snapshot: files hash as sha256sum says, 0600 in a 0700 directory, env masked, manifest hash journaled', async () => {
    const ad = actionDeps(home, undefined, { quarantineNetwork: v.quarantine });
    const s = await adHocSession(home, ad);
    const r = await s.runAdHoc('snapshot', { container: v.name }, { signal });
    expect(r.outcome).toBe('ok');
    const dir = join(ad.sessionDir(s.id), String(r.data.dir));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(true);
    expect(manifest.files.map((f: { kind: string }) => f.kind).sort()).toEqual([
      'changes',
      'events',
      'inspect',
      'logs-stderr',
      'logs-stdout',
      'processes',
    ]);
    for (const f of manifest.files) {
      const p = join(dir, f.path);
      expect(sha256sum(p)).toBe(f.sha256);
      expect(statSync(p).size).toBe(f.bytes);
      expect(statSync(p).mode & 0o777).toBe(0o600);
    }
    expect(sha256sum(join(dir, 'manifest.json'))).toBe(r.data.manifestSha256);
    expect(s.state.evidence?.[0]).toMatchObject({
      complete: true,
      manifestSha256: r.data.manifestSha256,
    });
    const out = readFileSync(join(dir, 'stdout.log'), 'utf8');
    expect(out).toMatch(/^\d{4}-\d\d-\d\dT\S+Z boot line 1$/m);
    expect(readFileSync(join(dir, 'stderr.log'), 'utf8')).toMatch(/Z warn \d+$/m);
    expect(out).not.toMatch(/warn \d+/);
    // The victim prints its own password: the log evidence carries *** instead.
    expect(out).toMatch(/Z connecting with \*\*\*$/m);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).maskedInLogs).toBe(1);
    expect(readFileSync(join(dir, 'inspect.json'), 'utf8')).toContain('DB_PASSWORD=***');
    await s.close();
    expect(allText(dir)).not.toContain(v.secret);
    expect(readFileSync(s.journalPath, 'utf8')).not.toContain(v.secret);
  });

  it('isolate is refused without a complete snapshot; then leaves no network at all, and unisolate restores networks, aliases and addresses exactly', async () => {
    const ad = actionDeps(home, undefined, { quarantineNetwork: v.quarantine });
    const s = await adHocSession(home, ad);
    await expect(
      s.runAdHoc('isolate', { container: v.name }, { signal, confirmed: true }),
    ).rejects.toThrow(/no complete snapshot/);
    const before = networksOf(v.name);
    expect(Object.keys(before).sort()).toEqual([v.netA, v.netB].sort());
    expect((await s.runAdHoc('snapshot', { container: v.name }, { signal })).outcome).toBe('ok');
    const iso = await s.runAdHoc('isolate', { container: v.name }, { signal, confirmed: true });
    expect(iso.outcome).toBe('ok');
    expect(Object.keys(networksOf(v.name))).toEqual([]);
    // No quarantine network is made: nothing is shared between isolated containers.
    expect(spawnSync('docker', ['network', 'inspect', v.quarantine]).status).not.toBe(0);
    expect(dockerCli(['port', v.name])).toBe('');
    expect(iso.data.verification).toMatchObject({ networks: [], publishedPorts: [], sealed: true });
    expect(dockerCli(['inspect', v.name, '--format', '{{.State.Running}}'])).toBe('true');
    // The intent entry recorded every attachment before anything changed.
    const started = s.entries
      .filter((e) => e.type === 'action.started' && e.data.action === 'isolate')
      .at(-1);
    const planned = (
      started?.data.plan as {
        before: { network: string; aliases: string[]; ipv4Address?: string }[];
      }
    ).before;
    expect(planned.find((a) => a.network === v.netA)?.aliases.sort()).toEqual(['app', 'web']);
    expect(planned.find((a) => a.network === v.netB)).toMatchObject({
      aliases: ['db'],
      ipv4Address: expect.stringMatching(/\.7\.50$/),
    });

    const un = await s.runAdHoc('unisolate', { container: v.name }, { signal });
    expect(un.outcome).toBe('ok');
    expect(networksOf(v.name)).toEqual(before);
    await s.close();
  });

  it('backup → damage → restore brings the data back; encrypted with a passphrase too; tampered backups are refused with nothing written', async () => {
    const ad = actionDeps(home);
    const s = await adHocSession(home, ad);
    const b = await s.runAdHoc('backup', { container: v.name }, { signal });
    expect(b.outcome).toBe('ok');
    const bdir = join(ad.sessionDir(s.id), String(b.data.dir));
    const arch = (b.data.archives as { path: string; sha256: string }[])[0]!;
    expect(sha256sum(join(ad.sessionDir(s.id), arch.path))).toBe(arch.sha256);

    dockerCli(['exec', v.name, 'sh', '-c', 'echo DAMAGED > /data/keep.txt; rm -rf /data/sub']);
    const r = await s.runAdHoc(
      'restore',
      { container: v.name, backup: bdir, timeout: '1' },
      { signal, confirmed: true },
    );
    expect(r.outcome, r.summary).toBe('ok');
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt', '/data/sub/n.txt'])).toBe(
      'precious\nnested',
    );

    // Encrypted with a passphrase (scrypt).
    const keyFile = join(tempHome(), 'pass.txt');
    writeFileSync(keyFile, 'correct horse battery staple\n', { mode: 0o600 });
    const e = await s.runAdHoc(
      'backup',
      { container: v.name, encrypt: 'true', keyFile },
      { signal },
    );
    expect(e.outcome).toBe('ok');
    const edir = join(ad.sessionDir(s.id), String(e.data.dir));
    const efile = join(ad.sessionDir(s.id), (e.data.archives as { path: string }[])[0]!.path);
    expect(readFileSync(efile).subarray(0, 8).toString()).toBe('WDNBAK01');
    dockerCli(['exec', v.name, 'sh', '-c', 'echo DAMAGED > /data/keep.txt']);
    const er = await s.runAdHoc(
      'restore',
      { container: v.name, backup: edir, keyFile, timeout: '1' },
      { signal, confirmed: true },
    );
    expect(er.outcome, er.summary).toBe('ok');
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('precious');

    // Tampered: one bit flipped → SHA-256 mismatch, refused, nothing written.
    dockerCli(['exec', v.name, 'sh', '-c', 'echo DAMAGED > /data/keep.txt']);
    const t = readFileSync(efile);
    t[t.length - 40] = (t[t.length - 40] ?? 0) ^ 1;
    writeFileSync(efile, t);
    const tr = await s.runAdHoc(
      'restore',
      { container: v.name, backup: edir, keyFile },
      { signal, confirmed: true },
    );
    expect(tr.outcome).toBe('failed');
    expect(tr.summary).toMatch(/refused, nothing written: .*SHA-256/);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('DAMAGED');

    // Tampered and the manifest hash "fixed" too → the GCM tag still refuses it.
    const mpath = join(edir, 'manifest.json');
    const m = JSON.parse(readFileSync(mpath, 'utf8'));
    m.archives[0].sha256 = createHash('sha256').update(t).digest('hex');
    writeFileSync(mpath, JSON.stringify(m));
    const gr = await s.runAdHoc(
      'restore',
      { container: v.name, backup: edir, keyFile },
      { signal, confirmed: true },
    );
    expect(gr.outcome).toBe('failed');
    expect(gr.summary).toMatch(/GCM authentication failed/);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('DAMAGED');

    // A crafted archive with an escaping path and link → refused, nothing written.
    const pack = tar.pack();
    pack.entry({ name: 'data/', type: 'directory' });
    pack.entry({ name: 'data/keep.txt' }, 'pwned\n');
    pack.entry({ name: 'data/../etc/evil' }, 'x');
    pack.entry({ name: 'data/l', type: 'symlink', linkname: '../../etc/passwd' });
    pack.finalize();
    const chunks: Buffer[] = [];
    const gz = pack.pipe(createGzip());
    for await (const c of gz) chunks.push(c as Buffer);
    const evil = Buffer.concat(chunks);
    const mdir = join(tempHome(), 'evil');
    execFileSync('mkdir', ['-p', mdir]);
    writeFileSync(join(mdir, '1-x.tar.gz'), evil);
    const base = JSON.parse(readFileSync(join(bdir, 'manifest.json'), 'utf8'));
    base.archives = [
      {
        ...base.archives[0],
        file: '1-x.tar.gz',
        bytes: evil.length,
        sha256: createHash('sha256').update(evil).digest('hex'),
      },
    ];
    writeFileSync(join(mdir, 'manifest.json'), JSON.stringify(base));
    const xr = await s.runAdHoc(
      'restore',
      { container: v.name, backup: mdir },
      { signal, confirmed: true },
    );
    expect(xr.outcome).toBe('failed');
    expect(xr.summary).toMatch(/refused, nothing written: .*(\.\.|escapes)/);
    expect(dockerCli(['exec', v.name, 'cat', '/data/keep.txt'])).toBe('DAMAGED');
    expect(s.state.restores?.map((x) => x.outcome)).toEqual([
      'ok',
      'ok',
      'failed',
      'failed',
      'failed',
    ]);
    await s.close();
  });

  it('a container removed mid-snapshot gives an incomplete snapshot, recorded as such, and containment stays refused', async () => {
    const doomed = `${v.name}-doomed`;
    dockerCli([
      'run',
      '-d',
      '--label',
      `warden.test=${runId}`,
      '--name',
      doomed,
      'warden-test/busybox:1',
      'sh',
      '-c',
      'echo hi; sleep 600',
    ]);
    const real = createDockerAdapter();
    // Removed by "someone else" right after the logs were read.
    const racing: DockerPort = {
      ...real,
      top: async (id, ps) => {
        dockerCli(['rm', '-f', doomed]);
        return real.top(id, ps);
      },
    };
    const ad = actionDeps(home, racing);
    const s = await adHocSession(home, ad);
    const r = await s.runAdHoc('snapshot', { container: doomed }, { signal });
    expect(r.outcome).toBe('failed');
    expect(r.summary).toMatch(/^INCOMPLETE snapshot of/);
    const dir = join(ad.sessionDir(s.id), String(r.data.dir));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(false);
    expect(manifest.errors[0].part).toBe('processes');
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain('stdout.log');
    expect(s.state.evidence?.[0]?.complete).toBe(false);
    await expect(
      s.runAdHoc('eradicate', { container: doomed }, { signal, confirmed: true }),
    ).rejects.toThrow(/no complete snapshot/);
    await s.close();
    expect(verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines).ok).toBe(true);
  });

  it('the engine going away mid-stream breaks the snapshot off with a clear error; the journal stays intact', async () => {
    const sock = join(tmpdir(), `warden-proxy-${randomBytes(4).toString('hex')}.sock`);
    const conns = new Set<Socket>();
    const server: Server = createServer((client) => {
      const up = connect('/var/run/docker.sock');
      conns.add(client);
      conns.add(up);
      let logsBytes = -1;
      client.on('data', (d) => {
        if (d.toString('latin1').includes('/logs?')) logsBytes = 0;
        up.write(d);
      });
      up.on('data', (d) => {
        client.write(d);
        if (logsBytes >= 0 && (logsBytes += d.length) > 600) {
          // The engine dies mid-stream.
          client.destroy();
          up.destroy();
          server.close();
        }
      });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    await new Promise<void>((ok) => server.listen(sock, ok));
    try {
      const ad = actionDeps(home, dockerAt(sock));
      const s = await adHocSession(home, ad);
      const r = await s.runAdHoc('snapshot', { container: v.name }, { signal });
      expect(r.outcome).toBe('failed');
      // Logs and the other parts are read concurrently: whichever part hits the dead engine first is named.
      expect(r.summary).toMatch(/INCOMPLETE.*(not reachable|ECONNRESET|socket|aborted)/i);
      expect(s.state.evidence?.[0]?.complete).toBe(false);
      // After it is gone: a clear classified error, recorded.
      const p = await s.runAdHoc('pause', { container: v.name }, { signal });
      expect(p.outcome).toBe('error');
      expect(p.data.errorKind).toBe('daemon-unreachable');
      expect(p.summary).toMatch(/is not running/);
      await s.close();
      const chain = verifyChain(parseJournalText(readFileSync(s.journalPath, 'utf8')).lines);
      expect(chain.ok).toBe(true);
      expect(s.state.actionLog?.map((a) => `${a.action}:${a.outcome}`)).toEqual([
        'snapshot:failed',
        'pause:error',
      ]);
    } finally {
      for (const c of conns) c.destroy();
      server.close();
      if (existsSync(sock)) spawnSync('rm', ['-f', sock]);
    }
    expect(dockerCli(['inspect', v.name, '--format', '{{.State.Status}}'])).toBe('running');
  });
});

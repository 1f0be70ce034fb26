/**
 * An engine reached over ssh://, as the docker CLI reaches it: an OpenSSH server on 127.0.0.1
 * (started here, key authentication only) whose sessions run `docker system dial-stdio` against a
 * private engine. Contexts are made with `docker context create` in a temporary DOCKER_CONFIG.
 * Asserted from the outside: the audit and a snapshot reach that engine; every request of a run
 * shares one SSH connection (the server's log counts the logins); an unknown or changed host key
 * and a key the server does not hold are refused in one line before anything is read.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warden } from '../helpers/cli.js';
import {
  TEST_IMAGE,
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  labelArgs,
  noDockerReason,
  testName,
} from '../helpers/docker.js';
import { canStartEngine, startPrivateEngine, type PrivateEngine } from '../helpers/engine.js';
import { tempHome } from '../helpers/session.js';
import { freePort } from '../helpers/free-port.js';
import { canStartSshd, startSshd, type TestSshd } from '../helpers/sshd.js';

describe.skipIf(!dockerAvailable || !canStartEngine || !canStartSshd)(
  `an engine over ssh:// (${noDockerReason}; needs openssh-server, which .ci/run installs)`,
  () => {
    let engine: PrivateEngine;
    let sshd: TestSshd;
    let config: string;
    const home = tempHome('warden-ssh-');
    const name = `warden-ssh-${process.pid}`;
    const env = (over: Record<string, string> = {}) => ({
      DOCKER_CONFIG: config,
      DOCKER_HOST: '',
      DOCKER_CONTEXT: '',
      HOME: sshd.home,
      SSH_AUTH_SOCK: '',
      ...over,
    });
    const url = () => `ssh://root@127.0.0.1:${sshd.port}`;
    const runId = `ssh-${process.pid}`;
    const local = testName('ssh-local');

    beforeAll(async () => {
      engine = await startPrivateEngine();
      engine.cli([
        'run',
        '-d',
        '--name',
        name,
        '--label',
        'warden.test=ssh',
        '--network',
        'none',
        TEST_IMAGE,
        'sleep',
        '3600',
      ]);
      dockerCli([
        'run',
        '-d',
        '--name',
        local,
        ...labelArgs(runId),
        '--network',
        'none',
        TEST_IMAGE,
        'sleep',
        '3600',
      ]);
      sshd = await startSshd(await freePort(), `unix://${engine.socket}`);
      config = mkdtempSync(join(tmpdir(), 'warden-docker-config-'));
      execFileSync('docker', ['context', 'create', 'sshlab', '--docker', `host=${url()}`], {
        env: { ...process.env, DOCKER_CONFIG: config },
      });
    }, 90_000);
    afterAll(async () => {
      cleanupLabelled(runId);
      await sshd?.stop();
      await engine?.stop();
      if (config) rmSync(config, { recursive: true, force: true });
    });

    it('--context reaches the engine behind sshd: its container audited, over one SSH connection', async () => {
      const before = sshd.logins();
      const r = await warden(
        home,
        [
          '--context',
          'sshlab',
          'audit',
          ...['--scope', 'containers', '--format', 'json', '--fail-on', 'medium'],
        ],
        env(),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1); // medium findings: no memory limit, capabilities kept
      const json = JSON.parse(r.stdout);
      expect(json.engine.reached).toBe(true);
      expect(json.engine.endpoint).toBe(`${url()} (context sshlab)`);
      const unlimited = (json.findings as { check: string; target: { name: string } }[]).filter(
        (f) => f.check === 'memory-limit' && f.target.name === name,
      );
      expect(unlimited).toHaveLength(1);
      // info, version, list, inspect, top...: many requests, one login.
      expect(sshd.logins() - before).toBe(1);
    });

    it('DOCKER_HOST=ssh://… reaches it too; one session spans two engines and records which ran what', async () => {
      // Evidence from the local engine first, then from the engine behind sshd, in one session.
      const first = await warden(home, ['snapshot', local, '--json'], env());
      expect(first.code).toBe(0);
      const session = JSON.parse(first.stdout).session as string;
      const r = await warden(
        home,
        ['snapshot', name, '--json', '--session', session],
        env({ DOCKER_HOST: url() }),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const snap = JSON.parse(r.stdout);
      expect(snap).toMatchObject({ outcome: 'ok', complete: true, container: { name } });
      expect(snap.parts).toEqual(['logs', 'inspect', 'processes', 'changes', 'events']);
      // The journal: each action's intent and result name the engine (address, ID, name).
      const entries = readFileSync(snap.journal, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
      const engines = entries
        .filter((e) => e.type === 'action.started' || e.type === 'action.result')
        .map((e) => e.data.engine as { endpoint: string; id?: string; name?: string });
      const remoteId = engine.cli(['info', '--format', '{{.ID}}']);
      const localId = dockerCli(['info', '--format', '{{.ID}}']);
      expect(engines.map((e) => [e.endpoint, e.id])).toEqual([
        ['unix:///var/run/docker.sock', localId],
        ['unix:///var/run/docker.sock', localId],
        [url(), remoteId],
        [url(), remoteId],
      ]);
      expect(engines.every((e) => typeof e.name === 'string' && e.name.length > 0)).toBe(true);
      // The evidence manifest too.
      const manifest = JSON.parse(readFileSync(join(snap.sessionDir, snap.manifest), 'utf8'));
      expect(manifest.engine).toMatchObject({ endpoint: url(), id: remoteId });
      // The report lists both engines with what ran on each, and says on which each run was.
      const report = await warden(home, ['report', session], env());
      expect(report.code).toBe(0);
      expect(report.stdout).toContain('## Engines (this session spans them)');
      const lines = report.stdout.split('\n');
      const remoteLine = lines.find((l) => l.includes(`\`${url()}\``));
      expect(remoteLine).toMatch(/: ad-hoc `snapshot`$/);
      expect(lines.find((l) => l.includes('`unix:///var/run/docker.sock`'))).toMatch(
        /: ad-hoc `snapshot`$/,
      );
    });

    it('a key held by the ssh-agent (no key file at all) is used', async () => {
      const other = mkdtempSync(join(tmpdir(), 'warden-ssh-agent-'));
      mkdirSync(join(other, '.ssh'));
      writeFileSync(join(other, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`);
      const sock = join(other, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      try {
        const deadline = Date.now() + 10_000;
        while (!existsSync(sock)) {
          if (Date.now() > deadline) throw new Error('ssh-agent did not start');
          await new Promise((r) => setTimeout(r, 20));
        }
        execFileSync('ssh-add', ['-q', join(sshd.home, '.ssh', 'id_ed25519')], {
          env: { ...process.env, SSH_AUTH_SOCK: sock },
          stdio: 'ignore',
        });
        const r = await warden(
          home,
          ['--context', 'sshlab', 'audit', '--scope', 'daemon', '--format', 'json'],
          env({ HOME: other, SSH_AUTH_SOCK: sock }),
        );
        expect(r.stderr).toBe('');
        expect(JSON.parse(r.stdout).engine.reached).toBe(true);
      } finally {
        agent.kill();
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('~/.ssh/config: a host alias with its HostName, Port, User and IdentityFile; a ProxyJump is refused', async () => {
      const other = mkdtempSync(join(tmpdir(), 'warden-ssh-config-'));
      mkdirSync(join(other, '.ssh'));
      writeFileSync(join(other, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`);
      // The key only under the name the config gives: the default names hold nothing.
      copyFileSync(join(sshd.home, '.ssh', 'id_ed25519'), join(other, '.ssh', 'lab_key'));
      writeFileSync(
        join(other, '.ssh', 'config'),
        [
          'Host lab-alias',
          '  HostName 127.0.0.1',
          `  Port ${sshd.port}`,
          '  User root',
          '  IdentityFile ~/.ssh/lab_key',
          'Host behind-bastion',
          '  HostName 10.0.0.9',
          '  ProxyJump ops@bastion.example',
          '',
        ].join('\n'),
      );
      const r = await warden(
        home,
        ['audit', '--scope', 'daemon', '--format', 'json'],
        env({ HOME: other, DOCKER_HOST: 'ssh://lab-alias' }),
      );
      expect(r.stderr).toBe('');
      const json = JSON.parse(r.stdout);
      expect(json.engine).toMatchObject({ reached: true, endpoint: 'ssh://lab-alias' });
      const proxied = await warden(
        home,
        ['audit', '--format', 'json'],
        env({ HOME: other, DOCKER_HOST: 'ssh://behind-bastion' }),
      );
      expect(proxied.code).toBe(2);
      expect(proxied.stderr.trim()).toMatch(
        /^warden: ssh:\/\/\S+@behind-bastion: ~\/\.ssh\/config reaches behind-bastion through ProxyJump ops@bastion\.example, which Warden does not follow/,
      );
      expect(proxied.stderr.trim().split('\n')).toHaveLength(1);
      rmSync(other, { recursive: true, force: true });
    });

    it('doctor lists the ssh context as answering, with its engine version', async () => {
      const r = await warden(home, ['doctor'], env());
      expect(r.stdout).toMatch(
        new RegExp(` ok   context sshlab +ssh://root@127\\.0\\.0\\.1:${sshd.port}: engine \\S+`),
      );
    });

    it('an unknown host key, a changed one, and a key the server does not hold: refused in one line', async () => {
      const other = mkdtempSync(join(tmpdir(), 'warden-ssh-home-'));
      mkdirSync(join(other, '.ssh'));
      copyFileSync(join(sshd.home, '.ssh', 'id_ed25519'), join(other, '.ssh', 'id_ed25519'));
      const run = () =>
        warden(home, ['--context', 'sshlab', 'audit', '--format', 'json'], env({ HOME: other }));
      const oneLine = (r: { code: number; stderr: string }) => {
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        return r.stderr.trim();
      };
      // No known_hosts at all.
      expect(oneLine(await run())).toMatch(
        new RegExp(`^warden: ssh://root@127\\.0\\.0\\.1:${sshd.port}: the SSH host key is not in `),
      );
      // Another key recorded for this host and port.
      const [hostField] = sshd.knownHostsLine.split(' ');
      const stranger = execFileSync('ssh-keygen', ['-y', '-f', sshd.strangerKey()], {
        encoding: 'utf8',
      }).trim();
      writeFileSync(join(other, '.ssh', 'known_hosts'), `${hostField} ${stranger}\n`);
      expect(oneLine(await run())).toMatch(/the SSH host key does not match .*known_hosts/);
      // The right host key, but a client key the server does not accept.
      writeFileSync(join(other, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`);
      copyFileSync(sshd.strangerKey(), join(other, '.ssh', 'id_ed25519'));
      expect(oneLine(await run())).toMatch(/: no key was accepted \(no ssh-agent; 1 key file in /);
      rmSync(other, { recursive: true, force: true });
    });
  },
);

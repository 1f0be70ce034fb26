/**
 * Endpoints chosen the docker CLI's way, against real engines: contexts made with
 * `docker context create` in a temporary DOCKER_CONFIG, one pointing at the shared engine's
 * socket, one at a private engine listening on tcp://127.0.0.1 with TLS (CA and certificates made
 * with openssl). The precedence is asserted on what the real CLI wrote; `--context` reaches the
 * TLS engine; DOCKER_TLS_VERIFY and DOCKER_CERT_PATH do too; a client certificate of another CA is
 * refused in one line; `doctor` lists every context with whether it answers.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEndpoint, dockerConfigDir } from '../../src/adapters/docker/contexts.js';
import { endpointOf } from '../../src/adapters/docker/endpoint.js';
import { warden } from '../helpers/cli.js';
import { dockerAvailable, noDockerReason } from '../helpers/docker.js';
import { canStartEngine, startPrivateEngine, type PrivateEngine } from '../helpers/engine.js';
import { tempHome } from '../helpers/session.js';
import { makeTls, type TestTls } from '../helpers/tls.js';
import { freePort } from '../helpers/free-port.js';

describe.skipIf(!dockerAvailable || !canStartEngine)(
  `Docker contexts and TLS (${noDockerReason})`,
  () => {
    let config: string;
    let tls: TestTls;
    let engine: PrivateEngine;
    let port: number;
    const home = tempHome('warden-contexts-');
    const cli = (args: string[]) =>
      execFileSync('docker', args, {
        env: { ...process.env, DOCKER_CONFIG: config },
        encoding: 'utf8',
      });
    const env = () => ({ DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '' });

    beforeAll(async () => {
      config = mkdtempSync(join(tmpdir(), 'warden-docker-config-'));
      tls = makeTls();
      port = await freePort();
      engine = await startPrivateEngine({
        hostNetwork: true,
        loadImage: false,
        args: [
          '--host',
          `tcp://127.0.0.1:${port}`,
          '--tlsverify',
          '--tlscacert',
          tls.ca,
          '--tlscert',
          tls.serverCert,
          '--tlskey',
          tls.serverKey,
        ],
      });
      cli(['context', 'create', 'local', '--docker', 'host=unix:///var/run/docker.sock']);
      cli([
        'context',
        'create',
        'tlslab',
        '--description',
        'TLS lab engine',
        '--docker',
        `host=tcp://127.0.0.1:${port},ca=${tls.ca},cert=${tls.clientCert},key=${tls.clientKey}`,
      ]);
      cli(['context', 'create', 'gone', '--docker', 'host=unix:///tmp/warden-no-such.sock']);
    }, 60_000);
    afterAll(async () => {
      await engine?.stop();
      rmSync(config, { recursive: true, force: true });
      rmSync(tls.dir, { recursive: true, force: true });
    });

    it('chooses as the docker CLI does: --context, DOCKER_HOST, DOCKER_CONTEXT, docker.host, the current context, the socket', () => {
      const e = env();
      expect(dockerConfigDir(e)).toBe(config);
      expect(chooseEndpoint({ env: e })).toEqual({ source: 'default socket' });
      cli(['context', 'use', 'local']);
      expect(chooseEndpoint({ env: e })).toMatchObject({
        context: 'local',
        host: 'unix:///var/run/docker.sock',
      });
      expect(chooseEndpoint({ env: e, setting: 'unix:///x.sock' })).toEqual({
        host: 'unix:///x.sock',
        source: 'docker.host setting',
      });
      expect(
        chooseEndpoint({ env: { ...e, DOCKER_CONTEXT: 'tlslab' }, setting: 'unix:///x.sock' }),
      ).toMatchObject({
        context: 'tlslab',
        host: `tcp://127.0.0.1:${port}`,
      });
      expect(
        chooseEndpoint({ env: { ...e, DOCKER_CONTEXT: 'tlslab', DOCKER_HOST: 'unix:///y.sock' } }),
      ).toMatchObject({
        host: 'unix:///y.sock',
        source: 'DOCKER_HOST',
      });
      expect(chooseEndpoint({ env: e, flag: 'tlslab' })).toMatchObject({ context: 'tlslab' });
      // The flag before the environment, as the docker CLI reads them.
      expect(
        chooseEndpoint({ env: { ...e, DOCKER_HOST: 'unix:///y.sock' }, flag: 'tlslab' }),
      ).toMatchObject({ context: 'tlslab', source: '--context tlslab' });
      // The TLS material the CLI stored with the context, not the files it was made from.
      const tlslab = chooseEndpoint({ env: e, flag: 'tlslab' });
      expect(tlslab.tls?.ca).toMatch(
        new RegExp(`^${config}/contexts/tls/[0-9a-f]{64}/docker/ca.pem$`),
      );
      expect(endpointOf(tlslab).options.protocol).toBe('https');
      cli(['context', 'use', 'default']);
    });

    it('--context reaches the TLS engine; the report says which context', async () => {
      const r = await warden(
        home,
        ['--context', 'tlslab', 'audit', '--scope', 'daemon', '--format', 'json'],
        env(),
      );
      expect(r.stderr).toBe('');
      const json = JSON.parse(r.stdout);
      expect(json.engine.reached).toBe(true);
      expect(json.engine.endpoint).toBe(`tcp://127.0.0.1:${port} (context tlslab)`);
      // Over TCP, so a remote engine to Warden: its configuration is read on its host, not here
      // (only the private engine listens on that port).
      const na = (json.notApplicable as { check: string; reason: string }[]).find(
        (x) => x.check === 'daemon-tcp-without-tls',
      );
      expect(na?.reason).toBe('remote engine: its configuration is read on its host');
      // Also after the command, as a root option may stand.
      const after = await warden(home, ['doctor', '--context', 'tlslab'], env());
      expect(after.stdout).toMatch(
        new RegExp(
          ` ok   docker +engine [^ ]+, API [^ ]+ at tcp://127\\.0\\.0\\.1:${port} \\(context tlslab\\)`,
        ),
      );
    });

    it('DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH reaches it; a client certificate of another CA is refused in one line', async () => {
      const certs = mkdtempSync(join(tmpdir(), 'warden-certs-'));
      copyFileSync(tls.ca, join(certs, 'ca.pem'));
      copyFileSync(tls.clientCert, join(certs, 'cert.pem'));
      copyFileSync(tls.clientKey, join(certs, 'key.pem'));
      const tlsEnv = {
        ...env(),
        DOCKER_HOST: `tcp://127.0.0.1:${port}`,
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: certs,
      };
      const okRun = await warden(home, ['doctor'], tlsEnv);
      expect(okRun.stdout).toMatch(
        new RegExp(` ok   docker +engine .* at tcp://127\\.0\\.0\\.1:${port}\\n`),
      );
      const wrong = mkdtempSync(join(tmpdir(), 'warden-certs-'));
      mkdirSync(wrong, { recursive: true });
      copyFileSync(tls.ca, join(wrong, 'ca.pem'));
      copyFileSync(tls.otherCert, join(wrong, 'cert.pem'));
      copyFileSync(tls.otherKey, join(wrong, 'key.pem'));
      const bad = await warden(home, ['audit', '--scope', 'daemon'], {
        ...tlsEnv,
        DOCKER_CERT_PATH: wrong,
      });
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/^warden: /);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
      expect(bad.stderr.trim()).toBe(
        `warden: the TLS handshake with the Docker engine at tcp://127.0.0.1:${port} failed (bad certificate) while trying to read engine info`,
      );
      rmSync(certs, { recursive: true, force: true });
      rmSync(wrong, { recursive: true, force: true });
    });

    it('doctor lists every context: which answers, with its engine version, and which does not', async () => {
      const r = await warden(home, ['doctor'], env());
      expect(r.stdout).toMatch(
        / ok   context local +unix:\/\/\/var\/run\/docker\.sock: engine \S+/,
      );
      expect(r.stdout).toMatch(
        new RegExp(` ok   context tlslab +tcp://127\\.0\\.0\\.1:${port}: engine \\S+`),
      );
      expect(r.stdout).toMatch(
        /note  context gone +unix:\/\/\/tmp\/warden-no-such\.sock: not reached: /,
      );
    });

    it('a fleet audit: the engines of several contexts side by side, one unreached, the others reported in full', async () => {
      const r = await warden(
        home,
        [
          '--context',
          'local,tlslab,gone',
          'audit',
          '--scope',
          'daemon',
          '--format',
          'json',
          '--fail-on',
          'critical',
        ],
        env(),
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /^warden: context gone not reached: the Docker engine at unix:\/\/\/tmp\/warden-no-such\.sock \(context gone\) is not running/,
      );
      const json = JSON.parse(r.stdout);
      expect(
        json.engines.map((e: { context: string; reached: boolean }) => [e.context, e.reached]),
      ).toEqual([
        ['local', true],
        ['tlslab', true],
        ['gone', false],
      ]);
      // Two engines, two targets: each tagged with its context, each its own engine's.
      const targets = json.targets as { kind: string; context: string; id: string }[];
      expect(targets.map((t) => [t.kind, t.context])).toEqual([
        ['engine', 'local'],
        ['engine', 'tlslab'],
      ]);
      // (dockerd 20.10 derives its ID from /etc/docker/key.json: two engines of one machine share
      // it. The endpoint tells them apart.)
      expect(json.engines[1].endpoint).toBe(`tcp://127.0.0.1:${port} (context tlslab)`);
      for (const f of json.findings as { target: { context: string } }[])
        expect(['local', 'tlslab']).toContain(f.target.context);
      // JUnit: one suite per context and target, well-formed.
      const junit = await warden(
        home,
        ['audit', '--all-contexts', '--scope', 'daemon', '--format', 'junit'],
        env(),
      );
      expect(junit.stdout).toMatch(/<testsuite name="local: engine [^"]+"/);
      expect(junit.stdout).toMatch(/<testsuite name="tlslab: engine [^"]+"/);
      expect(json.engine.reached).toBe(false);
      expect(json.engine.message).toBe('1 of 3 engines not reached: gone');
      // A context that does not exist is bad input, refused before any engine is asked.
      const typo = await warden(
        home,
        ['--context', 'local,nope', 'audit', '--scope', 'daemon'],
        env(),
      );
      expect(typo.code).toBe(2);
      expect(typo.stdout).toBe('');
      expect(typo.stderr).toMatch(/^warden: no Docker context named "nope" in /);
      // None of the fleet answers: nothing was audited, an environment error.
      const none = await warden(
        home,
        ['--context', 'gone,gone', 'audit', '--scope', 'daemon'],
        env(),
      );
      expect(none.code).toBe(2);
      expect(none.stderr.split('\n').filter(Boolean)).toEqual([
        expect.stringMatching(/^warden: context gone not reached: /),
      ]);
    });
  },
);

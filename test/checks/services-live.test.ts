/**
 * Service-aware checks on live containers: both verdicts of each, against the real engine.
 * Nothing can be pulled, so the test image is tagged under a unique repository whose last path
 * segment names the product (`wt-1a2b3c4d/postgres:16.3`), the way real references do
 * (`postgres:16.3`, `docker.elastic.co/elasticsearch/elasticsearch:8.14.1`). Containers are
 * created, not started: the audit reads their configuration, and no port is bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { runAuditCore } from '../../src/checks/audit-core.js';
import { runAudit } from '../../src/cli/commands/audit.js';
import type { Evaluation } from '../../src/checks/types.js';
import { captureAudit } from '../helpers/audit-capture.js';
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

const runId = `svc-${randomBytes(4).toString('hex')}`;
const repo = `wt-${randomBytes(4).toString('hex')}`;
const PLANTED = `Planted-${randomBytes(12).toString('hex')}`;

const IMAGES = {
  es: `${repo}/elasticsearch:8.14.1`,
  opensearch: `${repo}/opensearch:2.15.0`,
  postgres: `${repo}/postgres:16.3`,
  grafana: `${repo}/grafana:11.1.0`,
  prometheus: `${repo}/prometheus:v2.53.1`,
  cassandra: `${repo}/cassandra:4.1.5`,
  redis: `${repo}/redis:7.2.5`,
  pgadmin: `${repo}/pgadmin4:8.10`,
  dashboards: `${repo}/opensearch-dashboards:2.15.0`,
};

const docker = (args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile('docker', args, (err, _o, stderr) => (err ? reject(new Error(stderr)) : resolve())),
  );

describe.skipIf(!dockerAvailable)(
  `service-aware checks on live containers (${noDockerReason})`,
  () => {
    const port = readPort();
    const names = {
      esOpen: testName('es-open'),
      esSecure: testName('es-ok'),
      osOpen: testName('os-open'),
      pgTrust: testName('pg-trust'),
      pgOk: testName('pg-ok'),
      grafanaAnon: testName('gf-anon'),
      grafanaDefault: testName('gf-default'),
      promOpen: testName('prom-open'),
      promLocal: testName('prom-local'),
      cassandraOpen: testName('cass-open'),
      cassandraAuth: testName('cass-auth'),
      redisOpen: testName('redis-open'),
      redisPass: testName('redis-pass'),
      pgadmin: testName('pgadmin'),
      dashboards: testName('dashboards'),
    };
    let evals: Evaluation[] = [];

    beforeAll(async () => {
      const image = ensureTestImage();
      for (const tag of Object.values(IMAGES)) dockerCli(['tag', image, tag]);
      const l = labelArgs(runId);
      const create = (name: string, img: string, ...args: string[]) =>
        docker(['create', '--name', name, ...l, ...args, img]);
      const withCmd = (name: string, img: string, opts: string[], cmd: string[]) =>
        docker(['create', '--name', name, ...l, ...opts, img, ...cmd]);
      await Promise.all([
        create(
          names.esOpen,
          IMAGES.es,
          '-e',
          'xpack.security.enabled=false',
          '-p',
          '0.0.0.0::9200',
        ),
        create(names.esSecure, IMAGES.es, '-p', '127.0.0.1::9200'),
        create(names.osOpen, IMAGES.opensearch, '-e', 'DISABLE_SECURITY_PLUGIN=true'),
        create(names.pgTrust, IMAGES.postgres, '-e', 'POSTGRES_HOST_AUTH_METHOD=trust'),
        create(names.pgOk, IMAGES.postgres, '-e', 'POSTGRES_PASSWORD_FILE=/run/secrets/pg'),
        create(
          names.grafanaAnon,
          IMAGES.grafana,
          '-e',
          'GF_AUTH_ANONYMOUS_ENABLED=true',
          '-e',
          'GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana',
          '-p',
          '0.0.0.0::3000',
        ),
        create(names.grafanaDefault, IMAGES.grafana, '-p', '127.0.0.1::3000'),
        create(names.promOpen, IMAGES.prometheus, '-p', '0.0.0.0::9090'),
        create(names.promLocal, IMAGES.prometheus, '-p', '127.0.0.1::9090'),
        create(names.cassandraOpen, IMAGES.cassandra, '-p', '0.0.0.0::9042'),
        create(
          names.cassandraAuth,
          IMAGES.cassandra,
          '-e',
          'CASSANDRA_AUTHENTICATOR=PasswordAuthenticator',
        ),
        withCmd(
          names.redisOpen,
          IMAGES.redis,
          ['-p', '0.0.0.0::6379'],
          ['redis-server', '--protected-mode', 'no'],
        ),
        withCmd(names.redisPass, IMAGES.redis, [], ['redis-server', '--requirepass', PLANTED]),
        create(names.pgadmin, IMAGES.pgadmin, '-p', '0.0.0.0::80'),
        create(names.dashboards, IMAGES.dashboards, '-p', '127.0.0.1::5601'),
      ]);
      const run = await runAuditCore({ docker: port, containers: Object.values(names) });
      evals = run.evaluations;
    });
    afterAll(() => {
      cleanupLabelled(runId);
      for (const tag of Object.values(IMAGES))
        spawnSync('docker', ['rmi', tag], { stdio: 'ignore' });
    });

    const v = (name: string, check: string) =>
      evals.find((e) => e.target.name === name && e.check === check);

    it('search-security-disabled: Elasticsearch and OpenSearch, by how far they reach', () => {
      expect(v(names.esOpen, 'search-security-disabled')).toMatchObject({
        verdict: 'fail',
        severity: 'critical',
      });
      expect(v(names.esOpen, 'search-security-disabled')?.evidence).toContain(
        'xpack.security.enabled=false',
      );
      expect(v(names.osOpen, 'search-security-disabled')).toMatchObject({
        verdict: 'fail',
        severity: 'medium',
        evidence: expect.stringContaining('DISABLE_SECURITY_PLUGIN=true'),
      });
      expect(v(names.esSecure, 'search-security-disabled')?.verdict).toBe('pass');
      expect(v(names.pgOk, 'search-security-disabled')?.verdict).toBe('not-applicable');
    });

    it('postgres-auth: trust fails, a password file passes', () => {
      expect(v(names.pgTrust, 'postgres-auth')).toMatchObject({
        verdict: 'fail',
        severity: 'high',
      });
      expect(v(names.pgOk, 'postgres-auth')).toMatchObject({
        verdict: 'pass',
        evidence: 'POSTGRES_PASSWORD_FILE set',
      });
    });

    it('grafana-anonymous and default-admin-password', () => {
      expect(v(names.grafanaAnon, 'grafana-anonymous')?.verdict).toBe('fail');
      expect(v(names.grafanaDefault, 'grafana-anonymous')?.verdict).toBe('pass');
      expect(v(names.grafanaDefault, 'default-admin-password')).toMatchObject({
        verdict: 'fail',
        evidence: expect.stringContaining('GF_SECURITY_ADMIN_PASSWORD not set'),
      });
      expect(v(names.grafanaAnon, 'default-admin-password')?.verdict).toBe('pass');
    });

    it('internal-service-exposed: Prometheus on all interfaces fails, on loopback passes', () => {
      expect(v(names.promOpen, 'internal-service-exposed')).toMatchObject({
        verdict: 'fail',
        severity: 'high',
      });
      expect(v(names.promLocal, 'internal-service-exposed')?.verdict).toBe('pass');
    });

    it('cassandra-auth: the image default fails, PasswordAuthenticator passes', () => {
      expect(v(names.cassandraOpen, 'cassandra-auth')).toMatchObject({
        verdict: 'fail',
        severity: 'critical',
      });
      expect(v(names.cassandraAuth, 'cassandra-auth')?.verdict).toBe('pass');
    });

    it('redis-auth: protected mode off without a password fails; --requirepass passes', () => {
      expect(v(names.redisOpen, 'redis-auth')).toMatchObject({
        verdict: 'fail',
        severity: 'critical',
        evidence: expect.stringContaining('--protected-mode no'),
      });
      expect(v(names.redisPass, 'redis-auth')?.verdict).toBe('pass');
    });

    it('admin-ui-public: pgAdmin and Grafana published fail, Dashboards on loopback passes', () => {
      expect(v(names.pgadmin, 'admin-ui-public')).toMatchObject({
        verdict: 'fail',
        severity: 'high',
      });
      expect(v(names.grafanaAnon, 'admin-ui-public')?.verdict).toBe('fail');
      expect(v(names.dashboards, 'admin-ui-public')?.verdict).toBe('pass');
    });

    it('the command-line password is in no output, and the local images are not pinned-by-tag', async () => {
      const { deps, out: captured } = captureAudit({ docker: port });
      for (const format of ['json', 'sarif', 'junit', 'table'])
        await runAudit({ container: Object.values(names), format }, deps);
      const out = captured.stdout + captured.stderr;
      expect(out).not.toContain(PLANTED);
      expect(out).toContain('search-security-disabled');
      // Tagged locally, never pulled: no registry digest, so latest-tag does not apply.
      expect(v(names.pgOk, 'latest-tag')).toMatchObject({
        verdict: 'not-applicable',
        reason: expect.stringContaining('local image'),
      });
    });
  },
);

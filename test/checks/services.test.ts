/**
 * Service-aware and host-sharing checks on compose files: both verdicts of each, products
 * recognized from real image references, fixes naming the product's own variable.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { composeModels } from '../../src/checks/compose-model.js';
import { evaluateModel, evaluateStack } from '../../src/checks/catalog.js';
import { identify } from '../../src/checks/products.js';
import { floatingTag, parseImageRef } from '../../src/checks/images.js';
import type { Evaluation } from '../../src/checks/types.js';

const rf = (p: string) => readFile(p, 'utf8');

async function audit(file: string): Promise<Evaluation[]> {
  const c = await composeModels(await rf(file), { file, readFile: rf, env: {} });
  return [...c.services.flatMap((s) => evaluateModel(s, {})), ...evaluateStack(c.services, {})];
}

describe('products from real image references', () => {
  const id = (image: string, extra: Record<string, unknown> = {}) =>
    identify({ source: 'compose', name: 'x', image, ...extra });
  it('recognizes the seeds’ images whatever the registry and namespace', () => {
    expect(id('postgres:16')?.product).toBe('postgres');
    expect(id('docker.elastic.co/elasticsearch/elasticsearch:8.14.1')).toMatchObject({
      product: 'elasticsearch',
      major: 8,
    });
    expect(id('opensearchproject/opensearch:2')?.product).toBe('opensearch');
    expect(id('wazuh/wazuh-indexer:4.8.0')?.product).toBe('opensearch');
    expect(id('wazuh/wazuh-dashboard:4.8.0')?.product).toBe('opensearch-dashboards');
    expect(id('grafana/grafana')?.product).toBe('grafana');
    expect(id('grafana/grafana-oss:11.1.0')?.product).toBe('grafana');
    expect(id('redis')?.product).toBe('redis');
    expect(id('bitnami/redis:7.2')).toMatchObject({ product: 'redis', flavor: 'bitnami' });
    expect(id('cassandra:4.1')?.product).toBe('cassandra');
    expect(id('dpage/pgadmin4')?.product).toBe('pgadmin');
    expect(id('registry.local:5000/team/postgres:16@sha256:' + 'a'.repeat(64))?.product).toBe(
      'postgres',
    );
    expect(id('library/rabbitmq:3-management')?.product).toBe('rabbitmq');
    expect(id('prom/node-exporter')?.product).toBe('exporter');
    expect(id('oliver006/redis_exporter')?.product).toBe('exporter');
    expect(id('nginx:1.27')).toBeUndefined();
    // A locally built image is recognized by its service name and the product's port.
    expect(
      identify({
        source: 'compose',
        name: 'redis',
        service: 'redis',
        localImage: true,
        ports: [{ containerPort: '6379/tcp' }],
      })?.by,
    ).toBe('name and port');
  });

  it('parses image references and floating tags', () => {
    expect(parseImageRef('docker.elastic.co/kibana/kibana:8.14.1')).toEqual({
      registry: 'docker.elastic.co',
      repository: 'kibana/kibana',
      name: 'kibana',
      namespace: 'kibana',
      tag: '8.14.1',
    });
    expect(floatingTag('traefik:stable')).toBe('floating');
    expect(floatingTag('example/tool:nightly-alpine')).toBe('floating');
    expect(floatingTag('nginx')).toBe('untagged');
    expect(floatingTag('nginx:latest')).toBe('latest');
    expect(floatingTag('postgres:16.3-alpine')).toBeUndefined();
    expect(floatingTag('redis:7-alpine')).toBeUndefined();
    expect(floatingTag('x:latest@sha256:' + 'b'.repeat(64))).toBeUndefined();
  });
});

describe('service-aware checks on a compose file', () => {
  const cases: [check: string, fails: [string, string][], passes: string[]][] = [
    [
      'search-security-disabled',
      [
        ['es-open', 'critical'],
        ['es-old', 'medium'],
        ['opensearch-open', 'medium'],
      ],
      ['es-secure', 'indexer'],
    ],
    [
      'postgres-auth',
      [
        ['pg-trust', 'critical'],
        ['pg-nopass', 'high'],
      ],
      ['pg-ok'],
    ],
    ['grafana-anonymous', [['grafana-anon', 'critical']], ['grafana-default']],
    [
      'default-admin-password',
      [
        ['grafana-default', 'high'],
        ['minio-default', 'high'],
        ['rabbit-default', 'high'],
      ],
      ['grafana-anon'],
    ],
    [
      'internal-service-exposed',
      [
        ['prometheus-open', 'high'],
        ['node-exporter', 'medium'],
      ],
      ['loki-internal'],
    ],
    ['cassandra-auth', [['cassandra-open', 'critical']], ['cassandra-auth']],
    [
      'redis-auth',
      [
        ['redis-open', 'critical'],
        ['redis-bitnami-empty', 'high'],
        ['built-redis', 'high'],
      ],
      ['redis-pass'],
    ],
    [
      'admin-ui-public',
      [
        ['pgadmin-public', 'high'],
        ['grafana-anon', 'high'],
      ],
      ['dashboards-local'],
    ],
  ];
  for (const [check, fails, passes] of cases)
    it(`${check}: fails on ${fails.map((f) => f[0]).join(', ')}; passes on ${passes.join(', ')}`, async () => {
      const evals = await audit('test/fixtures/compose/services/compose.yaml');
      const of = (s: string) => evals.find((e) => e.target.service === s && e.check === check);
      for (const [service, severity] of fails) {
        expect(of(service), service).toMatchObject({ verdict: 'fail', severity });
        expect(of(service)?.location?.line, service).toBeGreaterThan(0);
      }
      for (const service of passes) expect(of(service)?.verdict, service).toBe('pass');
      // Not the product: not applicable.
      expect(of('redis-exporter')?.verdict === 'fail').toBe(false);
    });

  it('names the product’s own variable in the fix', async () => {
    const evals = await audit('test/fixtures/compose/services/compose.yaml');
    const of = (s: string, c: string) => evals.find((e) => e.target.service === s && e.check === c);
    expect(of('opensearch-open', 'search-security-disabled')?.remediation.compose).toContain(
      'DISABLE_SECURITY_PLUGIN: "false"',
    );
    expect(of('es-open', 'search-security-disabled')?.remediation.compose).toContain(
      'xpack.security.enabled: "true"',
    );
    expect(of('minio-default', 'default-admin-password')?.remediation.compose).toContain(
      'MINIO_ROOT_PASSWORD_FILE',
    );
    expect(of('redis-bitnami-empty', 'redis-auth')?.remediation.compose).toContain(
      'REDIS_PASSWORD_FILE',
    );
  });
});

describe('host-sharing checks on a compose file (item 10)', () => {
  const cases: [check: string, fails: string[], passes: string[]][] = [
    ['cgroup-host', ['cgroup-shared'], ['cgroup-private']],
    ['cgroup-parent', ['custom-parent'], ['cgroup-private']],
    ['privileged-port', ['low-port'], ['high-port']],
    ['bind-propagation', ['propagating'], ['private-propagation']],
    ['shared-writable-path', ['writer-a', 'writer-b'], ['reader', 'data-volume']],
    ['sensitive-mount', ['etc-volume'], ['data-volume', 'run-dir']],
    ['docker-socket', ['run-dir'], ['etc-volume']],
    ['dangerous-capability', ['ptrace-host', 'ptrace-only'], ['cgroup-private']],
  ];
  for (const [check, fails, passes] of cases)
    it(`${check}: fails on ${fails.join(', ')}; passes on ${passes.join(', ')}`, async () => {
      const evals = await audit('test/fixtures/compose/host-escape/compose.yaml');
      const of = (s: string) => evals.find((e) => e.target.service === s && e.check === check);
      for (const s of fails) expect(of(s)?.verdict, s).toBe('fail');
      for (const s of passes) expect(of(s)?.verdict, s).toBe('pass');
    });

  it('grades and words them', async () => {
    const evals = await audit('test/fixtures/compose/host-escape/compose.yaml');
    const of = (s: string, c: string) => evals.find((e) => e.target.service === s && e.check === c);
    expect(of('ptrace-host', 'dangerous-capability')?.severity).toBe('critical');
    expect(of('ptrace-only', 'dangerous-capability')?.severity).toBe('high');
    expect(of('run-dir', 'docker-socket')?.evidence).toBe(
      '/var/run:/host-run:ro (holds the Docker socket)',
    );
    expect(of('etc-volume', 'sensitive-mount')).toMatchObject({
      severity: 'medium',
      evidence: 'hostetc (device /etc):/host-etc:ro',
    });
    expect(of('low-port', 'privileged-port')?.evidence).toBe(
      'host port 80->8080/tcp, host port 443->8443/tcp',
    );
    expect(of('writer-a', 'shared-writable-path')?.evidence).toMatch(
      /host-escape\/shared:\/data \(also read-write in writer-b\)$/,
    );
  });
});

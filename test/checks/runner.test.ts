/**
 * The CheckRunner (runbook `check` steps): its results go into the signed journal as they are,
 * so no field may carry a secret value, whether the finding passes or fails.
 */
import { describe, expect, it } from 'vitest';
import { createCheckRunner, maskResult } from '../../src/checks/runner.js';
import { scrubber } from '../../src/checks/secret-net.js';
import type { DockerReadPort } from '../../src/engine/docker-read-port.js';
import type { StepContext } from '../../src/engine/executors.js';

const SECRET = 'S3cr3tPassw0rd!';

function ctx(params: Record<string, string>, lines: string[]): StepContext {
  return {
    sessionId: 's',
    stepId: 'check',
    params,
    signal: new AbortController().signal,
    onOutput: (l) => lines.push(l),
  };
}

const compose = `services:
  db:
    image: mysql:8.4
    environment:
      MYSQL_ROOT_PASSWORD: ${SECRET}
    volumes:
      - /srv/${SECRET}/data:/var/lib/mysql
    healthcheck:
      test: ["CMD", "mysqladmin", "ping", "-p${SECRET}"]
`;

/** One running container with the secret in its env, health check and a bind path. */
const live: DockerReadPort = {
  info: () => Promise.resolve({ Name: 'h', ServerVersion: '20.10', SecurityOptions: [] }),
  listContainers: () => Promise.resolve([{ Id: 'a'.repeat(64), Names: ['/db'], State: 'exited' }]),
  inspectContainer: () =>
    Promise.resolve({
      Id: 'a'.repeat(64),
      Name: '/db',
      State: { Status: 'exited', Running: false },
      HostConfig: { Binds: [`/srv/${SECRET}:/data`] },
      Mounts: [{ Type: 'bind', Source: `/srv/${SECRET}`, Destination: '/data', RW: true }],
      Config: {
        Image: 'mysql:8.4',
        Env: [`MYSQL_ROOT_PASSWORD=${SECRET}`, 'PATH=/usr/bin'],
        Healthcheck: { Test: ['CMD-SHELL', `mysqladmin ping -p${SECRET}`] },
      },
    }),
  top: () => Promise.reject(new Error('not running')),
  listNetworks: () => Promise.resolve([]),
};

describe('check runner results', () => {
  it('carry no secret value from a compose file, passing or failing', async () => {
    const runner = createCheckRunner({ readFile: () => Promise.resolve(compose) });
    const lines: string[] = [];
    const out = await runner.run(runner.ids, ctx({ compose: 'compose.yaml' }, lines));
    expect(out.results.length).toBeGreaterThan(10);
    const health = out.results.find((r) => r.check === 'healthcheck');
    expect(health).toMatchObject({ verdict: 'pass', evidence: 'healthcheck set' });
    const bind = out.results.find((r) => r.check === 'writable-bind');
    expect(bind?.verdict).toBe('fail');
    expect(bind?.evidence).toContain('/srv/***/data');
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('carry no secret value from a live container', async () => {
    const runner = createCheckRunner({ docker: live });
    const lines: string[] = [];
    const out = await runner.run(runner.ids, ctx({ container: 'db' }, lines));
    expect(out.results.find((r) => r.check === 'healthcheck')?.verdict).toBe('pass');
    expect(out.results.find((r) => r.check === 'secret-in-env')?.evidence).toBe(
      'MYSQL_ROOT_PASSWORD=***',
    );
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('scrubs distinctive secrets from evidence, never words, numbers or the target', () => {
    const scrub = scrubber([SECRET, 'pass']);
    const r = maskResult(
      {
        check: 'writable-bind',
        verdict: 'fail',
        severity: 'low',
        title: 'Bind mount is read-write',
        target: 'compose.yaml service db line 7',
        evidence: `/srv/${SECRET}/data:/data, user: root`,
      },
      scrubber([SECRET]),
    );
    expect(r.evidence).toBe('/srv/***/data:/data, user: root');
    expect(r.target).toBe('compose.yaml service db line 7');
    // `pass` is too short to search for: masking it would garble `passwd` and hide nothing.
    expect(scrub('passwd pass')).toBe('passwd pass');
    expect(maskResult({ ...r, evidence: 'API_TOKEN=abcdef123' }, scrub).evidence).toBe(
      'API_TOKEN=***',
    );
  });
});

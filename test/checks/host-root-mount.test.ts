/**
 * The host's root directory mounted into a container (`/:/host`, node-exporter and cAdvisor do
 * it read-only): it holds the Docker socket (docker-socket) and every file of the host
 * (sensitive-mount), both reported. A directory that only holds the socket (`/var/run`) stays
 * docker-socket alone (issue 8, item 10).
 */
import { describe, expect, it } from 'vitest';
import { evaluateModel, evaluateStack } from '../../src/checks/catalog.js';
import type { ContainerModel, MountModel } from '../../src/checks/model.js';

const withMounts = (mounts: MountModel[]): ContainerModel => ({
  source: 'compose',
  name: 'node-exporter',
  service: 'node-exporter',
  file: 'compose.yaml',
  mounts,
});
const run = (mounts: MountModel[]) =>
  Object.fromEntries(
    evaluateModel(withMounts(mounts), {}, [
      'docker-socket',
      'sensitive-mount',
      'writable-bind',
    ]).map((e) => [e.check, e]),
  );

describe('the host root mounted', () => {
  it('read-only: the socket (critical) and the host files (medium)', () => {
    const r = run([{ type: 'bind', source: '/', target: '/host', readOnly: true }]);
    expect(r['docker-socket']).toMatchObject({ verdict: 'fail', severity: 'critical' });
    expect(r['sensitive-mount']).toMatchObject({
      verdict: 'fail',
      severity: 'medium',
      evidence: '/:/host:ro',
    });
  });

  it('read-write: sensitive-mount is high, and no writable-bind besides', () => {
    const r = run([{ type: 'bind', source: '/', target: '/rootfs', readOnly: false }]);
    expect(r['sensitive-mount']).toMatchObject({ verdict: 'fail', severity: 'high' });
    expect(r['writable-bind']?.verdict).toBe('pass');
  });

  it('/var/run is the socket only; a dedicated directory is neither', () => {
    const r = run([{ type: 'bind', source: '/var/run', target: '/var/run', readOnly: true }]);
    expect(r['docker-socket']?.verdict).toBe('fail');
    expect(r['sensitive-mount']?.verdict).toBe('pass');
    const ok = run([{ type: 'bind', source: '/srv/app', target: '/data', readOnly: true }]);
    expect(ok['docker-socket']?.verdict).toBe('pass');
    expect(ok['sensitive-mount']?.verdict).toBe('pass');
  });
});

describe('reused-secret on a command line', () => {
  it('points at the command, as the other credential checks do', () => {
    const redis: ContainerModel = {
      source: 'compose',
      name: 'redis',
      service: 'redis',
      file: 'compose.yaml',
      line: 3,
      lines: { image: 4, command: 5 },
      command: ['redis-server', '--requirepass', 'Qm7#pL2v!x-shared'],
    };
    const exporter: ContainerModel = {
      source: 'compose',
      name: 'exporter',
      service: 'exporter',
      file: 'compose.yaml',
      line: 8,
      lines: { image: 9, environment: 10 },
      env: [{ name: 'REDIS_PASSWORD', value: 'Qm7#pL2v!x-shared', line: 11 }],
    };
    const [r, e] = evaluateStack([redis, exporter], {}, ['reused-secret']);
    expect(r).toMatchObject({ verdict: 'fail', location: { file: 'compose.yaml', line: 5 } });
    expect(e).toMatchObject({ verdict: 'fail', location: { file: 'compose.yaml', line: 11 } });
  });
});

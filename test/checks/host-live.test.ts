/**
 * The host-sharing checks of issue 8 (item 10) on live containers, both verdicts each: cgroup
 * namespace and parent, privileged host ports, bind propagation, a host path written by two
 * containers, a named volume binding /etc, /var/run (the socket's directory), SYS_PTRACE with the
 * host's PID namespace. Containers are created, not started (nothing binds, nothing runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuditCore, type AuditRun } from '../../src/checks/audit-core.js';
import { evaluateModel } from '../../src/checks/catalog.js';
import {
  cleanupLabelled,
  dockerAvailable,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  readPort,
  testName,
} from '../helpers/docker.js';

const runId = `host-${randomBytes(4).toString('hex')}`;

const docker = (args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile('docker', args, (err, _o, stderr) => (err ? reject(new Error(stderr)) : resolve())),
  );

describe.skipIf(!dockerAvailable)(
  `host-sharing checks on live containers (${noDockerReason})`,
  () => {
    const port = readPort();
    const names = {
      cgroupDefault: testName('cg-default'),
      cgroupPrivate: testName('cg-private'),
      parent: testName('cg-parent'),
      lowPort: testName('low-port'),
      highPort: testName('high-port'),
      shared: testName('rshared'),
      writerA: testName('writer-a'),
      writerB: testName('writer-b'),
      reader: testName('reader'),
      etcVolume: testName('etc-vol'),
      dataVolume: testName('data-vol'),
      runDir: testName('run-dir'),
      ptraceHost: testName('ptrace-host'),
      ptrace: testName('ptrace'),
    };
    const etcVol = testName('vol-etc');
    const dataVol = testName('vol-data');
    let run: AuditRun;

    beforeAll(async () => {
      const image = ensureTestImage();
      const l = labelArgs(runId);
      const shared = mkdtempSync(join(tmpdir(), 'warden-shared-'));
      const data = mkdtempSync(join(tmpdir(), 'warden-voldata-'));
      const propagated = mkdtempSync(join(tmpdir(), 'warden-prop-'));
      await Promise.all([
        docker([
          'volume',
          'create',
          ...l,
          '-o',
          'type=none',
          '-o',
          'o=bind',
          '-o',
          'device=/etc',
          etcVol,
        ]),
        docker([
          'volume',
          'create',
          ...l,
          '-o',
          'type=none',
          '-o',
          'o=bind',
          '-o',
          `device=${data}`,
          dataVol,
        ]),
      ]);
      const create = (name: string, ...args: string[]) =>
        docker(['create', '--name', name, ...l, ...args, image, 'sleep', '3600']);
      await Promise.all([
        create(names.cgroupDefault),
        create(names.cgroupPrivate, '--cgroupns', 'private'),
        create(names.parent, '--cgroup-parent', '/wt-warden-test'),
        create(names.lowPort, '-p', '127.0.0.1:80:80'),
        create(names.highPort, '-p', '127.0.0.1:8080:80'),
        create(names.shared, '-v', `${propagated}:/mnt:rshared`),
        create(names.writerA, '-v', `${shared}:/data`),
        create(names.writerB, '-v', `${shared}:/data`),
        create(names.reader, '-v', `${shared}:/data:ro`),
        create(names.etcVolume, '-v', `${etcVol}:/host-etc:ro`),
        create(names.dataVolume, '-v', `${dataVol}:/data`),
        create(names.runDir, '-v', '/var/run:/host-run:ro'),
        create(names.ptraceHost, '--pid', 'host', '--cap-add', 'SYS_PTRACE'),
        create(names.ptrace, '--cap-add', 'SYS_PTRACE'),
      ]);
      run = await runAuditCore({ docker: port, containers: Object.values(names) });
    });
    afterAll(() => cleanupLabelled(runId));

    const v = (name: string, check: string) =>
      run.evaluations.find((e) => e.target.name === name && e.check === check);

    it('cgroup-host: private passes; the v1 default is not applicable; host on cgroup v2 fails', () => {
      expect(v(names.cgroupPrivate, 'cgroup-host')?.verdict).toBe('pass');
      const model = run.live.find((m) => m.name === names.cgroupDefault);
      expect(model?.cgroupnsMode).toMatch(/^(host|private)$/);
      const facts = { ...run.facts!, cgroupVersion: '2' };
      if (model?.cgroupnsMode === 'host') {
        // This engine runs cgroup v1: every container shares the host's cgroup namespace.
        expect(v(names.cgroupDefault, 'cgroup-host')?.verdict).toBe('not-applicable');
        expect(evaluateModel(model, { facts }, ['cgroup-host'])[0]).toMatchObject({
          verdict: 'fail',
          evidence: 'cgroup: host',
        });
      } else expect(v(names.cgroupDefault, 'cgroup-host')?.verdict).toBe('pass');
    });

    it('cgroup-parent: a custom parent fails, the default passes', () => {
      expect(v(names.parent, 'cgroup-parent')).toMatchObject({
        verdict: 'fail',
        evidence: 'cgroup_parent: /wt-warden-test',
      });
      expect(v(names.cgroupDefault, 'cgroup-parent')?.verdict).toBe('pass');
    });

    it('privileged-port: host port 80 fails, 8080 passes', () => {
      expect(v(names.lowPort, 'privileged-port')).toMatchObject({
        verdict: 'fail',
        evidence: 'host port 80->80/tcp',
      });
      expect(v(names.highPort, 'privileged-port')?.verdict).toBe('pass');
    });

    it('bind-propagation: rshared fails, the default rprivate passes', () => {
      expect(v(names.shared, 'bind-propagation')).toMatchObject({
        verdict: 'fail',
        evidence: expect.stringContaining('(propagation rshared)'),
      });
      expect(v(names.writerA, 'bind-propagation')?.verdict).toBe('pass');
    });

    it('shared-writable-path: two writers of one directory fail, the read-only reader passes', () => {
      expect(v(names.writerA, 'shared-writable-path')).toMatchObject({
        verdict: 'fail',
        evidence: expect.stringContaining(names.writerB),
      });
      expect(v(names.writerB, 'shared-writable-path')?.verdict).toBe('fail');
      expect(v(names.reader, 'shared-writable-path')?.verdict).toBe('pass');
    });

    it('a named volume binding /etc is a sensitive mount; one binding a data directory is not', () => {
      expect(v(names.etcVolume, 'sensitive-mount')).toMatchObject({
        verdict: 'fail',
        severity: 'medium',
        evidence: `${etcVol} (device /etc):/host-etc:ro`,
      });
      expect(v(names.dataVolume, 'sensitive-mount')?.verdict).toBe('pass');
      expect(v(names.dataVolume, 'writable-bind')?.verdict).toBe('fail');
    });

    it('/var/run mounted is docker-socket, not a medium sensitive mount', () => {
      expect(v(names.runDir, 'docker-socket')).toMatchObject({
        verdict: 'fail',
        severity: 'critical',
        evidence: '/var/run:/host-run:ro (holds the Docker socket)',
      });
      expect(v(names.runDir, 'sensitive-mount')?.verdict).toBe('pass');
    });

    it('SYS_PTRACE with pid: host is critical; alone it is high', () => {
      expect(v(names.ptraceHost, 'dangerous-capability')).toMatchObject({
        verdict: 'fail',
        severity: 'critical',
      });
      expect(v(names.ptrace, 'dangerous-capability')).toMatchObject({
        verdict: 'fail',
        severity: 'high',
      });
    });
  },
);

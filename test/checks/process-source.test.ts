/**
 * The processes of running containers from this machine's /proc (one pass) and from the engine's
 * `top` (one call per container) on the real engine: the same rows, the same verdicts, and the
 * fallbacks (a pid that is not the container's, a remote endpoint, an unreadable /proc).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createHostProcessReader, cgroupPath } from '../../src/adapters/docker/host-processes.js';
import { collectLive } from '../../src/checks/collect.js';
import { runAuditCore } from '../../src/checks/audit-core.js';
import type { DockerReadPort } from '../../src/engine/docker-read-port.js';
import { warden } from '../helpers/cli.js';
import { tempHome } from '../helpers/session.js';
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

const runId = `procs-${randomBytes(4).toString('hex')}`;

describe('cgroupPath', () => {
  it('takes the pids controller on a v1 or hybrid host, the unified line on v2', () => {
    expect(cgroupPath('9:name=systemd:/docker/a\n8:pids:/docker/b\n0::/docker/c\n')).toBe(
      '/docker/b',
    );
    expect(cgroupPath('0::/system.slice/docker-abc.scope\n')).toBe(
      '/system.slice/docker-abc.scope',
    );
    expect(cgroupPath('3:cpu,cpuacct:/docker/x\n0::/\n')).toBe('/docker/x');
    expect(cgroupPath('')).toBeUndefined();
  });
});

describe.skipIf(!dockerAvailable)(`process sources (${noDockerReason})`, () => {
  const port = readPort();
  const { hostProcesses: _proc, ...topOnly } = port;
  const names = {
    sshd: testName('ps-sshd'),
    sshdHostPid: testName('ps-sshd-hostpid'),
    plain: testName('ps-plain'),
    stopped: testName('ps-stopped'),
  };
  const ids: Record<string, string> = {};
  const pids: Record<string, number> = {};

  beforeAll(() => {
    const image = ensureTestImage();
    const l = labelArgs(runId);
    // comm "sshd" (the file run), argv[0] "sleep" (busybox's applet): as the live audit test does.
    const sshd = ['sh', '-c', 'sleep 3600 & exec -a sleep /usr/sbin/sshd 3600'];
    dockerCli(['run', '-d', '--name', names.sshd, ...l, image, ...sshd]);
    dockerCli(['run', '-d', '--name', names.sshdHostPid, ...l, '--pid', 'host', image, ...sshd]);
    // Several processes, one of them under another user, and a command line with spaces.
    dockerCli([
      'run',
      '-d',
      '--name',
      names.plain,
      ...l,
      '--user',
      '4242',
      image,
      'sh',
      '-c',
      'sleep 3601 & sleep 3602 & exec sleep 3600',
    ]);
    dockerCli(['create', '--name', names.stopped, ...l, image, 'sleep', '3600']);
    for (const [k, n] of Object.entries(names)) {
      ids[k] = dockerCli(['inspect', '-f', '{{.Id}}', n]);
      pids[k] = Number(dockerCli(['inspect', '-f', '{{.State.Pid}}', n]));
    }
  });
  afterAll(() => cleanupLabelled(runId));

  const rows = (m: {
    processes?: { pid?: string; user?: string; comm?: string; args: string }[];
  }) => (m.processes ?? []).map((p) => [p.pid, p.user, p.comm, p.args]).sort();

  it('reads the same processes from /proc as the engine lists with top', async () => {
    const only = Object.values(names);
    const fromProc = await collectLive(port, { containers: only });
    const fromTop = await collectLive(topOnly, { containers: only });
    expect(fromProc.processSource).toBe('proc');
    expect(fromTop.processSource).toBe('top');
    for (const name of only) {
      const a = fromProc.containers.find((c) => c.name === name);
      const b = fromTop.containers.find((c) => c.name === name);
      expect(a && rows(a)).toEqual(b && rows(b));
    }
    const plain = fromProc.containers.find((c) => c.name === names.plain);
    expect(plain && rows(plain).map((r) => r.slice(1))).toEqual([
      ['4242', 'sleep', 'sleep 3600'],
      ['4242', 'sleep', 'sleep 3601'],
      ['4242', 'sleep', 'sleep 3602'],
    ]);
    // --pid host: the container's own processes, not the host's (the cgroup decides).
    const hostPid = fromProc.containers.find((c) => c.name === names.sshdHostPid);
    expect(hostPid?.processes?.map((p) => p.comm).sort()).toEqual(['sleep', 'sshd']);
    expect(fromProc.containers.find((c) => c.name === names.stopped)?.processes).toBeUndefined();
  });

  it('gives the same sshd-running verdicts either way', async () => {
    const verdicts = async (p: DockerReadPort, processSource?: 'top') => {
      const run = await runAuditCore({
        docker: p,
        containers: Object.values(names),
        checkIds: ['sshd-running'],
        ...(processSource ? { processSource } : {}),
      });
      return Object.fromEntries(run.evaluations.map((e) => [e.target.name, e.verdict]));
    };
    const viaProc = await verdicts(port);
    expect(viaProc).toEqual({
      [names.sshd]: 'fail',
      [names.sshdHostPid]: 'fail',
      [names.plain]: 'pass',
      [names.stopped]: 'not-applicable',
    });
    expect(await verdicts(port, 'top')).toEqual(viaProc);
    expect(await verdicts(topOnly)).toEqual(viaProc);
  });

  it("leaves out a container whose pid is not in its cgroup (another host's, reused)", async () => {
    const read = createHostProcessReader();
    const got = await read([
      { id: ids.sshd as string, pid: pids.plain as number },
      { id: ids.plain as string, pid: pids.plain as number },
      { id: ids.stopped as string, pid: 0 },
    ]);
    expect([...got.keys()]).toEqual([ids.plain]);
    expect(
      await createHostProcessReader({ procRoot: '/nonexistent' })([
        { id: ids.plain as string, pid: pids.plain as number },
      ]),
    ).toEqual(new Map());
  });

  it('falls back to top, container by container, and says so', async () => {
    const partial: DockerReadPort = {
      ...port,
      hostProcesses: async (qs) => {
        const all = await (port.hostProcesses as NonNullable<DockerReadPort['hostProcesses']>)(qs);
        all.delete(ids.sshd as string);
        return all;
      },
    };
    const failing: DockerReadPort = {
      ...port,
      hostProcesses: async () => {
        throw new Error('EACCES');
      },
    };
    const only = [names.sshd, names.plain];
    const mixed = await collectLive(partial, { containers: only });
    expect(mixed.processSource).toBe('proc+top');
    expect(mixed.containers.find((c) => c.name === names.sshd)?.processes?.length).toBe(2);
    expect((await collectLive(failing, { containers: only })).processSource).toBe('top');
  });

  it('has no /proc source for an engine reached over TCP', () => {
    expect(readPort('tcp://127.0.0.1:1').hostProcesses).toBeUndefined();
    expect(port.hostProcesses).toBeTypeOf('function');
  });

  it('warden audit --format json names its process source; --process-source top forces top', async () => {
    const home = tempHome();
    const audit = async (...extra: string[]) => {
      const r = await warden(home, [
        'audit',
        '--container',
        names.sshd,
        '--container',
        names.plain,
        '--format',
        'json',
        ...extra,
      ]);
      const report = JSON.parse(r.stdout) as {
        engine: { processSource?: string };
        findings: { check: string; target: { name: string } }[];
      };
      const sshd = report.findings.filter((f) => f.check === 'sshd-running');
      return { source: report.engine.processSource, sshd: sshd.map((f) => f.target.name) };
    };
    expect(await audit()).toEqual({ source: 'proc', sshd: [names.sshd] });
    expect(await audit('--process-source', 'top')).toEqual({ source: 'top', sshd: [names.sshd] });
  });
});

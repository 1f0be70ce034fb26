import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DockerError } from '../../src/errors.js';
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

const runId = `read-${randomBytes(4).toString('hex')}`;

describe.skipIf(!dockerAvailable)(`DockerReadPort over dockerode (${noDockerReason})`, () => {
  const port = readPort();
  const running = testName('read-run');
  const created = testName('read-created');

  beforeAll(() => {
    const image = ensureTestImage();
    dockerCli([
      'run',
      '-d',
      '--name',
      running,
      ...labelArgs(runId),
      image,
      'sh',
      '-c',
      'exec -a sleep /usr/sbin/sshd 3600',
    ]);
    dockerCli(['create', '--name', created, ...labelArgs(runId), image, 'sleep', '3600']);
  });
  afterAll(() => cleanupLabelled(runId));

  it('reads engine info with security options', async () => {
    const info = await port.info();
    expect(info.ServerVersion).toBeTruthy();
    expect(Array.isArray(info.SecurityOptions)).toBe(true);
  });

  it('lists stopped containers with all: true, and filters by label', async () => {
    const all = await port.listContainers({ all: true, labels: [`warden.test=${runId}`] });
    const names = all.flatMap((c) => c.Names ?? []).map((n) => n.slice(1));
    expect(names.sort()).toEqual([created, running].sort());
    const live = await port.listContainers({ labels: [`warden.test=${runId}`] });
    expect(live.map((c) => c.Names?.[0])).toEqual([`/${running}`]);
  });

  it('inspects, and classifies an unknown container as not-found', async () => {
    const c = await port.inspectContainer(running);
    expect(c.State?.Running).toBe(true);
    await expect(port.inspectContainer('wt-does-not-exist-xyz')).rejects.toMatchObject({
      kind: 'not-found',
    });
  });

  it('lists processes through top (comm and args), and refuses a stopped container', async () => {
    const top = await port.top(running);
    expect(top.Titles).toContain('PID');
    expect(top.Processes?.some((p) => p.includes('sshd'))).toBe(true);
    const err = await port.top(created).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerError);
    expect((err as DockerError).kind).toBe('not-running');
  });

  it('lists networks', async () => {
    const nets = await port.listNetworks();
    expect(nets.some((n) => n.Name === 'bridge')).toBe(true);
  });

  it('reports an unreachable engine as daemon-unreachable', async () => {
    const dead = readPort('unix:///tmp/warden-no-such.sock');
    await expect(dead.info()).rejects.toMatchObject({ kind: 'daemon-unreachable' });
  });
});

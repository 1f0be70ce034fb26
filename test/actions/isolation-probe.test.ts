/**
 * Isolation, proved from inside the isolated container against the real engine: before isolate,
 * the victim reaches every bridge gateway (ping and TCP to a listener the test starts on the host
 * at 0.0.0.0), a former neighbour, and a second container; after isolate (the second one isolated
 * from another session), every one of those probes fails, nothing reaches the victim (its former
 * addresses, its published port); after unisolate all of it works again.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  testName,
  TEST_IMAGE,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import { actionDeps, adHocSession } from './helpers.js';

const runId = `probe-${randomBytes(3).toString('hex')}`;
const signal = new AbortController().signal;

/** Runs a probe inside `container`; true when it got through. */
/**
 * Runs a probe inside `container`; true when it got through. Asynchronous: the host listener
 * lives in this process and must answer while the probe runs.
 */
function reaches(container: string, probe: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['exec', container, ...probe], { timeout: 15_000 }, (err) => resolve(!err));
  });
}

// Two echoes: the first may go unanswered while a neighbour entry is being resolved.
const ping = (ip: string) => ['ping', '-c', '2', '-i', '0.2', '-W', '2', ip];
const tcp = (ip: string, port: number) => ['sh', '-c', `echo probe | nc -w 2 ${ip} ${port}`];

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** The host's own address on a bridge network: its gateway (inspect may leave it out). */
function gatewayOf(network: string): string {
  const [cfg] = JSON.parse(
    dockerCli(['network', 'inspect', network, '--format', '{{json .IPAM.Config}}']),
  ) as { Subnet?: string; Gateway?: string }[];
  if (cfg?.Gateway) return cfg.Gateway;
  const [base = '', bits = '32'] = (cfg?.Subnet ?? '').split('/');
  const mask = 2 ** (32 - Number(bits));
  const start = toInt(base) - (toInt(base) % mask);
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      if (a.family === 'IPv4' && toInt(a.address) >= start && toInt(a.address) < start + mask)
        return a.address;
  // Not listed right now: the engine gives a bridge's first address to the host.
  const first = start + 1;
  return [24, 16, 8, 0].map((sh) => (first >>> sh) & 255).join('.');
}

function ipOn(container: string, network: string): string {
  return dockerCli([
    'inspect',
    container,
    '--format',
    `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
  ]);
}

function hostCanConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: 2000 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

describe.skipIf(!dockerAvailable)(`isolation probed from inside (${noDockerReason})`, () => {
  const home = tempHome('warden-probe-');
  const octet = 100 + Math.floor(Math.random() * 100);
  const netA = testName('probe-neta');
  const netB = testName('probe-netb');
  const victim = testName('probe-victim');
  const neighbour = testName('probe-neighbour');
  const second = testName('probe-second');
  let server: Server;
  const sockets = new Set<Socket>();
  let hostPort = 0;
  let publishedPort = 0;

  beforeAll(async () => {
    ensureTestImage();
    const L = labelArgs(runId);
    dockerCli(['network', 'create', ...L, netA]);
    dockerCli(['network', 'create', ...L, '--subnet', `10.${octet}.9.0/24`, netB]);
    const serve = [
      'sh',
      '-c',
      'mkdir -p /www; echo ok > /www/index.html; httpd -f -p 8080 -h /www',
    ];
    dockerCli([
      'run',
      '-d',
      ...L,
      '--name',
      victim,
      '--network',
      netA,
      '--network-alias',
      'web',
      '-p',
      '127.0.0.1::8080',
      '-e',
      'DB_PASSWORD=probe-secret-value',
      TEST_IMAGE,
      ...serve,
    ]);
    dockerCli(['network', 'connect', '--alias', 'db', '--ip', `10.${octet}.9.50`, netB, victim]);
    for (const n of [neighbour, second])
      dockerCli(['run', '-d', ...L, '--name', n, '--network', netA, TEST_IMAGE, ...serve]);
    publishedPort = Number(dockerCli(['port', victim, '8080/tcp']).split(':').at(-1));
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      s.end('hi\n');
    });
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    hostPort = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    cleanupLabelled(runId);
    for (const s of sockets) s.destroy();
    await new Promise((r) => server?.close(r));
  });

  it('reaches nothing and nothing reaches it while isolated; all of it works again after unisolate', async () => {
    const gateways = {
      [netA]: gatewayOf(netA),
      [netB]: gatewayOf(netB),
      bridge: gatewayOf('bridge'),
    };
    const former = [ipOn(victim, netA), ipOn(victim, netB)];
    const probes = async (victimIps: string[]) => {
      const n = ipOn(neighbour, netA);
      const out: Record<string, boolean> = {};
      for (const [net, gw] of Object.entries(gateways)) {
        out[`ping gateway of ${net}`] = await reaches(victim, ping(gw));
        out[`tcp host listener via ${net} gateway`] = await reaches(victim, tcp(gw, hostPort));
      }
      if (n) {
        out['ping former neighbour'] = await reaches(victim, ping(n));
        out['tcp former neighbour'] = await reaches(victim, tcp(n, 8080));
        // The neighbour shared the first network only (the engine drops traffic across bridges).
        const ip = victimIps[0] ?? '';
        out[`neighbour pings victim ${ip}`] = await reaches(neighbour, ping(ip));
        out[`neighbour connects to victim ${ip}`] = await reaches(neighbour, tcp(ip, 8080));
      }
      return out;
    };
    const secondProbes = async (secondIp: string) => ({
      'ping second container': await reaches(victim, ping(secondIp)),
      'tcp second container': await reaches(victim, tcp(secondIp, 8080)),
    });

    const secondIp = ipOn(second, netA);
    const before = { ...(await probes(former)), ...(await secondProbes(secondIp)) };
    expect(Object.entries(before).filter(([, ok]) => !ok)).toEqual([]);
    expect(await hostCanConnect(publishedPort)).toBe(true);

    const ad = actionDeps(home);
    const s1 = await adHocSession(home, ad);
    expect((await s1.runAdHoc('snapshot', { container: victim }, { signal })).outcome).toBe('ok');
    const iso = await s1.runAdHoc('isolate', { container: victim }, { signal, confirmed: true });
    expect(iso.outcome, iso.summary).toBe('ok');
    // The second container is isolated from another session: nothing is shared between them.
    const s2 = await adHocSession(home, ad);
    const iso2 = await s2.runAdHoc(
      'isolate',
      { container: second },
      { signal, confirmed: true, overrideReason: 'probe test: no evidence needed' },
    );
    expect(iso2.outcome, iso2.summary).toBe('ok');

    const during = { ...(await probes(former)), ...(await secondProbes(secondIp)) };
    expect(Object.entries(during).filter(([, ok]) => ok)).toEqual([]);
    expect(Object.keys(during).length).toBeGreaterThanOrEqual(12);
    expect(await hostCanConnect(publishedPort)).toBe(false);
    // It keeps running, and docker exec works, for forensics.
    expect(dockerCli(['exec', victim, 'cat', '/www/index.html'])).toBe('ok');
    // A restart keeps it isolated (the recover phase restarts before it reconnects).
    dockerCli(['restart', '-t', '1', victim]);
    expect(await reaches(victim, ping(gateways[netA] ?? ''))).toBe(false);
    // The journal's result entry records the verification.
    const result = s1.entries.filter((e) => e.type === 'action.result').at(-1);
    expect(result?.data.verification).toMatchObject({
      networks: [],
      publishedPorts: [],
      running: true,
      sealed: true,
    });

    expect((await s1.runAdHoc('unisolate', { container: victim }, { signal })).outcome).toBe('ok');
    expect((await s2.runAdHoc('unisolate', { container: second }, { signal })).outcome).toBe('ok');
    const now = [ipOn(victim, netA), ipOn(victim, netB)];
    const after = { ...(await probes(now)), ...(await secondProbes(ipOn(second, netA))) };
    expect(Object.entries(after).filter(([, ok]) => !ok)).toEqual([]);
    // Published ports are bound again (to a port the engine picks).
    const again = Number(dockerCli(['port', victim, '8080/tcp']).split(':').at(-1));
    expect(await hostCanConnect(again)).toBe(true);
    expect(ipOn(victim, netB)).toBe(`10.${octet}.9.50`);
    await s1.close();
    await s2.close();
  });
});

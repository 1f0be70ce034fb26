/**
 * A fleet audit with one engine that goes away mid-run. The engine is a private one behind a
 * unix-socket relay started here: the relay passes requests on until the audit asks for a
 * container's details, then shuts down as a stopped engine would (every connection dropped, the
 * socket gone). That engine is reported as not reached, with why; the shared engine's report is
 * whole; the exit code is over the engines that answered.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
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

/** Relays a unix socket to the engine's until a request matches `stopAt`, then stops dead. */
function relay(path: string, target: string, stopAt: RegExp) {
  const sockets = new Set<Socket>();
  let stopped = false;
  let seen = 0;
  const server: Server = createServer((client) => {
    if (stopped) return client.destroy();
    const upstream = connect(target);
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      seen++;
      if (stopAt.test(d.toString('latin1').split('\r\n')[0] ?? '')) return stop();
      upstream.write(d);
    });
    upstream.on('data', (d) => client.write(d));
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  const stop = () => {
    if (stopped) return;
    stopped = true;
    server.close();
    for (const s of sockets) s.destroy();
  };
  return {
    listen: () => new Promise<void>((r) => server.listen(path, () => r())),
    stop,
    get stopped() {
      return stopped;
    },
    get requests() {
      return seen;
    },
  };
}

describe.skipIf(!dockerAvailable || !canStartEngine)(
  `fleet audit, one engine stopped mid-run (${noDockerReason})`,
  () => {
    let engine: PrivateEngine;
    let config: string;
    let dir: string;
    let flaky: ReturnType<typeof relay>;
    const home = tempHome('warden-fleet-midrun-');
    const runId = `fleet-midrun-${process.pid}`;
    const shared = testName('midrun');

    beforeAll(async () => {
      engine = await startPrivateEngine();
      // The shared engine has at least this container, whatever else runs there.
      dockerCli([
        'run',
        '-d',
        '--name',
        shared,
        ...labelArgs(runId),
        '--network',
        'none',
        TEST_IMAGE,
        'sleep',
        '3600',
      ]);
      for (const n of ['a', 'b', 'c'])
        engine.cli([
          'run',
          '-d',
          '--name',
          `midrun-${n}`,
          '--network',
          'none',
          TEST_IMAGE,
          'sleep',
          '3600',
        ]);
      dir = mkdtempSync(join(tmpdir(), 'warden-relay-'));
      flaky = relay(
        join(dir, 'relay.sock'),
        engine.socket,
        /^GET \/[^ ]*containers\/[0-9a-f]{12,}\/json/,
      );
      await flaky.listen();
      config = mkdtempSync(join(tmpdir(), 'warden-docker-config-'));
      const cli = (args: string[]) =>
        execFileSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: config } });
      cli(['context', 'create', 'shared', '--docker', 'host=unix:///var/run/docker.sock']);
      cli(['context', 'create', 'flaky', '--docker', `host=unix://${join(dir, 'relay.sock')}`]);
    }, 60_000);
    afterAll(async () => {
      cleanupLabelled(runId);
      flaky?.stop();
      await engine?.stop();
      for (const d of [dir, config]) if (d) rmSync(d, { recursive: true, force: true });
    });

    it('reports the engine that stopped as not reached, and the other in full', async () => {
      const r = await warden(
        home,
        [
          '--context',
          'shared,flaky',
          'audit',
          '--scope',
          'containers',
          '--format',
          'json',
          '--fail-on',
          'critical',
        ],
        { DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '' },
      );
      // It did answer first (info, the list), then stopped while its containers were read.
      expect(flaky.stopped).toBe(true);
      expect(flaky.requests).toBeGreaterThan(1);
      expect(r.stderr).toMatch(/^warden: context flaky not reached: /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      const json = JSON.parse(r.stdout);
      expect(
        json.engines.map((e: { context: string; reached: boolean }) => [e.context, e.reached]),
      ).toEqual([
        ['shared', true],
        ['flaky', false],
      ]);
      expect(json.engine.message).toBe('1 of 2 engines not reached: flaky');
      // Nothing of the stopped engine is reported as if it had been audited.
      const contexts = new Set((json.targets as { context: string }[]).map((t) => t.context));
      expect([...contexts]).toEqual(['shared']);
      expect(r.code).toBeLessThan(2);
    });
  },
);

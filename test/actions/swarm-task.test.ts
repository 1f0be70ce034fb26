/**
 * Incident actions on a swarm service's task, against a real single-node swarm: a private engine
 * (own socket, data root and network namespace, loopback up) made a swarm, a service running
 * `sleep 3600` on an attachable overlay network beside a listener container. Through the real CLI:
 * - `isolate --task SERVICE.1` finds the task through the manager and its node through a Docker
 *   context: the "current" engine (DOCKER_HOST) is the same engine behind a proxy that hides its
 *   node id, so only the context's engine answers as the node: the lookup by NodeID is what makes
 *   it resolve. Probed from inside the task container (the listener on the overlay, the gateway of
 *   docker_gwbridge) before, isolated and after unisolate; inspected from outside.
 * - scale-to-zero and unscale, service-network-rm and service-network-restore, each refused
 *   without --yes; the journal records every one (the task's with the node's engine, service,
 *   task and node).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warden } from '../helpers/cli.js';
import { dockerAvailable, noDockerReason, TEST_IMAGE } from '../helpers/docker.js';
import { canStartEngine, startPrivateEngine, type PrivateEngine } from '../helpers/engine.js';
import { tempHome } from '../helpers/session.js';

const run = randomBytes(3).toString('hex');
const service = `wt-web-${run}`;
const overlay = `wt-ov-${run}`;
const listener = `wt-listener-${run}`;
const label = ['--label', `warden.test=${run}`];

type Entry = { type: string; data: Record<string, unknown> };

/** Polls until `fn` holds (a deadline, never a fixed sleep). */
async function until(what: string, fn: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The engine's API on another socket, unchanged but for `GET /info`, whose swarm node id is
 * replaced: as the current engine it is a manager that is not the task's node.
 */
function nodeHidingProxy(engineSocket: string, socket: string): Promise<Server> {
  const server = createServer((req, res) => {
    const up = request(
      { socketPath: engineSocket, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        if (!/^(\/v[\d.]+)?\/info$/.test((req.url ?? '').split('?')[0] ?? '')) {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => {
          const info = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
            Swarm?: { NodeID?: string };
          };
          if (info.Swarm) info.Swarm.NodeID = 'someothermanagernode00000';
          const body = JSON.stringify(info);
          const { 'transfer-encoding': _te, 'content-length': _cl, ...headers } = r.headers;
          res.writeHead(r.statusCode ?? 200, {
            ...headers,
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
        });
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

/** Runs the docker CLI asynchronously (the proxy in this process must answer meanwhile). */
function succeeds(args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: 15_000 }, (err) => resolve(!err));
  });
}

/** Polls an asynchronous probe until it gets through, or the deadline passes. */
async function eventually(fn: () => Promise<boolean>, ms = 30_000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!dockerAvailable || !canStartEngine)(
  `incident actions on a swarm task (${noDockerReason})`,
  () => {
    const home = tempHome('warden-swarm-task-');
    const config = mkdtempSync(join(tmpdir(), 'warden-ctx-'));
    const lonely = mkdtempSync(join(tmpdir(), 'warden-ctx-none-'));
    let engine: PrivateEngine;
    let proxy: Server;
    let proxySocket = '';
    let nodeId = '';
    let taskId = '';
    let container = '';
    let listenerIp = '';
    let gateway = '';
    const outputs: string[] = [];

    const cli = async (args: string[], env: Record<string, string> = {}) => {
      const r = await warden(home, args, {
        DOCKER_HOST: `unix://${proxySocket}`,
        DOCKER_CONFIG: config,
        ...env,
      });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const d = (args: string[]) => engine.cli(args);
    const probe = (argv: string[]) =>
      succeeds(['-H', `unix://${engine.socket}`, 'exec', container, ...argv]);
    const toListener = () =>
      probe(['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${listenerIp} 8080`]);
    const toGateway = () => probe(['ping', '-c', '2', '-i', '0.2', '-W', '2', gateway]);
    const networksOf = (id: string) =>
      Object.keys(
        JSON.parse(d(['inspect', id, '--format', '{{json .NetworkSettings.Networks}}'])) as object,
      );
    const running = () =>
      d([
        ...['service', 'ps', service, '--filter', 'desired-state=running'],
        ...['--format', '{{.CurrentState}}'],
      ])
        .split('\n')
        .filter((s) => s.startsWith('Running'));
    const replicas = () =>
      d(['service', 'inspect', service, '--format', '{{.Spec.Mode.Replicated.Replicas}}']);
    const specNetworks = () =>
      d(['service', 'inspect', service, '--format', '{{json .Spec.TaskTemplate.Networks}}']);
    const runningContainer = () =>
      d(['ps', '-q', '--no-trunc', '--filter', `label=com.docker.swarm.service.name=${service}`]);
    const journal = (session: string): Entry[] =>
      readFileSync(join(home, 'sessions', session, 'journal.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Entry);
    const sessions = () =>
      existsSync(join(home, 'sessions')) ? readdirSync(join(home, 'sessions')) : [];

    beforeAll(async () => {
      engine = await startPrivateEngine({ loopback: true });
      d(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      nodeId = d(['info', '--format', '{{.Swarm.NodeID}}']);
      d(['network', 'create', ...label, '--driver', 'overlay', '--attachable', overlay]);
      d([
        ...['run', '-d', ...label, '--name', listener, '--network', overlay, TEST_IMAGE],
        ...['sh', '-c', 'mkdir -p /www; echo ok > /www/index.html; httpd -f -p 8080 -h /www'],
      ]);
      listenerIp = d([
        'inspect',
        listener,
        '--format',
        `{{(index .NetworkSettings.Networks "${overlay}").IPAddress}}`,
      ]);
      d([
        ...['service', 'create', '-d', '--no-resolve-image', ...label, '--name', service],
        ...['--network', overlay, TEST_IMAGE, 'sleep', '3600'],
      ]);
      await until('the task runs', () => running().length === 1);
      taskId = d([
        ...['service', 'ps', service, '--filter', 'desired-state=running', '--no-trunc'],
        ...['--format', '{{.ID}}'],
      ]);
      container = runningContainer();
      gateway = d([
        ...['network', 'inspect', 'docker_gwbridge'],
        ...['--format', '{{(index .IPAM.Config 0).Gateway}}'],
      ]);
      proxySocket = join(config, 'proxy.sock');
      proxy = await nodeHidingProxy(engine.socket, proxySocket);
      const context = (dir: string, name: string, host: string) =>
        execFileSync(
          'docker',
          ['--config', dir, 'context', 'create', name, '--docker', `host=${host}`],
          {
            stdio: 'ignore',
          },
        );
      context(config, 'node1', `unix://${engine.socket}`);
      context(config, 'gone', `unix://${join(config, 'nothing.sock')}`);
      context(lonely, 'gone', `unix://${join(lonely, 'nothing.sock')}`);
    }, 180_000);

    afterAll(async () => {
      proxy?.close();
      if (engine) {
        try {
          d(['service', 'rm', service]);
          d(['swarm', 'leave', '--force']);
        } catch {
          // not in a swarm (beforeAll failed early)
        }
        await engine.stop();
      }
      rmSync(config, { recursive: true, force: true });
      rmSync(lonely, { recursive: true, force: true });
    }, 90_000);

    it('refuses without --yes, and when no engine is the node; nothing is recorded', async () => {
      const noYes = await cli(['isolate', '--task', `${service}.1`, '--snapshot-first']);
      expect(noYes.code).toBe(2);
      expect(noYes.stderr).toContain('is destructive and needs --yes');
      const none = await cli(['isolate', '--task', `${service}.1`, '--snapshot-first', '--yes'], {
        DOCKER_CONFIG: lonely,
      });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('warden: context gone not reached, skipped');
      expect(none.stderr).toMatch(
        new RegExp(
          `warden: task ${service}\\.1 runs on .*\\(node ${nodeId.slice(0, 12)}\\), and no engine warden can reach is that node: tried the current engine \\(node someotherman\\) and the contexts gone \\(no answer\\)`,
        ),
      );
      expect(none.stderr).toContain('try: add a context for it: docker context create');
      expect(none.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const unknown = await cli(['isolate', '--task', `${service}.7`, '--yes', '--reason', 'x']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`has no running task "${service}.7"`);
      // A service verb on a service the manager does not know: one line, before any session.
      for (const args of [
        ['scale-to-zero', `nosuch-${run}`, '--yes'],
        ['service-network-rm', `nosuch-${run}`, overlay, '--yes'],
      ]) {
        const r = await cli(args);
        expect(r.code, args[0]).toBe(2);
        expect(r.stderr).toContain(`warden: no swarm service "nosuch-${run}" on this manager`);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      expect(sessions()).toEqual([]);
    });

    let session = '';

    it("isolates the task's container through its node's engine (found by node id)", async () => {
      expect(await eventually(toListener)).toBe(true);
      expect(await eventually(toGateway)).toBe(true);
      const r = await cli([
        'isolate',
        '--task',
        `${service}.1`,
        '--snapshot-first',
        '--yes',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('warden: context gone not reached, skipped');
      expect(r.stderr).toContain(`task ${service}.1 of service ${service} runs on`);
      expect(r.stderr).toContain(`container ${container.slice(0, 12)}, through context node1`);
      const out = JSON.parse(r.stdout) as Record<string, unknown> & {
        session: string;
        verification: { sealed: boolean; gatewayBridge?: { stillListed: unknown } };
      };
      session = out.session;
      expect(out.outcome).toBe('ok');
      expect(out.verification.sealed).toBe(true);
      expect(out.verification.gatewayBridge).toEqual({
        network: 'docker_gwbridge',
        stillListed: false,
      });
      expect(out.swarm).toMatchObject({ service, task: `${service}.1`, taskId, node: nodeId });
      expect(out.summary).toContain('the swarm still routes its share of traffic here');
      // From the outside: no network, off docker_gwbridge, the swarm did not replace the task.
      expect(networksOf(container)).toEqual([]);
      expect(
        d(['network', 'inspect', 'docker_gwbridge', '--format', '{{json .Containers}}']),
      ).not.toContain(container);
      expect(runningContainer()).toBe(container);
      // From the inside: the listener on the overlay and the host's gateway are gone.
      expect(await toListener()).toBe(false);
      expect(await toGateway()).toBe(false);
    });

    it('unisolates it (the same session), reachable again', async () => {
      const r = await cli(['unisolate', '--task', `${service}.1`, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`recording in session ${session}`);
      expect(networksOf(container)).toEqual([overlay]);
      expect(await eventually(toListener)).toBe(true);
      expect(await eventually(toGateway)).toBe(true);
    });

    it("the journal records each task action with the node's engine, service, task and node", () => {
      const results = journal(session).filter((e) => e.type === 'action.result');
      expect(results.map((e) => e.data.action)).toEqual(['snapshot', 'isolate', 'unisolate']);
      for (const e of [
        ...results,
        ...journal(session).filter((x) => x.type === 'action.started'),
      ]) {
        expect(e.data.engine).toMatchObject({
          endpoint: `unix://${engine.socket}`,
          context: 'node1',
        });
      }
      for (const e of results)
        expect(e.data.swarm).toEqual({
          service,
          task: `${service}.1`,
          taskId,
          node: nodeId,
          nodeName: expect.any(String),
        });
    });

    it('scale-to-zero (refused without --yes) records the count; unscale restores it', async () => {
      const refused = await cli(['scale-to-zero', service]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`scale-to-zero ${service} is destructive and needs --yes`);
      const r = await cli(['scale-to-zero', service, '--yes', '--session', session, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out.before).toMatchObject({ replicas: 1 });
      expect(out.after).toEqual({ replicas: 0 });
      expect(replicas()).toBe('0');
      await until('no task runs', () => running().length === 0);
      const back = await cli(['unscale', service, '--session', session, '--json']);
      expect(back.code, back.stderr).toBe(0);
      expect(replicas()).toBe('1');
      await until('a task runs again', () => running().length === 1);
    });

    it('service-network-rm (refused without --yes) and service-network-restore', async () => {
      const refused = await cli(['service-network-rm', service, overlay]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('is destructive and needs --yes');
      const ovId = d(['network', 'inspect', overlay, '--format', '{{.Id}}']);
      const r = await cli(['service-network-rm', service, overlay, '--yes', '--session', session]);
      expect(r.code, r.stderr).toBe(0);
      expect(specNetworks()).not.toContain(ovId);
      await until('the task is replaced off the overlay', () => {
        const c = runningContainer();
        return (
          c !== '' &&
          !c.includes('\n') &&
          running().length === 1 &&
          !networksOf(c).includes(overlay)
        );
      });
      const back = await cli(['service-network-restore', service, overlay, '--session', session]);
      expect(back.code, back.stderr).toBe(0);
      expect(specNetworks()).toContain(ovId);
      await until('the task is on the overlay again', () => {
        const c = runningContainer();
        return c !== '' && !c.includes('\n') && networksOf(c).includes(overlay);
      });
      const results = journal(session).filter((e) => e.type === 'action.result');
      expect(results.map((e) => [e.data.action, e.data.outcome])).toEqual([
        ['snapshot', 'ok'],
        ['isolate', 'ok'],
        ['unisolate', 'ok'],
        ['scale-to-zero', 'ok'],
        ['unscale', 'ok'],
        ['service-network-rm', 'ok'],
        ['service-network-restore', 'ok'],
      ]);
      const rm = results.find((e) => e.data.action === 'service-network-rm');
      expect(rm?.data).toMatchObject({
        network: overlay,
        networkId: ovId,
        service: { name: service },
      });
      expect(rm?.data.before).toEqual([{ id: ovId, name: overlay, aliases: [] }]);
      // The service verbs ran on the current engine (the manager), as recorded.
      expect(rm?.data.engine).toMatchObject({ endpoint: `unix://${proxySocket}` });
    }, 180_000);
  },
);

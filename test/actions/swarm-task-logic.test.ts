/**
 * The swarm task logic over fake ports (the real swarm is in swarm-task.test.ts): task names,
 * the node's engine found by node id among the contexts (in parallel; one that does not answer
 * skipped and said), the one line when none is the node, an engine that refuses to take a task's
 * container off a swarm network (never called isolated), a global service that cannot be scaled.
 */
import { describe, expect, it } from 'vitest';
import { DockerError, UserError } from '../../src/errors.js';
import {
  locateNode,
  resolveService,
  resolveTask,
  type EngineCandidate,
} from '../../src/actions/task-locate.js';
import { isolate } from '../../src/actions/isolate.js';
import { scaleToZero } from '../../src/actions/service-scale.js';
import type { DockerPort } from '../../src/engine/ports.js';
import type { SwarmServiceDetail, SwarmTask } from '../../src/engine/docker-swarm-port.js';
import type { StepContext } from '../../src/engine/executors.js';
import { tempHome } from '../helpers/session.js';
import { actionDeps } from './helpers.js';

const notFound = () => new DockerError('no such service', 'not-found');

function manager(opts: {
  services: SwarmServiceDetail[];
  tasks: SwarmTask[];
  nodeId?: string;
}): DockerPort {
  return {
    info: async () => ({
      Swarm: { NodeID: opts.nodeId ?? 'mgr', LocalNodeState: 'active', ControlAvailable: true },
    }),
    inspectService: async (id: string) => {
      const s = opts.services.find((x) => x.ID === id || x.Spec.Name === id);
      if (!s) throw notFound();
      return s;
    },
    listTasks: async (f: Record<string, string[]>) =>
      opts.tasks.filter(
        (t) =>
          (!f.service || f.service.includes(t.ServiceID ?? '')) && (!f.id || f.id.includes(t.ID)),
      ),
    listNodes: async () => [{ ID: 'node-b', Description: { Hostname: 'b-host' } }],
  } as unknown as DockerPort;
}

const web: SwarmServiceDetail = { ID: 'svc1', Version: { Index: 5 }, Spec: { Name: 'web.app' } };
const task = (id: string, slot: number | undefined, node: string): SwarmTask => ({
  ID: id,
  ServiceID: 'svc1',
  ...(slot ? { Slot: slot } : {}),
  NodeID: node,
  DesiredState: 'running',
  Status: { State: 'running', ContainerStatus: { ContainerID: `c-${id}` } },
});
const m = manager({ services: [web], tasks: [task('t1', 1, 'node-b'), task('t2', 2, 'mgr')] });

describe('resolveTask', () => {
  it('finds a task by SERVICE.SLOT (a dotted service name), its container name, or its id', async () => {
    expect(await resolveTask(m, 'web.app.1')).toEqual({
      service: 'web.app',
      serviceId: 'svc1',
      task: 'web.app.1',
      taskId: 't1',
      node: 'node-b',
      nodeName: 'b-host',
      container: 'c-t1',
    });
    expect((await resolveTask(m, 'web.app.2.t2')).container).toBe('c-t2');
    expect((await resolveTask(m, 't2')).task).toBe('web.app.2');
  });

  it('names the running tasks when the slot is unknown; refuses a worker', async () => {
    await expect(resolveTask(m, 'web.app.9')).rejects.toMatchObject({
      message: 'service web.app has no running task "web.app.9"',
      hint: 'its running tasks: web.app.1, web.app.2',
    });
    const worker = {
      ...m,
      info: async () => ({ Swarm: { LocalNodeState: 'active', ControlAvailable: false } }),
    } as unknown as DockerPort;
    await expect(resolveTask(worker, 'web.app.1')).rejects.toThrow(/swarm worker/);
  });
});

describe('resolveService (a service verb, before anything is recorded)', () => {
  it('accepts a service the manager knows, by name or id; refuses an unknown one and a non-manager', async () => {
    await expect(resolveService(m, 'web.app')).resolves.toBeUndefined();
    await expect(resolveService(m, 'nosuch')).rejects.toMatchObject({
      message: 'no swarm service "nosuch" on this manager',
    });
    const lone = {
      ...m,
      info: async () => ({ Swarm: { LocalNodeState: 'inactive' } }),
    } as unknown as DockerPort;
    await expect(resolveService(lone, 'web.app')).rejects.toThrow(
      'the current engine is in no swarm: a service is changed through a swarm manager',
    );
  });
});

const engineOf = (node: string | Error): DockerPort =>
  ({
    info: async () => {
      if (node instanceof Error) throw node;
      return { Swarm: { NodeID: node } };
    },
  }) as unknown as DockerPort;

describe('locateNode', () => {
  const t = { node: 'node-b', nodeName: 'b-host', task: 'web.1' };
  it('the current engine when it is the node; else the context whose engine is', async () => {
    expect(await locateNode(engineOf('node-b'), t, [])).toEqual({ kind: 'current' });
    const skipped: string[] = [];
    const ctxs: EngineCandidate[] = [
      { name: 'down', port: engineOf(new DockerError('refused', 'daemon-unreachable')) },
      { name: 'a', port: engineOf('node-a') },
      { name: 'b', port: engineOf('node-b') },
    ];
    expect(await locateNode(engineOf('mgr'), t, ctxs, (n) => skipped.push(n))).toEqual({
      kind: 'context',
      context: 'b',
    });
    expect(skipped).toEqual(['down']);
  });

  it('no engine is the node: one line naming it, the contexts tried, how to add one', async () => {
    const err = await locateNode(engineOf('mgr'), t, [
      { name: 'a', port: engineOf('node-a') },
      { name: 'down', port: engineOf(new Error('timeout')) },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'task web.1 runs on b-host (node node-b), and no engine warden can reach is that node: tried the current engine (node mgr) and the contexts a, down (no answer)',
    );
    expect((err as UserError).hint).toBe(
      'add a context for it: docker context create b-host --docker host=ssh://USER@b-host, then run again',
    );
  });
});

const ctx = (params: Record<string, string>): StepContext => ({
  sessionId: 's1',
  stepId: 'adhoc:x',
  params,
  signal: new AbortController().signal,
  onOutput: () => undefined,
});

describe('isolate of a task container when the engine refuses a swarm network', () => {
  it('cuts what it can, says it is NOT isolated and what to do instead', async () => {
    const id = 'a'.repeat(64);
    let nets = ['front', 'ingress'];
    const docker = {
      inspectDetailed: async () => ({
        Id: id,
        Name: '/web.1.t1',
        State: { Running: true },
        Config: {
          Labels: {
            'com.docker.swarm.task.id': 't1',
            'com.docker.swarm.service.name': 'web',
            'com.docker.swarm.task.name': 'web.1.t1',
          },
        },
        NetworkSettings: { Networks: Object.fromEntries(nets.map((n) => [n, { Aliases: [] }])) },
      }),
      inspectNetwork: async (n: string) => ({
        Id: n,
        Name: n,
        Driver: 'overlay',
        Ingress: n === 'ingress',
        Containers: {},
      }),
      disconnectNetwork: async (n: string) => {
        if (n === 'ingress') throw new DockerError('cannot disconnect from ingress', 'unknown');
        nets = nets.filter((x) => x !== n);
      },
    } as unknown as DockerPort;
    const out = await isolate(
      actionDeps(tempHome('warden-refuse-'), docker),
      ctx({ container: id }),
    );
    expect(out.ok).toBe(false);
    expect(out.summary).toBe(
      'web.1.t1 is NOT isolated: the engine refused to take web.1.t1 off ingress, a network the swarm manages (cannot disconnect from ingress): remove its published ports (docker service update --publish-rm PORT web) or scale it to 0 (warden scale-to-zero web --yes); it did leave front',
    );
    expect(out.data.refused).toHaveLength(1);
  });
});

describe('scale-to-zero of a global service', () => {
  it('is refused with what to do instead; nothing is updated', async () => {
    let updated = false;
    const docker = {
      inspectService: async () => ({
        ID: 'g1',
        Version: { Index: 1 },
        Spec: { Name: 'agent', Mode: { Global: {} } },
      }),
      updateService: async () => void (updated = true),
      listTasks: async () => [],
    } as unknown as DockerPort;
    const out = await scaleToZero(
      actionDeps(tempHome('warden-global-'), docker),
      ctx({ service: 'agent' }),
    );
    expect(out.ok).toBe(false);
    expect(out.summary).toMatch(
      /^agent is a global service \(one task on every node\): it has no replica count/,
    );
    expect(updated).toBe(false);
  });
});

/**
 * A swarm service's task, and the engine that runs its container. The manager (the current
 * engine) answers which task (`GET /tasks`, by service, desired state running) and on which node;
 * only that node's engine has the container. It is the current engine when its `info` names the
 * same node, else the Docker context whose engine does (asked in parallel, a few at a time; one
 * that does not answer is skipped and said). Read-only; pure over the ports.
 */
import { DockerError, UserError, errorMessage } from '../errors.js';
import type { DockerPort } from '../engine/ports.js';
import type { SwarmServiceDetail, SwarmTask } from '../engine/docker-swarm-port.js';

export interface TaskRef {
  service: string;
  serviceId: string;
  /** `web.1` (replicated) or `web.<node id>` (global). */
  task: string;
  taskId: string;
  /** The swarm node id that runs it, and that node's host name when the manager says. */
  node: string;
  nodeName?: string;
  /** The task's container id, on that node's engine. */
  container: string;
}

/** The params an action on a task carries (recorded in its intent and, as `swarm`, its result). */
export function taskParams(t: TaskRef): Record<string, string> {
  return {
    container: t.container,
    service: t.service,
    task: t.task,
    taskId: t.taskId,
    node: t.node,
    ...(t.nodeName ? { nodeName: t.nodeName } : {}),
  };
}

const RUNNING = { 'desired-state': ['running'] };

async function serviceOr(manager: DockerPort, name: string) {
  try {
    return await manager.inspectService!(name);
  } catch (err) {
    if (err instanceof DockerError && err.kind === 'not-found') return undefined;
    throw err;
  }
}

function taskName(s: SwarmServiceDetail, t: SwarmTask): string {
  const name = s.Spec.Name ?? s.ID;
  return t.Slot ? `${name}.${t.Slot}` : `${name}.${t.NodeID ?? t.ID}`;
}

/** The running tasks of a service, with their names. */
async function tasksOf(manager: DockerPort, s: SwarmServiceDetail) {
  const rows = await manager.listTasks!({ service: [s.ID], ...RUNNING });
  return rows.map((t) => ({ t, name: taskName(s, t) }));
}

/** A manager is needed: only it answers for the swarm's services and tasks. */
async function assertManager(manager: DockerPort, what = 'a task is found'): Promise<void> {
  const swarm = (await manager.info()).Swarm;
  if (!manager.listTasks || !manager.inspectService)
    throw new UserError('this engine adapter cannot list swarm tasks');
  if (swarm?.LocalNodeState !== 'active')
    throw new UserError(
      `the current engine is in no swarm: ${what} through a swarm manager`,
      'point warden at a manager (--context NAME or DOCKER_HOST)',
    );
  if (!swarm.ControlAvailable)
    throw new UserError(
      `the current engine is a swarm worker: ${what} through a swarm manager`,
      'point warden at a manager (--context NAME or DOCKER_HOST)',
    );
}

/**
 * A service verb's service, asked before anything is recorded: the current engine must be a
 * manager and know the service, else one line (and no session).
 */
export async function resolveService(manager: DockerPort, ref: string): Promise<void> {
  await assertManager(manager, 'a service is changed');
  if (!(await serviceOr(manager, ref)))
    throw new UserError(
      `no swarm service "${ref}" on this manager`,
      'docker service ls lists them',
    );
}

/**
 * Finds a running task by `web.1` (service and slot), `web.<node id>` (a global service's task),
 * `web.1.<task id>` (its container's name), a task id, or a service with one running task.
 */
export async function resolveTask(manager: DockerPort, ref: string): Promise<TaskRef> {
  const want = ref.trim();
  if (!want) throw new UserError('--task needs a task: SERVICE.SLOT, e.g. web.1');
  await assertManager(manager);
  const parts = want.split('.');
  let found: { s: SwarmServiceDetail; t: SwarmTask; name: string } | undefined;
  let known: { s: SwarmServiceDetail; names: string[] } | undefined;
  // A service's name may hold dots: try the longest service part first (at most three asks).
  for (let k = parts.length - 1; k >= 1 && k >= parts.length - 2 && !found; k--) {
    const s = await serviceOr(manager, parts.slice(0, k).join('.'));
    if (!s) continue;
    const [which = '', taskId] = parts.slice(k);
    const rows = await tasksOf(manager, s);
    known = { s, names: rows.map((r) => r.name) };
    const hit = rows.find(
      ({ t }) =>
        (String(t.Slot ?? '') === which || (!t.Slot && t.NodeID === which)) &&
        (taskId === undefined || t.ID === taskId),
    );
    if (hit) found = { s, ...hit };
  }
  if (!found && parts.length === 1) {
    const s = await serviceOr(manager, want);
    if (s) {
      const rows = await tasksOf(manager, s);
      known = { s, names: rows.map((r) => r.name) };
      if (rows.length === 1 && rows[0]) found = { s, ...rows[0] };
    } else {
      const [t] = await manager.listTasks!({ id: [want], ...RUNNING });
      const owner = t?.ServiceID ? await serviceOr(manager, t.ServiceID) : undefined;
      if (t && owner) found = { s: owner, t, name: taskName(owner, t) };
    }
  }
  if (!found) {
    if (known)
      throw new UserError(
        `service ${known.s.Spec.Name ?? known.s.ID} has no running task "${want}"`,
        known.names.length
          ? `its running tasks: ${known.names.sort().join(', ')}`
          : 'it has no running task (docker service ps shows why)',
      );
    throw new UserError(
      `no swarm service or task "${want}" on this manager`,
      'name a task as SERVICE.SLOT (docker service ps SERVICE lists them)',
    );
  }
  const { s, t, name } = found;
  const container = t.Status?.ContainerStatus?.ContainerID;
  if (!t.NodeID || !container || t.Status?.State !== 'running')
    throw new UserError(
      `task ${name} is ${t.Status?.State ?? 'not running'}: it has no running container yet`,
      t.Status?.Err ? `the swarm says: ${t.Status.Err}` : 'docker service ps shows its state',
    );
  const nodes = manager.listNodes ? await manager.listNodes().catch(() => []) : [];
  const nodeName = nodes.find((n) => n.ID === t.NodeID)?.Description?.Hostname;
  return {
    service: s.Spec.Name ?? s.ID,
    serviceId: s.ID,
    task: name,
    taskId: t.ID,
    node: t.NodeID,
    ...(nodeName ? { nodeName } : {}),
    container,
  };
}

export interface EngineCandidate {
  /** The Docker context's name. */
  name: string;
  port: DockerPort;
}

export type NodeEngine = { kind: 'current' } | { kind: 'context'; context: string };

/** At most this many contexts are asked at once. */
export const PROBE_CONCURRENCY = 8;

/**
 * The engine of swarm node `node`: the current one, or the first context (in the given order)
 * whose engine's `info().Swarm.NodeID` is it. `onSkip` hears of each context that did not answer.
 * Throws a UserError naming the node, the contexts tried and how to add one when none is it.
 */
export async function locateNode(
  current: DockerPort,
  task: Pick<TaskRef, 'node' | 'nodeName' | 'task'>,
  contexts: readonly EngineCandidate[],
  onSkip: (context: string, why: string) => void = () => undefined,
): Promise<NodeEngine> {
  const here = (await current.info()).Swarm?.NodeID;
  if (here && here === task.node) return { kind: 'current' };
  const ids: (string | undefined)[] = new Array(contexts.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < contexts.length; i = next++) {
      const c = contexts[i]!;
      try {
        ids[i] = (await c.port.info()).Swarm?.NodeID ?? '';
      } catch (err) {
        onSkip(c.name, errorMessage(err));
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(PROBE_CONCURRENCY, contexts.length) }, () => worker()),
  );
  const i = ids.findIndex((id) => id === task.node);
  const hit = i >= 0 ? contexts[i] : undefined;
  if (hit) return { kind: 'context', context: hit.name };
  const node = `${task.nodeName ?? task.node.slice(0, 12)} (node ${task.node.slice(0, 12)})`;
  const tried = contexts.map((c, j) => (ids[j] === undefined ? `${c.name} (no answer)` : c.name));
  throw new UserError(
    `task ${task.task} runs on ${node}, and no engine warden can reach is that node: tried the current engine${here ? ` (node ${here.slice(0, 12)})` : ''}${tried.length ? ` and the contexts ${tried.join(', ')}` : ' and no context (the docker CLI store has none)'}`,
    `add a context for it: docker context create ${task.nodeName ?? 'NODE'} --docker host=ssh://USER@${task.nodeName ?? 'NODE'}, then run again`,
  );
}

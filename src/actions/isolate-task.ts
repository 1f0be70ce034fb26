/**
 * What isolating a swarm task's container means, as measured on a real single-node swarm (Docker
 * 20.10, test/actions/swarm-task.test.ts):
 * - the engine takes a task's container off its overlay networks and `ingress` like any other
 *   network; the container's link to `docker_gwbridge` (its way out to the host and the outside,
 *   never listed among its networks) goes with the last overlay network. Isolation checks that
 *   bridge's endpoint list too, so a container still on it is not called sealed.
 * - the swarm does not notice: the task stays `running`, and the service's VIP, DNS and routing
 *   mesh keep sending it its share of the traffic, which now reaches nothing.
 * - when the container stops (a restart, a kill, its process exiting), the swarm marks the task
 *   failed and starts a replacement on every network of the service; the isolated container is
 *   kept (within the swarm's task history limit), still isolated.
 * An engine that refuses a disconnect of a swarm-managed network is said so, with what to do.
 */
import type { ControlInspect, NetworkInspect } from '../engine/docker-control-port.js';
import { errorMessage } from '../errors.js';

/** The bridge that gives a swarm task (and any container on an overlay) its way out. */
export const GATEWAY_BRIDGE = 'docker_gwbridge';

export interface TaskOfContainer {
  service: string;
  taskId: string;
  /** The container's task name, `web.1.<task id>`. */
  taskName: string;
}

/** The swarm task a container runs, from the labels the swarm gives it. */
export function swarmTaskOf(c: ControlInspect): TaskOfContainer | undefined {
  const l = c.Config?.Labels ?? {};
  const taskId = l['com.docker.swarm.task.id'];
  const service = l['com.docker.swarm.service.name'];
  if (!taskId || !service) return undefined;
  return { service, taskId, taskName: l['com.docker.swarm.task.name'] ?? taskId };
}

/** What isolation of a task's container does not do, said with its result and its plan. */
export function taskCaveats(t: TaskOfContainer): string[] {
  return [
    `the swarm still counts task ${t.taskName} of ${t.service} as running: the service's VIP, DNS and routing mesh keep sending it its share of the traffic, which fails while it is isolated`,
    `if this container stops, restarts or dies, the swarm starts a replacement task on every network of ${t.service} (the isolated container is kept, still isolated): scale it to 0 to stop that (warden scale-to-zero ${t.service} --yes)`,
  ];
}

/** Why a disconnect of a task's container was refused, and what to do instead. */
export function refusalAdvice(
  t: TaskOfContainer,
  network: string,
  net: NetworkInspect | undefined,
  err: unknown,
): string {
  const instead =
    net?.Ingress || network === 'ingress'
      ? `remove its published ports (docker service update --publish-rm PORT ${t.service}) or scale it to 0 (warden scale-to-zero ${t.service} --yes)`
      : `take the service off it (warden service-network-rm ${t.service} ${network} --yes) or scale it to 0 (warden scale-to-zero ${t.service} --yes)`;
  return `the engine refused to take ${t.taskName} off ${network}, a network the swarm manages (${errorMessage(err)}): ${instead}`;
}

/** Whether isolation must also check the gateway bridge (a task, or a former overlay network). */
export function needsGatewayCheck(c: ControlInspect, drivers: (string | undefined)[]): boolean {
  return swarmTaskOf(c) !== undefined || drivers.includes('overlay');
}

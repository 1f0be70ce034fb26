/**
 * DockerSwarmReadPort over dockerode: the swarm, its nodes, services and overlay networks, errors
 * classified. The swarm's join tokens come back with `GET /swarm`: they are dropped here, never
 * passed on. The control part (tasks, service updates) serves the incident actions.
 */
import type Docker from 'dockerode';
import { UserError } from '../../errors.js';
import type {
  DockerSwarmControlPort,
  DockerSwarmReadPort,
  SwarmInspect,
  SwarmNetwork,
  SwarmNode,
  SwarmService,
  SwarmServiceDetail,
  SwarmTask,
} from '../../engine/docker-swarm-port.js';
import { engineCalls, type DockerEndpoint } from './client.js';
import { NAME_PATTERN } from './names.js';

export function createSwarmReadAdapter(
  docker: Docker,
  endpoint: DockerEndpoint,
): DockerSwarmReadPort {
  const { call } = engineCalls(endpoint);
  return {
    inspectSwarm: () =>
      call('inspect the swarm', async () => {
        const { JoinTokens: _tokens, ...rest } = (await docker.swarmInspect()) as SwarmInspect & {
          JoinTokens?: unknown;
        };
        return rest;
      }),
    listNodes: () =>
      call('list swarm nodes', async () => (await docker.listNodes()) as SwarmNode[]),
    listServices: () =>
      call(
        'list swarm services',
        async () => (await docker.listServices()) as unknown as SwarmService[],
      ),
    listOverlayNetworks: () =>
      call(
        'list overlay networks',
        async () =>
          (await docker.listNetworks({
            filters: JSON.stringify({ driver: ['overlay'] }),
          })) as unknown as SwarmNetwork[],
      ),
  };
}

/** A service name or id as one URL path segment (dockerode pastes it in unescaped). */
function serviceName(value: string): string {
  if (!NAME_PATTERN.test(value))
    throw new UserError(
      `${JSON.stringify(value.slice(0, 80))} is not a valid service name or id`,
      'service names match [a-zA-Z0-9][a-zA-Z0-9_.-]+',
    );
  return value;
}

/** DockerSwarmControlPort over dockerode: tasks, and a service's spec read and written back. */
export function createSwarmControlAdapter(
  docker: Docker,
  endpoint: DockerEndpoint,
): DockerSwarmControlPort {
  const { call } = engineCalls(endpoint);
  return {
    listTasks: (filters) =>
      call(
        'list swarm tasks',
        async () =>
          (await docker.listTasks({ filters: JSON.stringify(filters) })) as unknown as SwarmTask[],
      ),
    inspectService: (id) =>
      call(
        `inspect service ${id}`,
        async () =>
          (await docker.getService(serviceName(id)).inspect()) as unknown as SwarmServiceDetail,
      ),
    updateService: (id, version, spec) =>
      call(`update service ${id}`, async () => {
        // The version goes in the query, the whole spec as the body (docker-modem's _query/_body).
        await docker
          .getService(serviceName(id))
          .update({ _query: { version }, _body: spec } as unknown as object);
      }),
  };
}

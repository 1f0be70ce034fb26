/**
 * DockerSwarmReadPort over dockerode: the swarm, its nodes, services and overlay networks, errors
 * classified. The swarm's join tokens come back with `GET /swarm`: they are dropped here, never
 * passed on.
 */
import type Docker from 'dockerode';
import type {
  DockerSwarmReadPort,
  SwarmInspect,
  SwarmNetwork,
  SwarmNode,
  SwarmService,
} from '../../engine/docker-swarm-port.js';
import { engineCalls, type DockerEndpoint } from './client.js';

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

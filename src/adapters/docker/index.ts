import type Docker from 'dockerode';
import type { DockerPort, EngineVersion } from '../../engine/docker-port.js';
import {
  classifyDockerError,
  createDockerClient,
  resolveEndpoint,
  type DockerEndpoint,
} from './client.js';
import { createDockerReadAdapter } from './read.js';
import { DEFAULT_TIMEOUTS, type EngineTimeouts } from './timeouts.js';
import { createDockerControlAdapter } from './control.js';
import { createDockerImageAdapter } from './images.js';

/** The one dockerode-backed DockerPort. Read and control calls are added by their own modules. */
export function createDockerAdapter(
  endpoint: DockerEndpoint = resolveEndpoint(),
  timeouts: EngineTimeouts = DEFAULT_TIMEOUTS,
): DockerPort {
  const docker: Docker = createDockerClient(endpoint, timeouts);
  return {
    ...createDockerReadAdapter(docker, endpoint),
    ...createDockerControlAdapter(docker, endpoint),
    ...createDockerImageAdapter(docker, endpoint),
    async version(): Promise<EngineVersion> {
      try {
        const v = await docker.version();
        return {
          endpoint: endpoint.display,
          version: v.Version,
          apiVersion: v.ApiVersion,
          os: v.Os,
          arch: v.Arch,
        };
      } catch (err) {
        throw classifyDockerError(err, 'read the engine version', endpoint);
      }
    },
  };
}

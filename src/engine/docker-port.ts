import type { DockerReadPort } from './docker-read-port.js';
import type { DockerControlPort } from './docker-control-port.js';

/** Facts about the engine connection, for `warden doctor` and report headers. */
export interface EngineVersion {
  endpoint: string;
  version: string;
  apiVersion: string;
  os?: string;
  arch?: string;
}

export interface DockerBasePort {
  /** Reaches the engine; throws DockerError('daemon-unreachable') when it cannot. */
  version(): Promise<EngineVersion>;
}

/** Everything the core asks of the Docker engine. Implemented by src/adapters/docker. */
export interface DockerPort extends DockerBasePort, DockerReadPort, DockerControlPort {}

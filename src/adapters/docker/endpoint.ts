/** Where the Docker engine is, from DOCKER_HOST or the default socket. No dockerode here. */
import type Docker from 'dockerode';

/** Where the engine is: DOCKER_HOST (unix://, tcp://, http(s)://) or the default socket. */
export interface DockerEndpoint {
  /** Human-readable, e.g. `unix:///var/run/docker.sock` or `tcp://127.0.0.1:2375`. */
  display: string;
  options: Docker.DockerOptions;
}

export function resolveEndpoint(dockerHost = process.env.DOCKER_HOST): DockerEndpoint {
  const host = dockerHost?.trim();
  if (!host) {
    return {
      display: 'unix:///var/run/docker.sock',
      options: { socketPath: '/var/run/docker.sock' },
    };
  }
  if (host.startsWith('unix://')) {
    return { display: host, options: { socketPath: host.slice('unix://'.length) } };
  }
  if (host.startsWith('npipe://')) {
    return { display: host, options: { socketPath: host.slice('npipe://'.length) } };
  }
  const url = new URL(host.replace(/^tcp:\/\//, 'http://'));
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return {
    display: host,
    options: {
      host: url.hostname,
      port: url.port ? Number(url.port) : protocol === 'https' ? 2376 : 2375,
      protocol,
    },
  };
}

/**
 * Where the Docker engine is: the one place an endpoint is resolved (DOCKER_HOST, the
 * `docker.host` setting, or the default socket) and validated. No dockerode here.
 */
import type Docker from 'dockerode';
import { UserError } from '../../errors.js';

/** Where the engine is: DOCKER_HOST (unix://, tcp://, http(s)://) or the default socket. */
export interface DockerEndpoint {
  /** Human-readable, e.g. `unix:///var/run/docker.sock` or `tcp://127.0.0.1:2375`. */
  display: string;
  /** The socket file of a unix:// endpoint (to tell "not running" from "not responding"). */
  socketPath?: string;
  options: Docker.DockerOptions;
}

export const DEFAULT_ENDPOINT = 'unix:///var/run/docker.sock';

const FORMS = 'unix:///path/to/docker.sock, tcp://HOST:PORT, http://HOST:PORT or https://HOST:PORT';

/**
 * Reads an endpoint as the Docker CLI writes it. `source` names where it came from, for the
 * message when it cannot be read (`DOCKER_HOST` or the `docker.host` setting).
 */
export function resolveEndpoint(
  dockerHost = process.env.DOCKER_HOST,
  source = 'DOCKER_HOST',
): DockerEndpoint {
  const host = dockerHost?.trim();
  if (!host) return unixEndpoint(DEFAULT_ENDPOINT, '/var/run/docker.sock');
  const invalid = (why: string) =>
    new UserError(`invalid ${source} ${JSON.stringify(host)}: ${why}`, `use ${FORMS}`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host)?.[1]?.toLowerCase();
  if (!scheme) throw invalid('no scheme (unix://, tcp://, http://, https://)');
  if (scheme === 'unix' || scheme === 'npipe') {
    const path = host.slice(scheme.length + 3);
    if (!path) throw invalid('no socket path');
    if (/[\0\r\n]/.test(path)) throw invalid('the socket path holds control characters');
    return unixEndpoint(host, path);
  }
  if (!['tcp', 'http', 'https'].includes(scheme))
    throw invalid(`the scheme ${scheme}:// is not supported here`);
  let url: URL;
  try {
    url = new URL(host.replace(/^tcp:\/\//i, 'http://'));
  } catch {
    throw invalid('not a URL');
  }
  if (!url.hostname) throw invalid('no host name');
  if (url.username || url.password) throw invalid('credentials in the address are not supported');
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return {
    display: host,
    options: {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : protocol === 'https' ? 2376 : 2375,
      protocol,
    },
  };
}

function unixEndpoint(display: string, socketPath: string): DockerEndpoint {
  return { display, socketPath, options: { socketPath } };
}

/**
 * Where the Docker engine is: the one place an endpoint is resolved (DOCKER_HOST, the
 * `docker.host` setting, or the default socket) and validated. No dockerode here.
 */
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { UserError } from '../../errors.js';
import type { EndpointChoice, TlsFiles } from './contexts.js';
import type { SshTarget } from './ssh-transport.js';

/** Where the engine is: DOCKER_HOST (unix://, tcp://, http(s)://) or the default socket. */
export interface DockerEndpoint {
  /** Human-readable, e.g. `unix:///var/run/docker.sock` or `tcp://127.0.0.1:2375`. */
  display: string;
  /** The socket file of a unix:// endpoint (to tell "not running" from "not responding"). */
  socketPath?: string;
  /** The Docker context it came from, when one did. */
  context?: string;
  /** An engine reached over SSH (`docker system dial-stdio` on the remote host). */
  ssh?: SshTarget;
  options: Docker.DockerOptions;
}

export const DEFAULT_ENDPOINT = 'unix:///var/run/docker.sock';

const FORMS =
  'unix:///path/to/docker.sock, tcp://HOST:PORT, http(s)://HOST:PORT or ssh://USER@HOST[:PORT]';

/**
 * Reads an endpoint as the Docker CLI writes it. `source` names where it came from, for the
 * message when it cannot be read (`DOCKER_HOST` or the `docker.host` setting).
 */
export function resolveEndpoint(
  dockerHost = process.env.DOCKER_HOST,
  source = 'DOCKER_HOST',
  /** TLS material (file paths) for a tcp:// engine: DOCKER_TLS_VERIFY, or a context's. */
  tls?: TlsFiles & { verify: boolean },
): DockerEndpoint {
  const host = dockerHost?.trim();
  if (!host) return unixEndpoint(DEFAULT_ENDPOINT, '/var/run/docker.sock');
  const invalid = (why: string) =>
    new UserError(`invalid ${source} ${JSON.stringify(host)}: ${why}`, `use ${FORMS}`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host)?.[1]?.toLowerCase();
  if (!scheme) throw invalid('no scheme (unix://, tcp://, http://, https://, ssh://)');
  if (scheme === 'unix' || scheme === 'npipe') {
    const path = host.slice(scheme.length + 3);
    if (!path) throw invalid('no socket path');
    if (/[\0\r\n]/.test(path)) throw invalid('the socket path holds control characters');
    return unixEndpoint(host, path);
  }
  if (scheme === 'ssh') return sshEndpoint(host, invalid);
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
  const secure = url.protocol === 'https:' || tls?.verify === true;
  const protocol = secure ? 'https' : 'http';
  return {
    display: host,
    options: {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : protocol === 'https' ? 2376 : 2375,
      protocol,
      ...(secure && tls ? tlsOptions(tls, source) : {}),
    },
  };
}

/** The CA, certificate and key, read now: a missing file is said at once, not at the first call. */
function tlsOptions(
  tls: TlsFiles,
  source: string,
): Pick<Docker.DockerOptions, 'ca' | 'cert' | 'key'> {
  const read = (what: string, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new UserError(
        `cannot read the TLS ${what} for ${source} (${path}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        'DOCKER_CERT_PATH (or the context) must hold ca.pem, cert.pem and key.pem',
      );
    }
  };
  const ca = read('CA', tls.ca);
  const cert = read('certificate', tls.cert);
  const key = read('key', tls.key);
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** The endpoint of a choice made by chooseEndpoint (contexts.ts). */
export function endpointOf(choice: EndpointChoice): DockerEndpoint {
  const e = resolveEndpoint(choice.host ?? '', choice.source, choice.tls);
  return choice.context
    ? { ...e, context: choice.context, display: `${e.display} (context ${choice.context})` }
    : e;
}

/** `ssh://[user@]host[:port]`, as the docker CLI takes it (no path, no password). */
function sshEndpoint(host: string, invalid: (why: string) => UserError): DockerEndpoint {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw invalid('not a URL');
  }
  if (!url.hostname) throw invalid('no host name');
  if (url.password) throw invalid('a password in the address is not supported (use a key)');
  if (url.pathname && url.pathname !== '/') throw invalid('an ssh:// address takes no path');
  const username = decodeURIComponent(url.username) || process.env.USER || 'root';
  const ssh = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 22,
    username,
    userGiven: url.username !== '',
    portGiven: url.port !== '',
  };
  // The HTTP side talks to whatever the channel relays to; the host name is only a label.
  return { display: host, ssh, options: { protocol: 'http', host: 'docker', port: 80 } };
}

function unixEndpoint(display: string, socketPath: string): DockerEndpoint {
  return { display, socketPath, options: { socketPath } };
}

/**
 * `/proc` is this machine's: it can only describe an engine reached over a local socket (and even
 * then each container is checked by its cgroup, see host-processes.ts).
 */
export function engineIsLocal(endpoint: DockerEndpoint): boolean {
  return process.platform === 'linux' && endpoint.socketPath !== undefined;
}

/** The read port's methods that exist only for an engine on this machine (read.ts). */
export const LOCAL_ONLY_METHODS = [
  'hostProcesses',
  'daemonProcess',
  'statPaths',
  'hostAccounts',
  'auditRules',
] as const;

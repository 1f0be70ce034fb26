import Docker from 'dockerode';
import { DockerError } from '../../errors.js';
import { resolveEndpoint, type DockerEndpoint } from './endpoint.js';

export { resolveEndpoint, type DockerEndpoint } from './endpoint.js';

export function createDockerClient(endpoint: DockerEndpoint = resolveEndpoint()): Docker {
  // Short timeouts would break log streaming; connection failures surface fast anyway.
  return new Docker(endpoint.options);
}

interface DockerodeLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
  reason?: string;
}

/**
 * Turns a dockerode/HTTP/socket error into a DockerError with a kind callers branch on.
 * `what` names the call, e.g. `inspect container web`.
 */
export function classifyDockerError(err: unknown, what: string, endpoint?: string): DockerError {
  if (err instanceof DockerError) return err;
  const e = (err ?? {}) as DockerodeLikeError;
  const serverMessage = (e.json && typeof e.json === 'object' && e.json.message) || e.reason || '';
  const code = e.code ?? '';
  if (
    [
      'ECONNREFUSED',
      'ENOENT',
      'EACCES',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'EHOSTUNREACH',
    ].includes(code)
  ) {
    const kind = code === 'EACCES' ? 'permission' : 'daemon-unreachable';
    return new DockerError(
      kind === 'permission'
        ? `permission denied talking to the Docker engine at ${endpoint ?? 'its socket'} (${what})`
        : `the Docker engine is not reachable at ${endpoint ?? 'its socket'} (${code}) while trying to ${what}`,
      kind,
      {
        target: what,
        hint: 'start the engine (dockerd) or point DOCKER_HOST at it; `warden doctor` checks the connection',
      },
    );
  }
  const status = e.statusCode;
  const detail = String(serverMessage || e.message || err).trim();
  if (status === 404)
    return new DockerError(`${what}: ${detail || 'not found'}`, 'not-found', {
      target: what,
      code: 404,
    });
  if (status === 409) {
    const notRunning = /not running|is paused|is not paused|is restarting/i.test(detail);
    return new DockerError(`${what}: ${detail}`, notRunning ? 'not-running' : 'conflict', {
      target: what,
      code: 409,
    });
  }
  if (status === 403 || status === 401) {
    return new DockerError(`${what}: ${detail}`, 'permission', { target: what, code: status });
  }
  return new DockerError(`${what}: ${detail || 'unknown error'}`, 'unknown', {
    target: what,
    code: status ?? code ?? 'unknown',
  });
}

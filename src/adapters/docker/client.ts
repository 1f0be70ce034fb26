import Docker from 'dockerode';
import { DockerError, UserError } from '../../errors.js';
import { resolveEndpoint, type DockerEndpoint } from './endpoint.js';
import { EngineSilentError, guardModem, NotDockerError } from './guarded-modem.js';
import { sshAgent, SshEndpointError } from './ssh-transport.js';
import { DEFAULT_TIMEOUTS, seconds, type EngineTimeouts } from './timeouts.js';

export { resolveEndpoint, type DockerEndpoint } from './endpoint.js';

/** A dockerode client whose every call is bounded in time and never redirected (guarded-modem). */
export function createDockerClient(
  endpoint: DockerEndpoint = resolveEndpoint(),
  timeouts: EngineTimeouts = DEFAULT_TIMEOUTS,
): Docker {
  const options = endpoint.ssh
    ? { ...endpoint.options, agent: sshAgent(endpoint.ssh) }
    : endpoint.options;
  return guardModem(new Docker(options), timeouts);
}

interface DockerodeLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
  reason?: string;
}

const START_HINT =
  'start the engine (dockerd) or point DOCKER_HOST at it; `warden doctor` checks the connection';
const UNREACHABLE = ['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'];
const HUNG_UP = ['ECONNRESET', 'EPIPE'];

/** The engine could not be used at all: not running, not answering, or not an engine. */
function unreachable(
  err: unknown,
  code: string,
  what: string,
  at: string,
  socketPath: string | undefined,
): DockerError | undefined {
  const fail = (message: string, hint = START_HINT) =>
    new DockerError(`${message} while trying to ${what}`, 'daemon-unreachable', {
      target: what,
      code: code || 'daemon-unreachable',
      hint,
    });
  if (err instanceof EngineSilentError)
    return fail(
      `the Docker engine at ${at} is not responding (${err.phase === 'stream' ? `silent for ${seconds(err.ms)} in the middle of a stream` : `no answer within ${seconds(err.ms)}`})`,
      'the engine may be hung or overloaded; WARDEN_ENGINE_TIMEOUT=SECONDS (or `warden config set engine.timeout`) waits longer',
    );
  if (err instanceof NotDockerError || code.startsWith('HPE_'))
    return fail(
      `the server at ${at} is not a Docker engine (${err instanceof NotDockerError ? err.message : 'it does not answer in HTTP'})`,
      'point DOCKER_HOST (or `warden config set docker.host`) at a Docker engine',
    );
  if (code === 'ENOENT')
    return fail(`the Docker engine at ${at} is not running (no socket at ${socketPath ?? at})`);
  if (code === 'ECONNREFUSED')
    return fail(
      `the Docker engine at ${at} is not running (${socketPath ? `nothing is listening on ${socketPath}` : 'connection refused'})`,
    );
  if (HUNG_UP.includes(code))
    return fail(`the Docker engine at ${at} closed the connection (${code})`);
  if (UNREACHABLE.includes(code))
    return fail(`the Docker engine at ${at} cannot be reached (${code})`);
  return undefined;
}

/**
 * Turns a dockerode/HTTP/socket error into a DockerError with a kind callers branch on.
 * `what` names the call, e.g. `inspect container web`.
 */
export function classifyDockerError(
  err: unknown,
  what: string,
  endpoint?: string | DockerEndpoint,
): DockerError {
  if (err instanceof DockerError) return err;
  // SSH: the host key, the keys offered, or the remote `docker` said no; already one line.
  if (err instanceof SshEndpointError)
    return new DockerError(`${err.message} (while trying to ${what})`, 'daemon-unreachable', {
      target: what,
      hint: err.hint,
    });
  const at = (typeof endpoint === 'string' ? endpoint : endpoint?.display) ?? 'its socket';
  const socketPath = typeof endpoint === 'object' ? endpoint.socketPath : undefined;
  const e = (err ?? {}) as DockerodeLikeError;
  const serverMessage = (e.json && typeof e.json === 'object' && e.json.message) || e.reason || '';
  const code = e.code ?? '';
  if (code === 'EACCES')
    return new DockerError(
      `permission denied talking to the Docker engine at ${at} (${what})`,
      'permission',
      { target: what, hint: START_HINT },
    );
  const down = unreachable(err, code, what, at, socketPath);
  if (down) return down;
  // TLS: the engine refused our certificate, or we refused its (wrong CA, wrong name, expired).
  const tlsProblem =
    err instanceof Error &&
    /alert bad certificate|alert unknown ca|alert certificate|self[- ]signed|unable to (get|verify)|certificate (has expired|is not yet valid)|Hostname\/IP does not match|wrong version number|DEPTH_ZERO|UNABLE_TO_VERIFY|CERT_/i.test(
      `${code} ${err.message}`,
    );
  if (tlsProblem) {
    // OpenSSL's message carries its source file and line: the alert or the reason is what counts.
    const reason =
      /alert ([a-z ]+?)(?::|$)/i.exec(err.message)?.[1]?.trim() ??
      err.message.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '').trim();
    return new DockerError(
      `the TLS handshake with the Docker engine at ${at} failed (${reason}) while trying to ${what}`,
      'permission',
      {
        target: what,
        hint: "the client certificate must be signed by the engine's CA, and ca.pem must be the CA that signed the engine's (DOCKER_CERT_PATH, or the context's TLS)",
      },
    );
  }
  if (err instanceof Error && /^Max redirects exceeded/.test(err.message))
    return new DockerError(
      `${what}: the engine at ${at} answered with a redirect, which Warden never follows`,
      'unknown',
      { target: what, code: 'redirect' },
    );
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

/**
 * Runs one engine call, classifying what it throws. A UserError (a name refused before any
 * request, see names.ts) passes through as it is.
 */
export function engineCalls(endpoint: DockerEndpoint) {
  const fail = (err: unknown, what: string) => classifyDockerError(err, what, endpoint);
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw fail(err, what);
    }
  };
  return { fail, call };
}

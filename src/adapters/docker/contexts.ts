/**
 * The engine the docker CLI would talk to: `--context`, DOCKER_HOST (with DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH), DOCKER_CONTEXT, Warden's own `docker.host` setting, the current context of
 * the docker CLI's config.json, then the default socket, in that order. Contexts are read from the
 * CLI's store: `<DOCKER_CONFIG>/contexts/meta/<sha256(name)>/meta.json`, and their TLS material
 * from `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError, errorMessage } from '../../errors.js';

export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface DockerContext {
  name: string;
  description?: string;
  host: string;
  skipTLSVerify: boolean;
  /** The context's TLS material, when it has any. */
  tls?: TlsFiles;
}

export interface EndpointChoice {
  /** Undefined: the default socket. */
  host?: string;
  /** What chose it, for messages: `--context lab`, `DOCKER_HOST`, `the docker.host setting`… */
  source: string;
  context?: string;
  tls?: TlsFiles & { verify: boolean };
}

/** The docker CLI's configuration directory: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG?.trim() || join(env.HOME?.trim() || homedir(), '.docker');
}

const digest = (name: string) => createHash('sha256').update(name).digest('hex');

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${errorMessage(err)}`);
  }
}

function tlsOf(configDir: string, name: string): TlsFiles | undefined {
  const dir = join(configDir, 'contexts', 'tls', digest(name), 'docker');
  const file = (f: string) => (existsSync(join(dir, f)) ? join(dir, f) : undefined);
  const tls = { ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') };
  return tls.ca || tls.cert || tls.key
    ? (Object.fromEntries(Object.entries(tls).filter(([, v]) => v)) as TlsFiles)
    : undefined;
}

function contextFrom(configDir: string, meta: unknown): DockerContext | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const m = meta as {
    Name?: unknown;
    Metadata?: { Description?: unknown };
    Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
  };
  if (typeof m.Name !== 'string') return undefined;
  const host = m.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || !host) return undefined;
  const tls = tlsOf(configDir, m.Name);
  return {
    name: m.Name,
    ...(typeof m.Metadata?.Description === 'string' && m.Metadata.Description
      ? { description: m.Metadata.Description }
      : {}),
    host,
    skipTLSVerify: m.Endpoints?.docker?.SkipTLSVerify === true,
    ...(tls ? { tls } : {}),
  };
}

/** Every context in the store (not `default`, which is DOCKER_HOST or the default socket). */
export function listContexts(configDir: string): DockerContext[] {
  const dir = join(configDir, 'contexts', 'meta');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((d) => {
      const path = join(dir, d, 'meta.json');
      if (!existsSync(path)) return [];
      const c = contextFrom(configDir, readJson(path));
      return c ? [c] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readContext(configDir: string, name: string): DockerContext {
  const path = join(configDir, 'contexts', 'meta', digest(name), 'meta.json');
  if (!existsSync(path))
    throw new UserError(
      `no Docker context named ${JSON.stringify(name)} in ${configDir}`,
      '`docker context ls` lists them; `warden doctor` too',
    );
  const c = contextFrom(configDir, readJson(path));
  if (!c) throw new UserError(`the Docker context ${name} has no docker endpoint (${path})`);
  return c;
}

/** The docker CLI's current context (config.json `currentContext`), if any. */
export function currentContext(configDir: string): string | undefined {
  const path = join(configDir, 'config.json');
  if (!existsSync(path)) return undefined;
  const c = (readJson(path) as { currentContext?: unknown }).currentContext;
  return typeof c === 'string' && c.trim() ? c.trim() : undefined;
}

function fromContext(configDir: string, name: string, source: string): EndpointChoice {
  if (name === 'default') return { source };
  const c = readContext(configDir, name);
  if (c.skipTLSVerify)
    throw new UserError(
      `the Docker context ${name} skips TLS verification, which Warden does not do`,
      `give the context its CA: docker context update ${name} --docker "host=${c.host},ca=…,cert=…,key=…"`,
    );
  return {
    host: c.host,
    source,
    context: c.name,
    ...(c.tls ? { tls: { ...c.tls, verify: true } } : {}),
  };
}

export interface ChooseOptions {
  /** `--context NAME`. */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  /** Warden's `docker.host` setting. */
  setting?: string;
}

/** Which engine, by the docker CLI's precedence (Warden's own setting before the CLI's current context). */
export function chooseEndpoint(o: ChooseOptions = {}): EndpointChoice {
  const env = o.env ?? process.env;
  const configDir = dockerConfigDir(env);
  const flag = o.flag?.trim();
  // The flag before the environment, as the docker CLI reads them (`DOCKER_HOST=… docker
  // --context lab` talks to lab).
  if (flag && flag !== 'default') return fromContext(configDir, flag, `--context ${flag}`);
  const host = env.DOCKER_HOST?.trim();
  if (host) {
    const verify = !!env.DOCKER_TLS_VERIFY?.trim() && env.DOCKER_TLS_VERIFY !== '0';
    const certs = env.DOCKER_CERT_PATH?.trim() || configDir;
    return {
      host,
      source: 'DOCKER_HOST',
      ...(verify
        ? {
            tls: {
              verify: true,
              ca: join(certs, 'ca.pem'),
              cert: join(certs, 'cert.pem'),
              key: join(certs, 'key.pem'),
            },
          }
        : {}),
    };
  }
  const envContext = env.DOCKER_CONTEXT?.trim();
  if (envContext) return fromContext(configDir, envContext, `DOCKER_CONTEXT ${envContext}`);
  if (o.setting?.trim()) return { host: o.setting.trim(), source: 'docker.host setting' };
  const current = currentContext(configDir);
  if (current && current !== 'default')
    return fromContext(configDir, current, `the docker CLI's current context ${current}`);
  return { source: 'default socket' };
}

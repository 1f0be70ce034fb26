/** Compose services as ContainerModels. Pure; `env_file` is read through the injected readFile. */
import { posix } from 'node:path';
import type { ContainerModel, MountModel, PortModel } from './model.js';
import { serviceEnvironment } from './compose-environment.js';
import {
  loadCompose,
  located,
  type LoadOptions,
  type LoadedCompose,
  type LoadedService,
  type Loc,
} from './compose-load.js';
import { isRecord, str, strList, truthy } from './values.js';
import { ports } from './compose-ports.js';
import { mounts } from './compose-mounts.js';

export { parseShortPort } from './compose-ports.js';
export { shellWords } from './shell-words.js';
import { argv } from './shell-words.js';
import { includeEntries } from './compose-include.js';
import { UserError, errorMessage } from '../errors.js';

/** `512m`, `1g`, `1gb`, `1048576` → bytes. */
export function parseBytes(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(String(v ?? ''));
  if (!m) return undefined;
  const mult: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.round(Number(m[1]) * (mult[(m[2] ?? '').toLowerCase()] ?? 1));
}

const num = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

function restart(raw: Record<string, unknown>): ContainerModel['restart'] {
  const deploy = isRecord(raw.deploy) ? raw.deploy : {};
  const policy = isRecord(deploy.restart_policy) ? deploy.restart_policy : undefined;
  if (raw.restart !== undefined) {
    const [name, count] = String(raw.restart).split(':');
    const n = num(count);
    return { name: name || 'no', ...(n !== undefined ? { maxRetries: n } : {}) };
  }
  if (policy) {
    const condition = str(policy.condition) ?? 'any';
    const max = num(policy.max_attempts);
    if (condition === 'none') return { name: 'no' };
    if (condition === 'any' && max === undefined) return { name: 'always' };
    return { name: 'on-failure', ...(max !== undefined ? { maxRetries: max } : {}) };
  }
  return { name: 'no' };
}

export async function serviceModel(
  c: LoadedCompose,
  s: LoadedService,
  opts: LoadOptions,
): Promise<ContainerModel> {
  const r = s.raw;
  const deploy = isRecord(r.deploy) ? r.deploy : {};
  const resources = isRecord(deploy.resources) ? deploy.resources : {};
  const limits = isRecord(resources.limits) ? resources.limits : {};
  const health = isRecord(r.healthcheck) ? r.healthcheck : undefined;
  const test = health?.test;
  const networks = Array.isArray(r.networks)
    ? r.networks.map(String)
    : isRecord(r.networks)
      ? Object.keys(r.networks)
      : ['default'];
  const cpuQuota = num(r.cpu_quota);
  const cpuLimit =
    num(r.cpus) ??
    num(limits.cpus) ??
    (cpuQuota ? cpuQuota / (num(r.cpu_period) ?? 100_000) : undefined);
  const pullPolicy = str(r.pull_policy)?.toLowerCase();
  const command = [...argv(r.entrypoint), ...argv(r.command)];
  const lines: Record<string, number> = {};
  const lineFiles: Record<string, string> = {};
  for (const [k, loc] of Object.entries(s.lines.keys)) {
    lines[k] = loc.line;
    if (loc.file !== c.file) lineFiles[k] = loc.file;
  }
  const model: ContainerModel = {
    source: 'compose',
    name: s.name,
    file: c.file,
    service: s.name,
    project: c.project,
    composeService: s.name,
    privileged: truthy(r.privileged),
    user: str(r.user) ?? '',
    readOnlyRootfs: truthy(r.read_only),
    networkMode: str(r.network_mode) ?? '',
    networks,
    pidMode: str(r.pid) ?? '',
    ipcMode: str(r.ipc) ?? '',
    utsMode: str(r.uts) ?? '',
    usernsMode: str(r.userns_mode) ?? '',
    cgroupnsMode: str(r.cgroup) ?? '',
    cgroupParent: str(r.cgroup_parent) ?? '',
    capAdd: strList(r.cap_add),
    capDrop: strList(r.cap_drop),
    securityOpt: strList(r.security_opt),
    memoryLimit: parseBytes(r.mem_limit ?? limits.memory) ?? 0,
    cpuLimit: cpuLimit ?? (r.cpuset ? String(r.cpuset).split(',').length : 0),
    pidsLimit: num(r.pids_limit ?? limits.pids) ?? 0,
    restart: restart(r),
    ports: ports(c, s),
    mounts: mounts(c, s),
    devices: strList(
      (Array.isArray(r.devices) ? r.devices : []).map((d: unknown) =>
        isRecord(d) ? `${str(d.source) ?? '?'}:${str(d.target) ?? '?'}` : d,
      ),
    ),
    env: await serviceEnvironment(c, s, opts),
    lines,
    ...(Object.keys(lineFiles).length ? { lineFiles } : {}),
    ...(command.length ? { command } : {}),
    localImage:
      (r.build !== undefined && pullPolicy !== 'always') ||
      pullPolicy === 'never' ||
      pullPolicy === 'build',
  };
  if (s.lines.line?.file === c.file) model.line = s.lines.line.line;
  if (typeof r.image === 'string') model.image = r.image;
  if (isRecord(r.logging)) {
    const options: Record<string, string> = {};
    if (isRecord(r.logging.options))
      for (const [k, v] of Object.entries(r.logging.options))
        if (v !== null && v !== undefined) options[k] = String(v);
    // A `logging` without `driver` keeps the daemon's driver; its options still apply to it.
    model.logging = { driver: str(r.logging.driver) ?? '', options };
  }
  if (health) {
    model.healthcheck = {
      test: Array.isArray(test)
        ? test.map(String)
        : test !== undefined
          ? ['CMD-SHELL', String(test)]
          : [],
      disabled: truthy(health.disable),
    };
  }
  return model;
}

/** A network as the network checks see it: a compose file's, or an engine's. */
export interface NetworkModel {
  /** The name services attach by: the compose key, or the engine's network name. */
  name: string;
  internal: boolean;
  /** Compose `external: true`: made elsewhere, not this file's to change. */
  external?: boolean;
  driver?: string;
  /** Compose: the line of its key under the top-level `networks:`. */
  line?: number;
}

export interface ComposeAudit {
  file: string;
  project: string;
  services: ContainerModel[];
  /** The networks its services attach to: those declared, and `default` when one uses it. */
  networks: NetworkModel[];
  /** Required variables (`${VAR:?}`) the files need and the environment does not set. */
  unset: string[];
}

/**
 * Loads and normalizes a compose file's services, with those of the files it includes (each
 * located in its own file, read from its own directory and `.env`, in this file's project).
 */
export async function composeModels(text: string, opts: LoadOptions): Promise<ComposeAudit> {
  const loaded = await loadCompose(text, opts);
  const services: ContainerModel[] = [];
  for (const s of loaded.services) services.push(await serviceModel(loaded, s, opts));
  const unset = [...loaded.unset];
  const chain = [...(opts.including ?? []), loaded.file];
  const includedNetworks: NetworkModel[] = [];
  for (const inc of includeEntries(loaded.include, loaded.file)) {
    const [path, ...overrides] = inc.paths;
    if (path === undefined) continue;
    if (overrides.length)
      throw new UserError(
        `${loaded.file}: include of ${path} with override files is not supported yet; audit the merged file (docker compose config)`,
      );
    if (chain.includes(path))
      throw new UserError(`${loaded.file}: include cycle: ${[...chain, path].join(' → ')}`);
    let included: string;
    try {
      included = await opts.readFile(path);
    } catch (err) {
      throw new UserError(
        `cannot read ${path} (included from ${loaded.file}): ${errorMessage(err)}`,
      );
    }
    const sub = await composeModels(included, {
      file: path,
      readFile: opts.readFile,
      ...(opts.env ? { env: opts.env } : {}),
      ...(inc.projectDir ? { projectDir: inc.projectDir } : {}),
      ...(inc.envFiles ? { envFiles: inc.envFiles } : {}),
      including: chain,
    });
    for (const m of sub.services) {
      const clash = services.find((s) => s.service === m.service);
      if (clash)
        throw new UserError(
          `service ${m.service ?? m.name} is defined in ${clash.file ?? loaded.file} and in ${m.file ?? path} (included)`,
        );
      services.push({ ...m, project: loaded.project });
    }
    for (const name of sub.unset) if (!unset.includes(name)) unset.push(name);
    for (const n of sub.networks)
      if (!includedNetworks.some((x) => x.name === n.name)) includedNetworks.push(n);
  }
  const declared: NetworkModel[] = Object.entries(loaded.networks).map(([name, n]) => ({
    name,
    internal: truthy(n.internal),
    ...(truthy(n.external) ? { external: true } : {}),
    ...(typeof n.driver === 'string' ? { driver: n.driver } : {}),
    ...(loaded.networkLines[name] !== undefined ? { line: loaded.networkLines[name] } : {}),
  }));
  const networks = [
    ...declared,
    ...includedNetworks.filter((n) => !declared.some((d) => d.name === n.name)),
  ];
  if (
    !networks.some((n) => n.name === 'default') &&
    services.some((m) => m.networks?.includes('default'))
  )
    networks.push({ name: 'default', internal: false });
  return { file: loaded.file, project: loaded.project, services, unset, networks };
}

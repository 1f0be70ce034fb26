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
import { isRecord, str } from './values.js';

const strList = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);

const truthy = (v: unknown): boolean => v === true || v === 'true' || v === 'yes';

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

function itemLoc(s: LoadedService, key: string, item: unknown): Loc | undefined {
  return s.lines.items[key]?.get(JSON.stringify(item)) ?? s.lines.keys[key];
}

/** `[IP:][HOST:]CONTAINER[/proto]`, with `[::1]:8080:80` or `::1:8080:80` for IPv6. */
export function parseShortPort(spec: string): PortModel {
  let rest = spec.trim();
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  let hostPort: string | undefined;
  let containerPort: string;
  if (parts.length === 1) containerPort = parts[0] ?? '';
  else if (parts.length === 2) {
    hostPort = parts[0];
    containerPort = parts[1] ?? '';
  } else {
    containerPort = parts.at(-1) ?? '';
    hostPort = parts.at(-2);
    hostIp = parts.slice(0, -2).join(':');
  }
  return {
    containerPort: `${containerPort}/${proto}`,
    hostIp: hostIp ?? '',
    ...(hostPort ? { hostPort } : {}),
  };
}

function ports(c: LoadedCompose, s: LoadedService): PortModel[] {
  const out: PortModel[] = [];
  for (const p of Array.isArray(s.raw.ports) ? s.raw.ports : []) {
    const loc = located(c, itemLoc(s, 'ports', p));
    let port: PortModel;
    if (isRecord(p)) {
      port = {
        containerPort: `${str(p.target) ?? ''}/${str(p.protocol) ?? 'tcp'}`,
        hostIp: str(p.host_ip) ?? '',
        ...(p.published !== undefined ? { hostPort: String(p.published) } : {}),
      };
    } else port = parseShortPort(String(p));
    out.push({ ...port, ...loc });
  }
  return out;
}

function hostPath(source: string, dir: string): string {
  if (source.startsWith('/') || source.startsWith('~')) return posix.normalize(source);
  return posix.resolve(dir, source);
}

const looksLikePath = (s: string) => /^(\/|\.|~)/.test(s);

const PROPAGATIONS = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];

/** A named volume whose local driver binds a host directory: its device. */
function volumeDevice(c: LoadedCompose, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = c.volumes[name];
  const o = v && isRecord(v.driver_opts) ? v.driver_opts : undefined;
  if (!o || typeof o.device !== 'string') return undefined;
  const opts = String(o.o ?? '').split(',');
  if (!opts.includes('bind') && !opts.includes('rbind')) return undefined;
  return hostPath(o.device, c.dir);
}

function mounts(c: LoadedCompose, s: LoadedService): MountModel[] {
  const out: MountModel[] = [];
  const dir = c.dir;
  for (const v of Array.isArray(s.raw.volumes) ? s.raw.volumes : []) {
    const loc = located(c, itemLoc(s, 'volumes', v));
    let m: MountModel;
    if (isRecord(v)) {
      const type = str(v.type) ?? 'volume';
      const source = str(v.source);
      const tmpfs = isRecord(v.tmpfs) ? v.tmpfs : {};
      const bind = isRecord(v.bind) ? v.bind : {};
      const device = type === 'volume' ? volumeDevice(c, source) : undefined;
      m = {
        type:
          type === 'bind' || type === 'volume' || type === 'tmpfs' || type === 'npipe'
            ? type
            : 'other',
        ...(source ? { source: type === 'bind' ? hostPath(source, dir) : source } : {}),
        target: str(v.target) ?? '',
        readOnly: truthy(v.read_only),
        ...(typeof bind.propagation === 'string' ? { propagation: bind.propagation } : {}),
        ...(device ? { device } : {}),
        // The mount API takes size/mode only: the engine's defaults (noexec,nosuid) apply.
        ...(type === 'tmpfs' && tmpfs.size !== undefined
          ? { options: `size=${String(tmpfs.size)}` }
          : {}),
      };
    } else {
      const parts = String(v).split(':');
      if (parts.length === 1) m = { type: 'volume', target: parts[0] ?? '', readOnly: false };
      else {
        const source = parts[0] ?? '';
        const mode = parts.slice(2).join(':').split(',');
        const bind = looksLikePath(source);
        const propagation = mode.find((x) => PROPAGATIONS.includes(x));
        const device = bind ? undefined : volumeDevice(c, source);
        m = {
          type: bind ? 'bind' : 'volume',
          source: bind ? hostPath(source, dir) : source,
          target: parts[1] ?? '',
          readOnly: mode.includes('ro'),
          ...(propagation ? { propagation } : {}),
          ...(device ? { device } : {}),
        };
      }
    }
    out.push({ ...m, ...loc });
  }
  for (const t of strList(s.raw.tmpfs)) {
    const i = t.indexOf(':');
    const target = i < 0 ? t : t.slice(0, i);
    const options = i < 0 ? '' : t.slice(i + 1);
    out.push({
      type: 'tmpfs',
      target,
      readOnly: false,
      options,
      ...located(c, itemLoc(s, 'tmpfs', t)),
    });
  }
  return out;
}

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

/**
 * `command`/`entrypoint` as argv: lists as given; strings split the way compose splits them
 * (shell words: quotes and backslashes, no expansion).
 */
function argv(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return shellWords(v);
  return [];
}

export function shellWords(text: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i] as string;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < text.length) word = (word ?? '') + (text[++i] as string);
    else if (/\s/.test(ch)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (word !== undefined) out.push(word);
  return out;
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

export interface ComposeAudit {
  file: string;
  project: string;
  services: ContainerModel[];
}

/** Loads and normalizes a compose file's services. */
export async function composeModels(text: string, opts: LoadOptions): Promise<ComposeAudit> {
  const loaded = await loadCompose(text, opts);
  const services: ContainerModel[] = [];
  for (const s of loaded.services) services.push(await serviceModel(loaded, s, opts));
  return { file: loaded.file, project: loaded.project, services };
}

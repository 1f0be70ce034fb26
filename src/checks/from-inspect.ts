/** A live container (inspect + top) as a ContainerModel. Pure. */
import type {
  ContainerInspect,
  ContainerTop,
  ImageInspect,
  PortBindingJson,
  VolumeOptions,
} from '../engine/docker-read-port.js';
import type { ContainerModel, MountModel, PortModel, ProcessModel } from './model.js';
import { splitEnv } from './mask.js';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
export const COMPOSE_FILES_LABEL = 'com.docker.compose.project.config_files';

/** What a local volume's driver options bind (`-o type=none -o o=bind -o device=/etc`). */
function boundDevice(v: VolumeOptions | undefined): string | undefined {
  const o = v?.Options ?? {};
  if (typeof o.device !== 'string') return undefined;
  const opts = String(o.o ?? '').split(',');
  return opts.includes('bind') || opts.includes('rbind') ? o.device : undefined;
}

function mounts(c: ContainerInspect, volumes: Record<string, VolumeOptions>): MountModel[] {
  const out: MountModel[] = [];
  for (const m of c.Mounts ?? []) {
    const type =
      m.Type === 'bind' || m.Type === 'volume' || m.Type === 'tmpfs' || m.Type === 'npipe'
        ? m.Type
        : 'other';
    const device = type === 'volume' && m.Name ? boundDevice(volumes[m.Name]) : undefined;
    out.push({
      type,
      ...(type === 'volume'
        ? { source: m.Name ?? m.Source }
        : m.Source
          ? { source: m.Source }
          : {}),
      target: m.Destination ?? '',
      readOnly: m.RW === false,
      ...(m.Propagation ? { propagation: m.Propagation } : {}),
      ...(device ? { device } : {}),
    });
  }
  // `--tmpfs` entries (HostConfig.Tmpfs) are not listed in Mounts.
  for (const [target, options] of Object.entries(c.HostConfig?.Tmpfs ?? {})) {
    if (!out.some((m) => m.type === 'tmpfs' && m.target === target))
      out.push({ type: 'tmpfs', target, readOnly: /(^|,)ro(,|$)/.test(options), options });
  }
  return out;
}

const bindingsOf = (map: Record<string, PortBindingJson[] | null> | null | undefined) =>
  Object.entries(map ?? {}).flatMap(([containerPort, bindings]) =>
    (bindings ?? []).map((b): PortModel => ({
      containerPort,
      hostIp: b.HostIp ?? '',
      ...(b.HostPort ? { hostPort: b.HostPort } : {}),
    })),
  );

/**
 * Published ports. A running container's actual bindings (`NetworkSettings.Ports`) are the truth;
 * otherwise the configured ones (`HostConfig.PortBindings`), plus, with `-P` (`PublishAllPorts`),
 * every exposed port on all interfaces (the engine picks the host port when it starts).
 */
function ports(c: ContainerInspect): PortModel[] {
  const actual = c.NetworkSettings?.Ports;
  if (c.State?.Running === true && actual) return bindingsOf(actual);
  const out = bindingsOf(c.HostConfig?.PortBindings);
  // The engine ignores -P on the host network (the host-network check reports that one).
  if (c.HostConfig?.PublishAllPorts === true && c.HostConfig.NetworkMode !== 'host') {
    const exposed = new Set([
      ...Object.keys(c.Config?.ExposedPorts ?? {}),
      ...Object.keys(c.NetworkSettings?.Ports ?? {}),
    ]);
    for (const containerPort of exposed)
      if (!out.some((p) => p.containerPort === containerPort))
        out.push({ containerPort, hostIp: '' });
  }
  return out;
}

function cpuLimit(c: ContainerInspect): number | undefined {
  const h = c.HostConfig ?? {};
  if (h.NanoCpus && h.NanoCpus > 0) return h.NanoCpus / 1e9;
  if (h.CpuQuota && h.CpuQuota > 0) return h.CpuQuota / (h.CpuPeriod || 100_000);
  if (h.CpusetCpus) return h.CpusetCpus.split(',').length;
  return undefined;
}

/** Parses `top` rows by their titles (PID, USER/UID, COMMAND/CMD). */
export function processesFromTop(top: ContainerTop): ProcessModel[] {
  const titles = (top.Titles ?? []).map((t) => t.toUpperCase());
  const idx = (...names: string[]) => titles.findIndex((t) => names.includes(t));
  const pid = idx('PID');
  const user = idx('USER', 'UID');
  // `-o comm,args` yields two COMMAND columns: the first is comm, the last the command line.
  const firstCmd = idx('COMMAND', 'CMD', 'COMM');
  const lastCmd =
    titles.length -
    1 -
    [...titles].reverse().findIndex((t) => ['COMMAND', 'CMD', 'ARGS'].includes(t));
  return (top.Processes ?? []).map((row) => {
    const args =
      lastCmd >= 0 && lastCmd < titles.length ? (row[lastCmd] ?? '') : (row.at(-1) ?? '');
    const comm = firstCmd >= 0 && firstCmd !== lastCmd ? row[firstCmd] : undefined;
    return {
      args,
      ...(pid >= 0 && row[pid] !== undefined ? { pid: row[pid] } : {}),
      ...(user >= 0 && row[user] !== undefined ? { user: row[user] } : {}),
      ...(comm !== undefined ? { comm } : {}),
    };
  });
}

/** What else the engine says about a container's image and volumes, when it was asked. */
export interface InspectExtras {
  image?: ImageInspect;
  volumes?: Record<string, VolumeOptions>;
}

export function modelFromInspect(
  c: ContainerInspect,
  top?: ContainerTop,
  extras: InspectExtras = {},
): ContainerModel {
  const h = c.HostConfig ?? {};
  const cfg = c.Config ?? {};
  const labels = cfg.Labels ?? {};
  const name = (c.Name ?? '').replace(/^\//, '') || c.Id.slice(0, 12);
  const health = cfg.Healthcheck?.Test ?? undefined;
  const restart = h.RestartPolicy?.Name;
  const project = labels[COMPOSE_PROJECT_LABEL];
  const service = labels[COMPOSE_SERVICE_LABEL];
  const model: ContainerModel = {
    source: 'live',
    name,
    id: c.Id,
    image: cfg.Image ?? c.Image,
    state: c.State?.Status,
    running: c.State?.Running === true && c.State?.Status !== 'restarting',
    privileged: h.Privileged === true,
    user: cfg.User ?? '',
    readOnlyRootfs: h.ReadonlyRootfs === true,
    networkMode: h.NetworkMode ?? 'default',
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    pidMode: h.PidMode ?? '',
    cgroupnsMode: h.CgroupnsMode ?? '',
    cgroupParent: h.CgroupParent ?? '',
    ipcMode: h.IpcMode ?? '',
    utsMode: h.UTSMode ?? '',
    usernsMode: h.UsernsMode ?? '',
    capAdd: h.CapAdd ?? [],
    capDrop: h.CapDrop ?? [],
    securityOpt: h.SecurityOpt ?? [],
    memoryLimit: h.Memory ?? 0,
    pidsLimit: h.PidsLimit ?? 0,
    restart: {
      name: restart || 'no',
      ...(h.RestartPolicy?.MaximumRetryCount !== undefined
        ? { maxRetries: h.RestartPolicy.MaximumRetryCount }
        : {}),
    },
    ports: ports(c),
    mounts: mounts(c, extras.volumes ?? {}),
    devices: (h.Devices ?? []).map((d) => `${d.PathOnHost ?? '?'}:${d.PathInContainer ?? '?'}`),
    env: (cfg.Env ?? []).map(splitEnv),
  };
  const command = [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
  if (command.length) model.command = command;
  // Pulled images carry a registry digest; built, imported or loaded ones have none.
  if (extras.image) model.localImage = (extras.image.RepoDigests ?? []).length === 0;
  const cpus = cpuLimit(c);
  if (cpus !== undefined) model.cpuLimit = cpus;
  if (health) model.healthcheck = { test: health, disabled: health[0] === 'NONE' };
  if (c.AppArmorProfile !== undefined) model.appArmorProfile = c.AppArmorProfile;
  if (h.LogConfig?.Type)
    model.logging = { driver: h.LogConfig.Type, options: { ...(h.LogConfig.Config ?? {}) } };
  if (project) model.project = project;
  if (service) model.composeService = service;
  if (top) model.processes = processesFromTop(top);
  return model;
}

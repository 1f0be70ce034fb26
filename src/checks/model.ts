/**
 * One container model for both sources: a live container (inspect + top) and a compose service.
 * Every field is optional: `undefined` means "not known from this source", never "off".
 */

/** Where a compose setting is written: the file (when not the audited one) and the line. */
export interface Located {
  line?: number;
  /** The file holding the setting, when it is not the audited compose file (extends, env_file). */
  file?: string;
}

export interface PortModel extends Located {
  /** e.g. `5432/tcp`. */
  containerPort: string;
  /** Empty, `0.0.0.0` or `::` means all interfaces. */
  hostIp?: string;
  hostPort?: string;
}

export type MountType = 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'other';

export interface MountModel extends Located {
  type: MountType;
  /** Host path (bind) or volume name. */
  source?: string;
  target: string;
  readOnly: boolean;
  /** tmpfs options, e.g. `rw,noexec,nosuid,size=64m`. */
  options?: string;
  /** Bind propagation (`rprivate`, `shared`, `rshared`, ...), when set. */
  propagation?: string;
  /** A named volume whose driver options bind a host directory (`o: bind`, `device: /x`). */
  device?: string;
}

export interface EnvVarModel extends Located {
  name: string;
  /**
   * The value, held in memory only so checks can compare it. It is never copied into a finding:
   * evidence shows `NAME=***`.
   */
  value?: string;
  /**
   * Compose: where the value comes from: the `environment` entry, the shell or the project `.env`
   * (a bare name), or an `env_file`.
   */
  origin?: 'environment' | 'shell' | 'dotenv' | 'env_file';
}

export interface ProcessModel {
  pid?: string;
  user?: string;
  /** Executable name as the kernel knows it (`comm`). */
  comm?: string;
  /** Full command line. */
  args: string;
}

export interface RestartModel {
  name: string;
  maxRetries?: number;
}

export interface ContainerModel {
  source: 'live' | 'compose';
  /** Container name (live) or service name (compose). */
  name: string;
  id?: string;
  /** Compose: the file, service and the service's line. */
  file?: string;
  service?: string;
  line?: number;
  /** Compose project and service, from the file or from a live container's labels. */
  project?: string;
  composeService?: string;
  image?: string;
  /**
   * The image is built or loaded locally, not pulled: compose `build:` (unless `pull_policy:
   * always`) or `pull_policy: never|build`; live, an image without a registry digest.
   */
  localImage?: boolean;
  /** Command line (entrypoint then command), when known. Never copied into evidence. */
  command?: string[];
  /** Live: engine state (`running`, `exited`, `created`...). */
  state?: string;
  running?: boolean;
  privileged?: boolean;
  user?: string;
  readOnlyRootfs?: boolean;
  /** `host`, `bridge`, `default`, `none`, `container:x`, a network name... */
  networkMode?: string;
  /** Networks attached (live) or declared (compose). */
  networks?: string[];
  pidMode?: string;
  ipcMode?: string;
  utsMode?: string;
  usernsMode?: string;
  /** `host` or `private` (compose `cgroup`, live `CgroupnsMode`). */
  cgroupnsMode?: string;
  cgroupParent?: string;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  /** Live: the AppArmor profile the engine applied. */
  appArmorProfile?: string;
  /** Bytes; 0 or undefined means no limit. */
  memoryLimit?: number;
  /** CPUs (1.5 = one and a half); 0 or undefined means no limit. */
  cpuLimit?: number;
  /** 0, -1 or undefined means no limit. */
  pidsLimit?: number;
  /** `undefined`: none declared; `disabled`: explicitly off. */
  healthcheck?: { test?: string[]; disabled?: boolean };
  /** The image declares a health check (live: merged into Config.Healthcheck already). */
  restart?: RestartModel;
  /**
   * The log driver and its options. Live: as the engine applied them (the daemon's defaults
   * merged in). Compose: the service's `logging`; undefined when it declares none (the daemon's
   * default then applies).
   */
  logging?: { driver: string; options: Record<string, string> };
  ports?: PortModel[];
  mounts?: MountModel[];
  devices?: string[];
  env?: EnvVarModel[];
  /** Live and running only: from the engine's `top`. */
  processes?: ProcessModel[];
  /** Compose: line of each service key (`privileged`, `ports`, ...), for locations. */
  lines?: Record<string, number>;
  /** Compose: the file of each service key written outside the audited file (extends). */
  lineFiles?: Record<string, string>;
}

/** Engine-wide facts that change verdicts, read once from `info`. */
export interface EngineFacts {
  apparmor: boolean;
  selinux: boolean;
  seccomp: boolean;
  rootless: boolean;
  userns: boolean;
  /** The daemon sets no-new-privileges for every container. */
  noNewPrivileges: boolean;
  /** Names of user-defined networks that are `internal`. */
  internalNetworks?: string[];
  /** `1` or `2`, from `info`; on cgroup v1 every container shares the host cgroup namespace. */
  cgroupVersion?: string;
}

export const NO_ENGINE_FACTS: EngineFacts = {
  apparmor: false,
  selinux: false,
  seccomp: true,
  rootless: false,
  userns: false,
  noNewPrivileges: false,
};

export function engineFactsFromSecurityOptions(options: readonly string[] = []): EngineFacts {
  const names = new Set(
    options.map((o) => {
      const m = /(?:^|,)name=([^,]+)/.exec(o);
      return (m?.[1] ?? o).toLowerCase();
    }),
  );
  return {
    apparmor: names.has('apparmor'),
    selinux: names.has('selinux'),
    seccomp: names.has('seccomp'),
    rootless: names.has('rootless'),
    userns: names.has('userns'),
    noNewPrivileges: names.has('no-new-privileges'),
  };
}

/**
 * Read-only engine calls used by hardening checks (owned by the audit work, issue 3).
 * Types here are our own narrow view of the Engine API JSON (API 1.41+), not dockerode's:
 * every field is optional because engines and API versions differ.
 */
import type { DockerSwarmReadPort, EngineSwarmInfo } from './docker-swarm-port.js';

/** `GET /info`, only what changes audit verdicts. */
export interface EngineInfo {
  ID?: string;
  Name?: string;
  ServerVersion?: string;
  OperatingSystem?: string;
  /** e.g. `name=seccomp,profile=default`, `name=apparmor`, `name=selinux`, `name=userns`, `name=rootless`. */
  SecurityOptions?: string[];
  Containers?: number;
  /** `1` or `2` (API 1.40+). */
  CgroupVersion?: string;
  DockerRootDir?: string;
  LoggingDriver?: string;
  ExperimentalBuild?: boolean;
  LiveRestoreEnabled?: boolean;
  Plugins?: { Authorization?: string[] | null };
  /** Whether and how the engine is in a swarm (only a manager answers the swarm calls). */
  Swarm?: EngineSwarmInfo['Swarm'];
  RegistryConfig?: {
    InsecureRegistryCIDRs?: string[] | null;
    IndexConfigs?: Record<string, { Name?: string; Secure?: boolean }> | null;
  };
}

/**
 * The daemon process of an engine on this machine, read from /proc: its argv and its daemon.json
 * (undefined text when there is no such file).
 */
/** Owner and mode of a file on the engine's machine. */
export interface FileStat {
  uid: number;
  gid: number;
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
  /** The group's name, when /etc/group has it. */
  group?: string;
  /** The path with every symlink resolved (`/lib/…` on a merged-/usr system is `/usr/lib/…`). */
  real?: string;
}

export interface DaemonProcess {
  pid: number;
  args: string[];
  /** Its /proc/<pid>/mountinfo: the mounts as the daemon sees them. */
  mountinfo?: string;
  configFile: string;
  configText?: string;
  /** The daemon's binary (/proc/<pid>/exe), when readable. */
  exe?: string;
}

/**
 * The audit rules of the engine's machine: those loaded in the kernel (`auditctl -l`), else those
 * its rules files load at boot, else why there are none.
 */
export type AuditRuleSource =
  | { source: 'auditctl'; text: string }
  | { source: 'files'; files: string[]; text: string }
  | { source: 'none'; reason: string };

/** The engine machine's account databases, as text (either may be missing). */
export interface HostAccounts {
  group?: string;
  passwd?: string;
}

/** One row of `GET /containers/json`. */
export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  ImageID?: string;
  State?: string;
  Status?: string;
  Labels?: Record<string, string>;
  /** Published and exposed ports, as the list endpoint reports them. */
  Ports?: { IP?: string; PrivatePort?: number; PublicPort?: number; Type?: string }[];
  /** Attached networks by name (values not used here). */
  NetworkSettings?: { Networks?: Record<string, unknown> | null };
}

export interface PortBindingJson {
  HostIp?: string;
  HostPort?: string;
}

export interface MountPointJson {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  Mode?: string;
  RW?: boolean;
  /** `rprivate`, `shared`, `rshared`, ... (binds). */
  Propagation?: string;
  Driver?: string;
}

export interface HostConfigJson {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: Record<string, PortBindingJson[] | null> | null;
  /** `docker run -P`: every exposed port is published on a random port of all interfaces. */
  PublishAllPorts?: boolean;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null;
  /** The log driver and its options (the daemon's defaults already merged in at create). */
  LogConfig?: { Type?: string; Config?: Record<string, string> | null } | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  IpcMode?: string;
  PidMode?: string;
  /** `host` or `private`. */
  CgroupnsMode?: string;
  CgroupParent?: string;
  UTSMode?: string;
  UsernsMode?: string;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  Tmpfs?: Record<string, string> | null;
  Memory?: number;
  NanoCpus?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpusetCpus?: string;
  PidsLimit?: number | null;
  Devices?: { PathOnHost?: string; PathInContainer?: string; CgroupPermissions?: string }[] | null;
  Mounts?: {
    Type?: string;
    Source?: string;
    Target?: string;
    ReadOnly?: boolean;
    TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  }[];
}

export interface ContainerConfigJson {
  User?: string;
  Env?: string[] | null;
  Image?: string;
  Labels?: Record<string, string> | null;
  Healthcheck?: { Test?: string[] | null } | null;
  /** Ports the image or `--expose` declares, e.g. `{"8080/tcp": {}}`. */
  ExposedPorts?: Record<string, unknown> | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
}

/** `GET /containers/{id}/json`, the parts the audit reads. */
export interface ContainerInspect {
  Id: string;
  Name?: string;
  Image?: string;
  AppArmorProfile?: string;
  /** `Pid`: the container's first process on the engine's host (0 when not running). */
  State?: { Status?: string; Running?: boolean; Pid?: number; Health?: { Status?: string } };
  HostConfig?: HostConfigJson;
  Config?: ContainerConfigJson;
  Mounts?: MountPointJson[];
  NetworkSettings?: {
    Networks?: Record<string, { NetworkID?: string }> | null;
    /** The bindings the engine made (running containers); `null` for an exposed, unpublished port. */
    Ports?: Record<string, PortBindingJson[] | null> | null;
  };
}

/** A running container to list the processes of: its full id and `State.Pid`. */
export interface HostProcessQuery {
  id: string;
  pid: number;
}

/** `GET /containers/{id}/top`: column titles and one row of strings per process. */
export interface ContainerTop {
  Titles?: string[];
  Processes?: string[][];
}

/** `GET /networks`, the parts that tell user-defined and internal networks apart. */
export interface NetworkSummary {
  Id?: string;
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  Options?: Record<string, string> | null;
}

/** `GET /images/{id}/json`: an image pulled from a registry has repo digests; a local one none. */
export interface ImageInspect {
  Id?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  /** RFC 3339 build time (image audit: age). */
  Created?: string;
  Size?: number;
  Config?: {
    User?: string;
    Env?: string[] | null;
    Healthcheck?: { Test?: string[] | null } | null;
  } | null;
}

/** One row of `GET /images/json`: one row per image id, with all its tags. */
export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  Created?: number;
  Size?: number;
}

/** One row of `GET /images/{id}/history`, newest first. */
export interface ImageHistoryItem {
  Id?: string;
  Created?: number;
  CreatedBy?: string;
  /** `0` for metadata-only steps (ENV, USER, ARG...). */
  Size?: number;
  Comment?: string;
}

/** Image reads for the `images` audit scope (src/adapters/docker/images.ts). */
export interface DockerImageReadPort {
  listImages(): Promise<ImageSummary[]>;
  imageHistory(idOrName: string): Promise<ImageHistoryItem[]>;
  /**
   * `GET /images/{id}/get`: the image as a `docker save` tar, streamed (never buffered whole).
   * Throws DockerError('not-found') for an unknown image.
   */
  exportImage(idOrName: string): Promise<AsyncIterable<Uint8Array>>;
}

/** `GET /volumes/{name}`, the part the audit reads: a local volume's options (`type`, `o`, `device`). */
export interface VolumeOptions {
  Name?: string;
  Driver?: string;
  Options?: Record<string, string> | null;
}

/** The image and swarm methods are optional: the `images` and `swarm` scopes need them. */
export interface DockerReadPort extends Partial<DockerImageReadPort>, Partial<DockerSwarmReadPort> {
  /** Engine-wide facts (security options). Throws DockerError('daemon-unreachable'). */
  info(): Promise<EngineInfo>;
  /** Containers; `all: true` includes stopped and created ones. */
  listContainers(options?: {
    all?: boolean;
    /** Label filters, e.g. `com.docker.compose.project=web`. */
    labels?: string[];
  }): Promise<ContainerSummary[]>;
  /** Throws DockerError('not-found') for an unknown name or id. */
  inspectContainer(idOrName: string): Promise<ContainerInspect>;
  /**
   * Processes as the engine sees them (host `ps`), never through exec. `psArgs` defaults to
   * `-eo pid,user,comm,args`; throws DockerError('not-running') for a stopped container.
   */
  top(idOrName: string, psArgs?: string): Promise<ContainerTop>;
  /**
   * Optional, only for an engine on this machine: the processes of many running containers read
   * in one pass over the host's process table (by the container's first process and its cgroup),
   * as `top` would list them (`PID USER COMMAND COMMAND`). A container missing from the result
   * could not be read that way (another host, no access, the process gone): ask `top`.
   */
  hostProcesses?(containers: readonly HostProcessQuery[]): Promise<Map<string, ContainerTop>>;
  listNetworks(): Promise<NetworkSummary[]>;
  /**
   * Optional, only for an engine on this machine: its daemon process (the dockerd whose data root
   * is `dataRoot`); undefined when none is found (remote engine, another PID namespace, no access).
   */
  daemonProcess?(dataRoot: string): Promise<DaemonProcess | undefined>;
  /** Optional, with daemonProcess: owner and mode of each path; undefined when it does not exist. */
  statPaths?(paths: readonly string[]): Promise<Map<string, FileStat | undefined>>;
  /** Optional, with daemonProcess: /etc/group and /etc/passwd (who is in the socket's group). */
  hostAccounts?(): Promise<HostAccounts>;
  /** Optional, with daemonProcess: the audit rules that watch the daemon's files. */
  auditRules?(): Promise<AuditRuleSource>;
  /** Optional: lets the audit tell locally built images from pulled ones. */
  inspectImage?(idOrName: string): Promise<ImageInspect>;
  /** Optional: lets the audit see what a named volume's driver options bind. */
  volumeOptions?(name: string): Promise<VolumeOptions>;
}

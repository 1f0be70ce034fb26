/**
 * Engine calls used by incident actions (owned by the incident-response work, issue 4).
 * Our own narrow view of the Engine API (1.41+), not dockerode's. Streams are plain async
 * iterables of bytes so the core stays free of Node stream types; breaking out of a loop over one
 * closes the underlying connection.
 */
import type { ContainerInspect, ContainerConfigJson } from './docker-read-port.js';
import type { DockerSwarmControlPort } from './docker-swarm-port.js';

/** One network attachment as `GET /containers/{id}/json` reports it. */
export interface EndpointSettingsJson {
  NetworkID?: string;
  EndpointID?: string;
  Aliases?: string[] | null;
  Links?: string[] | null;
  IPAddress?: string;
  GlobalIPv6Address?: string;
  MacAddress?: string;
  DNSNames?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
}

/** Inspect with the parts incident actions need (network endpoints, state details, TTY). */
export interface ControlInspect extends ContainerInspect {
  Created?: string;
  /** The process the engine started: `Path` with `Args` (Entrypoint + Cmd resolved). */
  Path?: string;
  Args?: string[];
  State?: ContainerInspect['State'] & {
    Paused?: boolean;
    Restarting?: boolean;
    Pid?: number;
    StartedAt?: string;
    FinishedAt?: string;
    ExitCode?: number;
  };
  Config?: ContainerConfigJson & {
    Tty?: boolean;
    Hostname?: string;
    Cmd?: string[] | null;
    StopSignal?: string;
    /** Seconds the engine waits after the stop signal before SIGKILL (default 10). */
    StopTimeout?: number | null;
  };
  NetworkSettings?: {
    Networks?: Record<string, EndpointSettingsJson> | null;
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
  };
}

/** A run of log bytes from one stream (consecutive frames of the same stream coalesced). */
/**
 * Longest timestamp prefix the engine puts on a log line (`2026-12-03T07:37:42.678921135Z ` is 31
 * bytes; with an offset, `+01:00`, 36): the demuxer keeps this many bytes of a continuing frame
 * together so a masker sees its prefix whole.
 */
export const LOG_TIMESTAMP_MAX = 40;

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Uint8Array;
  /**
   * Offsets in `data` where a frame begins that continues an unfinished line (the engine's
   * pieces of a line over 16 KiB, each with its own timestamp). Absent: none, or not known (a
   * TTY container's log has no frames).
   */
  continuations?: readonly number[];
  /** True when the stream has no frames to go by (a TTY container's log). */
  unframed?: boolean;
}

export interface LogOptions {
  /** Unix seconds; only entries at or after. */
  since?: number;
  until?: number;
  timestamps?: boolean;
  /** Last N lines only. */
  tail?: number;
  /** Aborting closes the stream (the connection to the engine). */
  signal?: AbortSignal;
}

/** One `GET /containers/{id}/changes` row: Kind 0 modified, 1 added, 2 deleted. */
export interface FsChange {
  Path: string;
  Kind: number;
}

/** One engine event (`GET /events`). */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

export interface EventQuery {
  /** Unix seconds, fractions allowed. */
  since: number;
  until: number;
  /** Engine filters, e.g. `{container: ['web'], type: ['container']}`. */
  filters?: Record<string, string[]>;
  /** Stop reading after this many events (default 1000). */
  limit?: number;
  signal?: AbortSignal;
}

export interface NetworkInspect {
  Id: string;
  Name: string;
  Driver?: string;
  Internal?: boolean;
  /** The swarm's routing-mesh network (`ingress`). */
  Ingress?: boolean;
  /** `local` or `swarm`. */
  Scope?: string;
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null } | null;
  Containers?: Record<string, { Name?: string; IPv4Address?: string }> | null;
}

export interface NetworkConnectOptions {
  aliases?: string[];
  links?: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

export interface VolumeInspect {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Labels?: Record<string, string> | null;
  CreatedAt?: string;
}

export type ByteStream = AsyncIterable<Uint8Array>;

/** The swarm calls are optional: only a swarm manager answers them (and fakes may leave them out). */
export interface DockerControlPort extends Partial<DockerSwarmControlPort> {
  /** Full inspect (network endpoints with aliases and IPAM config). Throws DockerError('not-found'). */
  inspectDetailed(idOrName: string): Promise<ControlInspect>;
  /** Logs, stdout and stderr demultiplexed (a TTY container's output is all `stdout`). */
  containerLogs(idOrName: string, options?: LogOptions): Promise<AsyncIterable<LogChunk>>;
  containerChanges(idOrName: string): Promise<FsChange[]>;
  /** Bounded: returns at `until` or after `limit` events. */
  events(query: EventQuery): Promise<EngineEvent[]>;
  /** The container's filesystem as a tar stream; aborting `signal` closes it. */
  exportContainer(idOrName: string, signal?: AbortSignal): Promise<ByteStream>;
  commitContainer(
    idOrName: string,
    options: { repo: string; tag: string; comment?: string; pause?: boolean },
  ): Promise<{ id: string }>;

  inspectNetwork(idOrName: string): Promise<NetworkInspect>;
  createNetwork(options: {
    name: string;
    internal?: boolean;
    driver?: string;
    labels?: Record<string, string>;
  }): Promise<{ id: string }>;
  connectNetwork(
    network: string,
    container: string,
    options?: NetworkConnectOptions,
  ): Promise<void>;
  disconnectNetwork(network: string, container: string, force?: boolean): Promise<void>;
  removeNetwork(idOrName: string): Promise<void>;

  startContainer(idOrName: string): Promise<void>;
  pauseContainer(idOrName: string): Promise<void>;
  unpauseContainer(idOrName: string): Promise<void>;
  /** `timeoutSeconds` before the engine kills. */
  stopContainer(idOrName: string, timeoutSeconds?: number): Promise<void>;
  restartContainer(idOrName: string, timeoutSeconds?: number): Promise<void>;
  killContainer(idOrName: string, signal?: string): Promise<void>;
  /** Never removes volumes. */
  removeContainer(idOrName: string, options?: { force?: boolean }): Promise<void>;

  /** `GET /containers/{id}/archive?path=`: a tar whose top entry is the path's base name. */
  getArchive(idOrName: string, path: string, signal?: AbortSignal): Promise<ByteStream>;
  /**
   * `PUT /containers/{id}/archive?path=`: extracts a tar into `path` (a directory). Aborting
   * `signal` ends the upload (what the engine extracted so far stays).
   */
  putArchive(idOrName: string, path: string, tar: ByteStream, signal?: AbortSignal): Promise<void>;

  inspectVolume(name: string): Promise<VolumeInspect>;

  /** A scratch volume of Warden's own (a restore test writes into it). */
  createVolume(options: { name: string; labels?: Record<string, string> }): Promise<void>;
  removeVolume(name: string): Promise<void>;
  /**
   * A scratch container, created and never started: no network, the given volumes mounted
   * (`nocopy`: nothing of the image is copied into them). What a restore test writes into.
   */
  createScratchContainer(options: {
    name: string;
    image: string;
    volumes: { name: string; target: string }[];
    labels?: Record<string, string>;
  }): Promise<{ id: string }>;
}

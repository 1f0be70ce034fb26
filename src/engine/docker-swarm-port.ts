/**
 * Read-only swarm calls for the `swarm` audit scope, owned by the core (the adapter is
 * src/adapters/docker/swarm.ts). Our own narrow view of the Engine API JSON (API 1.41+): every
 * field is optional because engines and API versions differ. Only a manager answers these.
 */

/** `info.Swarm`: what tells a manager from a worker or an engine in no swarm. */
export interface EngineSwarmInfo {
  Swarm?: {
    NodeID?: string;
    /** `inactive`, `pending`, `active`, `error`, `locked`. */
    LocalNodeState?: string;
    /** True on a manager: only a manager answers the swarm, node and service calls. */
    ControlAvailable?: boolean;
    Nodes?: number;
    Managers?: number;
  };
}

/** `GET /swarm`, without its join tokens (the adapter never passes them on). */
export interface SwarmInspect {
  ID?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: {
    Name?: string;
    Raft?: { SnapshotInterval?: number; KeepOldSnapshots?: number };
    /** `NodeCertExpiry` in nanoseconds (default 90 days). */
    CAConfig?: { NodeCertExpiry?: number; ExternalCAs?: unknown[] | null };
    EncryptionConfig?: { AutoLockManagers?: boolean };
  };
  /** `TrustRoot`: the swarm's root CA certificate (PEM). */
  TLSInfo?: { TrustRoot?: string };
  RootRotationInProgress?: boolean;
}

/** One row of `GET /nodes`. */
export interface SwarmNode {
  ID: string;
  Spec?: {
    Name?: string;
    /** `manager` or `worker`. */
    Role?: string;
    /** `active`, `pause` or `drain`. */
    Availability?: string;
  };
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  /** `State`: `ready`, `down`, `disconnected`, `unknown`. */
  Status?: { State?: string; Message?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string } | null;
}

export interface SwarmMountJson {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string } | null;
  VolumeOptions?: { DriverConfig?: { Name?: string; Options?: Record<string, string> | null } };
}

/** A service's `TaskTemplate.ContainerSpec`, the parts the audit reads. */
export interface SwarmContainerSpec {
  Image?: string;
  User?: string;
  /** `NAME=value`: read once, classified, never passed beyond the collection (collect-swarm.ts). */
  Env?: string[] | null;
  Command?: string[] | null;
  Args?: string[] | null;
  ReadOnly?: boolean;
  Mounts?: SwarmMountJson[] | null;
  CapabilityAdd?: string[] | null;
  CapabilityDrop?: string[] | null;
  /** Seccomp, AppArmor and NoNewPrivileges: API 1.44+; SELinuxContext: any. */
  Privileges?: {
    SELinuxContext?: { Disable?: boolean } | null;
    Seccomp?: { Mode?: string } | null;
    AppArmor?: { Mode?: string } | null;
    NoNewPrivileges?: boolean;
  } | null;
  Secrets?: { SecretName?: string }[] | null;
}

export interface SwarmPortJson {
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  /** `ingress` (the default: every node, all interfaces) or `host`. */
  PublishMode?: string;
}

/** One row of `GET /services`. */
export interface SwarmService {
  ID: string;
  Spec?: {
    Name?: string;
    TaskTemplate?: {
      ContainerSpec?: SwarmContainerSpec;
      Resources?: { Limits?: { NanoCPUs?: number; MemoryBytes?: number; Pids?: number } | null };
      /** Networks by id (`Target`), as the engine stores them. */
      Networks?: { Target?: string; Aliases?: string[] }[] | null;
    };
    EndpointSpec?: { Ports?: SwarmPortJson[] | null };
  };
}

/** One overlay network (`GET /networks`, driver `overlay`). */
export interface SwarmNetwork {
  Id?: string;
  Name?: string;
  Driver?: string;
  /** The routing mesh's network (`ingress`). */
  Ingress?: boolean;
  Attachable?: boolean;
  Internal?: boolean;
  /** `encrypted` present (its value is empty) when data-plane encryption is on. */
  Options?: Record<string, string> | null;
}

/** The swarm reads. A worker or an engine in no swarm is never asked (see `info.Swarm`). */
export interface DockerSwarmReadPort {
  inspectSwarm(): Promise<SwarmInspect>;
  listNodes(): Promise<SwarmNode[]>;
  listServices(): Promise<SwarmService[]>;
  listOverlayNetworks(): Promise<SwarmNetwork[]>;
}

/** One row of `GET /tasks`: which node runs it, and its container there. */
export interface SwarmTask {
  ID: string;
  ServiceID?: string;
  /** Replicated services number their tasks (`web.1`); global ones name them by node. */
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: {
    State?: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; PID?: number; ExitCode?: number } | null;
  };
}

/** A service's network attachment as its spec holds it (`Target` is the network's id). */
export interface SwarmNetworkAttachment {
  Target?: string;
  Aliases?: string[] | null;
  DriverOpts?: Record<string, string> | null;
}

/**
 * `GET /services/{id}`: the spec is kept whole (`Record`), so an update sends back exactly what
 * was read with one change; only the parts the actions change are typed.
 */
export interface SwarmServiceDetail {
  ID: string;
  /** The version index an update must name (optimistic concurrency). */
  Version?: { Index?: number };
  Spec: SwarmServiceSpec;
}

export interface SwarmServiceSpec extends Record<string, unknown> {
  Name?: string;
  Mode?: {
    Replicated?: { Replicas?: number };
    Global?: Record<string, never> | object;
    ReplicatedJob?: object;
    GlobalJob?: object;
  };
  TaskTemplate?: Record<string, unknown> & { Networks?: SwarmNetworkAttachment[] | null };
  /** Deprecated place of the networks (API < 1.25 clients); read when TaskTemplate has none. */
  Networks?: SwarmNetworkAttachment[] | null;
}

/** The swarm calls incident actions make. Only a manager answers them. */
export interface DockerSwarmControlPort {
  /** `GET /tasks` with engine filters, e.g. `{service: ['web'], 'desired-state': ['running']}`. */
  listTasks(filters: Record<string, string[]>): Promise<SwarmTask[]>;
  /** Throws DockerError('not-found') for an unknown service. */
  inspectService(idOrName: string): Promise<SwarmServiceDetail>;
  /** `POST /services/{id}/update?version=N` with the whole spec. */
  updateService(id: string, version: number, spec: SwarmServiceSpec): Promise<void>;
}

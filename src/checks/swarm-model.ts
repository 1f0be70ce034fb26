/**
 * What the swarm checks judge: the swarm's settings, its nodes, its services' task templates and
 * its overlay networks, normalized from the API (collect-swarm.ts). Pure data. No value of an
 * environment variable is in it: only names and what kind of value each holds.
 */
import type { MountModel } from './model.js';
import type { FindingTarget } from './types.js';

export interface SwarmClusterModel {
  id: string;
  name: string;
  createdAt?: string;
  autolock?: boolean;
  /** Node certificate lifetime, in hours (`docker swarm update --cert-expiry`). */
  nodeCertExpiryHours?: number;
  snapshotInterval?: number;
  keepOldSnapshots?: number;
  /** The root CA certificate's validity start (ISO), when it could be read. */
  caNotBefore?: string;
  /** An external CA signs the node certificates: its rotation is its own. */
  externalCa?: boolean;
  caRotationInProgress?: boolean;
}

export interface SwarmNodeModel {
  id: string;
  /** The hostname (or the node's name when it has one): what `docker node` commands take. */
  name: string;
  role: 'manager' | 'worker' | 'unknown';
  availability?: string;
  state?: string;
  leader?: boolean;
  engineVersion?: string;
}

export interface ServicePortModel {
  protocol: string;
  target: number;
  published?: number;
  mode: 'ingress' | 'host';
}

/** A credential found in a service's environment or command line: its name, never its value. */
export interface ServiceCredential {
  /** `DB_PASSWORD`, or `command --requirepass`. */
  label: string;
  name: string;
  from: 'env' | 'command';
}

export interface SwarmServiceModel {
  id: string;
  name: string;
  image?: string;
  user?: string;
  /** The image's own USER, when the image could be inspected on this manager. */
  imageUser?: string;
  capAdd: string[];
  capDrop: string[];
  readOnly: boolean;
  mounts: MountModel[];
  /** Credential-named variables (and flags) holding a literal secret. */
  secrets: ServiceCredential[];
  /** Credential-named variables pointing at a file (`/run/secrets/...`): fine. */
  references: string[];
  /** Docker secrets the service mounts. */
  dockerSecrets: string[];
  memoryBytes?: number;
  nanoCpus?: number;
  pids?: number;
  ports: ServicePortModel[];
  /** Network names. */
  networks: string[];
  seccomp?: string;
  apparmor?: string;
  selinuxDisabled?: boolean;
}

export interface SwarmNetworkModel {
  id?: string;
  name: string;
  ingress: boolean;
  encrypted: boolean;
  attachable: boolean;
  internal: boolean;
}

export interface SwarmFacts {
  /** The engine asked: the target of every verdict when it is not a manager. */
  engine: FindingTarget;
  /** Why no swarm check applies (`not a swarm manager …`); the rest is then empty. */
  reason?: string;
  cluster?: SwarmClusterModel;
  nodes: SwarmNodeModel[];
  services: SwarmServiceModel[];
  networks: SwarmNetworkModel[];
}

export const swarmTarget = (c: SwarmClusterModel): FindingTarget => ({
  kind: 'swarm',
  name: c.name,
  id: c.id,
});

export const nodeTarget = (n: SwarmNodeModel): FindingTarget => ({
  kind: 'node',
  name: n.name,
  id: n.id,
});

export const serviceTarget = (s: SwarmServiceModel): FindingTarget => ({
  kind: 'service',
  name: s.name,
  id: s.id,
});

export const overlayTarget = (n: SwarmNetworkModel): FindingTarget => ({
  kind: 'network',
  name: n.name,
  ...(n.id ? { id: n.id } : {}),
});

/**
 * The `swarm` scope's facts, read through the port: `info` (is this engine a manager?), then the
 * swarm, its nodes, its services and its overlay networks at once. Environment values are
 * classified here and dropped: the model holds names only (mask at the source). The root CA
 * certificate is parsed for its validity start only.
 */
import { X509Certificate } from 'node:crypto';
import type { DockerReadPort, EngineInfo } from '../engine/docker-read-port.js';
import { DockerError } from '../errors.js';
import { mapLimit } from './collect.js';
import type { MountModel } from './model.js';
import { daemonTarget } from './rules-daemon.js';
import { credentialsOf } from './secret-values.js';
import { splitEnv } from './mask.js';
import type {
  DockerSwarmReadPort,
  SwarmMountJson,
  SwarmNetwork,
  SwarmNode,
  SwarmService,
} from '../engine/docker-swarm-port.js';
import type {
  SwarmFacts,
  SwarmNetworkModel,
  SwarmNodeModel,
  SwarmServiceModel,
} from './swarm-model.js';

/** The engine port; the swarm reads are there where the adapter has them. */
export type SwarmCapablePort = DockerReadPort;

const NS_PER_HOUR = 3_600_000_000_000;

/** Whether the engine manages a swarm (only a manager answers the swarm calls), and if not why. */
export function swarmRole(info: EngineInfo): { manager: boolean; reason?: string } {
  const s = info.Swarm;
  if (s?.ControlAvailable) return { manager: true };
  const state = s?.LocalNodeState ?? 'inactive';
  const why =
    state === 'inactive' || state === ''
      ? 'this engine is in no swarm'
      : state === 'locked'
        ? 'the swarm is locked on this engine (docker swarm unlock)'
        : state === 'active'
          ? 'this engine is a swarm worker: audit the swarm through a manager'
          : `swarm state ${state}`;
  return { manager: false, reason: `not a swarm manager: ${why}` };
}

function hasSwarmReads(port: SwarmCapablePort): port is DockerReadPort & DockerSwarmReadPort {
  return !!(port.inspectSwarm && port.listNodes && port.listServices && port.listOverlayNetworks);
}

function caNotBefore(pem: string | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    const at = Date.parse(new X509Certificate(pem).validFrom);
    return Number.isNaN(at) ? undefined : new Date(at).toISOString();
  } catch {
    return undefined; // not a certificate we can read: the check says so
  }
}

function node(n: SwarmNode): SwarmNodeModel {
  const role = n.Spec?.Role === 'manager' || n.Spec?.Role === 'worker' ? n.Spec.Role : 'unknown';
  return {
    id: n.ID,
    name: n.Spec?.Name || n.Description?.Hostname || n.ID.slice(0, 12),
    role,
    ...(n.Spec?.Availability ? { availability: n.Spec.Availability } : {}),
    ...(n.Status?.State ? { state: n.Status.State } : {}),
    ...(n.ManagerStatus?.Leader ? { leader: true } : {}),
    ...(n.Description?.Engine?.EngineVersion
      ? { engineVersion: n.Description.Engine.EngineVersion }
      : {}),
  };
}

function mount(m: SwarmMountJson): MountModel {
  const type =
    m.Type === 'bind' || m.Type === 'volume' || m.Type === 'tmpfs' || m.Type === 'npipe'
      ? m.Type
      : 'other';
  const o = m.VolumeOptions?.DriverConfig?.Options ?? {};
  const bound =
    type === 'volume' &&
    typeof o.device === 'string' &&
    String(o.o ?? '')
      .split(',')
      .some((x) => x === 'bind' || x === 'rbind');
  return {
    type,
    ...(m.Source ? { source: m.Source } : {}),
    target: m.Target ?? '',
    readOnly: m.ReadOnly === true,
    ...(m.BindOptions?.Propagation ? { propagation: m.BindOptions.Propagation } : {}),
    ...(bound ? { device: o.device } : {}),
  };
}

/** The image reference without its pinned digest: what the manager's image store is keyed by. */
const imageName = (ref: string) => ref.replace(/@sha256:[0-9a-f]+$/i, '');

function service(
  s: SwarmService,
  networkNames: Map<string, string>,
  imageUsers: Map<string, string>,
): SwarmServiceModel {
  const spec = s.Spec?.TaskTemplate?.ContainerSpec ?? {};
  const limits = s.Spec?.TaskTemplate?.Resources?.Limits ?? {};
  const name = s.Spec?.Name ?? s.ID.slice(0, 12);
  // Values live only inside this call: what leaves it is each credential's name and kind.
  const found = credentialsOf({
    source: 'live',
    name,
    env: (spec.Env ?? []).map((e) => splitEnv(e)),
    command: [...(spec.Command ?? []), ...(spec.Args ?? [])],
  });
  const image = spec.Image ? imageName(spec.Image) : undefined;
  const imageUser = image !== undefined ? imageUsers.get(image) : undefined;
  return {
    id: s.ID,
    name,
    ...(image ? { image } : {}),
    ...(spec.User ? { user: spec.User } : {}),
    ...(imageUser !== undefined ? { imageUser } : {}),
    capAdd: spec.CapabilityAdd ?? [],
    capDrop: spec.CapabilityDrop ?? [],
    readOnly: spec.ReadOnly === true,
    mounts: (spec.Mounts ?? []).map(mount),
    secrets: found
      .filter((c) => c.kind === 'secret')
      .map((c) => ({ label: c.label, name: c.name, from: c.from })),
    references: found.filter((c) => c.kind === 'reference').map((c) => c.label),
    dockerSecrets: (spec.Secrets ?? []).map((x) => x.SecretName ?? '?'),
    ...(limits.MemoryBytes ? { memoryBytes: limits.MemoryBytes } : {}),
    ...(limits.NanoCPUs ? { nanoCpus: limits.NanoCPUs } : {}),
    ...(limits.Pids ? { pids: limits.Pids } : {}),
    ports: (s.Spec?.EndpointSpec?.Ports ?? []).map((p) => ({
      protocol: p.Protocol ?? 'tcp',
      target: p.TargetPort ?? 0,
      ...(p.PublishedPort ? { published: p.PublishedPort } : {}),
      mode: p.PublishMode === 'host' ? ('host' as const) : ('ingress' as const),
    })),
    networks: (s.Spec?.TaskTemplate?.Networks ?? [])
      .map((n) => networkNames.get(n.Target ?? '') ?? n.Target ?? '')
      .filter(Boolean),
    ...(spec.Privileges?.Seccomp?.Mode ? { seccomp: spec.Privileges.Seccomp.Mode } : {}),
    ...(spec.Privileges?.AppArmor?.Mode ? { apparmor: spec.Privileges.AppArmor.Mode } : {}),
    ...(spec.Privileges?.SELinuxContext?.Disable ? { selinuxDisabled: true } : {}),
  };
}

const network = (n: SwarmNetwork): SwarmNetworkModel => ({
  ...(n.Id ? { id: n.Id } : {}),
  name: n.Name ?? n.Id ?? '?',
  ingress: n.Ingress === true,
  encrypted: Object.prototype.hasOwnProperty.call(n.Options ?? {}, 'encrypted'),
  attachable: n.Attachable === true,
  internal: n.Internal === true,
});

/** Each service image's USER, where this manager has the image (best effort). */
async function imageUsers(port: SwarmCapablePort, services: readonly SwarmService[]) {
  const out = new Map<string, string>();
  const inspect = port.inspectImage;
  if (!inspect) return out;
  const refs = [
    ...new Set(
      services
        .map((s) => s.Spec?.TaskTemplate?.ContainerSpec?.Image)
        .filter((x): x is string => !!x)
        .map(imageName),
    ),
  ];
  await mapLimit(refs, 8, async (ref) => {
    try {
      out.set(ref, (await inspect(ref)).Config?.User ?? '');
    } catch (err) {
      if (!(err instanceof DockerError && err.kind === 'not-found')) throw err;
    }
  });
  return out;
}

export async function collectSwarm(
  port: SwarmCapablePort,
  known?: EngineInfo,
): Promise<SwarmFacts> {
  const info = known ?? (await port.info());
  const engine = daemonTarget(info);
  const empty = { engine, nodes: [], services: [], networks: [] };
  const role = swarmRole(info);
  if (!role.manager) return { ...empty, reason: role.reason ?? 'not a swarm manager' };
  if (!hasSwarmReads(port))
    return { ...empty, reason: 'not a swarm manager here: this connection cannot read the swarm' };
  const [swarm, nodes, services, networks] = await Promise.all([
    port.inspectSwarm(),
    port.listNodes(),
    port.listServices(),
    port.listOverlayNetworks(),
  ]);
  const names = new Map(networks.flatMap((n) => (n.Id && n.Name ? [[n.Id, n.Name] as const] : [])));
  const users = await imageUsers(port, services);
  const spec = swarm.Spec ?? {};
  const expiry = spec.CAConfig?.NodeCertExpiry;
  const notBefore = caNotBefore(swarm.TLSInfo?.TrustRoot);
  return {
    engine,
    cluster: {
      id: swarm.ID ?? '?',
      name: spec.Name ?? 'default',
      ...(swarm.CreatedAt ? { createdAt: swarm.CreatedAt } : {}),
      ...(spec.EncryptionConfig?.AutoLockManagers !== undefined
        ? { autolock: spec.EncryptionConfig.AutoLockManagers }
        : {}),
      ...(expiry !== undefined ? { nodeCertExpiryHours: expiry / NS_PER_HOUR } : {}),
      ...(spec.Raft?.SnapshotInterval !== undefined
        ? { snapshotInterval: spec.Raft.SnapshotInterval }
        : {}),
      ...(spec.Raft ? { keepOldSnapshots: spec.Raft.KeepOldSnapshots ?? 0 } : {}),
      ...(notBefore ? { caNotBefore: notBefore } : {}),
      ...((spec.CAConfig?.ExternalCAs ?? []).length ? { externalCa: true } : {}),
      ...(swarm.RootRotationInProgress ? { caRotationInProgress: true } : {}),
    },
    nodes: nodes.map(node),
    services: services.map((s) => service(s, names, users)),
    networks: networks.filter((n) => n.Driver === undefined || n.Driver === 'overlay').map(network),
  };
}

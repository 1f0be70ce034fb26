/**
 * Segmentation (the `networks` scope): who shares a network with whom, on a compose file's
 * networks or an engine's. Two checks: a datastore on a network with a container published beyond
 * loopback (one hop from the outside to the data), and a network that could be `internal` (no
 * member publishes, and none would lose its only way out). Pure.
 */
import { parseImageRef } from './images.js';
import type { ContainerModel } from './model.js';
import type { NetworkModel } from './compose-model.js';
import { identify, portText, reachOf } from './products.js';
import type { Severity } from '../runbook/types.js';
import type { CheckVerdictDetail, Evaluation, FindingTarget, Remediation } from './types.js';
import { evaluationOf } from './types.js';
import { targetOf } from './catalog.js';

/** Databases, caches, search engines, brokers, object stores: what holds the data. */
const DATASTORE_PRODUCTS = new Set([
  'postgres',
  'redis',
  'elasticsearch',
  'opensearch',
  'cassandra',
  'minio',
  'rabbitmq',
]);
const DATASTORE_IMAGES = new Set([
  'mysql',
  'mariadb',
  'percona',
  'percona-server',
  'mongo',
  'mongodb',
  'mongodb-community-server',
  'memcached',
  'couchdb',
  'neo4j',
  'influxdb',
  'clickhouse-server',
  'etcd',
  'keydb',
  'dragonfly',
]);
/** Ports that identify a datastore whatever its image (a locally built one). */
const DATASTORE_PORTS = new Set([3306, 5432, 6379, 27017, 11211, 9042, 5984, 7687, 8086, 2379]);

/** The datastore a model runs (by product, image name or the port it declares), if any. */
export function datastoreOf(m: ContainerModel): string | undefined {
  const product = identify(m)?.product;
  if (product && DATASTORE_PRODUCTS.has(product)) return product;
  if (m.image) {
    const name = parseImageRef(m.image).name;
    if (DATASTORE_IMAGES.has(name)) return name;
  }
  const port = (m.ports ?? [])
    .map((p) => Number(/^(\d+)/.exec(p.containerPort)?.[1] ?? NaN))
    .find((n) => DATASTORE_PORTS.has(n));
  return port !== undefined ? `port ${port}` : undefined;
}

/** Network modes that attach to no user network (the checks do not judge them). */
const OUTSIDE = /^(host|none|bridge|container:|service:)/i;

export interface NetworkView {
  network: NetworkModel;
  members: ContainerModel[];
}

/**
 * Each network with the models on it. The host and `none` networks attach nothing; the default
 * bridge is the `default-bridge` check's (the caller leaves it out).
 */
export function networkViews(
  models: readonly ContainerModel[],
  networks: readonly NetworkModel[],
): NetworkView[] {
  return networks
    .filter((n) => !['host', 'null'].includes(n.driver ?? ''))
    .map((network) => ({
      network,
      members: models.filter(
        (m) => !OUTSIDE.test(m.networkMode ?? '') && (m.networks ?? []).includes(network.name),
      ),
    }));
}

/** Published beyond loopback (all interfaces, a host address, or the host network). */
const published = (m: ContainerModel) => {
  const r = reachOf(m);
  return r.reach === 'all-interfaces' || r.reach === 'host-address' ? r : undefined;
};

const describePublisher = (m: ContainerModel) => {
  const r = published(m);
  return `${m.name} (${r && r.ports.length ? r.ports.map(portText).join(', ') : 'host network'})`;
};

export interface NetworkCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  remediation: Remediation;
}

export const NETWORK_CHECKS: readonly NetworkCheckDefinition[] = [
  {
    id: 'network-datastore-exposed',
    title: 'A datastore shares a network with a container published beyond loopback',
    severity: 'medium',
    remediation: {
      compose:
        'networks:\n  backend:\n    internal: true   # the datastore and the services that query it; the published one stays on frontend',
      run: 'docker network create --internal backend; attach the datastore only to it (docker network disconnect <frontend> <datastore>)',
      live: false,
    },
  },
  {
    id: 'network-not-internal',
    title: 'A network could be internal: no member publishes or needs it to get out',
    severity: 'low',
    remediation: {
      compose: 'networks:\n  <name>:\n    internal: true',
      run: 'docker network create --internal <name> (a network cannot become internal in place: recreate it and reconnect its members)',
      live: false,
    },
  },
];

const byId = new Map(NETWORK_CHECKS.map((c) => [c.id, c]));

export interface NetworkScope {
  /** The compose file the networks are declared in; undefined for an engine's. */
  file?: string;
}

export function networkTarget(n: NetworkModel, scope: NetworkScope): FindingTarget {
  return {
    kind: 'network',
    name: n.name,
    ...(scope.file ? { file: scope.file } : {}),
    ...(scope.file && n.line !== undefined ? { line: n.line } : {}),
  };
}

function evaluation(id: string, target: FindingTarget, d: CheckVerdictDetail): Evaluation {
  return evaluationOf(byId.get(id) as NetworkCheckDefinition, target, d);
}

/**
 * The exact fix for a datastore beside published containers. On an internal network the
 * published ones leave it; on another, the datastore moves to an internal network of its own
 * with the unpublished members (the services that query it). An engine's containers get the
 * docker commands; a compose file's services the compose change.
 */
function exposedFix(
  ds: ContainerModel,
  shared: { v: NetworkView; pubs: ContainerModel[] }[],
): Partial<Remediation> {
  const steps: string[] = [];
  const compose: string[] = [];
  for (const { v, pubs } of shared) {
    const net = v.network.name;
    if (v.network.internal) {
      for (const p of pubs) steps.push(`docker network disconnect ${net} ${p.name}`);
      compose.push(`# ${pubs.map((p) => p.name).join(', ')}: remove ${net} from their networks`);
      continue;
    }
    const own = `${ds.name}-data`;
    const peers = v.members.filter((x) => x !== ds && !pubs.includes(x));
    steps.push(
      `docker network create --internal ${own}`,
      `docker network connect ${own} ${ds.name}`,
      ...peers.map((x) => `docker network connect ${own} ${x.name}`),
      `docker network disconnect ${net} ${ds.name}`,
    );
    compose.push(
      `networks:\n  ${own}:\n    internal: true\n# ${ds.name}: networks: [${own}]; ${peers.length ? `${peers.map((x) => x.name).join(', ')}: add ${own}` : `the services that query it: add ${own}`}`,
    );
  }
  const command = [...new Set(steps)].join(' && ');
  return ds.source === 'compose'
    ? { compose: compose.join('\n'), run: 'recreate the services from the changed file' }
    : { host: command, run: command, compose: compose.join('\n') };
}

/** The exact fix for a network that could be internal: it cannot become so in place. */
function internalFix(v: NetworkView, scope: NetworkScope): Partial<Remediation> {
  const name = v.network.name;
  const compose = `networks:\n  ${name}:\n    internal: true`;
  if (scope.file) return { compose, run: 'recreate the stack from the changed file' };
  const next = `${name}-internal`;
  const command = [
    `docker network create --internal ${next}`,
    ...v.members.flatMap((m) => [
      `docker network connect ${next} ${m.name}`,
      `docker network disconnect ${name} ${m.name}`,
    ]),
    `docker network rm ${name}`,
  ].join(' && ');
  return { compose, host: command, run: command };
}

/** Each datastore once: fail with every network it shares with a published container. */
function datastoresExposed(views: readonly NetworkView[], models: readonly ContainerModel[]) {
  const out: Evaluation[] = [];
  for (const m of models) {
    const kind = datastoreOf(m);
    if (!kind) continue;
    const mine = views.filter((v) => v.members.includes(m));
    if (mine.length === 0) continue;
    const shared = mine.flatMap((v) => {
      const pubs = v.members.filter((x) => x !== m && published(x));
      return pubs.length ? [{ v, pubs }] : [];
    });
    out.push(
      evaluation(
        'network-datastore-exposed',
        targetOf(m),
        shared.length
          ? {
              verdict: 'fail',
              evidence: `${kind} on ${shared
                .map(
                  ({ v, pubs }) =>
                    `${v.network.name} with ${pubs.map(describePublisher).join(', ')}`,
                )
                .join('; ')}`,
              remediation: exposedFix(m, shared),
            }
          : {
              verdict: 'pass',
              evidence: `${kind} on ${mine.map((v) => v.network.name).join(', ')}: no member published beyond loopback`,
            },
      ),
    );
  }
  return out;
}

/**
 * A non-internal network that could be internal: members, none published beyond loopback, and
 * each either a datastore (no need to get out) or on another non-internal network that carries
 * its way out. External networks are another project's to change: not judged.
 */
function couldBeInternal(views: readonly NetworkView[], scope: NetworkScope) {
  const out: Evaluation[] = [];
  for (const v of views) {
    const target = networkTarget(v.network, scope);
    if (v.network.external) continue;
    if (v.members.length === 0) continue;
    if (v.network.internal) {
      out.push(
        evaluation('network-not-internal', target, { verdict: 'pass', evidence: 'internal' }),
      );
      continue;
    }
    const pubs = v.members.filter((m) => published(m) || (m.ports ?? []).length > 0);
    const needsIt = v.members.filter(
      (m) =>
        !datastoreOf(m) &&
        !views.some((o) => o !== v && !o.network.internal && o.members.includes(m)),
    );
    if (pubs.length || needsIt.length) {
      const why = [
        ...(pubs.length
          ? [`${pubs.map((m) => m.name).join(', ')} publish${pubs.length === 1 ? 'es' : ''} ports`]
          : []),
        ...(needsIt.length
          ? [
              `${needsIt.map((m) => m.name).join(', ')} get${needsIt.length === 1 ? 's' : ''} out only through it`,
            ]
          : []),
      ];
      out.push(
        evaluation('network-not-internal', target, { verdict: 'pass', evidence: why.join('; ') }),
      );
      continue;
    }
    out.push(
      evaluation('network-not-internal', target, {
        verdict: 'fail',
        evidence: `members ${v.members.map((m) => `${m.name}${datastoreOf(m) ? ' (a datastore)' : ' (also on another network)'}`).join(', ')}: none is published; internal: true cuts no one off`,
        remediation: internalFix(v, scope),
      }),
    );
  }
  return out;
}

export function evaluateNetworks(
  models: readonly ContainerModel[],
  networks: readonly NetworkModel[],
  scope: NetworkScope,
  ids?: readonly string[],
): Evaluation[] {
  const views = networkViews(models, networks);
  const want = (id: string) => !ids || ids.includes(id);
  return [
    ...(want('network-datastore-exposed') ? datastoresExposed(views, models) : []),
    ...(want('network-not-internal') ? couldBeInternal(views, scope) : []),
  ];
}

/** Who can reach whom: each network with its members, as the segmentation report lists it. */
export interface SegmentRow {
  network: string;
  internal: boolean;
  file?: string;
  /** `published`: the ports it publishes (loopback ones too), or `host network`. */
  members: { name: string; datastore?: string; published?: string }[];
}

export function segmentation(
  models: readonly ContainerModel[],
  networks: readonly NetworkModel[],
  scope: NetworkScope,
): SegmentRow[] {
  return networkViews(models, networks)
    .filter((v) => v.members.length > 0)
    .map((v) => ({
      network: v.network.name,
      internal: v.network.internal,
      ...(scope.file ? { file: scope.file } : {}),
      members: v.members.map((m) => {
        const ds = datastoreOf(m);
        const r = reachOf(m);
        const ports = r.ports.map(portText).join(', ');
        return {
          name: m.name,
          ...(ds ? { datastore: ds } : {}),
          ...(r.reach === 'not-published' ? {} : { published: ports || 'host network' }),
        };
      }),
    }));
}

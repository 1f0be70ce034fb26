/**
 * Which product a container runs, from its image (and, for images built locally, its service name
 * and port), and what reaches it. Pure. Matches real references such as `postgres:16`,
 * `docker.elastic.co/elasticsearch/elasticsearch:8.14.1`, `opensearchproject/opensearch:2`,
 * `wazuh/wazuh-indexer:4.8.0`, `grafana/grafana-oss`, `bitnami/redis`, `dpage/pgadmin4`.
 */
import { parseImageRef } from './images.js';
import type { ContainerModel, PortModel } from './model.js';
import { isAllInterfaces } from './rules-exposure.js';

export type Product =
  | 'elasticsearch'
  | 'opensearch'
  | 'kibana'
  | 'opensearch-dashboards'
  | 'postgres'
  | 'redis'
  | 'grafana'
  | 'prometheus'
  | 'loki'
  | 'alertmanager'
  | 'pushgateway'
  | 'exporter'
  | 'cassandra'
  | 'pgadmin'
  | 'rabbitmq'
  | 'minio'
  | 'misp';

/** Image names (the repository's last segment) per product. */
const IMAGE_NAMES: Record<Product, readonly string[]> = {
  elasticsearch: ['elasticsearch'],
  opensearch: ['opensearch', 'wazuh-indexer'],
  kibana: ['kibana'],
  'opensearch-dashboards': ['opensearch-dashboards', 'wazuh-dashboard'],
  postgres: ['postgres', 'postgresql', 'postgis', 'timescaledb', 'timescaledb-ha', 'pgvector'],
  redis: ['redis', 'redis-stack', 'redis-stack-server', 'valkey'],
  grafana: ['grafana', 'grafana-oss', 'grafana-enterprise'],
  prometheus: ['prometheus'],
  loki: ['loki'],
  alertmanager: ['alertmanager'],
  pushgateway: ['pushgateway'],
  exporter: ['cadvisor'],
  cassandra: ['cassandra'],
  pgadmin: ['pgadmin4', 'pgadmin'],
  rabbitmq: ['rabbitmq'],
  minio: ['minio'],
  misp: ['misp-core', 'misp'],
};

/** Ports a product listens on by default, for services whose image says nothing. */
const DEFAULT_PORTS: Partial<Record<Product, readonly number[]>> = {
  elasticsearch: [9200],
  opensearch: [9200],
  kibana: [5601],
  'opensearch-dashboards': [5601],
  postgres: [5432],
  redis: [6379],
  grafana: [3000],
  prometheus: [9090],
  loki: [3100],
  alertmanager: [9093],
  pushgateway: [9091],
  cassandra: [9042],
  rabbitmq: [5672, 15672],
};

export interface Identified {
  product: Product;
  /** `bitnami` for Bitnami's images, whose variables differ from the official ones. */
  flavor: 'official' | 'bitnami';
  /** The image tag's major version, when the tag starts with one. */
  major?: number;
  /** How it was recognized. */
  by: 'image' | 'name and port';
}

function byImageName(name: string): Product | undefined {
  // `redis_exporter`, `postgres-exporter`, `node-exporter`: exporters, whatever they export.
  if (/[-_]exporter$|^exporter[-_]/.test(name)) return 'exporter';
  for (const [product, names] of Object.entries(IMAGE_NAMES) as [Product, readonly string[]][])
    if (names.includes(name)) return product;
  return undefined;
}

const containerPortNumber = (p: PortModel) => Number(/^(\d+)/.exec(p.containerPort)?.[1] ?? NaN);

const identified = new WeakMap<ContainerModel, Identified | null>();

/** The product a model runs (memoized: every service-aware check asks). */
export function identify(m: ContainerModel): Identified | undefined {
  const hit = identified.get(m);
  if (hit !== undefined) return hit ?? undefined;
  const id = identifyUncached(m);
  identified.set(m, id ?? null);
  return id;
}

function identifyUncached(m: ContainerModel): Identified | undefined {
  if (m.image) {
    const ref = parseImageRef(m.image);
    const product = byImageName(ref.name);
    if (product) {
      const major = /^v?(\d+)/.exec(ref.tag ?? '')?.[1];
      return {
        product,
        flavor: ref.namespace === 'bitnami' ? 'bitnami' : 'official',
        ...(major !== undefined ? { major: Number(major) } : {}),
        by: 'image',
      };
    }
    if (!m.localImage) return undefined;
  }
  // Built locally: a service named after the product that listens on its port.
  const tokens = (m.service ?? m.composeService ?? m.name).toLowerCase().split(/[^a-z]+/);
  for (const [product, ports] of Object.entries(DEFAULT_PORTS) as [Product, readonly number[]][]) {
    if (!tokens.includes(product)) continue;
    if ((m.ports ?? []).some((p) => ports.includes(containerPortNumber(p))))
      return { product, flavor: 'official', by: 'name and port' };
  }
  return undefined;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|0:0:0:0:0:0:0:1)$/i;

export type Reach = 'all-interfaces' | 'host-address' | 'loopback' | 'not-published';

/**
 * How far the container's ports reach: published on all interfaces (or the host network), on a
 * specific host address, only on loopback, or not at all (other containers on its networks).
 */
export function reachOf(m: ContainerModel): { reach: Reach; ports: PortModel[] } {
  if ((m.networkMode ?? '').toLowerCase() === 'host') return { reach: 'all-interfaces', ports: [] };
  const ports = m.ports ?? [];
  const all = ports.filter((p) => isAllInterfaces(p.hostIp));
  if (all.length) return { reach: 'all-interfaces', ports: all };
  const host = ports.filter((p) => !LOOPBACK.test((p.hostIp ?? '').replace(/^\[|\]$/g, '')));
  if (host.length) return { reach: 'host-address', ports: host };
  if (ports.length) return { reach: 'loopback', ports };
  return { reach: 'not-published', ports: [] };
}

export function portText(p: PortModel): string {
  const ip = p.hostIp ?? '';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `${host || '*'}:${p.hostPort || '(random)'}->${p.containerPort}`;
}

export function reachText(r: { reach: Reach; ports: PortModel[] }): string {
  switch (r.reach) {
    case 'all-interfaces':
      return r.ports.length
        ? `published on ${r.ports.map(portText).join(', ')}`
        : 'on the host network';
    case 'host-address':
      return `published on ${r.ports.map(portText).join(', ')}`;
    case 'loopback':
      return 'published on loopback only';
    default:
      return 'not published (reachable from containers on its networks)';
  }
}

/** A setting from the environment (exact names) or the command line (`-Ekey=v`, `--key=v`). */
export function setting(
  m: ContainerModel,
  names: readonly string[],
): { present: boolean; value?: string; where?: 'env' | 'command' } {
  for (const name of names) {
    const v = (m.env ?? []).find((e) => e.name === name);
    if (v)
      return { present: true, ...(v.value !== undefined ? { value: v.value } : {}), where: 'env' };
  }
  const args = m.command ?? [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = (s: string) => {
      for (const name of names) if (s.startsWith(`${name}=`)) return s.slice(name.length + 1);
      return undefined;
    };
    const inline = a.startsWith('-E')
      ? eq(a.slice(2))
      : a.startsWith('--')
        ? eq(a.slice(2))
        : undefined;
    if (inline !== undefined) return { present: true, value: inline, where: 'command' };
    if (a === '-E' && args[i + 1] !== undefined) {
      const next = eq(args[i + 1] as string);
      if (next !== undefined) return { present: true, value: next, where: 'command' };
    }
  }
  return { present: false };
}

export const isTrue = (v: string | undefined) => /^(true|yes|1|on)$/i.test((v ?? '').trim());
export const isFalse = (v: string | undefined) => /^(false|no|0|off)$/i.test((v ?? '').trim());

/** A variable is given: with a value, or as a bare name compose fills at deploy time. */
export function given(m: ContainerModel, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = (m.env ?? []).find((e) => e.name === name);
    if (v && (v.value === undefined || v.value.trim() !== '')) return name;
  }
  return undefined;
}

/** A mount of a configuration file or directory at one of these container paths. */
export function configMounted(m: ContainerModel, targets: readonly string[]): string | undefined {
  for (const x of m.mounts ?? []) {
    const t = x.target.replace(/\/+$/, '');
    if (targets.some((p) => t === p || t.startsWith(`${p}/`))) return x.target;
  }
  return undefined;
}

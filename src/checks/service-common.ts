/**
 * What the service-aware checks share: product guards, severity by reach, locations. Pure.
 */
import type { Severity } from '../runbook/types.js';
import type { CheckVerdictDetail } from './types.js';
import { locOf, notApplicable } from './helpers.js';
import type { ContainerModel } from './model.js';
import { pass } from './helpers.js';
import {
  identify,
  reachOf,
  reachText,
  type Identified,
  type Product,
  type Reach,
} from './products.js';

/** Severity of an open door by how far it reaches: all interfaces is always critical. */
export function byReach(reach: Reach, open: Severity, closed: Severity): Severity {
  return reach === 'all-interfaces' ? 'critical' : reach === 'host-address' ? open : closed;
}

export const PRODUCT_NAMES: Record<Product, string> = {
  elasticsearch: 'Elasticsearch',
  opensearch: 'OpenSearch',
  kibana: 'Kibana',
  'opensearch-dashboards': 'OpenSearch Dashboards',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  grafana: 'Grafana',
  prometheus: 'Prometheus',
  loki: 'Loki',
  alertmanager: 'Alertmanager',
  pushgateway: 'Pushgateway',
  exporter: 'a metrics exporter',
  cassandra: 'Cassandra',
  pgadmin: 'pgAdmin',
  rabbitmq: 'RabbitMQ',
  minio: 'MinIO',
  misp: 'MISP',
};

/** The product, when it is one of these; otherwise a not-applicable verdict. */
export function only(
  m: ContainerModel,
  products: readonly Product[],
  what: string,
): Identified | CheckVerdictDetail {
  const id = identify(m);
  if (!id || !products.includes(id.product)) return notApplicable(`not ${what}`);
  return id;
}

export const isDetail = (x: Identified | CheckVerdictDetail): x is CheckVerdictDetail =>
  'verdict' in x;

/** The first of these keys the service writes (a missing setting points at the image). */
export function at(m: ContainerModel, ...keys: string[]) {
  for (const k of [...keys, 'image', 'build']) {
    const l = locOf(m, k);
    if (l.line !== undefined) return l;
  }
  return {};
}

/** Where an environment finding points: the variables named, else the environment key. */
export const envLoc = (m: ContainerModel, names: readonly string[]) =>
  locOf(
    m,
    'environment',
    (m.env ?? []).filter((v) => names.includes(v.name)),
  );

/**
 * A product that should not be reached from beyond the host: passes on loopback or unpublished,
 * fails high on all interfaces (or the host network) and medium on a specific host address.
 */
export function publishedBeyondLoopback(
  m: ContainerModel,
  id: Identified,
  note = '',
): CheckVerdictDetail {
  const reach = reachOf(m);
  if (reach.reach === 'loopback' || reach.reach === 'not-published') return pass(reachText(reach));
  return {
    verdict: 'fail',
    severity: reach.reach === 'all-interfaces' ? 'high' : 'medium',
    evidence: `${PRODUCT_NAMES[id.product]}${note} ${reachText(reach)}`,
    ...locOf(m, reach.ports.length ? 'ports' : 'network_mode', reach.ports),
  };
}

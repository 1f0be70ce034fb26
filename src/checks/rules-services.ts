/**
 * Service-aware checks: the hardening items of the products SIEM, case-management, threat-intel
 * and monitoring stacks run (Elasticsearch/OpenSearch, PostgreSQL, Grafana, Prometheus and
 * friends, Cassandra, Redis, admin GUIs), each fix naming the product's own variable or option.
 * Pure; products are recognized by products.ts. Values are compared in memory, never shown.
 */
import type { Severity } from '../runbook/types.js';
import type { CheckDefinition, CheckVerdictDetail } from './types.js';
import { locOf, notApplicable, pass } from './helpers.js';
import type { ContainerModel } from './model.js';
import {
  configMounted,
  given,
  identify,
  isFalse,
  isTrue,
  reachOf,
  reachText,
  setting,
  type Identified,
  type Product,
  type Reach,
} from './products.js';

/** Severity of an open door by how far it reaches. */
function byReach(reach: Reach, open: Severity, closed: Severity): Severity {
  return reach === 'all-interfaces' ? 'critical' : reach === 'host-address' ? open : closed;
}

const PRODUCT_NAMES: Record<Product, string> = {
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

function only(
  m: ContainerModel,
  products: readonly Product[],
  what: string,
): Identified | CheckVerdictDetail {
  const id = identify(m);
  if (!id || !products.includes(id.product)) return notApplicable(`not ${what}`);
  return id;
}

const isDetail = (x: Identified | CheckVerdictDetail): x is CheckVerdictDetail => 'verdict' in x;

/** The first of these keys the service writes (a missing setting points at the image). */
function at(m: ContainerModel, ...keys: string[]) {
  for (const k of [...keys, 'image', 'build']) {
    const l = locOf(m, k);
    if (l.line !== undefined) return l;
  }
  return {};
}

/** Where an environment finding points: the variables named, else the environment key. */
const envLoc = (m: ContainerModel, names: readonly string[]) =>
  locOf(
    m,
    'environment',
    (m.env ?? []).filter((v) => names.includes(v.name)),
  );

const ES_SECURITY = [
  'xpack.security.enabled',
  'XPACK_SECURITY_ENABLED',
  'ES_SETTING_XPACK_SECURITY_ENABLED',
];
const OS_DISABLED = ['plugins.security.disabled', 'PLUGINS_SECURITY_DISABLED'];

export const serviceChecks: CheckDefinition[] = [
  {
    id: 'search-security-disabled',
    title: 'Elasticsearch/OpenSearch security disabled',
    severity: 'high',
    remediation: {
      compose: 'environment:\n  xpack.security.enabled: "true"',
      run: '-e xpack.security.enabled=true',
      live: false,
    },
    evaluate(m) {
      const id = only(m, ['elasticsearch', 'opensearch'], 'Elasticsearch or OpenSearch');
      if (isDetail(id)) return id;
      const reach = reachOf(m);
      if (id.product === 'elasticsearch') {
        const s = setting(m, ES_SECURITY);
        const fail = (why: string): CheckVerdictDetail => ({
          verdict: 'fail',
          severity: byReach(reach.reach, 'high', 'medium'),
          evidence: `${why}; ${reachText(reach)}`,
          ...(s.where === 'command'
            ? locOf(m, 'command')
            : s.present
              ? envLoc(m, ES_SECURITY)
              : at(m)),
        });
        if (s.present && isFalse(s.value)) return fail('xpack.security.enabled=false');
        if (s.present && isTrue(s.value)) return pass('xpack.security.enabled=true');
        const config = configMounted(m, ['/usr/share/elasticsearch/config']);
        if (config) return notApplicable(`security is set in the mounted ${config} (not read)`);
        // Before 8.0, a basic license leaves security off unless it is enabled explicitly.
        if (id.major !== undefined && id.major < 8)
          return fail(
            `image ${id.major}.x without xpack.security.enabled=true (off by default before 8.0)`,
          );
        return pass('security on by default (8.0 and later)');
      }
      const plugin = setting(m, ['DISABLE_SECURITY_PLUGIN']);
      const disabled = setting(m, OS_DISABLED);
      if ((plugin.present && isTrue(plugin.value)) || (disabled.present && isTrue(disabled.value)))
        return {
          verdict: 'fail',
          severity: byReach(reach.reach, 'high', 'medium'),
          evidence: `${plugin.present && isTrue(plugin.value) ? 'DISABLE_SECURITY_PLUGIN=true' : 'plugins.security.disabled=true'}; ${reachText(reach)}`,
          ...envLoc(m, ['DISABLE_SECURITY_PLUGIN', ...OS_DISABLED]),
          remediation: {
            compose:
              'environment:\n  DISABLE_SECURITY_PLUGIN: "false"   # and drop plugins.security.disabled',
            run: 'remove `-e DISABLE_SECURITY_PLUGIN=true` / `plugins.security.disabled=true`',
          },
        };
      return pass('security plugin enabled');
    },
  },
  {
    id: 'postgres-auth',
    title: 'PostgreSQL accepts connections without a password',
    severity: 'high',
    remediation: {
      compose:
        'environment:\n  POSTGRES_PASSWORD_FILE: /run/secrets/pg_password\n  POSTGRES_HOST_AUTH_METHOD: scram-sha-256\nsecrets: [pg_password]',
      run: '--env POSTGRES_PASSWORD_FILE=/run/secrets/pg_password (and no POSTGRES_HOST_AUTH_METHOD=trust)',
      live: false,
    },
    evaluate(m) {
      const id = only(m, ['postgres'], 'PostgreSQL');
      if (isDetail(id)) return id;
      const reach = reachOf(m);
      const method = (m.env ?? []).find((v) => v.name === 'POSTGRES_HOST_AUTH_METHOD');
      if (method?.value?.trim().toLowerCase() === 'trust')
        return {
          verdict: 'fail',
          severity: byReach(reach.reach, 'critical', 'high'),
          evidence: `POSTGRES_HOST_AUTH_METHOD=trust (no password asked); ${reachText(reach)}`,
          ...envLoc(m, ['POSTGRES_HOST_AUTH_METHOD']),
        };
      const empty = setting(m, ['ALLOW_EMPTY_PASSWORD']);
      if (id.flavor === 'bitnami' && empty.present && isTrue(empty.value))
        return {
          verdict: 'fail',
          evidence: `ALLOW_EMPTY_PASSWORD=yes; ${reachText(reach)}`,
          ...envLoc(m, ['ALLOW_EMPTY_PASSWORD']),
          remediation: {
            compose:
              'environment:\n  POSTGRESQL_PASSWORD_FILE: /run/secrets/pg_password   # and drop ALLOW_EMPTY_PASSWORD',
          },
        };
      const names = [
        'POSTGRES_PASSWORD',
        'POSTGRES_PASSWORD_FILE',
        'POSTGRESQL_PASSWORD',
        'POSTGRESQL_PASSWORD_FILE',
      ];
      const set = given(m, names);
      if (set) return pass(`${set} set`);
      return {
        verdict: 'fail',
        evidence: 'no POSTGRES_PASSWORD nor POSTGRES_PASSWORD_FILE',
        ...at(m, 'environment'),
      };
    },
  },
  {
    id: 'grafana-anonymous',
    title: 'Grafana allows anonymous access',
    severity: 'high',
    remediation: {
      compose: 'environment:\n  GF_AUTH_ANONYMOUS_ENABLED: "false"',
      run: '-e GF_AUTH_ANONYMOUS_ENABLED=false',
      live: false,
    },
    evaluate(m) {
      const id = only(m, ['grafana'], 'Grafana');
      if (isDetail(id)) return id;
      const anon = setting(m, ['GF_AUTH_ANONYMOUS_ENABLED']);
      if (anon.present && isTrue(anon.value)) {
        const role = (m.env ?? []).find((v) => v.name === 'GF_AUTH_ANONYMOUS_ORG_ROLE')?.value;
        const writes = /^(admin|editor)$/i.test(role ?? '');
        return {
          verdict: 'fail',
          ...(writes ? { severity: 'critical' as const } : {}),
          evidence: `GF_AUTH_ANONYMOUS_ENABLED=true${role ? `, GF_AUTH_ANONYMOUS_ORG_ROLE=${role}` : ''}; ${reachText(reachOf(m))}`,
          ...envLoc(m, ['GF_AUTH_ANONYMOUS_ENABLED', 'GF_AUTH_ANONYMOUS_ORG_ROLE']),
        };
      }
      if (!anon.present) {
        const ini = configMounted(m, ['/etc/grafana']);
        if (ini) return notApplicable(`anonymous access is set in the mounted ${ini} (not read)`);
      }
      return pass('anonymous access off');
    },
  },
  {
    id: 'default-admin-password',
    title: "Admin password left at the product's default (not set)",
    severity: 'high',
    remediation: {
      compose:
        'environment:\n  GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin\nsecrets: [grafana_admin]',
      run: '-e GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana_admin',
      live: false,
    },
    evaluate(m) {
      const id = only(
        m,
        ['grafana', 'minio', 'rabbitmq', 'misp'],
        'Grafana, MinIO, RabbitMQ or MISP',
      );
      if (isDetail(id)) return id;
      const reach = reachText(reachOf(m));
      const unset = (
        vars: readonly string[],
        remediation: CheckVerdictDetail['remediation'],
      ): CheckVerdictDetail => ({
        verdict: 'fail',
        evidence: `${vars[0]} not set: the documented default ${PRODUCT_NAMES[id.product]} admin password applies; ${reach}`,
        ...at(m, 'environment'),
        ...(remediation ? { remediation } : {}),
      });
      switch (id.product) {
        case 'grafana': {
          const vars = ['GF_SECURITY_ADMIN_PASSWORD', 'GF_SECURITY_ADMIN_PASSWORD__FILE'];
          const set = given(m, vars);
          if (set) return pass(`${set} set`);
          if (isTrue(setting(m, ['GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION']).value))
            return pass('initial admin creation disabled');
          const ini = configMounted(m, ['/etc/grafana']);
          if (ini)
            return notApplicable(`the admin password may be set in the mounted ${ini} (not read)`);
          return unset(vars, undefined);
        }
        case 'minio': {
          const vars = [
            'MINIO_ROOT_PASSWORD',
            'MINIO_ROOT_PASSWORD_FILE',
            'MINIO_SECRET_KEY',
            'MINIO_SECRET_KEY_FILE',
            'MINIO_CONFIG_ENV_FILE',
          ];
          const set = given(m, vars);
          if (set) return pass(`${set} set`);
          return unset(vars, {
            compose:
              'environment:\n  MINIO_ROOT_PASSWORD_FILE: minio_root_password\nsecrets: [minio_root_password]',
            run: '-e MINIO_ROOT_PASSWORD_FILE=minio_root_password (a secret under /run/secrets)',
          });
        }
        case 'rabbitmq': {
          if (id.flavor === 'bitnami')
            return notApplicable('the Bitnami image sets its own password');
          const vars = ['RABBITMQ_DEFAULT_PASS', 'RABBITMQ_DEFAULT_PASS_FILE'];
          const set = given(m, vars);
          if (set) return pass(`${set} set`);
          const conf = configMounted(m, ['/etc/rabbitmq']);
          if (conf) return notApplicable(`users may be defined in the mounted ${conf} (not read)`);
          // The official image lets the default user log in from anywhere (loopback_users.guest = false).
          return unset(vars, {
            compose:
              'environment:\n  RABBITMQ_DEFAULT_USER: ops\n  RABBITMQ_DEFAULT_PASS_FILE: /run/secrets/rabbitmq_password',
            run: '-e RABBITMQ_DEFAULT_PASS_FILE=/run/secrets/rabbitmq_password',
          });
        }
        default: {
          const vars = ['ADMIN_PASSWORD'];
          const set = given(m, vars);
          if (set) return pass(`${set} set`);
          return unset(vars, {
            compose: 'environment:\n  ADMIN_PASSWORD: ${MISP_ADMIN_PASSWORD:?set a generated one}',
            run: '-e ADMIN_PASSWORD=<generated>',
          });
        }
      }
    },
  },
  {
    id: 'internal-service-exposed',
    title: 'Monitoring component meant to stay internal is published',
    severity: 'medium',
    remediation: {
      compose:
        'ports:\n  - "127.0.0.1:9090:9090"   # or no ports: reach it through an authenticating proxy',
      run: '-p 127.0.0.1:9090:9090',
      live: false,
    },
    evaluate(m) {
      const id = only(
        m,
        ['prometheus', 'loki', 'alertmanager', 'pushgateway', 'exporter'],
        'Prometheus, Loki, Alertmanager, Pushgateway or an exporter',
      );
      if (isDetail(id)) return id;
      const reach = reachOf(m);
      if (reach.reach === 'loopback' || reach.reach === 'not-published')
        return pass(reachText(reach));
      return {
        verdict: 'fail',
        severity: reach.reach === 'all-interfaces' ? 'high' : 'medium',
        evidence: `${PRODUCT_NAMES[id.product]} (no authentication of its own) ${reachText(reach)}`,
        ...locOf(m, reach.ports.length ? 'ports' : 'network_mode', reach.ports),
      };
    },
  },
  {
    id: 'cassandra-auth',
    title: 'Cassandra allows logins without a password (AllowAllAuthenticator)',
    severity: 'high',
    remediation: {
      compose:
        '# cassandra.yaml: authenticator: PasswordAuthenticator\nvolumes:\n  - ./cassandra.yaml:/etc/cassandra/cassandra.yaml:ro',
      run: 'mount a cassandra.yaml with `authenticator: PasswordAuthenticator`',
      live: false,
    },
    evaluate(m) {
      const id = only(m, ['cassandra'], 'Cassandra');
      if (isDetail(id)) return id;
      const reach = reachOf(m);
      const auth = (m.env ?? []).find((v) => v.name === 'CASSANDRA_AUTHENTICATOR');
      const fail = (evidence: string): CheckVerdictDetail => ({
        verdict: 'fail',
        severity: byReach(reach.reach, 'critical', 'high'),
        evidence: `${evidence}; ${reachText(reach)}`,
        ...(auth ? envLoc(m, ['CASSANDRA_AUTHENTICATOR']) : at(m)),
      });
      if (auth?.value !== undefined)
        return /AllowAllAuthenticator$/.test(auth.value.trim())
          ? fail(`CASSANDRA_AUTHENTICATOR=${auth.value.trim()}`)
          : pass(`CASSANDRA_AUTHENTICATOR=${auth.value.trim()}`);
      if (id.flavor === 'bitnami') return pass('the Bitnami image uses PasswordAuthenticator');
      const conf = configMounted(m, ['/etc/cassandra']);
      if (conf) return notApplicable(`the authenticator is set in the mounted ${conf} (not read)`);
      return fail("the image's cassandra.yaml keeps the default AllowAllAuthenticator");
    },
  },
  {
    id: 'redis-auth',
    title: 'Redis without a password (or protected mode off)',
    severity: 'high',
    remediation: {
      compose:
        'command: ["sh", "-c", "exec redis-server --requirepass \\"$$(cat /run/secrets/redis_password)\\""]\nsecrets: [redis_password]',
      run: 'redis-server --requirepass <secret> (or a mounted redis.conf with requirepass)',
      live: false,
    },
    evaluate(m) {
      const id = only(m, ['redis'], 'Redis');
      if (isDetail(id)) return id;
      const reach = reachOf(m);
      const fail = (evidence: string, remediation?: CheckVerdictDetail['remediation']) => ({
        verdict: 'fail' as const,
        severity: byReach(reach.reach, 'critical', 'high'),
        evidence: `${evidence}; ${reachText(reach)}`,
        ...at(m, 'command'),
        ...(remediation ? { remediation } : {}),
      });
      if (id.flavor === 'bitnami') {
        if (isTrue(setting(m, ['ALLOW_EMPTY_PASSWORD']).value))
          return {
            ...fail('ALLOW_EMPTY_PASSWORD=yes', {
              compose:
                'environment:\n  REDIS_PASSWORD_FILE: /run/secrets/redis_password   # and drop ALLOW_EMPTY_PASSWORD',
              run: '-e REDIS_PASSWORD_FILE=/run/secrets/redis_password',
            }),
            ...envLoc(m, ['ALLOW_EMPTY_PASSWORD']),
          };
        const set = given(m, ['REDIS_PASSWORD', 'REDIS_PASSWORD_FILE']);
        return pass(set ? `${set} set` : 'the Bitnami image requires REDIS_PASSWORD');
      }
      const args = [
        ...(m.command ?? []),
        ...((m.env ?? []).find((v) => v.name === 'REDIS_ARGS')?.value ?? '').split(/\s+/),
      ];
      // `sh -c "redis-server --requirepass ..."` keeps the flag inside one argument.
      const words = args.flatMap((a) => a.split(/\s+/));
      const protectedOff = words.some(
        (w, i) => w === '--protected-mode' && /^no$/i.test(words[i + 1] ?? ''),
      );
      if (words.includes('--requirepass')) return pass('--requirepass set');
      const conf =
        words.find((w) => /\.conf$/.test(w)) ??
        configMounted(m, [
          '/usr/local/etc/redis',
          '/etc/redis',
          '/usr/local/etc/valkey',
          '/etc/valkey',
        ]);
      if (conf && !protectedOff) return notApplicable(`configured by ${conf} (not read)`);
      return fail(
        protectedOff
          ? 'no --requirepass, and --protected-mode no'
          : 'no --requirepass (the official image turns protected mode off)',
      );
    },
  },
  {
    id: 'admin-ui-public',
    title: 'Admin web UI published beyond localhost',
    severity: 'medium',
    remediation: {
      compose:
        'ports:\n  - "127.0.0.1:3000:3000"   # and publish it through a reverse proxy with SSO or a VPN',
      run: '-p 127.0.0.1:3000:3000',
      live: false,
    },
    evaluate(m) {
      const id = only(
        m,
        ['grafana', 'pgadmin', 'kibana', 'opensearch-dashboards'],
        'Grafana, pgAdmin, Kibana or OpenSearch Dashboards',
      );
      if (isDetail(id)) return id;
      const reach = reachOf(m);
      if (reach.reach === 'loopback' || reach.reach === 'not-published')
        return pass(reachText(reach));
      return {
        verdict: 'fail',
        severity: reach.reach === 'all-interfaces' ? 'high' : 'medium',
        evidence: `${PRODUCT_NAMES[id.product]} ${reachText(reach)}`,
        ...locOf(m, reach.ports.length ? 'ports' : 'network_mode', reach.ports),
      };
    },
  },
];

/**
 * Service-aware checks for consoles and monitoring: Grafana's anonymous access, admin passwords
 * left at the product's default, monitoring components meant to stay internal, admin web UIs
 * published beyond localhost. Pure; each fix names the product's own variable or option.
 */
import type { CheckDefinition, CheckVerdictDetail } from './types.js';
import { notApplicable, pass } from './helpers.js';
import { configMounted, given, isTrue, reachOf, reachText, setting } from './products.js';
import {
  PRODUCT_NAMES,
  at,
  envLoc,
  isDetail,
  only,
  publishedBeyondLoopback,
} from './service-common.js';

export const consoleChecks: CheckDefinition[] = [
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
      return publishedBeyondLoopback(m, id, ' (no authentication of its own)');
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
      return publishedBeyondLoopback(m, id);
    },
  },
];

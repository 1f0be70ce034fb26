/**
 * Service-aware checks for data stores: Elasticsearch/OpenSearch with security off, PostgreSQL
 * without a password, Cassandra's allow-all authenticator, Redis without a password. Each fix
 * names the product's own variable or option. Pure; values are compared in memory, never shown.
 */
import type { CheckDefinition, CheckVerdictDetail } from './types.js';
import { locOf, notApplicable, pass } from './helpers.js';
import { configMounted, given, isFalse, isTrue, reachOf, reachText, setting } from './products.js';
import { at, byReach, envLoc, isDetail, only } from './service-common.js';

const ES_SECURITY = [
  'xpack.security.enabled',
  'XPACK_SECURITY_ENABLED',
  'ES_SETTING_XPACK_SECURITY_ENABLED',
];
const OS_DISABLED = ['plugins.security.disabled', 'PLUGINS_SECURITY_DISABLED'];

export const dataStoreChecks: CheckDefinition[] = [
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
];

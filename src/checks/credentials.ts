/**
 * Known default credentials: the values vendors document in their images, compose files and
 * guides (each entry names its source), and the generic words people leave in place. Pure.
 * The values are compared in memory only; findings name the variable and the product, never the
 * value. The README's credential table is this list.
 */

export interface VendorDefault {
  product: string;
  /** Variables (or command flags, as `--flag`) the default is documented for. */
  variables: readonly string[];
  /** The documented value, compared exactly. */
  value: string;
  /** Where the vendor documents it. */
  source: string;
}

export const VENDOR_DEFAULTS: readonly VendorDefault[] = [
  {
    product: 'Wazuh',
    variables: ['INDEXER_PASSWORD'],
    value: 'SecretPassword',
    source:
      'https://github.com/wazuh/wazuh-docker/blob/15205ada03ebe9b65ddb3ee0c9e2e92221469d63/single-node/docker-compose.yml',
  },
  {
    product: 'Wazuh',
    variables: ['API_PASSWORD'],
    value: 'MyS3cr37P450r.*-',
    source:
      'https://github.com/wazuh/wazuh-docker/blob/15205ada03ebe9b65ddb3ee0c9e2e92221469d63/single-node/docker-compose.yml',
  },
  {
    product: 'Wazuh dashboard',
    variables: ['DASHBOARD_PASSWORD'],
    value: 'kibanaserver',
    source:
      'https://documentation.wazuh.com/current/deployment-options/docker/upgrading-wazuh-docker.html',
  },
  {
    product: 'OpenSearch (before 2.12)',
    variables: ['OPENSEARCH_INITIAL_ADMIN_PASSWORD', 'OPENSEARCH_PASSWORD', 'INDEXER_PASSWORD'],
    value: 'admin',
    source: 'https://github.com/opensearch-project/alerting/issues/1347',
  },
  {
    product: 'Elasticsearch/Kibana (X-Pack built-in users)',
    variables: ['ELASTIC_PASSWORD', 'ELASTICSEARCH_PASSWORD', 'KIBANA_PASSWORD'],
    value: 'changeme',
    source: 'https://www.elastic.co/guide/en/x-pack/5.6/setting-up-authentication.html',
  },
  {
    product: 'Grafana',
    variables: ['GF_SECURITY_ADMIN_PASSWORD'],
    value: 'admin',
    source: 'https://grafana.com/docs/grafana/latest/setup-grafana/sign-in-to-grafana/',
  },
  {
    product: 'PostgreSQL image',
    variables: ['POSTGRES_PASSWORD'],
    value: 'example',
    source: 'https://github.com/docker-library/docs/blob/master/postgres/compose.yaml',
  },
  {
    product: 'PostgreSQL image',
    variables: ['POSTGRES_PASSWORD'],
    value: 'mysecretpassword',
    source: 'https://github.com/docker-library/docs/blob/master/postgres/content.md',
  },
  {
    product: 'MySQL image',
    variables: ['MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD'],
    value: 'my-secret-pw',
    source: 'https://github.com/docker-library/docs/blob/master/mysql/content.md',
  },
  {
    product: 'MySQL image',
    variables: ['MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD'],
    value: 'example',
    source: 'https://github.com/docker-library/docs/blob/master/mysql/compose.yaml',
  },
  {
    product: 'MariaDB image',
    variables: ['MARIADB_ROOT_PASSWORD', 'MARIADB_PASSWORD', 'MYSQL_ROOT_PASSWORD'],
    value: 'example',
    source: 'https://github.com/docker-library/docs/blob/master/mariadb/compose.yaml',
  },
  {
    product: 'Redis (Bitnami image)',
    variables: ['REDIS_PASSWORD'],
    value: 'password123',
    source: 'https://github.com/bitnami/containers/blob/main/bitnami/redis/README.md',
  },
  {
    product: 'MISP (misp-docker)',
    variables: ['ADMIN_PASSWORD', 'MISP_ADMIN_PASSPHRASE'],
    value: 'admin',
    source: 'https://github.com/MISP/misp-docker/blob/master/template.env',
  },
  {
    product: 'MISP (misp-docker, first template)',
    variables: ['MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD'],
    value: 'misp',
    source: 'https://github.com/MISP/x_old_misp_docker/blob/master/README.md',
  },
  {
    product: 'TheHive/Cortex (Docker guide)',
    variables: ['--secret'],
    value: 'mySecretForTheHive',
    source: 'https://docs.strangebee.com/thehive/setup/installation/docker/',
  },
  {
    product: 'MinIO',
    variables: ['MINIO_ROOT_PASSWORD', 'MINIO_SECRET_KEY', '--s3-secret-key', 'S3_SECRET_KEY'],
    value: 'minioadmin',
    source: 'https://min.io/docs/minio/linux/reference/minio-server/settings/deprecated.html',
  },
  {
    product: 'Cassandra (default superuser)',
    variables: ['CASSANDRA_PASSWORD', '--cql-password'],
    value: 'cassandra',
    source:
      'https://docs.datastax.com/en/cassandra-oss/3.x/cassandra/configuration/secureConfigNativeAuth.html',
  },
  {
    product: 'RabbitMQ image',
    variables: ['RABBITMQ_DEFAULT_PASS', 'RABBITMQ_PASSWORD'],
    value: 'guest',
    source: 'https://github.com/docker-library/docs/blob/master/rabbitmq/content.md',
  },
  {
    product: 'Graylog (Docker guide)',
    variables: ['GRAYLOG_PASSWORD_SECRET'],
    value: 'somepasswordpepper',
    source:
      'https://github.com/Graylog2/documentation/blob/0107e642f0e4d7e4cbdda89f06b223dabfa21640/pages/installation/docker.rst',
  },
  {
    // The SHA-256 of `admin`, the guide's root password.
    product: 'Graylog (Docker guide)',
    variables: ['GRAYLOG_ROOT_PASSWORD_SHA2'],
    value: '8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918',
    source:
      'https://github.com/Graylog2/documentation/blob/0107e642f0e4d7e4cbdda89f06b223dabfa21640/pages/installation/docker.rst',
  },
  {
    product: 'pgAdmin',
    variables: ['PGADMIN_DEFAULT_PASSWORD'],
    value: 'SuperSecret',
    source:
      'https://github.com/pgadmin-org/pgadmin4/blob/master/docs/en_US/container_deployment.rst',
  },
];

/** Words that are defaults or demo values whatever the product (compared case-insensitively). */
const GENERIC = new Set([
  'postgres',
  'admin',
  'administrator',
  'changeme',
  'change_me',
  'changeit',
  'password',
  'password1',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'secret',
  'root',
  'toor',
  '123456',
  '12345678',
  '1234',
  '12345',
  'qwerty',
  'example',
  'test',
  'default',
  'letmein',
  'guest',
  'mysql',
  'pass',
  'demo',
  'user',
  'welcome',
  'minioadmin',
  'rabbitmq',
  'kibanaserver',
  'elastic',
  'redis',
  'mongo',
  'mariadb',
]);

/**
 * Generic words that name a product: under another variable they are still that product's
 * default (`minioadmin` in `--s3-secret-key`, `guest` in an AMQP URL), unlike `admin`, `changeme`
 * or `example`, which many products document.
 */
const PRODUCT_WORDS = new Set([
  'minioadmin',
  'kibanaserver',
  'guest',
  'rabbitmq',
  'elastic',
  'redis',
  'mongo',
  'mariadb',
  'mysql',
  'postgres',
]);

/**
 * `redispassword`, `admin123`, `mysecretpassword`, `db_pass`: a product or role word followed by a
 * password word or a short run of digits.
 */
const GENERIC_PATTERN =
  /^(my)?(admin|root|user|test|demo|default|redis|postgres|postgresql|pg|mysql|mariadb|maria|mongo|mongodb|elastic|kibana|rabbit|rabbitmq|minio|grafana|db|database|app|super|secret|pass)[-_.]?(secret)?[-_.]?(password|passwd|pass|pwd|secret|123|1234|12345|123456)$/i;

/** `<your-password>`, `your_secret_here`, `xxxxxx`: placeholders left in place. */
const PLACEHOLDER =
  /^(<[^>]*>|\[[^\]]*\]|(your|my|enter|insert|put)[-_ ]?(own[-_ ]?)?(secret|password|passwd|pass|token|key|api[-_ ]?key)([-_ ]?here)?|x{4,}|\*{3,}|todo|tbd|fixme|replace[-_ ]?me)$/i;

/** `ChangeMe`, `ChangeMe_UUIDv4`, `changeme-please`, `change_it_now`: a template's value left as is. */
const CHANGE_ME = /^change[-_ .]?(me|it)/i;

export interface DefaultMatch {
  /** `vendor`: documented by a vendor; `generic`: a common word or placeholder. */
  kind: 'vendor' | 'generic';
  product?: string;
  /** The entry is documented for this very variable (or flag). */
  sameVariable: boolean;
  source?: string;
}

/**
 * Whether `value` is a known default, and whose. The value is never returned. `variable` is the
 * env variable or `--flag` holding it, used to prefer the entry documented for it.
 */
export function knownDefault(value: string, variable?: string): DefaultMatch | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const entries = VENDOR_DEFAULTS.filter((d) => d.value === v);
  const same = entries.find((d) => variable !== undefined && d.variables.includes(variable));
  const lower = v.toLowerCase();
  const generic =
    GENERIC.has(lower) || GENERIC_PATTERN.test(lower) || PLACEHOLDER.test(v) || CHANGE_ME.test(v);
  // `changeme` in ADMIN_PASSWORD is nobody's default in particular, not Elastic's.
  const hit = same ?? (generic && !PRODUCT_WORDS.has(lower) ? undefined : entries[0]);
  if (hit)
    return { kind: 'vendor', product: hit.product, sameVariable: !!same, source: hit.source };
  if (generic) return { kind: 'generic', sameVariable: false };
  return undefined;
}

/** Evidence words for a match: `the documented Grafana default`, `a common default value`. */
export function defaultLabel(m: DefaultMatch): string {
  if (m.kind === 'vendor')
    return m.sameVariable
      ? `the documented ${m.product} default`
      : `a documented ${m.product} default`;
  return 'a common default value';
}

/**
 * Credential classification, the vendor-default table, weak and reused secrets: what counts as a
 * secret, what is a reference or a flag, and that findings name variables only.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { composeModels } from '../../src/checks/compose-model.js';
import { evaluateModel, evaluateStack } from '../../src/checks/catalog.js';
import { knownDefault, VENDOR_DEFAULTS } from '../../src/checks/credentials.js';
import {
  classifyValue,
  commandCredentials,
  isCredentialName,
  weakness,
} from '../../src/checks/secret-values.js';
import type { Evaluation } from '../../src/checks/types.js';

const rf = (p: string) => readFile(p, 'utf8');

async function audit(file: string): Promise<Evaluation[]> {
  const c = await composeModels(await rf(file), { file, readFile: rf, env: {} });
  return [...c.services.flatMap((s) => evaluateModel(s, {})), ...evaluateStack(c.services, {})];
}

const verdict = (evals: Evaluation[], service: string, check: string) =>
  evals.find((e) => e.target.service === service && e.check === check);

describe('what is a secret', () => {
  it('names: credentials, not settings about them', () => {
    for (const n of ['DB_PASSWORD', 'API_TOKEN', 'JWT_SECRET', 'SECRET_KEY', 'DATABASE_URL'])
      expect(isCredentialName(n), n).toBe(true);
    for (const n of [
      'ENABLE_REDIS_EMPTY_PASSWORD',
      'PHP_SESSION_COOKIE_SECURE',
      'PASSWORD_MIN_LENGTH',
      'PASSWORD_RESET_TIMEOUT',
      'TOKEN_EXPIRY',
      'AWS_ACCESS_KEY_ID',
      'SESSION_COOKIE_NAME',
      'DB_PASSWORD_FILE',
      'INDEXER_USERNAME',
    ])
      expect(isCredentialName(n), n).toBe(false);
  });

  it('values: booleans and numbers never, paths and plain URLs are references', () => {
    expect(classifyValue('False').kind).toBe('flag');
    expect(classifyValue('true').kind).toBe('flag');
    expect(classifyValue('no').kind).toBe('flag');
    expect(classifyValue('3600').kind).toBe('number');
    expect(classifyValue('/run/secrets/db-password').kind).toBe('reference');
    expect(classifyValue('redis://cache:6379/0').kind).toBe('reference');
    expect(classifyValue('').kind).toBe('empty');
    expect(classifyValue(undefined).kind).toBe('unset');
    expect(classifyValue('postgres://app:s3cret@db/app')).toEqual({
      kind: 'secret',
      secret: 's3cret',
    });
    expect(classifyValue('zabbix')).toEqual({ kind: 'secret', secret: 'zabbix' });
  });

  it('command lines: --requirepass, --secret=, not --port or the next flag', () => {
    expect(
      commandCredentials([
        'redis-server',
        '--requirepass',
        'pw1',
        '--port',
        '6380',
        '--secret=pw2',
        '--password',
        '--other',
      ]).map((c) => [c.flag, c.kind]),
    ).toEqual([
      ['--requirepass', 'secret'],
      ['--secret', 'secret'],
    ]);
  });

  it('weakness: the seeds rule (32 characters) and repetitive long values', () => {
    expect(weakness('Zq8nQ2vR7kW3mX9pL4tY6hB1cF5dJ0g')).toBe('shorter than 32 characters');
    expect(weakness('a'.repeat(40))).toBe('low entropy (repetitive)');
    expect(weakness('Zq8nQ2vR7kW3mX9pL4tY6hB1cF5dJ0gA')).toBeUndefined();
  });
});

describe('vendor defaults', () => {
  it('every entry names a product, a variable, a value and an https source', () => {
    expect(VENDOR_DEFAULTS.length).toBeGreaterThanOrEqual(15);
    for (const d of VENDOR_DEFAULTS) {
      expect(d.product.length).toBeGreaterThan(2);
      expect(d.variables.length).toBeGreaterThan(0);
      expect(d.value.length).toBeGreaterThan(0);
      expect(d.source).toMatch(/^https:\/\/[^\s]+$/);
    }
    const products = VENDOR_DEFAULTS.map((d) => d.product).join(' ');
    for (const p of [
      'Wazuh',
      'OpenSearch',
      'Elasticsearch',
      'Grafana',
      'PostgreSQL',
      'MySQL',
      'MariaDB',
      'Redis',
      'MISP',
      'TheHive',
      'Cassandra',
      'RabbitMQ',
      'MinIO',
      'pgAdmin',
    ])
      expect(products, p).toContain(p);
  });

  it('matches the documented value for its variable, exactly; generic words in any case', () => {
    expect(knownDefault('SecretPassword', 'INDEXER_PASSWORD')).toMatchObject({
      kind: 'vendor',
      product: 'Wazuh',
      sameVariable: true,
    });
    expect(knownDefault('secretpassword', 'INDEXER_PASSWORD')?.kind).toBe('generic');
    expect(knownDefault('REDISPASSWORD')?.kind).toBe('generic');
    expect(knownDefault('<your-password>')?.kind).toBe('generic');
    expect(knownDefault('Zq8nQ2vR7kW3mX9pL4tY6hB1cF5dJ0gA')).toBeUndefined();
  });

  it('finds the SIEM stack left with vendor examples, naming variables and products only', async () => {
    const evals = await audit('test/fixtures/compose/vendor-defaults/compose.yaml');
    expect(verdict(evals, 'wazuh.manager', 'demo-credential')?.evidence).toBe(
      'INDEXER_PASSWORD=*** (the documented Wazuh default), API_PASSWORD=*** (the documented Wazuh default)',
    );
    expect(verdict(evals, 'wazuh.dashboard', 'demo-credential')?.evidence).toContain(
      'DASHBOARD_PASSWORD=***',
    );
    expect(verdict(evals, 'redis', 'demo-credential')?.evidence).toBe(
      'REDIS_PASSWORD=*** (a common default value), command --requirepass=*** (a common default value)',
    );
    expect(verdict(evals, 'thehive', 'demo-credential')?.evidence).toContain(
      'command --secret=***',
    );
    expect(verdict(evals, 'app', 'demo-credential')?.evidence).toBe(
      'DATABASE_URL=*** (a common default value)',
    );
    // A random 40-character token is a secret in env, not a default, not weak.
    expect(verdict(evals, 'app', 'secret-in-env')?.evidence).toContain('GOOD_TOKEN=***');
    expect(verdict(evals, 'app', 'weak-secret')?.verdict).toBe('pass');
    const text = JSON.stringify(evals);
    for (const value of ['SecretPassword', 'kibanaserver', 'redispassword', 'mySecretForTheHive'])
      expect(text).not.toContain(value);
  });

  it('reused-secret: one value in two services, by variable name', async () => {
    const evals = await audit('test/fixtures/compose/vendor-defaults/compose.yaml');
    expect(verdict(evals, 'minio', 'reused-secret')?.evidence).toBe(
      'MINIO_ROOT_PASSWORD=*** (also in thehive: command --s3-secret-key)',
    );
    expect(verdict(evals, 'wazuh.dashboard', 'reused-secret')?.verdict).toBe('pass');
  });
});

describe('numbers', () => {
  it('a PIN-like password is a demo credential though no secret; a numeric setting is neither', () => {
    const model = {
      source: 'compose' as const,
      name: 'db',
      env: [
        { name: 'DB_PASSWORD', value: '123456' },
        { name: 'PASSWORD_RESET_TIMEOUT', value: '1234' },
      ],
    };
    const [demo, secret] = evaluateModel(model, {}, ['demo-credential', 'secret-in-env']);
    expect(demo).toMatchObject({
      verdict: 'fail',
      evidence: 'DB_PASSWORD=*** (a common default value)',
    });
    expect(secret?.verdict).toBe('pass');
  });
});

describe('false positives from names (defect 5)', () => {
  it('flags, numbers, paths and settings are no secret; the real one still is', async () => {
    const evals = await audit('test/fixtures/compose/flags/compose.yaml');
    expect(verdict(evals, 'worker', 'secret-in-env')?.evidence).toBe('JWT_SECRET=***');
    expect(verdict(evals, 'worker', 'demo-credential')?.verdict).toBe('pass');
    expect(verdict(evals, 'worker', 'weak-secret')?.verdict).toBe('pass');
  });
});

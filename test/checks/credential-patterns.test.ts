/**
 * Credential patterns from real stacks (review of issue 8): passwords in connection URLs whatever
 * the variable's name, secrets that look like paths but are base64, references that are not
 * paths (Grafana's `$__file{}`), and which product a common word is attributed to.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { composeModels } from '../../src/checks/compose-model.js';
import { evaluateModel, evaluateStack } from '../../src/checks/catalog.js';
import { classifyValue, isCredentialName } from '../../src/checks/secret-values.js';
import { knownDefault, defaultLabel } from '../../src/checks/credentials.js';
import type { Evaluation } from '../../src/checks/types.js';

const rf = (p: string) => readFile(p, 'utf8');
const file = 'test/fixtures/compose/credential-patterns/compose.yaml';

async function audit(): Promise<Evaluation[]> {
  const c = await composeModels(await rf(file), { file, readFile: rf, env: {} });
  return [...c.services.flatMap((s) => evaluateModel(s, {})), ...evaluateStack(c.services, {})];
}
const verdict = (evals: Evaluation[], service: string, check: string) =>
  evals.find((e) => e.target.service === service && e.check === check);

describe('passwords in connection URLs', () => {
  it('count in any variable, by their password: defaults, secrets in env, reuse', async () => {
    const evals = await audit();
    const expected: [service: string, check: string, evidence: string][] = [
      ['pg-exporter', 'demo-credential', 'DATA_SOURCE_NAME=*** (a common default value)'],
      ['pg-exporter', 'secret-in-env', 'DATA_SOURCE_NAME=***'],
      ['pg-exporter', 'reused-secret', 'DATA_SOURCE_NAME=*** (also in db: POSTGRES_PASSWORD)'],
      ['worker', 'demo-credential', 'CELERY_BROKER_URL=*** (a documented RabbitMQ image default)'],
      ['worker', 'secret-in-env', 'CELERY_BROKER_URL=***, CELERY_RESULT_BACKEND=***'],
      ['worker', 'weak-secret', 'CELERY_RESULT_BACKEND=*** (shorter than 32 characters)'],
    ];
    for (const [service, check, evidence] of expected)
      expect(verdict(evals, service, check)?.evidence, `${service} ${check}`).toBe(evidence);
  });

  it('count on the command line too, named by the flag before them', async () => {
    const evals = await audit();
    expect(verdict(evals, 'analyzer', 'demo-credential')).toMatchObject({
      verdict: 'fail',
      evidence: 'command --es-uri=*** (a common default value)',
    });
    expect(verdict(evals, 'analyzer', 'secret-in-env')?.verdict).toBe('pass');
  });

  it('a URL without a password is no credential', async () => {
    const evals = await audit();
    expect(verdict(evals, 'worker', 'secret-in-env')?.evidence ?? '').not.toContain('MONGO_URI');
  });
});

describe('references and settings', () => {
  it('a base64 secret starting with "/" is a secret; a path is a reference', async () => {
    expect(classifyValue('/k3J9xQvLm2+Pz8Rt5Wn1Zc7Hb4Jd6Fg0AsDfGhJkL=').kind).toBe('secret');
    expect(classifyValue('/run/secrets/signing-key').kind).toBe('reference');
    expect(classifyValue('/etc/ssl/private/app.pem').kind).toBe('reference');
    const evals = await audit();
    expect(verdict(evals, 'signer', 'secret-in-env')?.evidence).toBe('SECRET_KEY=***');
  });

  it("Grafana's $__file{} and $__env{} are references, not secrets", async () => {
    expect(classifyValue('$__file{/run/secrets/grafana_admin}').kind).toBe('reference');
    const evals = await audit();
    expect(verdict(evals, 'grafana', 'secret-in-env')?.verdict).toBe('pass');
    expect(verdict(evals, 'grafana', 'weak-secret')?.verdict).toBe('pass');
    expect(verdict(evals, 'grafana', 'default-admin-password')?.verdict).toBe('pass');
  });

  it('PASSWORD_HASHERS is a setting', () => {
    expect(isCredentialName('PASSWORD_HASHERS')).toBe(false);
  });
});

describe('attribution of common words', () => {
  it('a product-neutral word under another variable is a common default, not a vendor’s', async () => {
    expect(defaultLabel(knownDefault('changeme', 'ADMIN_PASSWORD')!)).toBe(
      'a common default value',
    );
    expect(defaultLabel(knownDefault('admin', 'DB_PASSWORD')!)).toBe('a common default value');
    // Under the vendor's own variable it is the vendor's default.
    expect(defaultLabel(knownDefault('changeme', 'ELASTIC_PASSWORD')!)).toBe(
      'the documented Elasticsearch/Kibana (X-Pack built-in users) default',
    );
    // A product's own word stays attributed to it.
    expect(defaultLabel(knownDefault('minioadmin', '--s3-access-key')!)).toBe(
      'a documented MinIO default',
    );
    const evals = await audit();
    expect(verdict(evals, 'django', 'demo-credential')?.evidence).toBe(
      'ADMIN_PASSWORD=*** (a common default value), DB_PASSWORD=*** (a common default value)',
    );
    expect(verdict(evals, 'django', 'secret-in-env')?.evidence).toBe(
      'ADMIN_PASSWORD=***, DB_PASSWORD=***',
    );
  });
});

describe('Graylog', () => {
  it("the Docker guide's password secret and root hash (of admin) are its documented defaults", () => {
    expect(knownDefault('somepasswordpepper', 'GRAYLOG_PASSWORD_SECRET')).toMatchObject({
      kind: 'vendor',
      product: 'Graylog (Docker guide)',
      sameVariable: true,
    });
    expect(
      knownDefault(
        '8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918',
        'GRAYLOG_ROOT_PASSWORD_SHA2',
      )?.product,
    ).toBe('Graylog (Docker guide)');
  });
});

describe('template values left in place', () => {
  it('anything starting with ChangeMe / change_it is a common default', () => {
    for (const v of ['ChangeMe_UUIDv4', 'ChangeMeToo', 'changeme-please', 'Change_It_Now'])
      expect(knownDefault(v, 'OPENCTI_TOKEN')?.kind, v).toBe('generic');
    expect(knownDefault('Exchange-me-0192', 'OPENCTI_TOKEN')).toBeUndefined();
  });
});

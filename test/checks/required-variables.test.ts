/**
 * `${VAR:?message}` and `${VAR?}`: a variable the file requires from the deploying shell. compose
 * refuses to deploy without it; the audit reads the file anyway (the secrets are deliberately not
 * in the repository): the value is unknown, as a bare name's is, never an empty string.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { composeModels } from '../../src/checks/compose-model.js';
import { evaluateModel } from '../../src/checks/catalog.js';
import { runAudit } from '../../src/cli/commands/audit.js';
import { captureAudit } from '../helpers/audit-capture.js';

const rf = (p: string) => readFile(p, 'utf8');
const file = 'test/fixtures/compose/required-vars/compose.yaml';

describe('variables required from the shell', () => {
  it('are unknown values, not errors, and not empty', async () => {
    const c = await composeModels(await rf(file), { file, readFile: rf, env: {} });
    const graylog = c.services.find((s) => s.service === 'graylog');
    const secret = graylog?.env?.find((v) => v.name === 'GRAYLOG_PASSWORD_SECRET');
    expect(secret).toBeDefined();
    expect(secret?.value).toBeUndefined();
    const db = c.services.find((s) => s.service === 'db');
    expect(db?.env?.find((v) => v.name === 'POSTGRES_PASSWORD')?.value).toBeUndefined();
    // Elsewhere the reference stays readable in evidence: `${NAME}`.
    expect(db?.image).toBe('postgres:${PG_TAG}');
    expect(graylog?.ports?.[0]?.hostPort).toBe('${GRAYLOG_PORT}');
    expect(db?.mounts?.[0]?.source).toContain('${DATA_ROOT}/pg');
    const evals = evaluateModel(db!, {});
    // A password compose will take from the shell is given: not "no POSTGRES_PASSWORD".
    expect(evals.find((e) => e.check === 'postgres-auth')?.verdict).toBe('pass');
    expect(evals.find((e) => e.check === 'secret-in-env')?.verdict).toBe('pass');
  });

  it('warden audit exits on its findings and names the variables on stderr', async () => {
    const { deps, out } = captureAudit({ env: {} });
    const code = await runAudit({ compose: [file], format: 'json' }, deps);
    expect(code).toBe(1);
    const json = JSON.parse(out.stdout);
    // The services, then the file's default network (the networks scope judges it).
    expect(
      json.targets.map((t: { service?: string; name: string }) => t.service ?? `network ${t.name}`),
    ).toEqual(['graylog', 'db', 'network default']);
    expect(out.stderr).toContain(
      `warden: ${file} requires variables that are not set: GRAYLOG_PASSWORD_SECRET, GRAYLOG_PORT, PG_TAG, PG_PASSWORD, DATA_ROOT (audited as given at deploy time)`,
    );
    expect(out.stdout).not.toContain('\uE000');
  });

  it('take the shell value when there is one', async () => {
    const c = await composeModels(await rf(file), {
      file,
      readFile: rf,
      env: { PG_PASSWORD: 'from-the-shell-0193', PG_TAG: '16.3' },
    });
    const db = c.services.find((s) => s.service === 'db');
    expect(db?.env?.find((v) => v.name === 'POSTGRES_PASSWORD')?.value).toBe('from-the-shell-0193');
    expect(db?.image).toBe('postgres:16.3');
  });
});

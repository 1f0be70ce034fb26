/**
 * Top-level `include:` (compose 2.20+): the included files' services are part of the project and
 * are audited, each from its own file, directory and `.env` (or the entry's `env_file`).
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { composeModels } from '../../src/checks/compose-model.js';
import { evaluateModel } from '../../src/checks/catalog.js';

const rf = (p: string) => readFile(p, 'utf8');
const dir = 'test/fixtures/compose/include';

async function load(text?: string, files: Record<string, string> = {}) {
  const read = async (p: string) => files[p] ?? rf(p);
  const file = `${dir}/compose.yaml`;
  return composeModels(text ?? (await rf(file)), { file, readFile: read, env: {} });
}

describe('compose include', () => {
  it('audits the services of included files, located in their own file', async () => {
    const c = await load();
    expect(c.services.map((s) => s.service)).toEqual(['app', 'db', 'grafana']);
    expect(c.project).toBe('includes');
    const db = c.services.find((s) => s.service === 'db');
    expect(db?.file).toBe(`${dir}/db/compose.yaml`);
    expect(db?.project).toBe('includes');
    // Relative paths are the included file's: ./data is db/data.
    expect(db?.mounts?.[0]?.source).toMatch(/include\/db\/data$/);
    const evals = evaluateModel(db!, {});
    const trust = evals.find((e) => e.check === 'postgres-auth');
    expect(trust).toMatchObject({ verdict: 'fail', severity: 'critical' });
    expect(trust?.target).toMatchObject({ file: `${dir}/db/compose.yaml`, service: 'db' });
  });

  it("interpolates from the included project's .env, or the entry's env_file", async () => {
    const c = await load();
    const db = c.services.find((s) => s.service === 'db');
    expect(db?.env?.find((v) => v.name === 'POSTGRES_PASSWORD')?.value).toBe('db-env-Pw-1187');
    const grafana = c.services.find((s) => s.service === 'grafana');
    expect(grafana?.ports?.[0]?.hostPort).toBe('3300');
    const demo = evaluateModel(grafana!, {}).find((e) => e.check === 'demo-credential');
    expect(demo?.verdict).toBe('fail');
  });

  it('refuses a service defined twice, an include cycle and an unreadable file, in one line', async () => {
    const twice = 'include: [db/compose.yaml]\nservices:\n  db:\n    image: x:1\n';
    await expect(load(twice)).rejects.toThrow(/service db .*defined .*db\/compose\.yaml/);
    const loop = {
      [`${dir}/a.yaml`]: 'include: [b.yaml]\nservices: {}\n',
      [`${dir}/b.yaml`]: 'include: [a.yaml]\nservices: {}\n',
    };
    await expect(load('include: [a.yaml]\nservices: {}\n', loop)).rejects.toThrow(/include cycle/);
    await expect(load('include: [missing.yaml]\nservices: {}\n')).rejects.toThrow(
      /cannot read .*missing\.yaml \(included from/,
    );
  });
});

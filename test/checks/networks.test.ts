/**
 * The networks scope on compose files: a flat stack (database and cache one hop from the
 * published web server) and a tiered one (data on an internal network, a cache network that
 * could be internal, an external network left alone), both verdicts of each check, and the
 * segmentation listed network by network.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runAuditCore } from '../../src/checks/audit-core.js';

const DIR = 'test/fixtures/compose/segmentation';
const audit = (name: string) =>
  runAuditCore({
    composeFiles: [`${DIR}/${name}/compose.yaml`],
    readFile: (p) => readFile(p, 'utf8'),
    scopes: ['networks'],
  });
const verdicts = (run: Awaited<ReturnType<typeof audit>>, check: string) =>
  run.evaluations
    .filter((e) => e.check === check)
    .map((e) => [e.target.kind, e.target.name, e.verdict]);

describe('networks scope, compose files', () => {
  it('flat: the database and the cache share the default network with the published web server', async () => {
    const run = await audit('flat');
    expect(verdicts(run, 'network-datastore-exposed')).toEqual([
      ['compose', 'db', 'fail'],
      ['compose', 'cache', 'fail'],
      ['compose', 'search', 'pass'],
    ]);
    const db = run.evaluations.find(
      (e) => e.check === 'network-datastore-exposed' && e.target.name === 'db',
    );
    expect(db?.evidence).toBe('postgres on default with web (*:80->80/tcp, *:443->443/tcp)');
    expect(db?.remediation.compose).toContain('internal: true');
    // Only the network checks ran: no container check under --scope networks.
    expect(new Set(run.evaluations.map((e) => e.check))).toEqual(
      new Set(['network-datastore-exposed', 'network-not-internal']),
    );
  });

  it('flat: a network whose only member is a datastore could be internal; one with a published member not', async () => {
    const run = await audit('flat');
    expect(verdicts(run, 'network-not-internal')).toEqual([
      ['network', 'search', 'fail'],
      ['network', 'default', 'pass'],
    ]);
    const def = run.evaluations.find(
      (e) => e.check === 'network-not-internal' && e.target.name === 'default',
    );
    expect(def?.evidence).toBe('web publishes ports; web, app get out only through it');
  });

  it('tiered: data is internal, the datastores reach no published container, the cache network could be internal, the external one is not judged', async () => {
    const run = await audit('tiered');
    expect(verdicts(run, 'network-datastore-exposed')).toEqual([
      ['compose', 'db', 'pass'],
      ['compose', 'cache', 'pass'],
    ]);
    expect(verdicts(run, 'network-not-internal')).toEqual([
      ['network', 'edge', 'pass'],
      ['network', 'data', 'pass'],
      ['network', 'cache', 'fail'],
      ['network', 'monitoring', 'pass'],
    ]);
    const cache = run.evaluations.find(
      (e) => e.check === 'network-not-internal' && e.target.name === 'cache',
    );
    expect(cache?.target.file).toBe(`${DIR}/tiered/compose.yaml`);
    // The line of its key under the top-level networks: (SARIF's region, the table's line).
    const text = readFileSync(`${DIR}/tiered/compose.yaml`, 'utf8').split('\n');
    const networksAt = text.indexOf('networks:');
    expect(cache?.target.line).toBe(text.indexOf('  cache:', networksAt) + 1);
    expect(cache?.remediation.compose).toBe('networks:\n  cache:\n    internal: true');
  });

  it('lists who can reach whom, network by network', async () => {
    const run = await audit('tiered');
    expect(run.segments.map((s) => [s.network, s.internal, s.members.map((m) => m.name)])).toEqual([
      ['edge', false, ['proxy', 'app']],
      ['data', true, ['app', 'db']],
      ['cache', false, ['app', 'cache']],
      ['monitoring', false, ['metrics']],
      ['partner', false, ['shared']],
    ]);
    const metrics = run.segments.find((s) => s.network === 'monitoring')?.members[0];
    expect(metrics).toEqual({ name: 'metrics', published: '127.0.0.1:9090->9090/tcp' });
  });
});

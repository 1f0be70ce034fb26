/**
 * Done when: every format (json, sarif, junit, table) is valid and its identifiers unaltered on a
 * fixture with boolean, short and common-word values in credential-named variables. The old
 * scrubber string-replaced those values in the rendered text (`"reached": ***`, `***-server`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/cli/commands/audit.js';
import { captureAudit } from '../helpers/audit-capture.js';
import { DockerError } from '../../src/errors.js';
import type { DockerReadPort } from '../../src/engine/docker-read-port.js';
import { sarifSchema } from '../helpers/sarif.js';
import { xmlAttributes, xmlProblem } from '../helpers/xml.js';
import { dockerAvailable, noDockerReason, readPort } from '../helpers/docker.js';

const FILE = 'test/fixtures/compose/masking/compose.yaml';
const SERVICES = ['zabbix-server', 'sentry', 'web'];

const deadEngine = new Proxy({} as DockerReadPort, {
  get: () => async () => {
    throw new DockerError(
      'the Docker engine is not reachable at unix:///nowhere',
      'daemon-unreachable',
    );
  },
});

async function render(format: string): Promise<string> {
  const { deps, out } = captureAudit({ docker: deadEngine, version: '9.9.9' });
  await runAudit({ compose: [FILE], format, failOn: 'critical' }, deps);
  return out.stdout;
}

/** Every `***` in a text must be a masked value (`NAME=***`), never a replaced identifier. */
function strayMasks(text: string): string[] {
  return [...text.matchAll(/.{0,24}\*\*\*.{0,8}/g)]
    .map((m) => m[0])
    .filter((s) => !/[A-Za-z0-9_.-]=\*\*\*/.test(s));
}

describe('every format stays valid with flag, short and common-word values', () => {
  it('json parses; booleans stay booleans; every target and path is intact', async () => {
    const text = await render('json');
    const json = JSON.parse(text);
    expect(json.engine.reached).toBe(false);
    // The services, then the file's default network (the networks scope judges it).
    expect(
      json.targets.map((t: { service?: string; name: string }) => t.service ?? `network ${t.name}`),
    ).toEqual([...SERVICES, 'network default']);
    for (const f of json.findings as {
      remediation: { live: unknown };
      target: { service: string };
    }[]) {
      expect(typeof f.remediation.live).toBe('boolean');
      expect([...SERVICES, undefined]).toContain(f.target.service);
    }
    const evidence = (json.findings as { evidence: string }[]).map((f) => f.evidence);
    expect(evidence).toContain('read_only: false');
    expect(evidence.some((e) => e.endsWith('/srv/sentry/data:/var/lib/zabbix'))).toBe(true);
    expect(strayMasks(text)).toEqual([]);
    // The flags and the file reference are not secrets; zabbix (a real, weak password) is.
    const secrets = json.findings.filter((f: { check: string }) => f.check === 'secret-in-env');
    expect(secrets.map((f: { evidence: string }) => f.evidence).sort()).toEqual([
      'MYSQL_PASSWORD=***',
      'SENTRY_SECRET_KEY=***',
    ]);
  });

  it('sarif validates, with intact URIs and service names', async () => {
    const text = await render('sarif');
    const sarif = sarifSchema.parse(JSON.parse(text));
    const results = sarif.runs[0]?.results ?? [];
    expect(results.length).toBeGreaterThan(5);
    for (const r of results) {
      expect(r.locations[0]?.physicalLocation?.artifactLocation.uri).toBe(FILE);
      expect(SERVICES).toContain(r.locations[0]?.logicalLocations?.[0]?.name);
    }
    expect(strayMasks(text)).toEqual([]);
  });

  it('junit is well-formed XML with one suite per service', async () => {
    const text = await render('junit');
    expect(xmlProblem(text)).toBeUndefined();
    expect(xmlAttributes(text, 'testsuite', 'name')).toEqual([
      ...SERVICES.map((s) => `${FILE} service ${s}`),
      `${FILE} network default`,
    ]);
    expect(strayMasks(text)).toEqual([]);
  });

  it('the table names every service and keeps advice and evidence readable', async () => {
    const text = await render('table');
    for (const s of SERVICES.slice(0, 2)) expect(text).toContain(`${FILE} service ${s}\n`);
    expect(text).toContain('read_only: false');
    expect(text).toMatch(/\d+ critical, \d+ high, \d+ medium, \d+ low across 4 target\(s\)/);
    expect(strayMasks(text)).toEqual([]);
  });

  it('the XML checker itself rejects what the old scrubber produced', () => {
    expect(xmlProblem('<a b="1"><c>ok</c></a>')).toBeUndefined();
    expect(xmlProblem('<a b=***><c/></a>')).toMatch(/bad attribute/);
    expect(xmlProblem('<a><b></a>')).toMatch(/mismatched/);
    expect(xmlProblem('<a>x & y</a>')).toMatch(/bad entity/);
  });
});

/**
 * The engine's own targets in every format: the daemon and its host (a member of the socket's
 * group is a target of its own), read from this machine's engine. Every SARIF result points at
 * the rule of its own check (daemon and host rules were once missing, so their results pointed
 * at rule 0), and every fix says where it goes.
 */
describe.skipIf(!dockerAvailable || process.getuid?.() !== 0)(
  `every format with the daemon and host scopes (${noDockerReason})`,
  () => {
    const root = mkdtempSync(join(tmpdir(), 'warden-formats-'));
    writeFileSync(join(root, 'group'), 'docker:x:999:deploy\n');
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const docker = {
      ...readPort(),
      hostAccounts: async () => ({ group: readFileSync(join(root, 'group'), 'utf8') }),
    };
    const engineRender = async (format: string) => {
      const { deps, out } = captureAudit({ docker, version: '9.9.9' });
      await runAudit({ format, failOn: 'critical', scope: ['daemon,host'] }, deps);
      return out.stdout;
    };

    it('sarif validates; each result names its own rule; a host fix is not called a compose key', async () => {
      const sarif = sarifSchema.parse(JSON.parse(await engineRender('sarif')));
      const run = sarif.runs[0];
      const rules = run?.tool.driver.rules ?? [];
      const results = run?.results ?? [];
      expect(results.some((r) => r.ruleId === 'host-docker-group')).toBe(true);
      for (const r of results) expect(rules[r.ruleIndex ?? -1]?.id, r.ruleId).toBe(r.ruleId);
      const group = rules.find((r) => r.id === 'host-docker-group');
      expect(group?.help?.text).toBe('on the host: gpasswd -d <user> docker');
      const icc = rules.find((r) => r.id === 'daemon-icc');
      expect(icc?.help?.text).toMatch(/^\/etc\/docker\/daemon\.json: "icc": false\ndockerd flag: /);
    });

    it('junit is well-formed, with a suite for the engine and one for the member', async () => {
      const text = await engineRender('junit');
      expect(xmlProblem(text)).toBeUndefined();
      const suites = xmlAttributes(text, 'testsuite', 'name');
      expect(suites).toContain('user deploy');
      expect(suites.some((s) => s.startsWith('engine '))).toBe(true);
      expect(text).toContain('fix (on the host): gpasswd -d deploy docker');
      expect(text).not.toContain('not a daemon.json key');
    });

    it('json keeps the member as a user target with its own fix', async () => {
      const json = JSON.parse(await engineRender('json'));
      const f = json.findings.find((x: { check: string }) => x.check === 'host-docker-group');
      expect(f.target).toEqual({ kind: 'user', name: 'deploy' });
      expect(f.remediation.host).toBe('gpasswd -d deploy docker');
    });
  },
);

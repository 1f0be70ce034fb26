import { describe, expect, it } from 'vitest';
import { sarifSchema } from '../helpers/sarif.js';
import { readFile } from 'node:fs/promises';
import { runAudit, type AuditDeps } from '../../src/cli/commands/audit.js';
import { applyIgnores } from '../../src/audit/ignore.js';
import { parseIgnoreFile } from '../../src/audit/ignore-file.js';
import { CHECK_IDS, evaluateModel } from '../../src/checks/catalog.js';
import { maskEnvList, maskSecrets, isSecretName, maskEnv } from '../../src/checks/mask.js';
import { DockerError } from '../../src/errors.js';
import type { DockerReadPort } from '../../src/engine/docker-read-port.js';

const INSECURE = 'test/fixtures/compose/insecure/compose.yaml';
const HARDENED = 'test/fixtures/compose/hardened/compose.yaml';
const PLANTED = 's3cr3t-planted-token-0xC0FFEE';

function harness(files: Record<string, string> = {}, docker?: AuditDeps['docker']) {
  const out = { stdout: '', stderr: '', written: {} as Record<string, string> };
  const deps: AuditDeps = {
    ...(docker ? { docker } : {}),
    readFile: async (p) => files[p] ?? readFile(p, 'utf8'),
    writeFile: async (p, t) => {
      out.written[p] = t;
    },
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    now: () => new Date('2026-06-15T12:00:00Z'),
    version: '9.9.9',
  };
  return { deps, out };
}

/** An engine that is not there: every call fails like a refused socket. */
const deadEngine = new Proxy({} as DockerReadPort, {
  get: () => async () => {
    throw new DockerError(
      'the Docker engine is not reachable at unix:///nowhere',
      'daemon-unreachable',
    );
  },
});

describe('warden audit on compose files with no engine', () => {
  it('audits the file, says the engine was not reached, exits 1 on high findings', async () => {
    const { deps, out } = harness({}, deadEngine);
    const code = await runAudit({ compose: [INSECURE], format: 'json' }, deps);
    expect(code).toBe(1);
    const json = JSON.parse(out.stdout);
    expect(json.tool).toEqual({ name: 'warden', version: '9.9.9' });
    expect(json.engine.reached).toBe(false);
    expect(out.stderr).toContain('engine not reached');
    // privileged, docker-socket, demo-credential, and SYS_PTRACE with pid: host.
    expect(json.summary.critical).toBe(4);
    const f = json.findings.find((x: { check: string }) => x.check === 'privileged');
    expect(f).toMatchObject({
      severity: 'critical',
      target: { kind: 'compose', file: INSECURE, service: 'bad', line: 9 },
      remediation: { live: false },
      refs: { cis: '5.5' },
    });
    expect(
      json.findings.find((x: { check: string }) => x.check === 'memory-limit').remediation.live,
    ).toBe(true);
  });

  it('hardened file: exit 0 even with --fail-on low', async () => {
    const { deps, out } = harness();
    expect(await runAudit({ compose: [HARDENED], failOn: 'low' }, deps)).toBe(0);
    expect(out.stdout).toContain('No findings.');
  });

  it('--fail-on critical ignores high findings; low catches everything', async () => {
    const { deps } = harness();
    expect(
      await runAudit(
        {
          compose: ['test/fixtures/compose/insecure/compose.yaml'],
          failOn: 'critical',
          format: 'json',
        },
        deps,
      ),
    ).toBe(1);
    const h = harness({ 'c.yaml': 'services:\n  a:\n    image: x:1\n    ports: ["8080:80"]\n' });
    expect(await runAudit({ compose: ['c.yaml'], failOn: 'high', format: 'json' }, h.deps)).toBe(0);
    expect(await runAudit({ compose: ['c.yaml'], failOn: 'medium', format: 'json' }, h.deps)).toBe(
      1,
    );
  });

  it('exit 2 with one line for an unreadable compose file, a bad ignore file, a dead engine', async () => {
    let h = harness();
    expect(await runAudit({ compose: ['nope/compose.yaml'] }, h.deps)).toBe(2);
    expect(h.out.stderr).toMatch(/^warden: cannot read compose file nope\/compose.yaml: .*\n$/);
    h = harness({ 'ig.yaml': '- check: privileged\n  target: "*"\n' });
    expect(await runAudit({ compose: [HARDENED], ignoreFile: 'ig.yaml' }, h.deps)).toBe(2);
    expect(h.out.stderr).toMatch(/^warden: ig\.yaml:1: .*reason/);
    h = harness({}, deadEngine);
    expect(await runAudit({}, h.deps)).toBe(2);
    expect(h.out.stderr).toBe('warden: the Docker engine is not reachable at unix:///nowhere\n');
  });

  it('the planted secret appears in no format, file or message', async () => {
    for (const format of ['table', 'json', 'sarif', 'junit']) {
      const { deps, out } = harness();
      await runAudit({ compose: [INSECURE], format, output: `r.${format}` }, deps);
      await runAudit({ compose: [INSECURE], format }, deps);
      const all = out.stdout + out.stderr + Object.values(out.written).join('');
      expect(all).not.toContain(PLANTED);
      expect(all).toContain('API_TOKEN');
    }
  });
});

describe('ignore file', () => {
  const ignore = [
    '- check: privileged',
    '  target: "*compose.yaml:bad"',
    '  reason: lab machine',
    '  owner: sec-team',
    '  expires: 2026-12-31',
    '- check: "host-*"',
    '  target: bad',
    '  reason: was needed once',
    '  expires: 2026-01-01',
  ].join('\n');

  it('suppresses matching findings, reports expired entries, which stop suppressing', async () => {
    const { deps, out } = harness({ 'ig.yaml': ignore });
    const code = await runAudit(
      { compose: [INSECURE], format: 'json', ignoreFile: 'ig.yaml' },
      deps,
    );
    expect(code).toBe(1);
    const json = JSON.parse(out.stdout);
    expect(json.suppressed.map((f: { check: string }) => f.check)).toEqual(['privileged']);
    expect(json.suppressed[0].suppressedBy).toEqual({
      reason: 'lab machine',
      owner: 'sec-team',
      expires: '2026-12-31',
    });
    expect(json.findings.some((f: { check: string }) => f.check === 'privileged')).toBe(false);
    expect(json.findings.some((f: { check: string }) => f.check === 'host-pid')).toBe(true);
    expect(json.expiredIgnores).toHaveLength(1);
    expect(out.stderr).toContain('expired on 2026-01-01');
  });

  it('rejects an entry without a reason, and bad dates', () => {
    expect(() => parseIgnoreFile('- check: x\n  target: y\n  reason: ""\n', 'f')).toThrow(/reason/);
    expect(() =>
      parseIgnoreFile(
        'ignore:\n  - check: x\n    target: y\n    reason: r\n    expires: soon\n',
        'f',
      ),
    ).toThrow(/expires/);
    // Dates that look right but do not exist would otherwise never expire (string compare).
    for (const bad of ['2026-13-45', '2099-13-01', '2026-11-31', '2026-02-30']) {
      expect(() =>
        parseIgnoreFile(`- check: x\n  target: y\n  reason: r\n  expires: ${bad}\n`, 'f'),
      ).toThrow(/expires must be a real date/);
    }
    expect(
      parseIgnoreFile('- check: x\n  target: y\n  reason: r\n  expires: 2028-02-29\n', 'f'),
    ).toHaveLength(1);
    expect(() => parseIgnoreFile('- check: root-user\n  reason: ok\n', 'f')).toThrow(
      'f:1: ignore entry 1: target: an ignore entry needs a target (a container name, service or glob)',
    );
    expect(parseIgnoreFile('ignore: []\n', 'f')).toEqual([]);
  });

  it('keeps an entry valid through its expiry day', () => {
    const f = {
      check: 'a',
      severity: 'low' as const,
      title: '',
      target: { kind: 'container' as const, name: 'web' },
      evidence: '',
      remediation: { compose: '', run: '', live: false },
      refs: {},
    };
    const e = [{ check: 'a', target: 'w*', reason: 'r', expires: '2026-06-15' }];
    expect(applyIgnores([f], e, new Date('2026-06-15T23:00:00Z')).suppressed).toHaveLength(1);
    expect(applyIgnores([f], e, new Date('2026-06-16T00:00:01Z')).findings).toHaveLength(1);
  });
});

describe('formats', () => {
  it('SARIF validates against the 2.1.0 essentials, with compose locations', async () => {
    const { deps, out } = harness({
      'ig.yaml': '- {check: privileged, target: bad, reason: ok}\n',
    });
    await runAudit({ compose: [INSECURE], format: 'sarif', ignoreFile: 'ig.yaml' }, deps);
    const sarif = sarifSchema.parse(JSON.parse(out.stdout));
    const run = sarif.runs[0]!;
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of run.results) {
      expect(ids[r.ruleIndex!]).toBe(r.ruleId);
      expect(r.locations[0]?.physicalLocation?.artifactLocation.uri).toBe(INSECURE);
    }
    expect(run.results.find((r) => r.ruleId === 'privileged')?.suppressions?.[0]?.kind).toBe(
      'external',
    );
  });

  it('JUnit has one testcase per target × check', async () => {
    const { deps, out } = harness();
    await runAudit({ compose: [INSECURE], format: 'junit' }, deps);
    const cases = out.stdout.match(/<testcase /g) ?? [];
    const perTarget = CHECK_IDS.length - 1; // every id but drift, which needs a live container
    // Three services, and the file's default network (network-not-internal); no datastore here.
    const all = 3 * perTarget + 1;
    expect(cases.length).toBe(all);
    expect(out.stdout).toMatch(
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<testsuites name="warden audit" tests="${all}" failures="\\d+" skipped="\\d+"`,
      ),
    );
    expect(out.stdout).toContain('<failure type="critical"');
  });

  it('table groups by target, worst first, with a summary line', async () => {
    const { deps, out } = harness();
    await runAudit({ compose: [INSECURE] }, deps);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${INSECURE} service bad`);
    expect(lines[1]).toMatch(/^ {2}CRITICAL/);
    expect(lines.at(-1)).toMatch(/^4 critical, \d+ high, \d+ medium, \d+ low across 4 target\(s\)/);
  });
});

describe('engine facts', () => {
  const model = {
    source: 'live' as const,
    name: 'x',
    securityOpt: ['apparmor=unconfined', 'label=disable'],
  };
  it('apparmor-unconfined: fails where the host has AppArmor, not applicable without MAC', () => {
    const v = (facts: Parameters<typeof evaluateModel>[1]['facts']) =>
      evaluateModel(model, facts ? { facts } : {}, ['apparmor-unconfined'])[0];
    const base = {
      apparmor: false,
      selinux: false,
      seccomp: true,
      rootless: false,
      userns: false,
      noNewPrivileges: false,
    };
    expect(v({ ...base, apparmor: true })).toMatchObject({
      verdict: 'fail',
      evidence: 'security_opt: apparmor=unconfined',
    });
    expect(v({ ...base, selinux: true })?.evidence).toBe('security_opt: label=disable');
    expect(v(base)?.verdict).toBe('not-applicable');
  });
  it('daemon-wide no-new-privileges satisfies the check', () => {
    const base = { apparmor: false, selinux: false, seccomp: true, rootless: false, userns: false };
    expect(
      evaluateModel(model, { facts: { ...base, noNewPrivileges: true } }, ['no-new-privileges'])[0]
        ?.verdict,
    ).toBe('pass');
    expect(
      evaluateModel(model, { facts: { ...base, noNewPrivileges: false } }, ['no-new-privileges'])[0]
        ?.verdict,
    ).toBe('fail');
  });
});

describe('mask', () => {
  it('masks env lists, records and free text', () => {
    expect(maskEnvList(['A=1', 'B', 'C=x=y'])).toEqual(['A=***', 'B', 'C=***']);
    expect(maskEnv({ A: 'v', B: '' })).toEqual({ A: '***', B: '' });
    expect(maskSecrets('token abcdef and abc and abcdefgh', ['abc', 'abcdefgh'])).toBe(
      'token ***def and *** and ***',
    );
    expect(maskSecrets('a.b', ['.'])).toBe('a.b');
  });
  it('recognizes credential-like names', () => {
    for (const n of [
      'DB_PASSWORD',
      'API_KEY',
      'GITHUB_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'PRIVATE_KEY',
      'DB_PASS',
    ])
      expect(isSecretName(n), n).toBe(true);
    for (const n of ['PATH', 'PWD', 'DB_PASSWORD_FILE', 'LOG_LEVEL', 'TOKEN_PATH', 'AUTHOR'])
      expect(isSecretName(n), n).toBe(false);
  });
});

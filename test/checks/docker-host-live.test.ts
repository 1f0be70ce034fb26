/**
 * The host scope against the real engine of this machine: its dockerd is found in /proc, its
 * files are stat'ed, and the account databases and audit rules are read by the real adapters from
 * a machine's /etc laid out by the test (this machine's own /etc is never written). The rules
 * file is written the way an operator would, from CIS's list, not from Warden's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuditRulesReader,
  createHostAccountsReader,
} from '../../src/adapters/docker/engine-host.js';
import { runAuditCore } from '../../src/checks/audit-core.js';
import { createCheckRunner } from '../../src/checks/runner.js';
import { dockerAvailable, noDockerReason, readPort } from '../helpers/docker.js';

// Finding dockerd in /proc and reading its files needs root, as on CI (see .ci/run).
const canReadDaemon = dockerAvailable && process.getuid?.() === 0;

/** A machine's /etc: group and passwd, and audit rules files. */
function machine(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'warden-host-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** CIS 1.1.3–1.1.18 as an operator writes them, every spelling a package may install to. */
const CIS_RULES = (dataRoot: string, skip: string[] = []) =>
  [
    ...['/usr/bin', '/usr/sbin', '/usr/local/bin'].flatMap((d) =>
      [
        'dockerd',
        'containerd',
        'containerd-shim',
        'containerd-shim-runc-v1',
        'containerd-shim-runc-v2',
        'runc',
      ].map((b) => `${d}/${b}`),
    ),
    '/run/containerd',
    // The containerd dockerd starts keeps its socket under the exec root (through /var/run: a
    // link to /run on most machines, which the kernel resolves for the watch).
    '/var/run/docker/containerd/containerd.sock',
    dataRoot,
    '/etc/docker',
    // Through /lib: on a merged-/usr machine the watch lands in /usr/lib.
    '/lib/systemd/system/docker.service',
    '/lib/systemd/system/docker.socket',
    '/etc/systemd/system/docker.service',
    '/etc/default/docker',
    '/etc/containerd/config.toml',
    '/etc/sysconfig/docker',
  ]
    .filter((p) => !skip.includes(p))
    .map((p) => `-w ${p} -k docker`)
    .join('\n');

describe.skipIf(!canReadDaemon)(`host scope on this machine's engine (${noDockerReason})`, () => {
  const roots: string[] = [];
  let dataRoot: string;
  const audit = async (files: Record<string, string>) => {
    const root = machine(files);
    roots.push(root);
    const docker = {
      ...readPort(),
      hostAccounts: createHostAccountsReader(root),
      // Not a program on PATH: the rules files are read, as on a host without auditctl.
      auditRules: createAuditRulesReader({ root, auditctl: 'warden-test-no-auditctl' }),
    };
    const run = await runAuditCore({ docker, scopes: ['host'] });
    return run.evaluations;
  };

  beforeAll(async () => {
    dataRoot = (await readPort().info()).DockerRootDir ?? '/var/lib/docker';
  });
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('every path CIS names is watched: pass, and the rules files are named', async () => {
    const evs = await audit({
      'etc/group': 'docker:x:999:\n',
      'etc/audit/rules.d/docker.rules': CIS_RULES(dataRoot),
    });
    const e = evs.find((x) => x.check === 'host-audit-rules');
    expect(e?.verdict, e?.evidence).toBe('pass');
    expect(e?.evidence).toMatch(/^\d+ paths watched \(.*etc\/audit\/rules\.d\/docker\.rules/);
  });

  it('the data root left out: fail, naming exactly it, with the line that adds it', async () => {
    const evs = await audit({
      'etc/group': 'docker:x:999:\n',
      'etc/audit/rules.d/docker.rules': CIS_RULES(dataRoot, [dataRoot]),
    });
    const e = evs.find((x) => x.check === 'host-audit-rules');
    expect(e?.verdict).toBe('fail');
    expect(e?.evidence).toMatch(new RegExp(`: ${dataRoot} \\(1\\.1\\.5\\)$`));
    expect(e?.remediation.host?.split('\n').slice(1)).toEqual([`-w ${dataRoot} -k docker`]);
  });

  it('no auditctl and no rules: fail, saying so, with a line for every file of the daemon', async () => {
    const evs = await audit({ 'etc/group': 'docker:x:999:\n' });
    const e = evs.find((x) => x.check === 'host-audit-rules');
    expect(e?.verdict).toBe('fail');
    expect(e?.evidence).toContain('auditctl is not installed and no rules are in /etc/audit');
    expect(e?.remediation.host).toContain(`-w ${dataRoot} -k docker`);
    expect(e?.remediation.host).toContain('-w /run/containerd -k docker');
  });

  it('members of the docker group: one finding each; none: pass', async () => {
    const evs = await audit({
      'etc/group': 'root:x:0:\ndocker:x:999:deploy,root\n',
      'etc/passwd': 'root:x:0:0::/root:/bin/sh\nci:x:1001:999::/home/ci:/bin/sh\n',
    });
    const g = evs.filter((x) => x.check === 'host-docker-group');
    expect(g.map((x) => [x.verdict, x.target.kind, x.target.name])).toEqual([
      ['fail', 'user', 'deploy'],
      ['fail', 'user', 'ci'],
    ]);
    const none = (await audit({ 'etc/group': 'docker:x:999:\n' })).filter(
      (x) => x.check === 'host-docker-group',
    );
    expect(none.map((x) => [x.verdict, x.target.kind])).toEqual([['pass', 'engine']]);
  });

  it('a runbook check step names a host check and gets its verdict', async () => {
    const root = machine({ 'etc/group': 'docker:x:999:ops\n' });
    roots.push(root);
    const runner = createCheckRunner({
      docker: { ...readPort(), hostAccounts: createHostAccountsReader(root) },
    });
    const lines: string[] = [];
    const out = await runner.run(['host-docker-group'], {
      sessionId: 's',
      stepId: 'docker-group',
      params: {},
      signal: new AbortController().signal,
      onOutput: (l: string) => lines.push(l),
    });
    expect(out.ok).toBe(false);
    expect(out.results.map((r) => [r.check, r.verdict, r.target])).toEqual([
      ['host-docker-group', 'fail', 'user ops'],
    ]);
    expect(out.results[0]?.remediation).toBe('on the host: gpasswd -d ops docker');
    expect(lines).toEqual([
      'medium host-docker-group — user ops — ops is in the docker group: the socket gives it root on this host',
    ]);
  });
});

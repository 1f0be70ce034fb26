/**
 * The daemon scope against real engines: two private engines of the test's own (own socket, data
 * root, exec root and network namespace), one started with a hardened daemon.json, one with loose
 * flags and a loose daemon.json. The shared engine is never reconfigured. Each check that the
 * engines can show is asserted both ways; those that need what these machines lack (a user
 * namespace remap, an authorization plugin, an unconfined daemon seccomp profile, which dockerd
 * 20.10 cannot start with) are asserted both ways in daemon-rules.test.ts.
 */
import { chmodSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerReadAdapter } from '../../src/adapters/docker/read.js';
import { createDockerClient } from '../../src/adapters/docker/client.js';
import { resolveEndpoint } from '../../src/adapters/docker/endpoint.js';
import { runAuditCore } from '../../src/checks/audit-core.js';
import { createCheckRunner } from '../../src/checks/runner.js';
import { fixParts } from '../../src/checks/remediation.js';
import type { Evaluation } from '../../src/checks/types.js';
import { canStartEngine, startPrivateEngine, type PrivateEngine } from '../helpers/engine.js';

const port = (socket: string) => {
  const endpoint = resolveEndpoint(`unix://${socket}`);
  return createDockerReadAdapter(createDockerClient(endpoint), endpoint);
};

async function audit(engine: PrivateEngine): Promise<Map<string, Evaluation>> {
  const run = await runAuditCore({ docker: port(engine.socket), scopes: ['daemon'] });
  return new Map(run.evaluations.map((e) => [e.check, e]));
}

// Starting dockerd needs root and unshare; CI runs as root (see .ci/run).
describe.skipIf(!canStartEngine)('daemon scope on real engines', () => {
  let hardened: PrivateEngine;
  let loose: PrivateEngine;
  let good: Map<string, Evaluation>;
  let bad: Map<string, Evaluation>;

  beforeAll(async () => {
    [hardened, loose] = await Promise.all([
      startPrivateEngine({
        bridge: true,
        loadImage: false,
        daemonJson: {
          icc: false,
          'live-restore': true,
          'userland-proxy': false,
          'no-new-privileges': true,
          'log-driver': 'json-file',
          'log-opts': { 'max-size': '10m', 'max-file': '3' },
          'default-ulimits': { nofile: { Name: 'nofile', Soft: 1024, Hard: 4096 } },
        },
      }),
      startPrivateEngine({
        bridge: true,
        loadImage: false,
        // Inside the engine's own network namespace: nothing outside it can reach this port.
        args: ['--host', 'tcp://127.0.0.1:23750', '--experimental'],
        daemonJson: {
          'insecure-registries': ['10.99.0.1:5000'],
        },
      }),
    ]);
    // The loose engine's socket and daemon.json opened to everyone, as a careless fix would.
    chmodSync(loose.socket, 0o666);
    chmodSync(loose.configFile, 0o666);
    [good, bad] = await Promise.all([audit(hardened), audit(loose)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([hardened?.stop(), loose?.stop()]);
  }, 60_000);

  const both = (id: string) => [good.get(id)?.verdict, bad.get(id)?.verdict];

  it('reads each engine own configuration: flags and daemon.json found by its data root', () => {
    expect(both('daemon-no-new-privileges')).toEqual(['pass', 'fail']);
    expect(good.get('daemon-no-new-privileges')?.target.kind).toBe('engine');
    expect(both('daemon-userland-proxy')).toEqual(['pass', 'fail']);
    expect(both('daemon-default-ulimit')).toEqual(['pass', 'fail']);
    expect(good.get('daemon-default-ulimit')?.evidence).toContain('nofile');
  });

  it('TCP without TLS verification fails, with the listener in the evidence', () => {
    expect(both('daemon-tcp-without-tls')).toEqual(['pass', 'fail']);
    expect(bad.get('daemon-tcp-without-tls')?.evidence).toContain('tcp://127.0.0.1:23750');
    expect(bad.get('daemon-tcp-without-tls')?.severity).toBe('critical');
  });

  it('icc, log rotation, live-restore, from the bridge and the daemon', () => {
    expect(both('daemon-icc')).toEqual(['pass', 'fail']);
    expect(both('daemon-log-rotation')).toEqual(['pass', 'fail']);
    expect(good.get('daemon-log-rotation')?.evidence).toContain('max-size=10m');
    expect(both('daemon-live-restore')).toEqual(['pass', 'fail']);
  });

  it('insecure registries, experimental and seccomp, from info', () => {
    expect(both('daemon-insecure-registries')).toEqual(['pass', 'fail']);
    expect(bad.get('daemon-insecure-registries')?.evidence).toContain('10.99.0.1:5000');
    expect(both('daemon-experimental')).toEqual(['pass', 'fail']);
    // dockerd 20.10 has no `unconfined` daemon profile: the fail side is in daemon-rules.test.ts.
    expect(both('daemon-seccomp')).toEqual(['pass', 'pass']);
  });

  it("the daemon's files: its own socket and daemon.json, by owner and mode (CIS section 3)", () => {
    expect(both('daemon-socket-permissions')).toEqual(['pass', 'fail']);
    expect(bad.get('daemon-socket-permissions')?.evidence).toContain(`${loose.socket} root:`);
    expect(bad.get('daemon-socket-permissions')?.evidence).toContain(' 666');
    expect(good.get('daemon-socket-permissions')?.evidence).toContain(hardened.socket);
    expect(both('daemon-config-permissions')).toEqual(['pass', 'fail']);
    expect(bad.get('daemon-config-permissions')?.evidence).toContain(
      `${loose.configFile} root:root 666`,
    );
    // The oracle: the device numbers of the data root and of / as stat(2) gives them.
    const own = statSync(hardened.dataRoot).dev !== statSync('/').dev;
    expect(good.get('daemon-data-root-partition')?.verdict).toBe(own ? 'pass' : 'fail');
    expect(good.get('daemon-data-root-partition')?.evidence).toContain(hardened.dataRoot);
    // No TLS material given to either daemon.
    expect(both('daemon-tls-permissions')).toEqual(['not-applicable', 'not-applicable']);
  });

  it('every finding carries its CIS section and its fix: a daemon.json key, or a command on the host for a file', () => {
    for (const e of bad.values()) {
      // Rotation is no CIS item (2.13 asks for remote logging): it names none.
      if (e.check === 'daemon-log-rotation') expect(e.refs.cis).toBeUndefined();
      else expect(e.refs.cis).toMatch(/^[123]\.\d+(\.\d+)?$/);
      if (e.verdict !== 'fail') continue;
      const r = e.remediation;
      const onFiles = /-(permissions|partition)$/.test(e.check);
      expect(onFiles ? r.host : r.daemon, e.check).toBeTruthy();
      expect(onFiles ? r.daemon : r.host, e.check).toBeUndefined();
      // Every output says where the fix goes: a chmod is never called a daemon.json key.
      const parts = fixParts(r).map((p) => p.label);
      expect(parts, e.check).toEqual(
        onFiles ? ['on the host'] : ['/etc/docker/daemon.json', 'dockerd flag'],
      );
    }
  });

  it("a runbook check step names a daemon check: the engine's verdict, its fix, its output line", async () => {
    const lines: string[] = [];
    const ctx = {
      sessionId: 's',
      stepId: 'daemon-not-exposed',
      params: {},
      signal: new AbortController().signal,
      onOutput: (l: string) => lines.push(l),
    };
    const failed = await createCheckRunner({ docker: port(loose.socket) }).run(
      ['daemon-tcp-without-tls'],
      ctx,
    );
    expect(failed.ok).toBe(false);
    expect(failed.results).toHaveLength(1);
    expect(failed.results[0]?.target).toMatch(/^engine /);
    expect(failed.results[0]?.remediation).toContain('daemon.json: "tlsverify": true');
    expect(lines.join('\n')).toContain('tcp://127.0.0.1:23750');
    const passed = await createCheckRunner({ docker: port(hardened.socket) }).run(
      ['daemon-tcp-without-tls', 'daemon-icc'],
      ctx,
    );
    expect(passed.ok).toBe(true);
    expect(passed.results.map((r) => r.verdict)).toEqual(['pass', 'pass']);
  });
});

/**
 * The daemon checks over facts as the engine and /proc give them: the command line parsed as
 * dockerd's flag library does, merged with daemon.json, and the verdicts the real engines in
 * daemon-live.test.ts cannot show (userns, authorization plugin, unconfined seccomp, remote).
 */
import { describe, expect, it } from 'vitest';
import { daemonSettings, parseDaemonArgs } from '../../src/checks/daemon-config.js';
import { DAEMON_CHECKS, evaluateDaemon, type DaemonFacts } from '../../src/checks/rules-daemon.js';

const verdict = (id: string, f: DaemonFacts) => evaluateDaemon(f, [id])[0];
const local = (args: string[], configText?: string): DaemonFacts => ({
  info: { Name: 'h', SecurityOptions: ['name=seccomp,profile=default'] },
  settings: daemonSettings({ args: ['dockerd', ...args], ...(configText ? { configText } : {}) }),
});

describe('dockerd command line', () => {
  it('reads --name=value, --name value, -H value, -Hvalue and bare booleans', () => {
    expect(
      parseDaemonArgs([
        'dockerd',
        '-H',
        'fd://',
        '-Htcp://0.0.0.0:2375',
        '--host=unix:///x.sock',
        '--icc=false',
        '--live-restore',
        '--log-opt',
        'max-size=5m',
      ]),
    ).toEqual([
      ['host', 'fd://'],
      ['host', 'tcp://0.0.0.0:2375'],
      ['host', 'unix:///x.sock'],
      ['icc', 'false'],
      ['live-restore', 'true'],
      ['log-opt', 'max-size=5m'],
    ]);
  });

  it('merges flags with daemon.json', () => {
    const s = daemonSettings({
      args: ['dockerd', '--tlsverify', '-H', 'tcp://0.0.0.0:2376'],
      configText: '{"icc": false, "log-opts": {"max-size": "10m"}, "userland-proxy": false}',
    });
    expect(s).toMatchObject({
      hosts: ['tcp://0.0.0.0:2376'],
      tlsVerify: true,
      icc: false,
      userlandProxy: false,
      logOpts: { 'max-size': '10m' },
    });
  });

  it('a daemon.json that is not JSON is a reason, not a verdict', () => {
    expect(() => daemonSettings({ args: ['dockerd'], configText: '{ icc: false' })).toThrow(
      /not valid JSON/,
    );
  });
});

describe('daemon verdicts', () => {
  it('TCP: no listener passes; tls without verify and plain fail; tlsverify passes', () => {
    expect(verdict('daemon-tcp-without-tls', local([]))?.verdict).toBe('pass');
    expect(verdict('daemon-tcp-without-tls', local(['-H', 'tcp://0.0.0.0:2375']))?.verdict).toBe(
      'fail',
    );
    const tlsOnly = verdict('daemon-tcp-without-tls', local(['--tls', '-H', 'tcp://0.0.0.0:2376']));
    expect(tlsOnly?.verdict).toBe('fail');
    expect(tlsOnly?.evidence).toContain('any client certificate');
    expect(
      verdict('daemon-tcp-without-tls', local(['--tlsverify', '-H', 'tcp://0.0.0.0:2376']))
        ?.verdict,
    ).toBe('pass');
  });

  it('userns-remap, a rootless engine, an authorization plugin and an unconfined seccomp', () => {
    const info = (o: Partial<DaemonFacts['info']>): DaemonFacts => ({ info: { Name: 'h', ...o } });
    expect(
      verdict('daemon-userns-remap', info({ SecurityOptions: ['name=userns'] }))?.verdict,
    ).toBe('pass');
    expect(
      verdict('daemon-userns-remap', info({ SecurityOptions: ['name=rootless'] }))?.verdict,
    ).toBe('pass');
    expect(verdict('daemon-userns-remap', info({ SecurityOptions: [] }))?.verdict).toBe('fail');
    expect(
      verdict('daemon-authorization-plugin', info({ Plugins: { Authorization: ['opa'] } }))
        ?.verdict,
    ).toBe('pass');
    expect(
      verdict('daemon-authorization-plugin', info({ Plugins: { Authorization: null } }))?.verdict,
    ).toBe('fail');
    expect(
      verdict('daemon-seccomp', info({ SecurityOptions: ['name=seccomp,profile=unconfined'] }))
        ?.verdict,
    ).toBe('fail');
  });

  it("a remote engine: what needs the daemon's configuration is not applicable, with the reason", () => {
    const remote: DaemonFacts = {
      info: { Name: 'far', LoggingDriver: 'json-file', LiveRestoreEnabled: true },
      settingsReason: 'remote engine: its configuration is read on its host',
    };
    const all = evaluateDaemon(remote);
    expect(all).toHaveLength(DAEMON_CHECKS.length);
    for (const id of [
      'daemon-tcp-without-tls',
      'daemon-no-new-privileges',
      'daemon-userland-proxy',
      'daemon-default-ulimit',
      'daemon-log-rotation',
    ]) {
      const e = all.find((x) => x.check === id);
      expect(e?.verdict, id).toBe('not-applicable');
      expect(e?.reason, id).toMatch(/remote engine/);
    }
    expect(all.find((x) => x.check === 'daemon-live-restore')?.verdict).toBe('pass');
  });

  it('a shipping default log driver passes without the configuration', () => {
    expect(
      verdict('daemon-log-rotation', { info: { Name: 'h', LoggingDriver: 'journald' } })?.verdict,
    ).toBe('pass');
  });
});

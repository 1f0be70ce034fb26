/**
 * The daemon checks over facts as the engine and /proc give them: the command line parsed as
 * dockerd's flag library does, merged with daemon.json, and the verdicts the real engines in
 * daemon-live.test.ts cannot show (userns, authorization plugin, unconfined seccomp, remote).
 */
import { describe, expect, it } from 'vitest';
import { daemonSettings, parseDaemonArgs } from '../../src/checks/daemon-config.js';
import { DAEMON_CHECKS, evaluateDaemon, type DaemonFacts } from '../../src/checks/rules-daemon.js';
import { daemonFilePaths, mountOf } from '../../src/checks/rules-daemon-files.js';

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

describe("the daemon's files", () => {
  const settings = daemonSettings({
    args: ['dockerd', '-H', 'fd://', '--tlsverify', '--tlscacert', '/etc/docker/ca.pem'],
    configText: '{"tlscert": "/etc/docker/server.pem", "tlskey": "/etc/docker/server-key.pem"}',
  });

  it('are found from the configuration: fd:// means the default socket; TLS paths from both sources', () => {
    const paths = daemonFilePaths(settings);
    expect(paths).toContainEqual({ role: 'socket', path: '/var/run/docker.sock' });
    expect(paths).toContainEqual({ role: 'tls-cert', path: '/etc/docker/ca.pem' });
    expect(paths).toContainEqual({ role: 'tls-cert', path: '/etc/docker/server.pem' });
    expect(paths).toContainEqual({ role: 'tls-key', path: '/etc/docker/server-key.pem' });
  });

  it('a key readable by the group fails, 400 passes; a writable certificate fails', () => {
    const facts = (keyMode: number, certMode: number): DaemonFacts => ({
      info: { Name: 'h' },
      settings,
      files: [
        { role: 'tls-key', path: '/k', stat: { uid: 0, gid: 0, mode: keyMode, group: 'root' } },
        { role: 'tls-cert', path: '/c', stat: { uid: 0, gid: 0, mode: certMode, group: 'root' } },
      ],
    });
    expect(verdict('daemon-tls-permissions', facts(0o400, 0o444))?.verdict).toBe('pass');
    const key = verdict('daemon-tls-permissions', facts(0o640, 0o444));
    expect(key?.verdict).toBe('fail');
    expect(key?.evidence).toBe('/k root:root 640');
    expect(verdict('daemon-tls-permissions', facts(0o400, 0o664))?.evidence).toBe(
      '/c root:root 664',
    );
  });

  it('a socket owned by another user fails whatever its mode; the docker group is allowed', () => {
    const sock = (uid: number, group: string) =>
      verdict('daemon-socket-permissions', {
        info: { Name: 'h' },
        files: [{ role: 'socket', path: '/s', stat: { uid, gid: 999, mode: 0o660, group } }],
      });
    expect(sock(0, 'docker')?.verdict).toBe('pass');
    expect(sock(0, 'staff')?.verdict).toBe('fail');
    expect(sock(1000, 'docker')?.verdict).toBe('fail');
  });

  it('modes are judged against the CIS numbers: a 755 unit or a 670 socket fails, with the exact chmod', () => {
    const one = (id: string, role: 'unit' | 'socket', mode: number, group = 'root') =>
      verdict(id, {
        info: { Name: 'h' },
        files: [
          { role, path: '/f', stat: { uid: 0, gid: group === 'root' ? 0 : 999, mode, group } },
        ],
      });
    expect(one('daemon-unit-permissions', 'unit', 0o644)?.verdict).toBe('pass');
    const unit = one('daemon-unit-permissions', 'unit', 0o755);
    expect(unit?.verdict).toBe('fail');
    expect(unit?.remediation.host).toBe('chown root:root /f && chmod 644 /f');
    const sock = one('daemon-socket-permissions', 'socket', 0o670, 'docker');
    expect(sock?.verdict).toBe('fail');
    expect(sock?.remediation.host).toBe('chown root:docker /f && chmod 660 /f');
    expect(one('daemon-socket-permissions', 'socket', 0o4660, 'docker')?.verdict).toBe('fail');
  });
});

describe("the daemon's data root partition", () => {
  const line = (id: number, dev: string, point: string) =>
    `${id} 1 ${dev} / ${point} rw,relatime shared:1 - ext4 /dev/x rw`;
  const facts = (mountinfo: string): DaemonFacts => ({
    info: { Name: 'h', DockerRootDir: '/var/lib/docker' },
    mountinfo,
  });

  it("dockerd's bind mount of its data root onto itself is not a partition of its own", () => {
    const info = [line(26, '254:0', '/'), line(44, '254:0', '/var/lib/docker')].join('\n');
    expect(mountOf('/var/lib/docker/overlay2', info)).toEqual({
      mountPoint: '/var/lib/docker',
      device: '254:0',
    });
    expect(verdict('daemon-data-root-partition', facts(info))?.verdict).toBe('fail');
  });

  it('a filesystem of its own passes; /var/lib/dockerx is not inside /var/lib/docker', () => {
    const own = [line(26, '254:0', '/'), line(40, '8:17', '/var/lib/docker')].join('\n');
    expect(verdict('daemon-data-root-partition', facts(own))?.verdict).toBe('pass');
    const other = [line(26, '254:0', '/'), line(40, '8:17', '/var/lib/dockerx')].join('\n');
    expect(verdict('daemon-data-root-partition', facts(other))?.verdict).toBe('fail');
  });
});

/**
 * The host scope's reading of audit rules and account databases: both forms of a rule
 * (`auditctl -l` and a rules file), `never` rules, directory watches, link spellings, and who is
 * a member of a group (listed or by primary group; root aside).
 */
import { describe, expect, it } from 'vitest';
import {
  auditWatchList,
  evaluateHost,
  groupMembers,
  isWatched,
} from '../../src/checks/rules-docker-host.js';

const engine = { kind: 'engine' as const, name: 'h1' };

describe('audit rules', () => {
  const rules = [
    '## Docker (CIS 1.1.3-1.1.18)',
    '-w /usr/bin/dockerd -k docker',
    '-w /etc/docker/ -p wa -k docker   # trailing slash and a comment',
    '-a always,exit -F arch=b64 -S all -F path=/usr/bin/runc -F perm=wa -F key=docker',
    '-a always,exit -F dir=/var/lib/docker -F perm=wa -k docker',
    '-a never,exit -F path=/usr/bin/containerd',
    '# -w /run/containerd -k docker',
  ].join('\n');
  const watches = auditWatchList(rules);

  it('reads watches, syscall path and dir rules; skips never rules and comments', () => {
    expect(watches).toEqual([
      { path: '/usr/bin/dockerd', tree: true },
      { path: '/etc/docker', tree: true },
      { path: '/usr/bin/runc', tree: false },
      { path: '/var/lib/docker', tree: true },
    ]);
  });

  it('a directory watch covers what is below it; an exact path rule only itself', () => {
    expect(isWatched(watches, '/etc/docker/daemon.json')).toBe(true);
    expect(isWatched(watches, '/var/lib/docker/volumes')).toBe(true);
    expect(isWatched(watches, '/etc/dockerfile')).toBe(false);
    expect(isWatched(watches, '/usr/bin/runc')).toBe(true);
    expect(isWatched(watches, '/usr/bin/containerd')).toBe(false);
    expect(isWatched(watches, '/run/containerd')).toBe(false);
  });

  it('a rule written through a linked directory covers the file it lands on', () => {
    const w = auditWatchList('-w /lib/systemd/system/docker.service -k docker');
    const resolve = (p: string) => p.replace(/^\/lib\//, '/usr/lib/');
    expect(isWatched(w, '/usr/lib/systemd/system/docker.service')).toBe(false);
    expect(isWatched(w, '/usr/lib/systemd/system/docker.service', resolve)).toBe(true);
  });

  it('fails with the paths left unwatched and the exact lines that watch them', () => {
    const [e] = evaluateHost(
      {
        audit: { source: 'auditctl', text: rules },
        auditPaths: [
          { path: '/usr/bin/dockerd', cis: '1.1.3' },
          { path: '/run/containerd', cis: '1.1.4' },
        ],
        accounts: {},
      },
      engine,
      ['host-audit-rules'],
    );
    expect(e?.verdict).toBe('fail');
    expect(e?.evidence).toBe('not watched (auditctl -l): /run/containerd (1.1.4)');
    expect(e?.remediation.host).toContain('\n-w /run/containerd -k docker');
    expect(e?.remediation.host).not.toContain('dockerd');
  });
});

describe('the socket group', () => {
  const accounts = {
    group: 'root:x:0:\ndocker:x:999:alice,root,bob\nusers:x:100:dave\n',
    passwd:
      'root:x:0:0::/root:/bin/sh\ncarol:x:1001:999::/home/carol:/bin/sh\ndave:x:1002:100::/:/bin/sh\n',
  };

  it('lists members by name and by primary group, root aside', () => {
    expect(groupMembers(accounts, 'docker')).toEqual([
      { user: 'alice', how: 'listed' },
      { user: 'bob', how: 'listed' },
      { user: 'carol', how: 'primary' },
    ]);
    expect(groupMembers(accounts, 'wheel')).toBeUndefined();
  });

  it('one finding per member, each with its own fix; an empty group passes', () => {
    const failed = evaluateHost({ accounts }, engine, ['host-docker-group']);
    expect(failed.map((e) => [e.target, e.verdict, e.remediation.host])).toEqual([
      [{ kind: 'user', name: 'alice' }, 'fail', 'gpasswd -d alice docker'],
      [{ kind: 'user', name: 'bob' }, 'fail', 'gpasswd -d bob docker'],
      [{ kind: 'user', name: 'carol' }, 'fail', 'usermod -g <another group> carol'],
    ]);
    const empty = evaluateHost({ accounts: { group: 'docker:x:999:\n', passwd: '' } }, engine, [
      'host-docker-group',
    ]);
    expect(empty.map((e) => [e.target, e.verdict, e.evidence])).toEqual([
      [engine, 'pass', 'the docker group has no members'],
    ]);
  });

  it("the socket's own group is the one that counts", () => {
    const e = evaluateHost({ accounts, socketGroup: 'users' }, engine, ['host-docker-group']);
    expect(e.map((x) => x.target.name)).toEqual(['dave']);
  });

  it('a remote engine: not applicable, with the reason', () => {
    const e = evaluateHost({ reason: 'remote engine' }, engine);
    expect(e.map((x) => [x.check, x.verdict, x.reason])).toEqual([
      ['host-docker-group', 'not-applicable', 'remote engine'],
      ['host-audit-rules', 'not-applicable', 'remote engine'],
    ]);
  });
});

/** ~/.ssh/config as ssh reads it: patterns, negation, the first value wins, Match skipped. */
import { describe, expect, it } from 'vitest';
import { parseSshConfig } from '../../src/adapters/docker/ssh-config.js';

const text = `
# defaults before any Host apply to every host
User fallback
Host db-* !db-legacy
  HostName %h.internal.example
  Port 2222
  IdentityFile ~/.ssh/db_%u
Host db-1
  Port 22
  User ops
Match host db-1
  User never
Host *
  IdentityFile %d/.ssh/everyone
  ProxyJump none
`;

describe('ssh config', () => {
  it('takes the first value of each keyword, in file order, across matching blocks', () => {
    expect(parseSshConfig(text, 'db-1', '/home/ann', 'ann')).toEqual({
      hostName: 'db-1.internal.example',
      user: 'fallback',
      port: 2222,
      identityFiles: ['/home/ann/.ssh/db_fallback', '/home/ann/.ssh/everyone'],
    });
  });

  it('a negated pattern excludes the host; no proxy when ProxyJump is none', () => {
    expect(parseSshConfig(text, 'db-legacy', '/home/ann', 'ann')).toEqual({
      user: 'fallback',
      identityFiles: ['/home/ann/.ssh/everyone'],
    });
  });

  it('reports a ProxyJump or ProxyCommand', () => {
    const c = parseSshConfig('Host edge\n  ProxyCommand ssh -W %h:%p bastion\n', 'edge', '/h', 'u');
    expect(c.proxy).toBe('ProxyCommand ssh -W %h:%p bastion');
  });
});

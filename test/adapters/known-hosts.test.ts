/**
 * known_hosts as OpenSSH matches it, on lines OpenSSH's own tools wrote: ssh-keygen makes the
 * keys and hashes the names (`ssh-keygen -H`), so the hashed form is the real one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownHostKeys, parseKnownHosts } from '../../src/adapters/docker/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pub(name: string): { type: string; blob: string } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  const [type, blob] = readFileSync(join(dir, `${name}.pub`), 'utf8')
    .trim()
    .split(/\s+/);
  return { type: type!, blob: blob! };
}

const hasKeygen = (() => {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined; // it ran, printed usage
  }
})();

describe.skipIf(!hasKeygen)('known_hosts (needs ssh-keygen, which .ci/run installs)', () => {
  const a = pub('a');
  const b = pub('b');
  const c = pub('c');
  const blob = (k: { blob: string }) => Buffer.from(k.blob, 'base64');

  it('matches host on port 22, [host]:port otherwise, patterns and negations', () => {
    const text = [
      '# comment',
      `lab.example,10.0.0.5 ${a.type} ${a.blob}`,
      `[127.0.0.1]:2222 ${b.type} ${b.blob}`,
      `*.corp.example,!bastion.corp.example ${c.type} ${c.blob}`,
      `@cert-authority *.example ${a.type} ${a.blob}`,
    ].join('\n');
    expect(parseKnownHosts(text, 'lab.example', 22).keys).toEqual([blob(a)]);
    expect(parseKnownHosts(text, 'lab.example', 2222).keys).toEqual([]);
    expect(parseKnownHosts(text, '127.0.0.1', 2222).keys).toEqual([blob(b)]);
    expect(parseKnownHosts(text, '127.0.0.1', 22).keys).toEqual([]);
    expect(parseKnownHosts(text, 'db.corp.example', 22).keys).toEqual([blob(c)]);
    expect(parseKnownHosts(text, 'bastion.corp.example', 22).keys).toEqual([]);
  });

  it('reads names hashed by ssh-keygen -H, and @revoked keys apart', () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `[127.0.0.1]:2222 ${a.type} ${a.blob}\nlab.example ${b.type} ${b.blob}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    expect(hashed).not.toContain('127.0.0.1');
    expect(hashed).toMatch(/^\|1\|/m);
    expect(knownHostKeys(file, '127.0.0.1', 2222).keys).toEqual([blob(a)]);
    expect(knownHostKeys(file, 'lab.example', 22).keys).toEqual([blob(b)]);
    expect(knownHostKeys(file, 'other.example', 22).keys).toEqual([]);
    const revoked = parseKnownHosts(`@revoked * ${c.type} ${c.blob}\n`, 'lab.example', 22);
    expect(revoked).toEqual({ keys: [], revoked: [blob(c)] });
    expect(knownHostKeys(join(dir, 'none'), 'lab.example', 22)).toEqual({ keys: [], revoked: [] });
  });
});

/** Masking of what the operator types, before it is journaled (pure). */
import { describe, expect, it } from 'vitest';
import { SecretMemory, maskOperatorText } from '../../src/engine/masking.js';

const known = [
  { value: 'hunter2-prod', label: 'DB_PASSWORD of web' },
  { value: 'k9Zq', label: 'PIN_SECRET of web' },
  { value: 'ab', label: 'SHORT_TOKEN of web' },
  { value: 'true', label: 'FLAG_SECRET of web' },
];

describe('maskOperatorText', () => {
  it("masks a target's secret value typed in prose, and says what was masked", () => {
    const r = maskOperatorText('attacker used DB_PASSWORD hunter2-prod… from env', known);
    expect(r.text).toBe('attacker used DB_PASSWORD ***… from env');
    expect(r.masked).toEqual(['the value of DB_PASSWORD of web']);
  });

  it('masks short known values only as whole words; ignores values under 4 characters and booleans', () => {
    expect(maskOperatorText('pin k9Zq was used', known).text).toBe('pin *** was used');
    expect(maskOperatorText('k9Zqx is not it', known).text).toBe('k9Zqx is not it');
    expect(maskOperatorText('about ab and true', known)).toEqual({
      text: 'about ab and true',
      masked: [],
    });
  });

  it('masks values that look like secrets on their own', () => {
    const cases: [string, RegExp, string][] = [
      [
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
        /^-----BEGIN PRIVATE KEY-----\*\*\*-----END PRIVATE KEY-----$/,
        'a private key block',
      ],
      ['key AKIAIOSFODNN7EXAMPLE leaked', /^key \*\*\* leaked$/, 'an AWS access key id'],
      [
        'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 in the repo',
        /^token \*\*\* in the repo$/,
        'a GitHub token',
      ],
      ['slack xoxb-1234567890-abcdefghij', /^slack \*\*\*$/, 'a Slack token'],
      [
        'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
        /^jwt \*\*\*$/,
        'a JWT',
      ],
      [
        'DB_PASSWORD hunter3!x was in the env',
        /^DB_PASSWORD \*\*\* was in the env$/,
        'DB_PASSWORD',
      ],
      ['password=Winter2026 in the config', /^password=\*\*\* in the config$/, 'credential'],
      [
        'curl -H "Authorization: Bearer abc.def.ghi123"',
        /Authorization: Bearer \*\*\*/,
        'credential',
      ],
      ['postgres://app:s3cret@db:5432/app', /^postgres:\/\/app:\*\*\*@db:5432\/app$/, 'credential'],
    ];
    for (const [text, want, label] of cases) {
      const r = maskOperatorText(text, []);
      expect(r.text, text).toMatch(want);
      expect(r.masked.join(' '), text).toContain(label);
    }
  });

  it('leaves what an incident record is made of alone: hashes, ids, times, paths, prose about secrets', () => {
    const text = [
      'evidence sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'container 3f2a9c1b7d4e, image sha256:abc123, at 2026-12-02T03:12:00.000Z',
      'DB_PASSWORD was rotated at 02:40 UTC; API_TOKEN revoked',
      'see /var/lib/docker/volumes/app-data/_data and docs.example.org/rotate',
    ].join('\n');
    expect(maskOperatorText(text, known)).toEqual({ text, masked: [] });
  });
});

describe('SecretMemory', () => {
  it('keeps what it learned when the engine later fails, and never waits long', async () => {
    let calls = 0;
    const memory = new SecretMemory(async (refs) => {
      calls++;
      if (calls === 1) return new Map([[refs[0] ?? '', [{ value: 'v4lue-1', label: 'A of x' }]]]);
      if (calls === 2) throw new Error('engine gone');
      return new Promise(() => undefined); // hangs
    }, 50);
    await memory.refresh(['x']);
    await memory.refresh(['x']);
    const t = Date.now();
    await memory.refresh(['x']);
    expect(Date.now() - t).toBeLessThan(1000);
    expect(memory.values()).toEqual([{ value: 'v4lue-1', label: 'A of x' }]);
  });
});

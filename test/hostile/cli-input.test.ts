/**
 * Item 13 of the hostile-input review: bad arguments are refused while the command line is parsed,
 * before any engine call, session or lock. Each is exit 2 with one error line, and the Warden home
 * holds no session afterwards. Points DOCKER_HOST at a path with no engine: a command that got as
 * far as the engine would fail differently ("not running"), so the message proves where it stopped.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { warden } from '../helpers/cli.js';
import { tempHome } from '../helpers/session.js';

const RUNBOOK = join(import.meta.dirname, '..', '..', 'runbooks', 'container-hardening.yaml');
const noEngine = { DOCKER_HOST: `unix://${join(tmpdir(), 'warden-no-engine-here.sock')}` };

const cases: { args: string[]; says: RegExp }[] = [
  { args: ['stop', 'web', '--timeout', 'abc', '--yes'], says: /--timeout.*'abc' is invalid/ },
  { args: ['snapshot', 'web', '--since', 'garbage'], says: /--since.*'garbage' is invalid/ },
  {
    args: ['restore', 'somewhere', '--to', 'web', '--incident-start', 'notatime'],
    says: /--incident-start.*'notatime' is invalid/,
  },
  { args: ['backup', 'web', '--key-file', '/nonexistent/key'], says: /does not exist/ },
  { args: ['verify', ''], says: /session id cannot be empty/ },
  { args: ['audit', '--compose', RUNBOOK], says: /not a compose file/ },
  { args: ['snapshot', '../../127.0.0.1:9'], says: /container/ },
];

describe('bad input is refused before anything is recorded', () => {
  it.each(cases)('$args', async ({ args, says }) => {
    const home = tempHome();
    const r = await warden(home, args, noEngine);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toMatch(/not running|\n\s+at /);
    const lines = r.stderr.split('\n').filter((l) => l.trim() && !l.trim().startsWith('try:'));
    expect(lines).toHaveLength(1);
    const sessions = join(home, 'sessions');
    expect(existsSync(sessions) ? readdirSync(sessions) : []).toEqual([]);
  });

  it('a world-writable WARDEN_HOME is refused, not only warned about', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-open-home-'));
    chmodSync(home, 0o777);
    const r = await warden(home, ['sessions'], noEngine);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/writable by every user/);
    expect(readdirSync(home)).toEqual([]);
  });
});

/**
 * Secrets a container carries outside its environment, against a real snapshot: label values
 * named like credentials (`db.password`), credential arguments on its command line
 * (`--db-password X`, `password=…` in a `sh -c` script) and an API token in its environment. None
 * of them may appear in any evidence file or in the journal; the evidence stays valid JSON and
 * keeps everything that is not a secret.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  testName,
  TEST_IMAGE,
} from '../helpers/docker.js';
import { tempHome } from '../helpers/session.js';
import { actionDeps, adHocSession, until } from '../actions/helpers.js';

const runId = `evidence-${randomBytes(3).toString('hex')}`;
const signal = new AbortController().signal;
const secret = (tag: string) => `${tag}-${randomBytes(10).toString('hex')}`;

describe.skipIf(!dockerAvailable)(
  `snapshot evidence masks every secret (${noDockerReason})`,
  () => {
    const home = tempHome('warden-evidence-');
    const name = testName('evidence');
    const s = {
      token: secret('tok'),
      label: secret('lbl'),
      authLabel: secret('auth'),
      flag: secret('flag'),
      script: secret('scr'),
    };

    beforeAll(async () => {
      ensureTestImage();
      // `sh -c SCRIPT warden --db-password X`: the script prints its own $2 and carries a
      // password in a comment; the engine shows both in Cmd, Args and `top`.
      const script = `echo "boot with $2"; echo "token $API_TOKEN"; sleep 3600 & wait # password=${s.script}`;
      dockerCli([
        'run',
        '-d',
        ...labelArgs(runId),
        '--name',
        name,
        '--network',
        'none',
        '--label',
        `db.password=${s.label}`,
        '--label',
        `com.example.auth-token=${s.authLabel}`,
        '--label',
        'com.example.team=payments',
        '-e',
        `API_TOKEN=${s.token}`,
        '--entrypoint',
        'sh',
        TEST_IMAGE,
        '-c',
        script,
        'warden',
        '--db-password',
        s.flag,
      ]);
      await until(() => dockerCli(['logs', name]).includes('token'), 20_000);
    });

    afterAll(() => cleanupLabelled(runId));

    it('inspect, processes, events and logs carry *** for labels, arguments and env; the rest intact', async () => {
      const ad = actionDeps(home);
      const session = await adHocSession(home, ad);
      const r = await session.runAdHoc('snapshot', { container: name }, { signal });
      expect(r.outcome).toBe('ok');
      const dir = join(ad.sessionDir(session.id), String(r.data.dir));
      const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
      expect(files).toEqual(
        expect.arrayContaining(['inspect.json', 'processes.json', 'events.json']),
      );
      await session.close();

      const texts = [
        ...files.map((f) => readFileSync(join(dir, f), 'latin1')),
        readFileSync(session.journalPath, 'latin1'),
      ];
      for (const text of texts) for (const v of Object.values(s)) expect(text).not.toContain(v);

      const inspect = JSON.parse(readFileSync(join(dir, 'inspect.json'), 'utf8'));
      expect(inspect.Config.Labels).toMatchObject({
        'db.password': '***',
        'com.example.auth-token': '***',
        'com.example.team': 'payments',
      });
      expect(inspect.Config.Cmd.slice(-2)).toEqual(['--db-password', '***']);
      expect(inspect.Args.at(-1)).toBe('***');
      expect(inspect.Config.Cmd[1]).toMatch(/# password=\*\*\*$/);
      expect(inspect.Config.Cmd[1]).toContain('echo "boot with $2"');
      expect(inspect.Name).toBe(`/${name}`);

      const logs = readFileSync(join(dir, 'stdout.log'), 'utf8');
      expect(logs).toMatch(/Z boot with \*\*\*$/m);
      expect(logs).toMatch(/Z token \*\*\*$/m);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.maskedInLogs).toBe(2);

      const processes = JSON.parse(readFileSync(join(dir, 'processes.json'), 'utf8'));
      expect(JSON.stringify(processes)).toContain('--db-password ***');
      const events = JSON.parse(readFileSync(join(dir, 'events.json'), 'utf8'));
      const withLabels = events.find(
        (e: { Actor?: { Attributes?: Record<string, string> } }) =>
          e.Actor?.Attributes?.['com.example.team'],
      );
      expect(withLabels.Actor.Attributes['db.password']).toBe('***');
      expect(withLabels.Actor.Attributes.name).toBe(name);
    });
  },
);

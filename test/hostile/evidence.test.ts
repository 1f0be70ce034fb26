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

/**
 * The engine cuts a log line longer than 16 KiB into pieces, each framed and timestamped on its
 * own. A secret that straddles a cut must still be masked, on a plain and on a TTY container, and
 * every other byte (the pieces' timestamps included) must stay as the engine gave it.
 */
describe.skipIf(!dockerAvailable)(
  `snapshot masks a secret split by the engine's 16 KiB log pieces (${noDockerReason})`,
  () => {
    const home = tempHome('warden-evidence-long-');
    const pw = secret('pw');
    const plain = testName('longline');
    const tty = testName('longline-tty');
    // 16 370 zero bytes put `pw=` and the start of the secret at the end of the first 16 KiB
    // piece; the rest of the secret opens the second one.
    const script =
      'head -c 16370 /dev/zero; printf "pw=%s" "$DB_PASSWORD"; head -c 20000 /dev/zero; echo " end"; sleep 3600';

    beforeAll(async () => {
      ensureTestImage();
      for (const [name, extra] of [
        [plain, []],
        [tty, ['-t']],
      ] as const) {
        dockerCli([
          'run',
          '-d',
          ...extra,
          ...labelArgs(runId),
          '--name',
          name,
          '--network',
          'none',
          '-e',
          `DB_PASSWORD=${pw}`,
          TEST_IMAGE,
          'sh',
          '-c',
          script,
        ]);
      }
      for (const name of [plain, tty])
        await until(() => dockerCli(['logs', name]).includes(' end'), 20_000);
    });

    afterAll(() => cleanupLabelled(runId));

    for (const [label, which] of [
      ['plain', () => plain],
      ['TTY', () => tty],
    ] as const) {
      it(`${label} container: the secret is masked across the piece boundary, the rest exact`, async () => {
        const name = which();
        const ad = actionDeps(home);
        const session = await adHocSession(home, ad);
        const r = await session.runAdHoc('snapshot', { container: name }, { signal });
        expect(r.outcome).toBe('ok');
        const dir = join(ad.sessionDir(session.id), String(r.data.dir));
        await session.close();

        const logs = readFileSync(join(dir, 'stdout.log'));
        expect(logs.includes(pw)).toBe(false);
        // No piece of the secret longer than 4 bytes survives either.
        for (let i = 0; i + 5 <= pw.length; i++)
          expect(logs.includes(pw.slice(i, i + 5)), pw.slice(i, i + 5)).toBe(false);
        const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
        expect(manifest.maskedInLogs).toBe(1);

        // Removing the masked run and the pieces' timestamps gives back the container's output.
        const text = logs.toString('latin1');
        const stamps = text.match(/\d{4}-\d\d-\d\dT[\d:.]+Z /g) ?? [];
        expect(stamps.length).toBeGreaterThanOrEqual(2);
        const body = text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z /g, '').replace(/\r/g, '');
        expect(body).toBe(`${'\0'.repeat(16370)}pw=***${'\0'.repeat(20000)} end\n`);
      });
    }
  },
);

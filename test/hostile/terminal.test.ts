/**
 * Escape sequences an attacker controls (a container's log lines and variable names, a compose
 * file's service names, a check's evidence) reach no terminal and no Markdown report raw: the
 * clear-screen and window-title sequences and C1 controls show as visible symbols, JSON keeps the
 * exact value as `\u` escapes, and the evidence files keep the bytes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonText, terminalText } from '../../src/engine/terminal-text.js';
import { buildReport } from '../../src/report/report.js';
import { renderMarkdown } from '../../src/report/format-markdown.js';
import type { CheckOutcome, CheckRunner } from '../../src/engine/executors.js';
import { Session } from '../../src/engine/session.js';
import { deps, loadedFrom, tempHome } from '../helpers/session.js';
import { warden } from '../helpers/cli.js';
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
import { harness, incidentRunbook, loaded } from '../fakes/app.js';
import { fakeShell } from '../fakes/ports.js';
import { KEYS, type Tui } from '../helpers/ink.js';
import { renderApp } from '../ui/render.js';

const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;pwned\x07';
const CSI = '\u009b31m';
const BIDI = '\u202e';
const HOSTILE = `${CLEAR}${TITLE}${CSI}${BIDI}`;

/** No byte a terminal would act on: ESC, BEL, C1, bidi overrides, a bare CR. */
function expectInert(text: string) {
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
}

describe('terminalText', () => {
  it('shows every control as a visible symbol, keeps the rest, and is idempotent', () => {
    const shown = terminalText(`a${HOSTILE}\tb\r\nc`);
    expect(shown).toBe('a␛[2J␛]0;pwned␇‹U+009B›31m‹U+202E› b␍␤c');
    expect(terminalText(shown)).toBe(shown);
    expect(terminalText(`x\ty\nz${CLEAR}`, 'block')).toBe('x\ty\nz␛[2J');
    const plain = 'plain ünïcode → text';
    expect(terminalText(plain)).toBe(plain);
  });

  it('jsonText keeps the exact value and no raw control', () => {
    const value = { name: `web${HOSTILE}\u0085\u007f` };
    const text = jsonText(value);
    expectInert(text);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('a Markdown report', () => {
  it('quotes a check summary and a step output with escape sequences inert', async () => {
    const runner: CheckRunner = {
      ids: ['root-user'],
      async run(): Promise<CheckOutcome> {
        return {
          ok: false,
          summary: `1 of 1 targets fail: ${HOSTILE}`,
          results: [
            {
              check: 'root-user',
              verdict: 'fail',
              severity: 'high',
              title: `root ${TITLE}`,
              target: `container web${CLEAR}`,
            },
          ],
        };
      },
    };
    const runbook = `id: h\ntitle: H\nkind: checklist\ndescription: d\nphases:\n  - id: p\n    title: P\n    steps:\n      - { id: user, title: Non-root, guidance: g, type: check, severity: high, checks: [root-user] }\n`;
    const s = await Session.start(
      deps(tempHome(), { checks: runner }),
      loadedFrom(runbook),
      {},
      'op',
    );
    await s.run('user', { signal: new AbortController().signal });
    await s.markDone('user', { acceptReason: `vendor image ${TITLE}` });
    const md = renderMarkdown(
      buildReport(s.state, s.entries, {
        ok: true,
        entries: s.state.entries,
        head: s.state.head,
        signatures: 0,
      }),
    );
    await s.close();
    expectInert(md);
    expect(md).toContain('vendor image ␛]0;pwned␇');
  });
});

describe('audit of a hostile compose file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-terminal-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(
    file,
    [
      'services:',
      '  "web\\e[2J\\e]0;pwned\\a":',
      '    image: "nginx:latest\\u009b31m"',
      '    privileged: true',
      '    environment:',
      '      "DB_PASSWORD\\e[2J": "hunter2"',
      '',
    ].join('\n'),
  );

  it('table, JSON, SARIF and JUnit carry no raw escape; JSON keeps the exact name', async () => {
    const home = tempHome('warden-terminal-home-');
    const table = await warden(home, ['audit', '--compose', file, '--scope', 'compose']);
    expect(table.code).toBe(1);
    expectInert(table.stdout + table.stderr);
    expect(table.stdout).toContain('web␛[2J␛]0;pwned␇');
    for (const format of ['json', 'sarif', 'junit']) {
      const r = await warden(home, [
        'audit',
        '--compose',
        file,
        '--scope',
        'compose',
        '--format',
        format,
      ]);
      expect(r.stdout.length, format).toBeGreaterThan(100);
      expectInert(r.stdout + r.stderr);
    }
    const json = JSON.parse(
      (await warden(home, ['audit', '--compose', file, '--scope', 'compose', '--format', 'json']))
        .stdout,
    );
    const names = json.findings.map((f: { target: { service?: string } }) => f.target.service);
    expect(names).toContain('web\x1b[2J\x1b]0;pwned\x07');
  });

  it('an error naming a hostile path is one inert line', async () => {
    const r = await warden(tempHome(), ['audit', '--compose', join(dir, `missing${TITLE}.yaml`)]);
    expect(r.code).not.toBe(0);
    expectInert(r.stderr);
    expect(r.stderr).toContain('missing␛]0;pwned␇.yaml');
  });
});

describe.skipIf(!dockerAvailable)(`audit of a hostile container (${noDockerReason})`, () => {
  const runId = `terminal-${randomBytes(3).toString('hex')}`;
  const name = testName('terminal');
  beforeAll(() => {
    ensureTestImage();
    dockerCli([
      'run',
      '-d',
      ...labelArgs(runId),
      '--name',
      name,
      '--network',
      'none',
      '-e',
      `API_TOKEN${TITLE}=x-${randomBytes(6).toString('hex')}`,
      TEST_IMAGE,
      'sleep',
      '3600',
    ]);
  });
  afterAll(() => cleanupLabelled(runId));

  it('a variable name with escape sequences is reported inert', async () => {
    const r = await warden(tempHome(), ['audit', '--container', name, '--scope', 'containers']);
    expectInert(r.stdout + r.stderr);
    expect(r.stdout).toContain('API_TOKEN␛]0;pwned␇');
  });
});

describe('the TUI', () => {
  let tui: Tui | undefined;
  afterEach(() => tui?.unmount());

  it("shows a command's hostile output inert", async () => {
    const h = harness({ shell: fakeShell({ lines: [`log ${HOSTILE} end`], hang: true }) });
    const r = await renderApp(h, { kind: 'run', loaded: loaded(incidentRunbook()), inputs: {} });
    tui = r.tui;
    await tui.waitFor('Confirm the alert');
    await tui.pressUntil('j', '›○ Capture container state');
    await tui.pressUntil(KEYS.enter, 'log ␛[2J␛]0;pwned␇‹U+009B›31m‹U+202E› end');
    for (const f of tui.frames) expect(f).not.toMatch(/\x07|\u009b|\u202e|\x1b\[2J|\x1b\]/);
  });
});

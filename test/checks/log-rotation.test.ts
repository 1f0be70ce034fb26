/**
 * log-rotation on the real engine and in compose: json-file without max-size grows until the disk
 * is full, `none` keeps nothing to snapshot; max-size, `local` (rotates by default) and shipping
 * drivers pass; a compose service without `logging` is left to the daemon's default.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCore } from '../../src/checks/audit-core.js';
import type { Evaluation } from '../../src/checks/types.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  readPort,
  testName,
} from '../helpers/docker.js';

const runId = `logrot-${randomBytes(4).toString('hex')}`;
const of = (evals: Evaluation[], name: string) =>
  evals.find((e) => e.target.name === name && e.check === 'log-rotation');

describe.skipIf(!dockerAvailable)(`log-rotation on the engine (${noDockerReason})`, () => {
  const port = readPort();
  const names = {
    unbounded: testName('log-unbounded'),
    bounded: testName('log-bounded'),
    local: testName('log-local'),
    none: testName('log-none'),
  };
  let evals: Evaluation[] = [];

  beforeAll(async () => {
    const image = ensureTestImage();
    const opts: Record<keyof typeof names, string[]> = {
      unbounded: ['--log-driver', 'json-file'],
      bounded: ['--log-opt', 'max-size=5m', '--log-opt', 'max-file=2'],
      local: ['--log-driver', 'local'],
      none: ['--log-driver', 'none'],
    };
    for (const [k, name] of Object.entries(names) as [keyof typeof names, string][])
      dockerCli(['create', '--name', name, ...labelArgs(runId), ...opts[k], image, 'true']);
    evals = (await runAuditCore({ docker: port, containers: Object.values(names) })).evaluations;
  }, 60_000);
  afterAll(() => cleanupLabelled(runId));

  it('fails json-file without max-size and the none driver; passes max-size and local', () => {
    expect(of(evals, names.unbounded)).toMatchObject({
      verdict: 'fail',
      evidence: 'json-file without max-size: grows until the disk is full',
    });
    expect(of(evals, names.none)).toMatchObject({
      verdict: 'fail',
      evidence: 'log driver none: the output is not kept',
    });
    expect(of(evals, names.bounded)).toMatchObject({
      verdict: 'pass',
      evidence: 'json-file max-size=5m max-file=2',
    });
    expect(of(evals, names.local)?.verdict).toBe('pass');
  });
});

describe('log-rotation in compose files', () => {
  it('reads the service logging; no logging is left to the daemon default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-logrot-'));
    const file = join(dir, 'compose.yaml');
    writeFileSync(
      file,
      [
        'services:',
        '  plain:',
        '    image: example/app:1.0.0',
        '  unbounded:',
        '    image: example/app:1.0.0',
        '    logging:',
        '      driver: json-file',
        '  rotated:',
        '    image: example/app:1.0.0',
        '    logging:',
        '      options:',
        '        max-size: "10m"',
        '        max-file: 3',
        '  shipped:',
        '    image: example/app:1.0.0',
        '    logging:',
        '      driver: fluentd',
        '  silent:',
        '    image: example/app:1.0.0',
        '    logging:',
        '      driver: none',
        '',
      ].join('\n'),
    );
    const run = await runAuditCore({
      composeFiles: [file],
      readFile: (p) => readFile(p, 'utf8'),
    });
    const v = (service: string) =>
      run.evaluations.find((e) => e.target.service === service && e.check === 'log-rotation');
    expect(v('plain')).toMatchObject({ verdict: 'not-applicable' });
    expect(v('plain')?.reason).toMatch(/daemon's default log driver/);
    expect(v('unbounded')).toMatchObject({ verdict: 'fail', target: { line: 6 } });
    expect(v('rotated')).toMatchObject({
      verdict: 'pass',
      evidence: "the daemon's default driver max-size=10m max-file=3",
    });
    expect(v('shipped')).toMatchObject({
      verdict: 'pass',
      evidence: expect.stringMatching(/fluentd/),
    });
    expect(v('silent')).toMatchObject({ verdict: 'fail', target: { line: 20 } });
  });
});

/**
 * `docker run -P` publishes every exposed port on all interfaces without any PortBindings: the
 * public-port check must see it on running containers (actual bindings) and on created ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
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

const runId = `puball-${randomBytes(4).toString('hex')}`;

describe.skipIf(!dockerAvailable)(`-P / PublishAllPorts (${noDockerReason})`, () => {
  const port = readPort();
  const names = {
    running: testName('pall-run'),
    created: testName('pall-new'),
    local: testName('pall-lo'),
  };
  let evals: Evaluation[] = [];

  beforeAll(async () => {
    const image = ensureTestImage();
    const l = labelArgs(runId);
    dockerCli([
      'run',
      '-d',
      '--name',
      names.running,
      ...l,
      '--expose',
      '8080',
      '-P',
      image,
      'sleep',
      '3600',
    ]);
    dockerCli([
      'create',
      '--name',
      names.created,
      ...l,
      '--expose',
      '5432',
      '-P',
      image,
      'sleep',
      '3600',
    ]);
    dockerCli([
      'run',
      '-d',
      '--name',
      names.local,
      ...l,
      '--expose',
      '8080',
      '-p',
      '127.0.0.1::8080',
      image,
      'sleep',
      '3600',
    ]);
    evals = (
      await runAuditCore({
        docker: port,
        containers: Object.values(names),
        checkIds: ['public-port'],
      })
    ).evaluations;
  });
  afterAll(() => cleanupLabelled(runId));

  const publicPort = (name: string) => evals.find((e) => e.target.name === name);

  it('fails a running -P container, from the bindings the engine made', () => {
    const e = publicPort(names.running);
    expect(e?.verdict).toBe('fail');
    expect(e?.evidence).toMatch(/0\.0\.0\.0:\d+->8080\/tcp/);
  });

  it('fails a created -P container: its exposed ports will be published on all interfaces', () => {
    const e = publicPort(names.created);
    expect(e).toMatchObject({
      verdict: 'fail',
      severity: 'high',
      evidence: '*:(random)->5432/tcp',
    });
  });

  it('passes an exposed port published on 127.0.0.1 only', () => {
    expect(publicPort(names.local)?.verdict).toBe('pass');
  });
});

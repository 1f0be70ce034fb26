import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerAdapter } from '../../src/adapters/docker/index.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  testName,
} from '../helpers/docker.js';

const runId = `ctl-${randomBytes(3).toString('hex')}`;

describe.skipIf(!dockerAvailable)(`docker control adapter (${noDockerReason})`, () => {
  const name = testName('ctl');
  beforeAll(() => {
    ensureTestImage();
    dockerCli([
      'run',
      '-d',
      ...labelArgs(runId),
      '--name',
      name,
      'warden-test/busybox:1',
      'sleep',
      '600',
    ]);
  });
  afterAll(() => cleanupLabelled(runId));

  it('reads "no filesystem changes" (the engine answers null) as an empty list, and real ones as rows', async () => {
    const docker = createDockerAdapter();
    expect(await docker.containerChanges(name)).toEqual([]);
    dockerCli(['exec', name, 'touch', '/tmp/new-file']);
    expect(await docker.containerChanges(name)).toEqual(
      expect.arrayContaining([expect.objectContaining({ Path: '/tmp/new-file', Kind: 1 })]),
    );
  });
});

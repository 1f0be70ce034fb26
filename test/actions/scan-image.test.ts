/**
 * scan-image without Trivy: no verdict on the image, so the step stays pending (never failed) and
 * says what to do. The engine port is a stub (this action only inspects); the shell is a fake
 * that cannot start the program, as execa reports ENOENT.
 */
import { describe, expect, it } from 'vitest';
import type { ActionDeps } from '../../src/actions/common.js';
import { createActionRunner } from '../../src/actions/runner.js';
import { Session } from '../../src/engine/session.js';
import type { ShellPort } from '../../src/engine/ports.js';
import { deps, loadedFrom, tempHome } from '../helpers/session.js';

const runbook = `id: scan
title: Scan
kind: incident
description: Scan, then patch.
inputs: [{ id: target, title: Target, type: container, required: true }]
phases:
  - id: eradicate
    title: Eradicate
    steps:
      - { id: scan, title: Scan the image, guidance: g, type: action, action: scan-image, params: { container: "{{target}}" } }
      - { id: patch, title: Patch, guidance: g, requires: [scan] }
`;

const noTrivy: ShellPort = {
  run: async () => ({
    timedOut: false,
    cancelled: false,
    startError: 'not found on PATH',
    durationMs: 1,
  }),
};

function actionDeps(shell?: ShellPort): ActionDeps {
  const docker = {
    inspectDetailed: async () => ({
      Id: 'f'.repeat(64),
      Name: '/web',
      Config: { Image: 'nginx:1.27' },
    }),
  };
  return { docker: () => docker, shell } as unknown as ActionDeps;
}

describe('scan-image without Trivy', () => {
  for (const [what, shell] of [
    ['not on PATH', noTrivy],
    ['no shell at all', undefined],
  ] as const) {
    it(`leaves the step pending with "install it, or scan by hand and d" (${what})`, async () => {
      const s = await Session.start(
        deps(tempHome(), { actions: createActionRunner(actionDeps(shell)) }),
        loadedFrom(runbook),
        { target: 'web' },
        'op',
      );
      await s.run('scan', { signal: new AbortController().signal });
      const st = s.state.steps.scan!;
      expect(st.status).toBe('pending');
      expect(st.results.at(-1)).toMatchObject({ outcome: 'error' });
      expect(st.results.at(-1)?.summary).toMatch(
        /^Trivy is not installed: install it .*; or scan by hand \(trivy image --severity HIGH,CRITICAL nginx:1\.27, grype or docker scout\) and d marks it done with what you found; s skips it with a reason/,
      );
      // Skipping it is a recorded decision, with the reason.
      await s.skip('scan', 'no scanner on this host; image rebuilt from a patched base');
      expect(s.state.steps.scan!.status).toBe('skipped');
      await s.close();
    });
  }
});

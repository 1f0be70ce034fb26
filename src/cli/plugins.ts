/**
 * Check and action runners, built from the real Docker port. Kept apart from compose.ts so the
 * check and action work can grow without touching the composition root's shape.
 */
import { readFile } from 'node:fs/promises';
import { createCheckRunner } from '../checks/runner.js';
import { createActionRunner } from '../actions/runner.js';
import { createEvidenceFiles } from '../adapters/evidence-fs.js';
import type { ActionRunner, CheckRunner } from '../engine/executors.js';
import type { Clock, DockerPort, SessionStorePort, ShellPort } from '../engine/ports.js';

export interface PluginDeps {
  docker: () => DockerPort;
  store: SessionStorePort;
  clock: Clock;
  home: string;
  /** For the scan-image action (trivy); without it that action gives guidance only. */
  shell?: ShellPort;
}

export function pluginRunners(deps: PluginDeps): { checks?: CheckRunner; actions?: ActionRunner } {
  return {
    checks: createCheckRunner({
      docker: deps.docker(),
      readFile: (p) => readFile(p, 'utf8'),
      env: process.env,
    }),
    actions: createActionRunner({
      docker: deps.docker,
      sessionDir: (id) => deps.store.sessionDir(id),
      clock: deps.clock,
      files: createEvidenceFiles(),
      home: deps.home,
      ...(deps.shell ? { shell: deps.shell } : {}),
    }),
  };
}

/**
 * Check and action runners, built from the real Docker port. Kept apart from compose.ts so the
 * check and action work can grow without touching the composition root's shape.
 */
import type { ActionRunner, CheckRunner } from '../engine/executors.js';
import type { Clock, DockerPort, SessionStorePort } from '../engine/ports.js';

export interface PluginDeps {
  docker: () => DockerPort;
  store: SessionStorePort;
  clock: Clock;
  home: string;
}

export function pluginRunners(_deps: PluginDeps): { checks?: CheckRunner; actions?: ActionRunner } {
  return {};
}

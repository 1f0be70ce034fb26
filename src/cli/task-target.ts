/**
 * `--task web.1` on a container verb: the manager (the current engine) says which container and
 * which node; the verb then runs on that node's engine (the current one, or the Docker context
 * whose engine is that node), so its engine calls and the journal's `engine` are the node's.
 * Nothing is recorded when the task or its node's engine cannot be found.
 */
import { InvalidArgumentError } from 'commander';
import { NAME_PATTERN } from '../adapters/docker/names.js';
import {
  locateNode,
  resolveTask,
  taskParams,
  type EngineCandidate,
} from '../actions/task-locate.js';
import { errorMessage } from '../errors.js';
import type { App } from './compose.js';
import type { Io } from './io.js';

/** `--task` values: `web.1`, `web.<node id>`, `web.1.<task id>` or a task id. */
export function taskArg(value: string): string {
  if (!NAME_PATTERN.test(value))
    throw new InvalidArgumentError(
      `${JSON.stringify(value.slice(0, 80))} is not a task: give SERVICE.SLOT (web.1) or a task id`,
    );
  return value;
}

export interface TaskTarget {
  /** The app whose engine is the task's node. */
  app: App;
  /** `container` (the task's container id) with `service`, `task`, `taskId`, `node`. */
  params: Record<string, string>;
}

export async function taskTarget(app: App, io: Io, ref: string): Promise<TaskTarget> {
  const manager = app.docker();
  const task = await resolveTask(manager, ref);
  const skipped = (name: string, why: string) =>
    io.err(`warden: context ${name} not reached, skipped: ${why}\n`);
  const candidates: EngineCandidate[] = [];
  for (const name of app.contextNames()) {
    try {
      candidates.push({ name, port: app.dockerFor(name).port });
    } catch (err) {
      skipped(name, errorMessage(err));
    }
  }
  const where = await locateNode(manager, task, candidates, skipped);
  const node = `${task.nodeName ? `${task.nodeName} ` : ''}(node ${task.node.slice(0, 12)})`;
  io.err(
    `warden: task ${task.task} of service ${task.service} runs on ${node}: container ${task.container.slice(0, 12)}, through ${where.kind === 'current' ? 'the current engine' : `context ${where.context}`}\n`,
  );
  return {
    app: where.kind === 'current' ? app : app.forContext(where.context),
    params: taskParams(task),
  };
}

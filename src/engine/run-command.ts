/**
 * The command step executor: an argv (never a shell string) run through the ShellPort, its output
 * streamed masked, then the exit code and a bounded tail recorded. Intent first, result after.
 */
import { UserError } from '../errors.js';
import { templateNames } from '../runbook/template.js';
import type { Step } from '../runbook/types.js';
import { CANCELLED } from './cancel.js';
import type { StepContext } from './executors.js';
import type { Recording } from './recorder.js';
import type { ExecEnv } from './session-deps.js';
import { Tail } from './tail.js';

/** Inputs a command needs that the session does not have: refused before anything runs. */
export function missingCommandInputs(rec: Recording, step: Step): string[] {
  const names = (step.command ?? []).flatMap((a) => templateNames(a));
  return [
    ...new Set(
      names.filter((n) => rec.state.runbook.inputs.some((i) => i.id === n) && !rec.state.inputs[n]),
    ),
  ];
}

export async function runCommand(
  env: ExecEnv,
  rec: Recording,
  step: Step,
  argv: string[],
  ctx: StepContext,
  dryRun: boolean,
): Promise<void> {
  const empty = missingCommandInputs(rec, step);
  if (empty.length > 0) {
    throw new UserError(
      `step "${step.id}" needs the input ${empty.map((n) => `"${n}"`).join(', ')}, which this session does not have`,
      'start the session with --input NAME=VALUE, or skip the step with a reason',
    );
  }
  const shown = argv.map((a) => env.maskOutput(a));
  const timeoutMs = (step.timeout ?? env.deps.defaultCommandTimeoutS ?? 600) * 1000;
  await rec.write({
    type: 'step.started',
    step: step.id,
    data: { kind: 'command', argv: shown, timeoutMs, dryRun },
  });
  if (dryRun) {
    await rec.write({
      type: 'step.result',
      step: step.id,
      data: { outcome: 'ok', dryRun: true, summary: `would run: ${shown.join(' ')}` },
    });
    return;
  }
  const tail = new Tail();
  const result = await env.deps.shell.run({
    argv,
    timeoutMs,
    signal: ctx.signal,
    onLine: (line, stream) => {
      const masked = env.maskOutput(line);
      tail.push(stream === 'stderr' ? `! ${masked}` : masked);
      ctx.onOutput(masked);
    },
  });
  // A program that is not installed leaves the step to be dealt with (install it, or skip it).
  const outcome = result.startError
    ? 'error'
    : result.cancelled
      ? 'cancelled'
      : result.timedOut
        ? 'timeout'
        : result.exitCode === 0
          ? 'ok'
          : 'failed';
  const summary = result.startError
    ? `could not start ${argv[0] ?? ''}: ${result.startError} — install ${argv[0] ?? 'it'}, or skip the step with a reason`
    : result.cancelled
      ? CANCELLED
      : result.timedOut
        ? `timed out after ${Math.round(timeoutMs / 1000)} s`
        : `exit code ${result.exitCode ?? '?'}${result.signal ? ` (${result.signal})` : ''}`;
  await rec.write({
    type: 'step.result',
    step: step.id,
    data: {
      outcome,
      summary,
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      durationMs: result.durationMs,
      tail: tail.lines(),
      tailTruncated: tail.truncated,
      ...(result.startError ? { missingProgram: argv[0] ?? '' } : {}),
    },
  });
}

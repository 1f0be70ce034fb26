/**
 * After a crash: what did an interrupted action leave behind? Re-reads live state (networks,
 * container state, the evidence or backup directory) so the operator decides on a retry knowing
 * where things stand. Read-only. The TUI calls this for each interrupted entry of `actionLog`.
 */
import { join } from 'node:path';
import { DockerError, errorMessage } from '../errors.js';
import type { ActionRecord } from '../engine/state.js';
import { safeName, status, type ActionDeps } from './common.js';
import { attachmentsOf, type Attachment } from './isolation-record.js';

export interface InterruptedReport {
  action: string;
  container?: string;
  /** One line each, e.g. `still attached to web-net`, `manifest missing: snapshot incomplete`. */
  facts: string[];
  /** True when running the action again is safe as is. */
  safeToRetry: boolean;
  /** What to do, in a sentence. */
  advice: string;
}

export async function inspectInterrupted(
  deps: ActionDeps,
  sessionId: string,
  rec: Pick<ActionRecord, 'action' | 'params' | 'intent'>,
): Promise<InterruptedReport> {
  const target = rec.params.container ?? '';
  const facts: string[] = [];
  const docker = deps.docker();
  let live: Awaited<ReturnType<typeof docker.inspectDetailed>> | undefined;
  try {
    live = await docker.inspectDetailed(target);
    facts.push(`${target} is ${status(live)}`);
  } catch (err) {
    if (err instanceof DockerError && err.kind === 'not-found')
      facts.push(`${target} no longer exists`);
    else facts.push(`cannot read ${target}: ${errorMessage(err)}`);
  }
  const base = { action: rec.action, container: target };
  const plan = (rec.intent.plan ?? {}) as { before?: Attachment[] };

  if (rec.action === 'snapshot' || rec.action === 'preserve-logs') {
    const root = join(deps.sessionDir(sessionId), 'evidence');
    const dirs = (await deps.files.list(root)).filter((d) =>
      d.startsWith(`${safeName(live ? (live.Name ?? '').replace(/^\//, '') : target)}-`),
    );
    const last = dirs.at(-1);
    if (!last) facts.push('no evidence directory was created');
    else {
      const manifestPath = join(root, last, 'manifest.json');
      if (!(await deps.files.exists(manifestPath))) {
        const names = await deps.files.list(join(root, last));
        facts.push(
          `evidence/${last} holds ${names.length} file(s) but no manifest: the snapshot is incomplete`,
        );
      } else {
        const m = JSON.parse((await deps.files.readFile(manifestPath)).toString('utf8')) as {
          complete?: boolean;
          files?: { path: string; sha256: string }[];
        };
        let bad = 0;
        for (const f of m.files ?? []) {
          const h = await deps.files.hashFile(join(root, last, f.path));
          if (!h || h.sha256 !== f.sha256) bad++;
        }
        facts.push(
          `evidence/${last}: manifest ${m.complete ? 'complete' : 'incomplete'}, ${(m.files ?? []).length - bad} of ${(m.files ?? []).length} file(s) match it`,
        );
      }
    }
    return {
      ...base,
      facts,
      safeToRetry: Boolean(live),
      advice: live
        ? 'take a new snapshot (the partial one is kept as is)'
        : 'the container is gone: keep the partial evidence and record why it is incomplete',
    };
  }

  if (rec.action === 'isolate' || rec.action === 'unisolate') {
    if (!live)
      return {
        ...base,
        facts,
        safeToRetry: false,
        advice: 'nothing to isolate any more; record what happened',
      };
    const nets = attachmentsOf(live).map((a) => a.network);
    facts.push(`attached to: ${nets.join(', ') || 'no network (isolated)'}`);
    const planned = (plan.before ?? []).map((a) => a.network);
    const still = planned.filter((n) => nets.includes(n));
    const lost = planned.filter((n) => !nets.includes(n));
    if (still.length) facts.push(`still attached to ${still.join(', ')}`);
    if (lost.length) facts.push(`disconnected from ${lost.join(', ')}`);
    const record = await deps.files.exists(join(deps.home, 'quarantine', `${live.Id}.json`));
    facts.push(
      record
        ? 'the isolation record is on disk (unisolate can restore)'
        : 'no isolation record on disk',
    );
    const done = rec.action === 'isolate' ? nets.length === 0 : lost.length === 0;
    return {
      ...base,
      facts,
      safeToRetry: true,
      advice: done
        ? `${rec.action} had finished before the interruption; no retry needed`
        : `run ${rec.action} again: it picks up where it stopped`,
    };
  }

  if (rec.action === 'backup') {
    const root = join(deps.sessionDir(sessionId), 'backups');
    const last = (await deps.files.list(root)).at(-1);
    if (last && !(await deps.files.exists(join(root, last, 'manifest.json'))))
      facts.push(`backups/${last} has no manifest: that backup is incomplete and unusable`);
    return { ...base, facts, safeToRetry: Boolean(live), advice: 'take the backup again' };
  }

  if (rec.action === 'restore') {
    facts.push('the restore may have written part of the data');
    return {
      ...base,
      facts,
      safeToRetry: Boolean(live),
      advice:
        'run the restore again from the same verified backup (it is verified again before writing)',
    };
  }

  return {
    ...base,
    facts,
    safeToRetry: Boolean(live),
    advice: live
      ? `check the state above, then run ${rec.action} again if still needed`
      : 'the container is gone',
  };
}

/**
 * `warden doctor`: is this machine ready? Exit 0 only if all is well, 2 when the engine cannot be
 * used at all (not running, not responding, not an engine, a DOCKER_HOST that cannot be read).
 */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { keyPaths } from '../../adapters/signer.js';
import { DockerError, UserError, errorMessage } from '../../errors.js';
import type { App } from '../compose.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';
import { jsonText } from '../../engine/terminal-text.js';

interface Finding {
  name: string;
  ok: boolean;
  detail: string;
  warnOnly?: boolean;
}

async function mode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

export async function doctorCommand(app: App, io: Io, opts: { json?: boolean }): Promise<number> {
  const results: Finding[] = [];
  let unreachable = false;
  const major = Number(process.versions.node.split('.')[0]);
  results.push({
    name: 'node',
    ok: major >= 20,
    detail: `Node ${process.versions.node}${major >= 20 ? '' : ' (needs >= 20)'}`,
  });
  try {
    const v = await app.docker().version();
    results.push({
      name: 'docker',
      ok: true,
      detail: `engine ${v.version}, API ${v.apiVersion} at ${v.endpoint}`,
    });
  } catch (err) {
    results.push({ name: 'docker', ok: false, detail: errorMessage(err) });
    // Not running, not responding, not an engine: an environment error (exit 2), not a finding.
    if (err instanceof DockerError && err.kind === 'daemon-unreachable') unreachable = true;
    if (err instanceof UserError) unreachable = true;
  }
  // The docker CLI's other engines: listed with whether they answer (a note, never a failure).
  for (const c of await app.dockerContexts()) {
    results.push({
      name: `context ${c.name}`,
      ok: true,
      warnOnly: c.error !== undefined,
      detail: `${c.current ? '(current) ' : ''}${c.endpoint}: ${c.version ? `engine ${c.version}` : `not reached: ${c.error}`}`,
    });
  }
  const checkDir = async (name: string, path: string, want: number, optional: boolean) => {
    const m = await mode(path);
    if (m === undefined)
      results.push({
        name,
        ok: optional,
        detail: `${path} does not exist yet${optional ? ' (created on first use)' : ''}`,
        warnOnly: optional,
      });
    else if ((m & 0o077) !== 0)
      results.push({
        name,
        ok: false,
        detail: `${path} is mode ${m.toString(8)}; should be ${want.toString(8)} (chmod ${want.toString(8)} ${path})`,
      });
    else results.push({ name, ok: true, detail: `${path} (mode ${m.toString(8)})` });
  };
  await checkDir('data directory', app.home, 0o700, true);
  await checkDir('sessions', join(app.home, 'sessions'), 0o700, true);
  const keys = keyPaths(app.home);
  await checkDir('signing key', keys.privateKey, 0o600, true);
  const catalog = await app.catalog();
  results.push({
    name: 'runbooks',
    ok: catalog.broken.length === 0,
    detail: `${catalog.runbooks.length} loaded${catalog.broken.length ? `, ${catalog.broken.length} invalid: ${catalog.broken.map((b) => b.file).join(', ')}` : ''}`,
  });
  const ok = results.every((r) => r.ok);
  if (opts.json) io.out(jsonText({ ok, checks: results }) + '\n');
  else {
    for (const r of results)
      io.out(
        `${r.ok ? (r.warnOnly ? 'note' : ' ok ') : 'FAIL'}  ${r.name.padEnd(15)} ${r.detail}\n`,
      );
    io.out(ok ? 'All good.\n' : 'Some checks failed.\n');
  }
  return ok ? 0 : unreachable ? 2 : 1;
}

export function registerDoctorCommand(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description('check Node, the Docker engine, the data directory and its permissions')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => ctx.handle(() => doctorCommand(ctx.app(), ctx.io, opts)));
}

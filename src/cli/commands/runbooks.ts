/** `warden runbooks list|validate`. */
import type { Command } from 'commander';
import { loadRunbookFile } from '../../runbook/load.js';
import { formatIssue } from '../../runbook/parse.js';
import { allSteps } from '../../runbook/types.js';
import type { App } from '../compose.js';
import type { CommandContext } from '../context.js';
import { table, type Io } from '../io.js';
import { jsonText } from '../../engine/terminal-text.js';

export async function runbooksListCommand(
  app: App,
  io: Io,
  opts: { json?: boolean },
): Promise<number> {
  const catalog = await app.catalog();
  if (opts.json) {
    io.out(
      jsonText({
        runbooks: catalog.runbooks.map((l) => ({
          id: l.runbook.id,
          title: l.runbook.title,
          kind: l.runbook.kind,
          origin: l.origin,
          file: l.file,
          phases: l.runbook.phases.length,
          steps: allSteps(l.runbook).length,
          inputs: l.runbook.inputs.map((i) => ({ id: i.id, type: i.type, required: i.required })),
        })),
        broken: catalog.broken.map((b) => ({
          file: b.file,
          origin: b.origin,
          errors: b.issues.map(formatIssue),
        })),
      }) + '\n',
    );
    return catalog.broken.length ? 1 : 0;
  }
  io.out(
    table(
      catalog.runbooks.map((l) => [
        l.runbook.id,
        l.runbook.kind,
        String(allSteps(l.runbook).length),
        l.origin,
        l.runbook.title,
      ]),
      ['ID', 'KIND', 'STEPS', 'FROM', 'TITLE'],
    ),
  );
  for (const b of catalog.broken) {
    io.err(
      `warden: ${b.file} is invalid (${b.issues.length} error${b.issues.length === 1 ? '' : 's'}); \`warden runbooks validate ${b.file}\`\n`,
    );
  }
  return catalog.broken.length ? 1 : 0;
}

export async function runbooksValidateCommand(app: App, io: Io, files: string[]): Promise<number> {
  let bad = 0;
  for (const file of files) {
    const r = await loadRunbookFile(app.files, file, 'path', app.known());
    if (r.ok)
      io.out(`ok: ${file} (${r.loaded.runbook.id}, ${allSteps(r.loaded.runbook).length} steps)\n`);
    else {
      bad++;
      for (const i of r.issues) io.out(formatIssue(i) + '\n');
    }
  }
  if (bad) io.err(`${bad} of ${files.length} runbook(s) invalid\n`);
  return bad ? 1 : 0;
}

export function registerRunbookCommands(program: Command, ctx: CommandContext): void {
  const { io, handle } = ctx;
  const runbooks = program.command('runbooks').description('list and validate runbooks');
  runbooks
    .command('list')
    .description('bundled, user ($WARDEN_HOME/runbooks) and their ids')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => handle(() => runbooksListCommand(ctx.app(), io, opts)));
  runbooks
    .command('validate')
    .description('validate runbook files; every error as file:line:col (exit 1 on any)')
    .argument('<files...>', 'YAML files')
    .action((files: string[]) => handle(() => runbooksValidateCommand(ctx.app(), io, files)));
}

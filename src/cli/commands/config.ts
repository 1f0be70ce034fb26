/** `warden config get|set|list`. */
import type { Command } from 'commander';
import { SETTINGS } from '../../adapters/settings.js';
import { UserError } from '../../errors.js';
import type { App } from '../compose.js';
import type { CommandContext } from '../context.js';
import type { Io } from '../io.js';

export async function configCommand(
  app: App,
  io: Io,
  action: string,
  key?: string,
  value?: string,
): Promise<number> {
  if (action === 'list') {
    const all = app.settings.all();
    for (const k of Object.keys(SETTINGS))
      io.out(`${k} = ${all[k] ?? '(unset)'}    # ${SETTINGS[k]}\n`);
    return 0;
  }
  if (!key)
    throw new UserError(
      `warden config ${action} needs a KEY`,
      `keys: ${Object.keys(SETTINGS).join(', ')}`,
    );
  if (action === 'get') {
    if (!(key in SETTINGS))
      throw new UserError(`unknown setting "${key}"`, `keys: ${Object.keys(SETTINGS).join(', ')}`);
    const v = app.settings.get(key);
    if (v === undefined) {
      if (key === 'operator') io.out(`${app.operator()}\n`);
      return v === undefined && key !== 'operator' ? 1 : 0;
    }
    io.out(`${v}\n`);
    return 0;
  }
  if (action === 'set') {
    if (value === undefined) throw new UserError(`warden config set ${key} needs a VALUE`);
    await app.settings.set(key, value);
    io.out(`${key} = ${value}\n`);
    return 0;
  }
  throw new UserError(`unknown config action "${action}"`, 'use get, set or list');
}

export function registerConfigCommand(program: Command, ctx: CommandContext): void {
  program
    .command('config')
    .description('read or change settings (operator, docker.host, command.timeout, engine.timeout)')
    .argument('<action>', 'get | set | list')
    .argument('[key]', 'setting name')
    .argument('[value]', 'new value (set)')
    .action((action: string, key?: string, value?: string) =>
      ctx.handle(() => configCommand(ctx.app(), ctx.io, action, key, value)),
    );
}

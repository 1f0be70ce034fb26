/** `warden config get|set|list`. */
import { SETTINGS } from '../../adapters/settings.js';
import { UserError } from '../../errors.js';
import type { App } from '../compose.js';
import type { Io } from '../io.js';

export function configCommand(
  app: App,
  io: Io,
  action: string,
  key?: string,
  value?: string,
): number {
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
    app.settings.set(key, value);
    io.out(`${key} = ${value}\n`);
    return 0;
  }
  throw new UserError(`unknown config action "${action}"`, 'use get, set or list');
}

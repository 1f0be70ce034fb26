/** A compose service's environment, resolved the way compose resolves it. Pure. */
import { UserError, errorMessage } from '../errors.js';
import type { EnvVarModel } from './model.js';
import { DotEnvError, parseDotEnvEntries } from './dotenv.js';
import { hasUnset } from './compose-env.js';
import {
  envMap,
  joinPath,
  located,
  type LoadOptions,
  type LoadedCompose,
  type LoadedService,
} from './compose-load.js';
import { isRecord, str } from './values.js';

/**
 * The service's environment, resolved in compose's order: `env_file` files in order (each
 * interpolated from the variables before it, then the shell and `.env`), then the `environment`
 * entries. A bare name (`- KEY` or `KEY:`) takes the shell's value, then the project `.env`'s.
 * When neither has it, compose would pass whatever the deploying shell holds; the audit keeps the
 * `env_file` value for it (what the files say), or leaves the value unknown.
 */
export async function serviceEnvironment(
  c: LoadedCompose,
  s: LoadedService,
  opts: LoadOptions,
): Promise<EnvVarModel[]> {
  const vars = new Map<string, EnvVarModel>();
  const files = Array.isArray(s.raw.env_file)
    ? s.raw.env_file
    : s.raw.env_file === undefined
      ? []
      : [s.raw.env_file];
  const dotEnv = new Map(c.dotEnv.entries.map((e) => [e.name, e]));
  for (const f of files) {
    const path = isRecord(f) ? str(f.path) : str(f);
    const required = isRecord(f) ? f.required !== false : true;
    if (!path) continue;
    const full = joinPath(c.dir, path);
    let text: string;
    try {
      text = await opts.readFile(full);
    } catch (err) {
      if (!required) continue;
      throw new UserError(
        `${opts.file}: service ${s.name}: cannot read env_file ${path}: ${errorMessage(err)}`,
      );
    }
    let entries;
    try {
      entries = parseDotEnvEntries(text, (k) => vars.get(k)?.value ?? c.vars[k]);
    } catch (err) {
      if (err instanceof DotEnvError) throw new UserError(`${full}:${err.line}: ${err.message}`);
      throw err;
    }
    for (const e of entries)
      vars.set(e.name, {
        name: e.name,
        value: e.value,
        origin: 'env_file',
        ...located(c, { file: full, line: e.line }),
      });
  }
  for (const [name, value] of Object.entries(envMap(s.raw.environment))) {
    const loc = located(c, s.lines.items.environment?.get(name) ?? s.lines.keys.environment);
    if (value !== null && hasUnset(value)) {
      // `${VAR:?}` not set here: compose takes it from the deploying shell; unknown to the audit.
      vars.set(name, { name, origin: 'environment', ...loc });
      continue;
    }
    if (value !== null) {
      vars.set(name, { name, value, origin: 'environment', ...loc });
      continue;
    }
    const shell = c.env[name];
    const fromDotEnv = dotEnv.get(name);
    if (shell !== undefined) vars.set(name, { name, value: shell, origin: 'shell', ...loc });
    else if (fromDotEnv)
      vars.set(name, {
        name,
        value: fromDotEnv.value,
        origin: 'dotenv',
        ...located(c, { file: fromDotEnv.file, line: fromDotEnv.line }),
      });
    else if (!vars.has(name)) vars.set(name, { name, origin: 'environment', ...loc });
  }
  return [...vars.values()];
}

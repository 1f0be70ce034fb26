/** SettingsPort: $WARDEN_HOME/config.json (0600), written through conf (atomic writes). */
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, errorMessage } from '../errors.js';
import type { SettingsPort } from '../engine/ports.js';
import {
  DEFAULT_CONNECT_TIMEOUT_S,
  DEFAULT_ENGINE_TIMEOUT_S,
  parseTimeoutSeconds,
} from './docker/timeouts.js';

/** Known keys and what they mean (for `warden config` help and validation). */
export const SETTINGS: Record<string, string> = {
  operator: 'your name as recorded in journals and sign-offs (default: the OS user)',
  'docker.host': 'Docker endpoint when DOCKER_HOST is not set, e.g. unix:///var/run/docker.sock',
  'command.timeout': 'default timeout in seconds for command steps without their own',
  'engine.timeout': `seconds the Docker engine may stay silent in a call before it counts as not responding (default ${DEFAULT_ENGINE_TIMEOUT_S}; WARDEN_ENGINE_TIMEOUT overrides)`,
  'engine.connect-timeout': `seconds to reach the Docker engine and get its first answer (default ${DEFAULT_CONNECT_TIMEOUT_S}; WARDEN_ENGINE_CONNECT_TIMEOUT overrides)`,
};

/** A setting by its dotted key, as conf stores it (`docker.host` is `{"docker":{"host":…}}`). */
function lookup(store: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(store, key)) return store[key];
  let at: unknown = store;
  for (const part of key.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function readStore(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`cannot read the settings file ${path}: ${errorMessage(err)}`);
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new UserError(
    `the settings file ${path} is not a JSON object`,
    'fix it, or remove it and set what you need again with warden config set',
  );
}

/**
 * Reading is a JSON.parse of config.json, done when a setting is first asked for; conf (and the
 * schema validator it brings, most of a start-up's module loading) is loaded only to write one.
 */
export function createSettings(home: string): SettingsPort {
  const path = join(home, 'config.json');
  try {
    chmodSync(path, 0o600);
  } catch {
    /* not created yet */
  }
  let store: Record<string, unknown> | undefined;
  const get = (key: string) => {
    const v = lookup((store ??= readStore(path)), key);
    return typeof v === 'string' ? v : undefined;
  };
  return {
    get,
    async set(key, value) {
      if (!(key in SETTINGS)) {
        throw new UserError(
          `unknown setting "${key}"`,
          `known: ${Object.keys(SETTINGS).join(', ')}`,
        );
      }
      if (key === 'command.timeout' && !/^[1-9][0-9]*$/.test(value)) {
        throw new UserError('command.timeout must be a whole number of seconds, e.g. 900');
      }
      if (key === 'engine.timeout' || key === 'engine.connect-timeout')
        parseTimeoutSeconds(value, key);
      readStore(path); // a broken file is reported, not overwritten
      const { default: Conf } = await import('conf');
      const conf = new Conf<Record<string, string>>({
        projectName: 'warden',
        cwd: home,
        configName: 'config',
        projectSuffix: '',
        configFileMode: 0o600,
      });
      conf.set(key, value);
      store = undefined;
    },
    all: () => {
      const out: Record<string, string> = {};
      for (const k of Object.keys(SETTINGS)) {
        const v = get(k);
        if (v !== undefined) out[k] = v;
      }
      return out;
    },
  };
}

/** SettingsPort over conf, stored under $WARDEN_HOME (config.json, 0600). */
import { chmodSync } from 'node:fs';
import Conf from 'conf';
import { UserError } from '../errors.js';
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

export function createSettings(home: string): SettingsPort {
  const conf = new Conf<Record<string, string>>({
    projectName: 'warden',
    cwd: home,
    configName: 'config',
    projectSuffix: '',
    configFileMode: 0o600,
  });
  try {
    chmodSync(conf.path, 0o600);
  } catch {
    /* not created yet */
  }
  return {
    get: (key) => {
      const v = conf.get(key);
      return typeof v === 'string' ? v : undefined;
    },
    set: (key, value) => {
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
      conf.set(key, value);
    },
    all: () => ({ ...conf.store }),
  };
}

/**
 * How long Warden waits for the Docker engine: read from WARDEN_ENGINE_TIMEOUT /
 * WARDEN_ENGINE_CONNECT_TIMEOUT, else the `engine.timeout` / `engine.connect-timeout` settings,
 * else the defaults. Pure.
 */
import { UserError } from '../../errors.js';

export interface EngineTimeouts {
  /** To reach the engine and get its first answer (`GET /_ping`), in ms. */
  connectMs: number;
  /**
   * The longest the engine may stay silent in any call, in ms: a request/response call must
   * complete within it, a stream (logs, events, export, archives) may not pause longer.
   */
  idleMs: number;
}

export const DEFAULT_CONNECT_TIMEOUT_S = 5;
export const DEFAULT_ENGINE_TIMEOUT_S = 30;
export const DEFAULT_TIMEOUTS: EngineTimeouts = {
  connectMs: DEFAULT_CONNECT_TIMEOUT_S * 1000,
  idleMs: DEFAULT_ENGINE_TIMEOUT_S * 1000,
};

/** Seconds, > 0, at most a day; decimals allowed (`0.5`). */
export function parseTimeoutSeconds(value: string, what: string): number {
  const v = value.trim();
  const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!(n > 0 && n <= 86400))
    throw new UserError(
      `${what} must be a number of seconds (more than 0, at most 86400), got ${JSON.stringify(value)}`,
    );
  return n;
}

export function engineTimeouts(
  env: Readonly<Record<string, string | undefined>>,
  setting: (key: string) => string | undefined,
): EngineTimeouts {
  const pick = (envName: string, key: string, fallback: number): number => {
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv.trim() !== '')
      return parseTimeoutSeconds(fromEnv, envName) * 1000;
    const fromSetting = setting(key);
    if (fromSetting !== undefined) return parseTimeoutSeconds(fromSetting, key) * 1000;
    return fallback;
  };
  return {
    connectMs: pick(
      'WARDEN_ENGINE_CONNECT_TIMEOUT',
      'engine.connect-timeout',
      DEFAULT_TIMEOUTS.connectMs,
    ),
    idleMs: pick('WARDEN_ENGINE_TIMEOUT', 'engine.timeout', DEFAULT_TIMEOUTS.idleMs),
  };
}

/** `2 s`, `0.5 s`, `30 s`. */
export function seconds(ms: number): string {
  return `${Math.round(ms) / 1000} s`;
}

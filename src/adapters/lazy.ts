/**
 * A port whose adapter is loaded on its first call: dockerode (with ssh2) and execa take the
 * better part of a second to import, and the home screen must draw before any of it is needed.
 * Every method of the ports wrapped here is async, so a call simply waits for the load.
 */
export function lazyPort<T extends object>(
  load: () => Promise<T>,
  /**
   * Optional methods the loaded port will not have, known before loading it (a remote engine has
   * no /proc to read): they read as absent, as on the port itself, so `if (port.x)` holds.
   */
  absent: () => readonly string[] = () => [],
): T {
  let loaded: Promise<T> | undefined;
  return new Proxy({} as T, {
    get(_target, key) {
      // Not a thenable (an `await` of the port must not call it), and no symbol members.
      if (key === 'then' || typeof key === 'symbol') return undefined;
      if (absent().includes(key)) return undefined;
      return (...args: unknown[]) =>
        (loaded ??= load()).then((port) => {
          const fn = (port as Record<string, unknown>)[key];
          if (typeof fn !== 'function') throw new TypeError(`the port has no method ${key}`);
          return (fn as (...a: unknown[]) => unknown).apply(port, args);
        });
    },
  });
}

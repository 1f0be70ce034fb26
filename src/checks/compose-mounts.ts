/** Compose `volumes` and `tmpfs` (short and long syntax) as MountModels, each located. Pure. */
import { posix } from 'node:path';
import type { MountModel } from './model.js';
import { itemLoc, located, type LoadedCompose, type LoadedService } from './compose-load.js';
import { isRecord, str, strList, truthy } from './values.js';

function hostPath(source: string, dir: string): string {
  if (source.startsWith('/') || source.startsWith('~')) return posix.normalize(source);
  return posix.resolve(dir, source);
}

const looksLikePath = (s: string) => /^(\/|\.|~)/.test(s);

const PROPAGATIONS = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];

/** A named volume whose local driver binds a host directory: its device. */
function volumeDevice(c: LoadedCompose, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = c.volumes[name];
  const o = v && isRecord(v.driver_opts) ? v.driver_opts : undefined;
  if (!o || typeof o.device !== 'string') return undefined;
  const opts = String(o.o ?? '').split(',');
  if (!opts.includes('bind') && !opts.includes('rbind')) return undefined;
  return hostPath(o.device, c.dir);
}

export function mounts(c: LoadedCompose, s: LoadedService): MountModel[] {
  const out: MountModel[] = [];
  const dir = c.dir;
  for (const v of Array.isArray(s.raw.volumes) ? s.raw.volumes : []) {
    const loc = located(c, itemLoc(s, 'volumes', v));
    let m: MountModel;
    if (isRecord(v)) {
      const type = str(v.type) ?? 'volume';
      const source = str(v.source);
      const tmpfs = isRecord(v.tmpfs) ? v.tmpfs : {};
      const bind = isRecord(v.bind) ? v.bind : {};
      const device = type === 'volume' ? volumeDevice(c, source) : undefined;
      m = {
        type:
          type === 'bind' || type === 'volume' || type === 'tmpfs' || type === 'npipe'
            ? type
            : 'other',
        ...(source ? { source: type === 'bind' ? hostPath(source, dir) : source } : {}),
        target: str(v.target) ?? '',
        readOnly: truthy(v.read_only),
        ...(typeof bind.propagation === 'string' ? { propagation: bind.propagation } : {}),
        ...(device ? { device } : {}),
        // The mount API takes size/mode only: the engine's defaults (noexec,nosuid) apply.
        ...(type === 'tmpfs' && tmpfs.size !== undefined
          ? { options: `size=${String(tmpfs.size)}` }
          : {}),
      };
    } else {
      const parts = String(v).split(':');
      if (parts.length === 1) m = { type: 'volume', target: parts[0] ?? '', readOnly: false };
      else {
        const source = parts[0] ?? '';
        const mode = parts.slice(2).join(':').split(',');
        const bind = looksLikePath(source);
        const propagation = mode.find((x) => PROPAGATIONS.includes(x));
        const device = bind ? undefined : volumeDevice(c, source);
        m = {
          type: bind ? 'bind' : 'volume',
          source: bind ? hostPath(source, dir) : source,
          target: parts[1] ?? '',
          readOnly: mode.includes('ro'),
          ...(propagation ? { propagation } : {}),
          ...(device ? { device } : {}),
        };
      }
    }
    out.push({ ...m, ...loc });
  }
  for (const t of strList(s.raw.tmpfs)) {
    const i = t.indexOf(':');
    const target = i < 0 ? t : t.slice(0, i);
    const options = i < 0 ? '' : t.slice(i + 1);
    out.push({
      type: 'tmpfs',
      target,
      readOnly: false,
      options,
      ...located(c, itemLoc(s, 'tmpfs', t)),
    });
  }
  return out;
}

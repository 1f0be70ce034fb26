/** Compose `ports` (short and long syntax) as PortModels, each located. Pure. */
import type { PortModel } from './model.js';
import { itemLoc, located, type LoadedCompose, type LoadedService } from './compose-load.js';
import { isRecord, str } from './values.js';

/** `[IP:][HOST:]CONTAINER[/proto]`, with `[::1]:8080:80` or `::1:8080:80` for IPv6. */
export function parseShortPort(spec: string): PortModel {
  let rest = spec.trim();
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  let hostPort: string | undefined;
  let containerPort: string;
  if (parts.length === 1) containerPort = parts[0] ?? '';
  else if (parts.length === 2) {
    hostPort = parts[0];
    containerPort = parts[1] ?? '';
  } else {
    containerPort = parts.at(-1) ?? '';
    hostPort = parts.at(-2);
    hostIp = parts.slice(0, -2).join(':');
  }
  return {
    containerPort: `${containerPort}/${proto}`,
    hostIp: hostIp ?? '',
    ...(hostPort ? { hostPort } : {}),
  };
}

export function ports(c: LoadedCompose, s: LoadedService): PortModel[] {
  const out: PortModel[] = [];
  for (const p of Array.isArray(s.raw.ports) ? s.raw.ports : []) {
    const loc = located(c, itemLoc(s, 'ports', p));
    let port: PortModel;
    if (isRecord(p)) {
      port = {
        containerPort: `${str(p.target) ?? ''}/${str(p.protocol) ?? 'tcp'}`,
        hostIp: str(p.host_ip) ?? '',
        ...(p.published !== undefined ? { hostPort: String(p.published) } : {}),
      };
    } else port = parseShortPort(String(p));
    out.push({ ...port, ...loc });
  }
  return out;
}

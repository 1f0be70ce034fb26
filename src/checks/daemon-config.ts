/**
 * The daemon's effective configuration, as dockerd itself merges it: its command line and its
 * `daemon.json` (a setting in both is refused by dockerd at start, so either source wins here).
 * Pure: the adapter reads `/proc/<pid>/cmdline` and the file; this parses and merges them.
 *
 * Flags follow Go's pflag, which dockerd uses: `--name=value`, `--name value`, `-H value`,
 * `-Hvalue`; a boolean flag is `--name` or `--name=false` (never `--name false`). Hand-written
 * because no argument library parses another program's flags by that program's rules.
 */

/** What the checks read; undefined means "not set" (the daemon's default applies). */
export interface DaemonSettings {
  hosts: string[];
  tls?: boolean;
  tlsVerify?: boolean;
  icc?: boolean;
  userlandProxy?: boolean;
  noNewPrivileges?: boolean;
  liveRestore?: boolean;
  userns?: string;
  logDriver?: string;
  logOpts: Record<string, string>;
  defaultUlimits: string[];
  insecureRegistries: string[];
  authorizationPlugins: string[];
  seccompProfile?: string;
  experimental?: boolean;
  dataRoot?: string;
  configFile?: string;
  /** TLS material the daemon was given: `tlscacert`, `tlscert`, `tlskey` paths. */
  tlsFiles: { ca?: string; cert?: string; key?: string };
}

export interface DaemonSources {
  /** The daemon's argv, `dockerd` first. */
  args: readonly string[];
  /** daemon.json's text, when it was read; undefined when there is none. */
  configText?: string;
}

const BOOL_FLAGS = new Set([
  'tls',
  'tlsverify',
  'icc',
  'userland-proxy',
  'no-new-privileges',
  'live-restore',
  'experimental',
  'debug',
  'D',
  'iptables',
  'ip-forward',
  'ip-masq',
  'selinux-enabled',
  'ipv6',
]);
const SHORT: Record<string, string> = {
  H: 'host',
  D: 'debug',
  l: 'log-level',
  b: 'bridge',
  G: 'group',
  p: 'pidfile',
};

/** Flags in the order given: `[name, value]`, value `'true'` for a bare boolean. */
export function parseDaemonArgs(args: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (eq >= 0) value = a.slice(eq + 1);
    } else if (a.startsWith('-') && a.length > 1) {
      const short = a[1] as string;
      name = SHORT[short] ?? short;
      const rest = a.slice(2).replace(/^=/, '');
      if (rest) value = rest;
    } else continue;
    if (value === undefined) {
      if (BOOL_FLAGS.has(name)) value = 'true';
      else value = (args[++i] as string | undefined) ?? '';
    }
    out.push([name, value]);
  }
  return out;
}

const bool = (v: unknown): boolean | undefined =>
  typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export class DaemonConfigError extends Error {}

/** Merges the command line and daemon.json; throws DaemonConfigError for a file that is not JSON. */
export function daemonSettings(src: DaemonSources): DaemonSettings {
  let file: Record<string, unknown> = {};
  if (src.configText !== undefined && src.configText.trim()) {
    try {
      const parsed: unknown = JSON.parse(src.configText);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        file = parsed as Record<string, unknown>;
      else throw new DaemonConfigError('daemon.json is not a JSON object');
    } catch (err) {
      if (err instanceof DaemonConfigError) throw err;
      throw new DaemonConfigError(`daemon.json is not valid JSON: ${(err as Error).message}`);
    }
  }
  const s: DaemonSettings = {
    hosts: strings(file.hosts),
    logOpts: {},
    defaultUlimits: [],
    insecureRegistries: strings(file['insecure-registries']),
    authorizationPlugins: strings(file['authorization-plugins']),
    tlsFiles: {},
  };
  for (const [k, key] of [
    ['tlscacert', 'ca'],
    ['tlscert', 'cert'],
    ['tlskey', 'key'],
  ] as const)
    if (typeof file[k] === 'string') s.tlsFiles[key] = file[k];
  const setBool = (key: keyof DaemonSettings, v: unknown) => {
    const b = bool(v);
    if (b !== undefined) (s as unknown as Record<string, unknown>)[key] = b;
  };
  setBool('tls', file.tls);
  setBool('tlsVerify', file.tlsverify);
  setBool('icc', file.icc);
  setBool('userlandProxy', file['userland-proxy']);
  setBool('noNewPrivileges', file['no-new-privileges']);
  setBool('liveRestore', file['live-restore']);
  setBool('experimental', file.experimental);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const assign = (key: 'userns' | 'logDriver' | 'seccompProfile' | 'dataRoot', v: unknown) => {
    const x = str(v);
    if (x !== undefined) s[key] = x;
  };
  assign('userns', file['userns-remap']);
  assign('logDriver', file['log-driver']);
  assign('seccompProfile', file['seccomp-profile']);
  assign('dataRoot', file['data-root']);
  if (file['log-opts'] && typeof file['log-opts'] === 'object')
    for (const [k, v] of Object.entries(file['log-opts'] as Record<string, unknown>))
      if (typeof v === 'string') s.logOpts[k] = v;
  if (file['default-ulimits'] && typeof file['default-ulimits'] === 'object')
    s.defaultUlimits.push(...Object.keys(file['default-ulimits'] as object));

  for (const [name, value] of parseDaemonArgs(src.args)) {
    switch (name) {
      case 'host':
        s.hosts.push(value);
        break;
      case 'tls':
        setBool('tls', value);
        break;
      case 'tlsverify':
        setBool('tlsVerify', value);
        break;
      case 'icc':
        setBool('icc', value);
        break;
      case 'userland-proxy':
        setBool('userlandProxy', value);
        break;
      case 'no-new-privileges':
        setBool('noNewPrivileges', value);
        break;
      case 'live-restore':
        setBool('liveRestore', value);
        break;
      case 'experimental':
        setBool('experimental', value);
        break;
      case 'userns-remap':
        s.userns = value;
        break;
      case 'log-driver':
        s.logDriver = value;
        break;
      case 'log-opt': {
        const eq = value.indexOf('=');
        if (eq > 0) s.logOpts[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      case 'default-ulimit':
        s.defaultUlimits.push(value.split('=')[0] ?? value);
        break;
      case 'insecure-registry':
        s.insecureRegistries.push(value);
        break;
      case 'authorization-plugin':
        s.authorizationPlugins.push(value);
        break;
      case 'seccomp-profile':
        s.seccompProfile = value;
        break;
      case 'data-root':
      case 'graph':
        s.dataRoot = value;
        break;
      case 'config-file':
        s.configFile = value;
        break;
      case 'tlscacert':
        s.tlsFiles.ca = value;
        break;
      case 'tlscert':
        s.tlsFiles.cert = value;
        break;
      case 'tlskey':
        s.tlsFiles.key = value;
        break;
    }
  }
  return s;
}

/** The config file dockerd reads: `--config-file`, else the default path. */
export function daemonConfigPath(args: readonly string[]): string {
  let path = '/etc/docker/daemon.json';
  for (const [name, value] of parseDaemonArgs(args)) if (name === 'config-file') path = value;
  return path;
}

/** The data root dockerd uses, from its flags and daemon.json's text (default /var/lib/docker). */
export function daemonDataRoot(args: readonly string[], configText?: string): string {
  for (const [name, value] of parseDaemonArgs(args))
    if (name === 'data-root' || name === 'graph') return value;
  try {
    const f = configText ? (JSON.parse(configText) as Record<string, unknown>) : {};
    if (typeof f['data-root'] === 'string') return f['data-root'];
  } catch {
    // an unreadable file is reported by daemonSettings
  }
  return '/var/lib/docker';
}

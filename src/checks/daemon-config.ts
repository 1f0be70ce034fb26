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
  /** `exec-root` (default /var/run/docker): where a containerd dockerd starts keeps its socket. */
  execRoot?: string;
  /** `containerd`: the address of a containerd dockerd does not start itself. */
  containerd?: string;
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

type FieldOf<T> = {
  [K in keyof DaemonSettings]-?: DaemonSettings[K] extends T | undefined ? K : never;
}[keyof DaemonSettings];
type Setter = (s: DaemonSettings, v: unknown) => void;
const boolField =
  (field: FieldOf<boolean>): Setter =>
  (s, v) => {
    const b = bool(v);
    if (b !== undefined) s[field] = b;
  };
const stringField =
  (field: FieldOf<string>): Setter =>
  (s, v) => {
    if (typeof v === 'string') s[field] = v;
  };
const tlsFile =
  (key: keyof DaemonSettings['tlsFiles']): Setter =>
  (s, v) => {
    if (typeof v === 'string') s.tlsFiles[key] = v;
  };

/** Settings spelled the same as a flag (`--icc=false`) and as a daemon.json key (`"icc": false`). */
const SCALARS: Readonly<Record<string, Setter>> = {
  tls: boolField('tls'),
  tlsverify: boolField('tlsVerify'),
  icc: boolField('icc'),
  'userland-proxy': boolField('userlandProxy'),
  'no-new-privileges': boolField('noNewPrivileges'),
  'live-restore': boolField('liveRestore'),
  experimental: boolField('experimental'),
  'userns-remap': stringField('userns'),
  'log-driver': stringField('logDriver'),
  'seccomp-profile': stringField('seccompProfile'),
  'data-root': stringField('dataRoot'),
  'exec-root': stringField('execRoot'),
  containerd: stringField('containerd'),
  tlscacert: tlsFile('ca'),
  tlscert: tlsFile('cert'),
  tlskey: tlsFile('key'),
};
/** Flags with no daemon.json key of that name. */
const FLAG_ONLY: Readonly<Record<string, Setter>> = {
  graph: stringField('dataRoot'),
  'config-file': stringField('configFile'),
};
/** Repeatable flags and the daemon.json list each adds to. */
const LISTS = {
  host: { key: 'hosts', field: 'hosts' },
  'insecure-registry': { key: 'insecure-registries', field: 'insecureRegistries' },
  'authorization-plugin': { key: 'authorization-plugins', field: 'authorizationPlugins' },
} as const;

export class DaemonConfigError extends Error {}

function parseConfig(text: string | undefined): Record<string, unknown> {
  if (text === undefined || !text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DaemonConfigError(`daemon.json is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  throw new DaemonConfigError('daemon.json is not a JSON object');
}

/** Merges the command line and daemon.json; throws DaemonConfigError for a file that is not JSON. */
export function daemonSettings(src: DaemonSources): DaemonSettings {
  const file = parseConfig(src.configText);
  const s: DaemonSettings = {
    hosts: [],
    logOpts: {},
    defaultUlimits: [],
    insecureRegistries: [],
    authorizationPlugins: [],
    tlsFiles: {},
  };
  for (const { key, field } of Object.values(LISTS)) s[field].push(...strings(file[key]));
  for (const [key, set] of Object.entries(SCALARS)) if (key in file) set(s, file[key]);
  const logOpts = file['log-opts'];
  if (logOpts && typeof logOpts === 'object')
    for (const [k, v] of Object.entries(logOpts)) if (typeof v === 'string') s.logOpts[k] = v;
  const ulimits = file['default-ulimits'];
  if (ulimits && typeof ulimits === 'object') s.defaultUlimits.push(...Object.keys(ulimits));

  for (const [name, value] of parseDaemonArgs(src.args)) {
    const set = SCALARS[name] ?? FLAG_ONLY[name];
    if (set) set(s, value);
    else if (name in LISTS) s[LISTS[name as keyof typeof LISTS].field].push(value);
    else if (name === 'log-opt') {
      const eq = value.indexOf('=');
      if (eq > 0) s.logOpts[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (name === 'default-ulimit') s.defaultUlimits.push(value.split('=')[0] ?? value);
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

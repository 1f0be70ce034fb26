/** Checks about the host's namespaces shared with a container: network, PID, IPC, UTS, user. */
import type { CheckDefinition } from './types.js';
import { locOf, namespaceIsHost, pass } from './helpers.js';

const hostNamespace = (
  id: string,
  title: string,
  key: 'networkMode' | 'pidMode' | 'ipcMode' | 'utsMode' | 'usernsMode',
  composeKey: string,
  flag: string,
  severity: 'high' | 'medium',
  cis: string,
): CheckDefinition => ({
  id,
  title,
  severity,
  cis,
  remediation: {
    compose: `# remove \`${composeKey}: host\``,
    run: `remove \`${flag}\``,
    live: false,
  },
  evaluate(m) {
    const value = m[key];
    if (!namespaceIsHost(value)) return pass(value ? `${composeKey}: ${value}` : undefined);
    return { verdict: 'fail', evidence: `${composeKey}: host`, ...locOf(m, composeKey) };
  },
});

export const namespaceChecks: CheckDefinition[] = [
  hostNamespace(
    'host-network',
    "Host's network namespace shared",
    'networkMode',
    'network_mode',
    '--network host',
    'high',
    '5.10',
  ),
  hostNamespace(
    'host-pid',
    "Host's PID namespace shared",
    'pidMode',
    'pid',
    '--pid host',
    'high',
    '5.16',
  ),
  hostNamespace(
    'host-ipc',
    "Host's IPC namespace shared",
    'ipcMode',
    'ipc',
    '--ipc host',
    'high',
    '5.17',
  ),
  hostNamespace(
    'host-uts',
    "Host's UTS namespace shared",
    'utsMode',
    'uts',
    '--uts host',
    'medium',
    '5.21',
  ),
  hostNamespace(
    'host-userns',
    "Host's user namespace shared",
    'usernsMode',
    'userns_mode',
    '--userns host',
    'medium',
    '5.31',
  ),
];

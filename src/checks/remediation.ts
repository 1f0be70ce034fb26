/**
 * A remediation as the labelled parts every output shows (the TUI, JUnit, SARIF, a check step's
 * result), so that a host fix is never called a daemon.json key and a daemon key never a compose
 * setting. Pure.
 */
import type { Remediation } from './types.js';

export interface FixPart {
  /** Where the fix goes: `on the host`, `/etc/docker/daemon.json`, `compose` … */
  label: string;
  text: string;
  /** What to do after applying it, when the fix alone is not enough. */
  then?: string;
}

/** A fix made on the host itself (a chown, an audit rule): no compose, run or daemon.json key does it. */
export function hostFix(command: string): Remediation & { host: string } {
  return {
    host: command,
    compose: `# not a compose setting: on the host, ${command.split('\n')[0]}`,
    run: command,
    live: false,
  };
}

export const RESTART_DAEMON = 'then restart the daemon: containers stop unless live-restore is on';

/** Whether the fix is a container's setting (compose, `docker run`, maybe `docker update`). */
export function isContainerSetting(r: Remediation): boolean {
  return !(r.host || r.daemon || r.dockerfile || r.warden || r.swarm);
}

/** A fix run against a swarm manager; the stack file's equivalent, when there is one, as compose. */
export function swarmFix(command: string, compose?: string): Remediation & { swarm: string } {
  return {
    swarm: command,
    compose: compose ?? `# not a stack file setting: on a manager, ${command.split('\n')[0]}`,
    run: command,
    live: false,
  };
}

export function fixParts(r: Remediation): FixPart[] {
  if (r.warden) return [{ label: 'run', text: r.warden }];
  if (r.swarm) return [{ label: 'on a swarm manager', text: r.swarm }];
  if (r.host) return [{ label: 'on the host', text: r.host }];
  if (r.daemon)
    return [
      { label: '/etc/docker/daemon.json', text: r.daemon },
      { label: 'dockerd flag', text: r.run, then: RESTART_DAEMON },
    ];
  // An image: the Dockerfile is the fix; the container is then redeployed from the new image.
  if (r.dockerfile) return [{ label: 'Dockerfile', text: r.dockerfile, then: r.run }];
  return [
    ...(r.compose ? [{ label: 'compose', text: r.compose }] : []),
    ...(r.run ? [{ label: 'docker run', text: r.run }] : []),
  ];
}

/** The parts as plain text: `label:` then the fix, one part after another. */
export function fixText(r: Remediation, label = (l: string) => l): string {
  return fixParts(r)
    .map((p) => {
      const sep = p.text.includes('\n') ? '\n' : ' ';
      return `${label(p.label)}:${sep}${p.text}${p.then ? `\n${p.then}` : ''}`;
    })
    .join('\n');
}

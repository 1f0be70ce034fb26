/** What a finding is about, as a stable key and as the words every output uses. Pure. */
import type { FindingTarget } from './types.js';

export function targetKey(t: FindingTarget): string {
  return t.context ? `${t.context}/${localKey(t)}` : localKey(t);
}

function localKey(t: FindingTarget): string {
  if (t.kind === 'image') return `image:${t.id ?? t.name}`;
  if (t.kind === 'engine') return `engine:${t.id ?? t.name}`;
  if (t.kind === 'user') return `user:${t.name}`;
  if (t.kind === 'network') return `network:${t.file ?? ''}:${t.name}`;
  if (t.kind === 'swarm' || t.kind === 'node' || t.kind === 'service')
    return `${t.kind}:${t.id ?? t.name}`;
  return t.kind === 'container'
    ? `container:${t.id ?? t.name}`
    : `compose:${t.file ?? ''}:${t.service ?? t.name}`;
}

/** `container web`; in a fleet audit `lab: container web`. */
export function targetLabel(t: FindingTarget): string {
  return t.context ? `${t.context}: ${localLabel(t)}` : localLabel(t);
}

function localLabel(t: FindingTarget): string {
  if (t.kind === 'container') return `container ${t.name}${t.id ? ` (${t.id.slice(0, 12)})` : ''}`;
  if (t.kind === 'image') return `image ${t.name}`;
  if (t.kind === 'engine') return `engine ${t.name}`;
  if (t.kind === 'user') return `user ${t.name}`;
  if (t.kind === 'network') return `${t.file ? `${t.file} ` : ''}network ${t.name}`;
  if (t.kind === 'swarm' || t.kind === 'node' || t.kind === 'service') return `${t.kind} ${t.name}`;
  return `${t.file ?? 'compose'} service ${t.service ?? t.name}`;
}

/** The engine and its machine's accounts: targets that are not a workload. */
export const isHostTarget = (t: Pick<FindingTarget, 'kind'>) =>
  t.kind === 'engine' || t.kind === 'user';

/**
 * Read-only engine calls used by hardening checks (owned by the audit work, issue 3).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DockerReadPort {}

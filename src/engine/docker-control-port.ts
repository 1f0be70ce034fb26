/**
 * Engine calls used by incident actions (owned by the incident-response work, issue 4).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DockerControlPort {}

// What the audit bench's child process imports (bundled on the fly by common.js#bundleSrc).
export { runAudit } from '../../src/cli/commands/audit.js';
export { createDockerClient, resolveEndpoint } from '../../src/adapters/docker/client.js';
export { createDockerReadAdapter } from '../../src/adapters/docker/read.js';

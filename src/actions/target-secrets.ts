/**
 * The values of containers' credential-like environment variables (DB_PASSWORD, API_TOKEN, ...),
 * read from the engine so the session can mask them in what the operator types. Held in memory by
 * the caller, never written. A container that cannot be read is left out.
 */
import { isSecretName, splitEnv } from '../checks/mask.js';
import type { KnownSecret } from '../engine/masking.js';
import type { DockerPort } from '../engine/ports.js';
import { nameOf } from './common.js';

export async function targetSecrets(
  docker: DockerPort,
  containers: readonly string[],
): Promise<Map<string, KnownSecret[]>> {
  const out = new Map<string, KnownSecret[]>();
  await Promise.all(
    containers.map(async (ref) => {
      try {
        const c = await docker.inspectDetailed(ref);
        const found: KnownSecret[] = [];
        for (const e of c.Config?.Env ?? []) {
          const { name, value } = splitEnv(e);
          if (value && isSecretName(name)) found.push({ value, label: `${name} of ${nameOf(c)}` });
        }
        out.set(c.Id, found);
      } catch {
        // Gone or unreachable: what was learned before stays with the caller.
      }
    }),
  );
  return out;
}

/** Checks across a stack's services or an engine's containers: shared secrets, shared writable paths. */
import type { StackCheckDefinition } from './types.js';
import type { ContainerModel, MountModel } from './model.js';
import { cleanPath, hostPathOf, isDockerSocket, isUnder, locOf, pass } from './helpers.js';
import { secretsOf } from './secret-values.js';
import { MASK } from './mask.js';
import { locate } from './rules-credentials.js';

const nameOf = (m: ContainerModel) => m.service ?? m.name;

/** Lists other holders, at most a few by name: `app, worker (+3 more)`. */
function others(names: readonly string[], max = 4): string {
  const unique = [...new Set(names)];
  return unique.length > max
    ? `${unique.slice(0, max).join(', ')} (+${unique.length - max} more)`
    : unique.join(', ');
}

function writablePaths(m: ContainerModel): { mount: MountModel; path: string }[] {
  return (m.mounts ?? [])
    .filter((x) => !x.readOnly && !isDockerSocket(x))
    .map((mount) => ({ mount, path: hostPathOf(mount) }))
    .filter((x): x is { mount: MountModel; path: string } => x.path !== undefined)
    .map((x) => ({ ...x, path: cleanPath(x.path) }));
}

export const stackChecks: StackCheckDefinition[] = [
  {
    id: 'reused-secret',
    title: 'Same secret used by more than one service',
    severity: 'medium',
    remediation: {
      compose:
        'secrets:\n  api_db_password:\n    file: ./secrets/api_db_password   # one secret per use, given only to the services that need it',
      run: 'give each service its own credential; pass shared ones as a secret file to those services only',
      live: false,
    },
    evaluate(models) {
      // Values stay in this map, in memory; evidence names variables and services only.
      const holders = new Map<string, { model: number; label: string }[]>();
      models.forEach((m, i) => {
        for (const c of secretsOf(m)) {
          const list = holders.get(c.secret) ?? [];
          list.push({ model: i, label: c.label });
          holders.set(c.secret, list);
        }
      });
      return models.map((m, i) => {
        const hits = secretsOf(m)
          .map((c) => ({
            c,
            elsewhere: (holders.get(c.secret) ?? []).filter((h) => h.model !== i),
          }))
          .filter((h) => h.elsewhere.length > 0);
        if (hits.length === 0) return pass();
        return {
          verdict: 'fail',
          evidence: hits
            .map(
              (h) =>
                `${h.c.label}=${MASK} (also in ${others(
                  h.elsewhere.map(
                    (e) => `${nameOf(models[e.model] as ContainerModel)}: ${e.label}`,
                  ),
                )})`,
            )
            .join('; '),
          ...locate(
            m,
            hits.map((h) => h.c),
          ),
        };
      });
    },
  },
  {
    id: 'shared-writable-path',
    title: 'Same host path mounted read-write by more than one service',
    severity: 'medium',
    remediation: {
      compose:
        'volumes:\n  - ./shared:/data:ro   # read-only in every service but the one that writes it',
      run: 'mount the directory read-only (`:ro`) in all containers but the writer, or give each its own',
      live: false,
    },
    evaluate(models) {
      const rw = models.map(writablePaths);
      return models.map((m, i) => {
        const hits = (rw[i] ?? [])
          .map((w) => ({
            w,
            with: models
              .map((o, j) => ({ o, j }))
              .filter(
                ({ j }) =>
                  j !== i &&
                  (rw[j] ?? []).some((x) => isUnder(x.path, w.path) || isUnder(w.path, x.path)),
              )
              .map(({ o }) => nameOf(o)),
          }))
          .filter((h) => h.with.length > 0);
        if (hits.length === 0) return pass();
        return {
          verdict: 'fail',
          evidence: hits
            .map((h) => `${h.w.path}:${h.w.mount.target} (also read-write in ${others(h.with)})`)
            .join('; '),
          ...locOf(
            m,
            'volumes',
            hits.map((h) => h.w.mount),
          ),
        };
      });
    },
  },
];

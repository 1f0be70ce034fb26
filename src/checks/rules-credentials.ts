/**
 * Checks about credentials in the environment and on the command line: known defaults, secrets
 * in env, weak secrets. Values are compared in memory; evidence names variables only.
 */
import type { CheckDefinition } from './types.js';
import { defaultLabel, knownDefault } from './credentials.js';
import { MASK } from './mask.js';
import { credentialsOf, secretsOf, weakness, type Credential } from './secret-values.js';
import { locOf, pass } from './helpers.js';
import type { ContainerModel } from './model.js';

/** Names whose numeric value is a PIN-like password (`DB_PASSWORD=1234`), not a setting. */
const ENDS_LIKE_CREDENTIAL = /(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|_KEY)$/i;

const masked = (c: Credential) => `${c.label}=${MASK}`;

/** Where a credential is written: env lines (or env_file), the `command` key for flags. */
export function locate(m: ContainerModel, hits: readonly Credential[]) {
  const env = hits.filter((h) => h.from === 'env');
  return env.length ? locOf(m, 'environment', env) : locOf(m, 'command');
}

/** Pass, or fail naming each credential with why: `NAME=*** (the documented Wazuh default)`. */
function annotated(m: ContainerModel, hits: readonly { c: Credential; note: string }[]) {
  if (hits.length === 0) return pass();
  return {
    verdict: 'fail' as const,
    evidence: hits.map((h) => `${masked(h.c)} (${h.note})`).join(', '),
    ...locate(
      m,
      hits.map((h) => h.c),
    ),
  };
}

export const credentialChecks: CheckDefinition[] = [
  {
    id: 'demo-credential',
    title: 'Credential holds a default/demo value',
    severity: 'critical',
    remediation: {
      compose: 'environment:\n  DB_PASSWORD_FILE: /run/secrets/db_password\nsecrets: [db_password]',
      run: 'use a generated secret: `--env-file` with a strong value, or a secret file',
      live: false,
    },
    evaluate(m) {
      const hits: { c: Credential; label: string }[] = [];
      for (const c of credentialsOf(m)) {
        const value =
          c.kind === 'secret'
            ? c.secret
            : c.kind === 'number' && ENDS_LIKE_CREDENTIAL.test(c.name)
              ? // A PIN-like number in a variable named like a password: compared, never shown.
                (m.env ?? []).find((v) => v.name === c.name)?.value
              : undefined;
        if (value === undefined) continue;
        const match = knownDefault(value, c.flag ?? c.name);
        if (match) hits.push({ c, label: defaultLabel(match) });
      }
      return annotated(
        m,
        hits.map((h) => ({ c: h.c, note: h.label })),
      );
    },
  },
  {
    id: 'secret-in-env',
    title: 'Secret passed in an environment variable',
    severity: 'high',
    remediation: {
      compose: 'secrets: [db_password]\nenvironment:\n  DB_PASSWORD_FILE: /run/secrets/db_password',
      run: 'mount the secret as a file (`-v ./secret:/run/secrets/x:ro`) and point the app at it',
      live: false,
    },
    evaluate(m) {
      const hits = secretsOf(m).filter((c) => c.from === 'env');
      if (hits.length === 0) {
        const refs = credentialsOf(m).filter((c) => c.kind === 'reference');
        return pass(
          refs.length ? `${refs.map((r) => r.label).join(', ')}: file references` : undefined,
        );
      }
      return { verdict: 'fail', evidence: hits.map(masked).join(', '), ...locate(m, hits) };
    },
  },
  {
    id: 'weak-secret',
    title: 'Secret is weak (shorter than 32 characters or low entropy)',
    severity: 'medium',
    remediation: {
      compose:
        '# generate one: openssl rand -base64 32 > ./secrets/db_password\nsecrets:\n  db_password:\n    file: ./secrets/db_password',
      run: 'generate a secret of 32+ random characters (`openssl rand -base64 32`) and pass it as a file',
      live: false,
    },
    evaluate(m) {
      // Known defaults are demo-credential's (critical); the rest are judged on strength.
      const hits = secretsOf(m)
        .filter((c) => !knownDefault(c.secret, c.flag ?? c.name))
        .map((c) => ({ c, note: weakness(c.secret) }))
        .filter((h): h is { c: (typeof h)['c']; note: string } => h.note !== undefined);
      return annotated(m, hits);
    },
  },
];

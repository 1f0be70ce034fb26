/**
 * Masks secret values in free text (command output, notes shown in reports). Environment-style
 * `NAME=value` where NAME looks like a credential, `"password": "..."`, bearer tokens and private
 * key blocks become `***`. Known secret values (e.g. from inspected environments) are masked too.
 */

const SECRET_NAME =
  /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth|access[_-]?key|session[_-]?key|client[_-]?secret|pwd)/i;

export function looksSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function redact(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const s of knownSecrets) {
    if (s.length >= 4) out = out.split(s).join('***');
  }
  out = out.replace(
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
    '-----BEGIN $1PRIVATE KEY-----***-----END $1PRIVATE KEY-----',
  );
  out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***');
  // NAME=value / NAME: value / "name": "value" where NAME looks like a credential.
  out = out.replace(
    /(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/g,
    (whole, q: string, name: string, sep: string, value: string) => {
      if (!looksSecretName(name) || value === '***' || value === '"***"') return whole;
      const quoted = value.startsWith('"') ? '"***"' : value.startsWith("'") ? "'***'" : '***';
      return `${q}${name}${q}${sep}${quoted}`;
    },
  );
  // URLs with credentials: scheme://user:pass@host
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, '$1:***@');
  return out;
}

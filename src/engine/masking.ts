/**
 * Masking of what the operator types (notes, reasons, answers, sign-off statements) before it is
 * journaled: the journal is hash-chained, so a secret written once can never be taken out again.
 * Masked, in this order:
 * 1. the values of the session's targets' credential-like variables (read from the engine, held
 *    in memory only): anywhere in the text when 6+ characters, as a whole word when 4–5;
 * 2. values that look like secrets on their own: private key blocks, cloud and service tokens
 *    (AWS access key ids, GitHub, GitLab, Slack, Google API keys, Stripe), JWTs, and a token after
 *    a variable named like a credential (`DB_PASSWORD hunter2`);
 * 3. everything `redact` masks (`password=…`, `Authorization:` headers, bearer tokens, URL
 *    passwords).
 * The result says what kinds were masked (never the values) so the screen and the journal can
 * tell the reader that something was. Pure.
 */
import { redact } from './redact.js';

export const MASK = '***';

/** A secret value Warden knows of, and how to name it without showing it. */
export interface KnownSecret {
  value: string;
  /** e.g. `DB_PASSWORD of web`. */
  label: string;
}

export interface MaskedText {
  text: string;
  /** What was masked, one label per kind (e.g. `the value of DB_PASSWORD of web`, `a JWT`). */
  masked: string[];
}

/** Shorter known values are not masked: they would garble ordinary words and hide little. */
export const MIN_KNOWN_SECRET = 4;
/** Known values this long or longer are masked anywhere, shorter ones only as a whole word. */
export const SUBSTRING_KNOWN_SECRET = 6;

const NEVER_SECRET = /^(true|false|yes|no|on|off|null|none|enabled|disabled)$/i;

/** Values that are not worth masking as known secrets (too short, booleans, small numbers). */
export function maskableValue(value: string): boolean {
  const v = value.trim();
  if (v.length < MIN_KNOWN_SECRET || NEVER_SECRET.test(v)) return false;
  if (/^\d+$/.test(v) && v.length < SUBSTRING_KNOWN_SECRET) return false;
  return true;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Patterns that are secrets whatever surrounds them, with the label shown when masked. */
const STANDALONE: readonly { label: string; re: RegExp; keep?: (m: string) => string }[] = [
  {
    label: 'a private key block',
    re: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    keep: () => `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`,
  },
  { label: 'an AWS access key id', re: /\b(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16}\b/g },
  {
    label: 'an AWS secret access key',
    re: /(?<=aws[_-]?secret[_-]?access[_-]?key["'\s:=]{1,4})[A-Za-z0-9/+=]{40}\b/gi,
  },
  {
    label: 'a GitHub token',
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g,
  },
  { label: 'a GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { label: 'a Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { label: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { label: 'a Stripe key', re: /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g },
  { label: 'a JWT', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
];

/**
 * `DB_PASSWORD hunter2`, `API_TOKEN: x`: an upper-case variable named like a credential, then a
 * value. The value is masked when it has a digit or a symbol (a plain word such as `was` or
 * `rotated` is prose, not a password).
 */
const NAMED_VALUE =
  /\b([A-Z0-9_]*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]*)(\s+(?:is\s+|was\s+|=\s*|:\s*)?)(["']?)([^\s"']+)\3/g;

function looksLikeValue(token: string): boolean {
  if (token === MASK || token.includes(MASK)) return false;
  return /[0-9]/.test(token) || /[^A-Za-z.,;!?]/.test(token.replace(/[.,;!?]+$/, ''));
}

/** Masks `text` as described above; `known` are the values Warden knows to be secret. */
export function maskOperatorText(text: string, known: readonly KnownSecret[] = []): MaskedText {
  const masked = new Set<string>();
  let out = text;
  const values = [...known]
    .filter((k) => maskableValue(k.value))
    .sort((a, b) => b.value.length - a.value.length);
  for (const k of values) {
    const v = k.value.trim();
    const re =
      v.length >= SUBSTRING_KNOWN_SECRET
        ? new RegExp(escapeRegExp(v), 'g')
        : new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(v)}(?![A-Za-z0-9_-])`, 'g');
    const next = out.replace(re, MASK);
    if (next !== out) masked.add(`the value of ${k.label}`);
    out = next;
  }
  for (const p of STANDALONE) {
    const next = out.replace(p.re, (m) => (p.keep ? p.keep(m) : MASK));
    if (next !== out) masked.add(p.label);
    out = next;
  }
  out = out.replace(NAMED_VALUE, (whole, name: string, gap: string, q: string, value: string) => {
    if (!looksLikeValue(value)) return whole;
    masked.add(`a value given for ${name}`);
    return `${name}${gap}${q}${MASK}${q}`;
  });
  const redacted = redact(out);
  if (redacted !== out) masked.add('a credential (name=value, header, token or URL password)');
  return { text: redacted, masked: [...masked] };
}

/**
 * The known secret values of the session's targets, held in memory for the life of the process
 * (never written anywhere). Refreshed from the engine before operator text is masked; when the
 * engine is slow or a container is gone, what was learned earlier is still used.
 */
export class SecretMemory {
  private byContainer = new Map<string, KnownSecret[]>();

  constructor(
    private readonly source:
      ((containers: readonly string[]) => Promise<Map<string, KnownSecret[]>>) | undefined,
    private readonly waitMs = 1500,
  ) {}

  /** Learns the current values of `containers`' credential-like variables (bounded wait). */
  async refresh(containers: readonly string[]): Promise<void> {
    const wanted = [...new Set(containers.filter(Boolean))];
    if (!this.source || wanted.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.waitMs);
      timer.unref?.();
    });
    try {
      const found = await Promise.race([this.source(wanted).catch(() => undefined), late]);
      for (const [k, v] of found ?? []) this.byContainer.set(k, v);
    } finally {
      clearTimeout(timer);
    }
  }

  values(): KnownSecret[] {
    return [...this.byContainer.values()].flat();
  }
}

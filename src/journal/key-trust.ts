/**
 * Whose key made a sign-off. A valid signature proves only that the holder of the key in the entry
 * signed; anyone who can write the journal can rebuild it and sign with a key of their own. So every
 * view that says "signed" also says whether the key is this machine's, a trusted one (passed with
 * --trusted-key or kept in $WARDEN_HOME/keys/trusted/), or unknown. Pure.
 */

export type KeyTrust = 'local' | 'trusted' | 'unknown';

/** Fingerprints (`sha256:<hex>`) of the keys known here. */
export interface KnownKeys {
  /** This WARDEN_HOME's own signing key, when one was made. */
  local?: string;
  /** Configured (keys/trusted/) and given (--trusted-key) keys. */
  trusted: ReadonlySet<string>;
  /** The --trusted-key ones alone: `verify --trusted-key` accepts only these. */
  given: ReadonlySet<string>;
}

export const NO_KNOWN_KEYS: KnownKeys = { trusted: new Set(), given: new Set() };

export function keyTrust(fingerprint: string, known: KnownKeys): KeyTrust {
  if (known.trusted.has(fingerprint)) return 'trusted';
  if (known.local !== undefined && fingerprint === known.local) return 'local';
  return 'unknown';
}

/** `signed by alice`, `signed by alice (trusted key)`, `signed by an unknown key (signer: alice)`. */
export function signedText(signer: string, trust: KeyTrust): string {
  if (trust === 'unknown') return `signed by an unknown key (signer: ${signer})`;
  return `signed by ${signer}${trust === 'trusted' ? ' (trusted key)' : ''}`;
}

/** What the key tells a reader, in a sentence. */
export const TRUST_TEXT: Record<KeyTrust, string> = {
  local: "this machine's key",
  trusted: 'a trusted key',
  unknown:
    "an unknown key: the signature proves only that whoever holds it signed; compare the fingerprint with the signer's published key, or verify with --trusted-key",
};

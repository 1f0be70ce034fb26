/**
 * Whose key made the session's last sign-off: this machine's, a trusted one, or unknown (a journal
 * rebuilt and re-signed elsewhere). Undefined until the keys are read, and while unsigned.
 */
import { useEffect, useState } from 'react';
import type { SessionState } from '../../engine/state.js';
import { keyTrust, type KeyTrust } from '../../journal/key-trust.js';
import { useDeps } from './useDeps.js';

export function useSignoffTrust(state: SessionState): KeyTrust | undefined {
  const { ports } = useDeps();
  const fp = state.status === 'signed' ? state.signoffs.at(-1)?.keyFingerprint : undefined;
  const [known, setKnown] = useState<{ fp: string; trust: KeyTrust }>();
  useEffect(() => {
    if (fp === undefined) return;
    let live = true;
    ports.knownKeys().then(
      (keys) => live && setKnown({ fp, trust: keyTrust(fp, keys) }),
      // Keys that cannot be read vouch for nothing.
      () => live && setKnown({ fp, trust: 'unknown' }),
    );
    return () => {
      live = false;
    };
  }, [fp, ports]);
  return known?.fp === fp ? known?.trust : undefined;
}

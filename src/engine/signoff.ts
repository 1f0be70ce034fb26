/**
 * Sign-off: an Ed25519 signature over the journal's head, once every step is resolved. The head,
 * the signature and the append happen in one turn of the recorder: no entry can slip in between.
 */
import { UserError } from '../errors.js';
import type { JournalEntry } from '../journal/types.js';
import { keyFingerprint, signoffBytes } from '../journal/signature.js';
import type { MaskFn } from './attest.js';
import { openSteps } from './gates.js';
import type { Clock, SignerPort } from './ports.js';
import type { Recording } from './recorder.js';

export async function signOff(
  rec: Recording,
  mask: MaskFn,
  deps: { signer: SignerPort; clock: Clock },
  signer: string,
  statement: string,
): Promise<JournalEntry> {
  if (rec.state.status === 'in-progress') {
    const open = openSteps(rec.state);
    throw new UserError(
      `cannot sign off: ${open.length} step(s) unresolved (${open.slice(0, 3).join(', ')}${open.length > 3 ? ', ...' : ''})`,
    );
  }
  const name = signer.trim();
  if (!name) throw new UserError("sign-off needs the signer's name");
  const masked = await mask(statement.trim());
  const text = masked.text;
  return rec.write(async () => {
    const head = rec.state.head;
    const signedAt = deps.clock.now().toISOString();
    const bytes = signoffBytes({
      type: 'warden-signoff',
      session: rec.sessionId,
      head,
      signer: name,
      statement: text,
      signedAt,
    });
    const { signature, publicKey } = await deps.signer.sign(bytes);
    return {
      type: 'session.signed',
      data: {
        signer: name,
        statement: text,
        signedAt,
        head,
        algorithm: 'Ed25519',
        publicKey,
        keyFingerprint: keyFingerprint(publicKey),
        signature,
        ...(masked.masked.length ? { masked: masked.masked } : {}),
      },
    };
  });
}

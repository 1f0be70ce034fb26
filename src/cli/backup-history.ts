/**
 * What this WARDEN_HOME's sessions recorded about backups and restore tests, for the audit's
 * backups scope: each journal read (not locked), its hash chain verified, its entries folded as
 * resume and report fold them. A journal that does not verify is named, and its backups are not
 * counted.
 */
import { reduce } from '../engine/reducer.js';
import type { SessionStorePort } from '../engine/ports.js';
import { verifyChain } from '../journal/chain.js';
import type { BackupHistory } from '../checks/rules-backups.js';

export async function readBackupHistory(store: SessionStorePort): Promise<BackupHistory> {
  const history: BackupHistory = { backups: [], restoreTests: [], unverified: [] };
  for (const { sessionId } of await store.list()) {
    let read;
    try {
      read = await store.read(sessionId);
    } catch {
      history.unverified.push(sessionId);
      continue;
    }
    if (!verifyChain(read.lines).ok) {
      history.unverified.push(sessionId);
      continue;
    }
    const state = reduce(read.lines.flatMap((l) => ('entry' in l ? [l.entry] : [])));
    for (const b of state.backups ?? [])
      history.backups.push({
        session: sessionId,
        container: b.container,
        dir: b.dir,
        createdAt: b.createdAt,
        encrypted: b.encrypted,
        manifestSha256: b.manifestSha256,
      });
    for (const t of state.restoreTests ?? [])
      history.restoreTests.push({
        session: sessionId,
        manifestSha256: t.manifestSha256,
        passed: t.passed,
        at: t.at,
        summary: t.summary,
      });
  }
  return history;
}

import { describe, expect, it } from 'vitest';
import { chooseSession } from '../../src/cli/verb-session.js';
import type { SessionRow } from '../../src/cli/commands/sessions.js';

const web = { id: 'a'.repeat(64), name: 'web' };

function row(over: Partial<SessionRow>): SessionRow {
  return {
    id: 'x',
    kind: 'incident',
    status: 'in-progress',
    targets: [],
    targetIds: [],
    locked: false,
    ...over,
  } as SessionRow;
}

describe('chooseSession (the session a CLI verb records into)', () => {
  it('the one open incident session targeting the container, by name or by a recorded id', () => {
    expect(chooseSession([row({ id: 's1', targets: ['web'] })], web)).toMatchObject({
      kind: 'existing',
      row: { id: 's1' },
    });
    const byId = row({ id: 's2', targets: ['old-name'], targetIds: ['a'.repeat(12)] });
    expect(chooseSession([byId], web)).toMatchObject({ kind: 'existing', row: { id: 's2' } });
  });

  it('ignores signed, damaged and checklist sessions, and other containers', () => {
    const rows = [
      row({ id: 'signed', targets: ['web'], status: 'signed' }),
      row({ id: 'damaged', targets: ['web'], status: 'damaged' }),
      row({ id: 'checklist', targets: ['web'], kind: 'checklist' }),
      row({ id: 'db', targets: ['db'] }),
    ];
    expect(chooseSession(rows, web)).toEqual({ kind: 'new' });
  });

  it('a new session when the match is open elsewhere, or when several match', () => {
    const busy = row({ id: 'busy', targets: ['web'], locked: true });
    expect(chooseSession([busy], web)).toEqual({ kind: 'new', busy });
    const two = [row({ id: 'a', targets: ['web'] }), row({ id: 'b', targets: ['web'] })];
    expect(chooseSession(two, web)).toEqual({ kind: 'new', several: two });
  });
});

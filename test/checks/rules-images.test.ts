/** Image rules over fixture facts: the checks whose bad case the engine cannot easily build. */
import { describe, expect, it } from 'vitest';
import { IMAGE_CHECKS, type ImageFacts } from '../../src/checks/rules-images.js';

const base: ImageFacts = { id: 'sha256:abc', tags: ['app:1'], env: [], history: [], usedBy: [] };
const ctx = { now: new Date('2026-12-02T00:00:00Z'), maxAgeDays: 365 };
const run = (id: string, f: Partial<ImageFacts>) =>
  IMAGE_CHECKS.find((c) => c.id === id)?.evaluate({ ...base, ...f }, ctx);

describe('image rules on fixture facts', () => {
  it.each([
    ['image-old', { created: '2024-01-01T00:00:00Z' }, { created: '2026-06-01T00:00:00Z' }],
    ['image-dangling', { tags: [] }, { tags: ['app:1'] }],
    [
      'image-add-remote',
      { history: [{ createdBy: '/bin/sh -c #(nop) ADD http://127.0.0.1:8080/f /f', layer: true }] },
      { history: [{ createdBy: '/bin/sh -c #(nop) ADD file:0123 in /f', layer: true }] },
    ],
    [
      'image-secret-history',
      { history: [{ createdBy: '/bin/sh -c curl --password Pq9xZ2mK7v https://x', layer: true }] },
      { history: [{ createdBy: '|1 MODE=fast /bin/sh -c make', layer: true }] },
    ],
  ] satisfies [string, Partial<ImageFacts>, Partial<ImageFacts>][])(
    '%s: both verdicts',
    (id, bad, good) => {
      expect(run(id, bad)?.verdict).toBe('fail');
      expect(run(id, good)?.verdict).toBe('pass');
    },
  );

  it('setuid: expected distribution files pass and are listed; others fail', () => {
    const scan = (path: string) => ({
      layers: {
        layers: 1,
        files: 1,
        credentialFiles: [],
        setid: [{ path, layer: 1, mode: '4755', setuid: true, setgid: false }],
      },
    });
    expect(run('image-setuid', scan('/bin/su'))).toMatchObject({
      verdict: 'pass',
      evidence: 'expected only: /bin/su (4755)',
    });
    expect(run('image-setuid', scan('/opt/x'))?.verdict).toBe('fail');
  });

  it('never puts a secret value in evidence', () => {
    const e = run('image-secret-history', {
      history: [{ createdBy: '|1 TOKEN=Pq9xZ2mK7vWn /bin/sh -c echo', layer: true }],
    });
    expect(e?.evidence).toBe('step 1: ARG TOKEN=***');
  });
});

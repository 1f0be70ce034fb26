import { describe, expect, it } from 'vitest';
import { formatIssue, parseRunbook } from '../../src/runbook/parse.js';

const good = `id: demo
title: Demo
kind: checklist
description: A demo runbook.
inputs:
  - id: target
    title: Target container
    type: container
    required: true
phases:
  - id: one
    title: One
    steps:
      - id: a
        title: First
        guidance: Do the first thing.
      - id: b
        title: Second
        type: command
        command: ["echo", "{{target}}"]
        timeout: 5
        requires: [a]
        guidance: |
          Run it. Go templates like {{.Config.User}} stay literal.
`;

describe('parseRunbook', () => {
  it('accepts a valid runbook and fills defaults', () => {
    const r = parseRunbook(good, 'demo.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [a, b] = r.runbook.phases[0]!.steps;
    expect(a).toMatchObject({
      id: 'a',
      type: 'manual',
      confirm: 'none',
      requires: [],
      refs: [],
      params: {},
    });
    expect(b).toMatchObject({
      type: 'command',
      command: ['echo', '{{target}}'],
      timeout: 5,
      requires: ['a'],
    });
    expect(r.runbook.inputs[0]).toMatchObject({ id: 'target', required: true, type: 'container' });
  });

  it('reports every error with file:line:col naming the field, unknown keys included', () => {
    const bad = `id: Bad_Id
title: Demo
kind: playbook
description: x
phases:
  - id: one
    title: One
    steps:
      - id: a
        title: First
        guidance: g
        colour: red
      - id: a
        title: Again
        guidance: g
        type: check
        checks: [no-such-check]
`;
    const r = parseRunbook(bad, 'bad.yaml', { checks: new Set(['root-user']), actions: new Set() });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.issues.map(formatIssue);
    expect(lines).toContain(
      'bad.yaml:1:5: id: must be lowercase letters, digits and dashes (e.g. "contain-target")',
    );
    expect(
      lines.some((l) => l.startsWith('bad.yaml:3:7: kind: must be one of "incident", "checklist"')),
    ).toBe(true);
    expect(lines).toContain('bad.yaml:12:9: phases[0].steps[0].colour: unknown key "colour"');
  });

  it('reports semantic errors after the schema passes: duplicates, unknown ids, bad requires, templates', () => {
    const text = `id: demo
title: Demo
kind: incident
description: x
phases:
  - id: one
    title: One
    steps:
      - id: a
        title: First
        guidance: g
        requires: [zzz]
      - id: a
        title: Again
        guidance: g
        type: check
        checks: [no-such-check]
      - id: c
        title: Act
        guidance: g
        type: action
        action: teleport
        params: { container: "{{nobody}}" }
      - id: d
        title: Manual with a command
        guidance: g
        command: [ls]
`;
    const r = parseRunbook(text, 'x.yaml', {
      checks: new Set(['root-user']),
      actions: new Set(['snapshot']),
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = r.issues.map(formatIssue);
    expect(msgs).toEqual(
      expect.arrayContaining([
        'x.yaml:12:20: phases[0].steps[0].requires[0]: no step with id "zzz"',
        'x.yaml:13:13: phases[0].steps[1].id: duplicate step id "a"',
        'x.yaml:17:18: phases[0].steps[1].checks[0]: unknown check id "no-such-check"',
        'x.yaml:22:17: phases[0].steps[2].action: unknown action id "teleport"',
        'x.yaml:23:30: phases[0].steps[2].params.container: "{{nobody}}" is not a declared input',
        'x.yaml:27:9: phases[0].steps[3].command: only allowed on command steps (this step is "manual")',
      ]),
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const r = parseRunbook('id: x\ntitle: [unclosed\n', 'y.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]!.file).toBe('y.yaml');
    expect(r.issues[0]!.line).toBeGreaterThanOrEqual(2);
    expect(r.issues[0]!.message).toMatch(/^YAML: /);
  });

  it('reports an undefined alias and an alias bomb as YAML issues with a position, not a throw', () => {
    const r = parseRunbook('title: Demo\nid: *nope\n', 'a.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssue(r.issues[0]!)).toMatch(/^a\.yaml:2:5: YAML: Unresolved alias .*nope$/);

    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;
    const r2 = parseRunbook(bomb, 'b.yaml');
    expect(r2.ok).toBe(false);
    if (r2.ok) return;
    expect(formatIssue(r2.issues[0]!)).toMatch(/^b\.yaml:\d+:\d+: YAML: Excessive alias count/);
  });

  it('detects circular requires', () => {
    const text = `id: demo
title: Demo
kind: checklist
description: x
phases:
  - id: one
    title: One
    steps:
      - { id: a, title: A, guidance: g, requires: [b] }
      - { id: b, title: B, guidance: g, requires: [a] }
`;
    const r = parseRunbook(text, 'c.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.message).join('\n')).toMatch(/circular dependency a → b → a/);
  });

  it('rejects a document that is not a mapping', () => {
    const r = parseRunbook('- just\n- a list\n', 'l.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatIssue(r.issues[0]!)).toBe(
        'l.yaml:1:1: a runbook must be a YAML mapping (id, title, kind, phases, ...)',
      );
  });
  it('answer: true is only for manual steps', () => {
    const text = `id: demo
title: Demo
kind: checklist
description: x
phases:
  - id: one
    title: One
    steps:
      - { id: a, title: A, guidance: g, answer: true }
      - { id: b, title: B, guidance: g, type: command, command: [ls], answer: true }
`;
    const r = parseRunbook(text, 'q.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues.map(formatIssue)).toEqual([
        expect.stringMatching(/^q\.yaml:10:.*steps\[1\]\.answer: only allowed on manual steps/),
      ]);
  });
});

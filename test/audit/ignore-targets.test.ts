/**
 * An ignore entry's `file:service` target is written once, in the repository, while CI spells
 * the compose path its own way (`compose.yaml`, `./compose.yaml`, an absolute path): the entry
 * must suppress the same findings however the file was named on the command line.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { applyIgnores, targetKeys } from '../../src/audit/ignore.js';
import { parseIgnoreFile } from '../../src/audit/ignore-file.js';
import type { Finding } from '../../src/audit/types.js';

const finding = (file: string): Finding => ({
  check: 'public-port',
  severity: 'high',
  title: '',
  target: { kind: 'compose', name: 'grafana', file, service: 'grafana' },
  evidence: '',
  remediation: { compose: '', run: '', live: false },
  refs: {},
});
const now = new Date('2026-06-15T12:00:00Z');
const entry = (target: string) => [{ check: 'public-port', target, reason: 'behind the VPN' }];
const suppressed = (file: string, target: string) =>
  applyIgnores([finding(file)], entry(target), now).suppressed.length === 1;

describe('ignore targets with a compose file', () => {
  const spellings = [
    'stacks/monitoring/compose.yaml',
    './stacks/monitoring/compose.yaml',
    'stacks//monitoring/./compose.yaml',
    resolve('stacks/monitoring/compose.yaml'),
  ];

  it('match however the file was spelled on the command line', () => {
    for (const file of spellings) {
      expect(suppressed(file, 'compose.yaml:grafana'), file).toBe(true);
      expect(suppressed(file, 'monitoring/compose.yaml:grafana'), file).toBe(true);
      expect(suppressed(file, 'stacks/monitoring/compose.yaml:grafana'), file).toBe(true);
      expect(suppressed(file, './stacks/monitoring/compose.yaml:grafana'), file).toBe(true);
    }
  });

  it('match whole path segments only, and the right service', () => {
    expect(suppressed('stacks/monitoring/compose.yaml', 'toring/compose.yaml:grafana')).toBe(false);
    expect(suppressed('stacks/monitoring/compose.yaml', 'logs/compose.yaml:grafana')).toBe(false);
    expect(suppressed('stacks/monitoring/compose.yaml', 'compose.yaml:loki')).toBe(false);
    expect(targetKeys(finding('./a/compose.yaml').target)).toContain('a/compose.yaml:grafana');
  });
});

describe('ignore file shape', () => {
  it('a mapping without `ignore:` is an error, not an empty list', () => {
    expect(() => parseIgnoreFile('ignores:\n  - check: x\n', 'f.yaml')).toThrow(
      'f.yaml: an ignore file is a list of entries (or `ignore:` with one)',
    );
    expect(parseIgnoreFile('', 'f.yaml')).toEqual([]);
    expect(parseIgnoreFile('# nothing ignored yet\n', 'f.yaml')).toEqual([]);
    expect(parseIgnoreFile('ignore:\n', 'f.yaml')).toEqual([]);
  });
});

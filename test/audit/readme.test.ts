/**
 * The README's audit section is a promise: every check id (container, image, daemon, host) is in
 * its checks table, and every
 * vendor default of the credential table (src/checks/credentials.ts) is listed with its source.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ALL_CHECKS } from '../../src/checks/all-checks.js';
import { VENDOR_DEFAULTS } from '../../src/checks/credentials.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(
  readme.indexOf('## Hardening audit'),
  readme.indexOf('## Incident response'),
);

describe('README, Hardening audit', () => {
  it('lists every check id in the checks table', () => {
    const table = section.slice(section.indexOf('### Checks'), section.indexOf('### Secrets'));
    for (const { id } of ALL_CHECKS) expect(table, id).toContain(`| \`${id}\` |`);
  });

  it('lists every vendor default with its product, a variable and its source', () => {
    const table = section.slice(
      section.indexOf('### Default credentials'),
      section.indexOf('### JSON format'),
    );
    const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| product'));
    for (const d of VENDOR_DEFAULTS) {
      const row = rows.find((r) => r.includes(`| \`${d.value}\` |`) && r.includes(`(${d.source})`));
      expect(row, `${d.product} ${d.value}`).toBeDefined();
      expect(row).toContain(`| ${d.product} |`);
      for (const v of d.variables) expect(row, v).toContain(`\`${v}\``);
    }
  });
});

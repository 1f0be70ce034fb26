/** RunbookFiles over node:fs. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunbookFiles } from '../runbook/load.js';

export const runbookFiles: RunbookFiles = {
  async listYaml(dir) {
    try {
      return (await readdir(dir)).filter((f) => /\.ya?ml$/i.test(f)).map((f) => join(dir, f));
    } catch {
      return [];
    }
  },
  readFile: (path) => readFile(path, 'utf8'),
};

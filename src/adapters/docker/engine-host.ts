/**
 * The engine's machine, for the host scope: its account databases (who is in the socket's group)
 * and its audit rules. `auditctl -l` tells what the kernel enforces now; without it (not
 * installed, not allowed) the rules files say what is loaded at boot. `root` is `/` except in
 * tests, which lay out a machine's /etc of their own.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { AuditRuleSource, HostAccounts } from '../../engine/docker-read-port.js';

const text = (path: string) => readFile(path, 'utf8').catch(() => undefined);

export function createHostAccountsReader(root = '/') {
  return async function hostAccounts(): Promise<HostAccounts> {
    const [group, passwd] = await Promise.all([
      text(join(root, 'etc/group')),
      text(join(root, 'etc/passwd')),
    ]);
    return {
      ...(group !== undefined ? { group } : {}),
      ...(passwd !== undefined ? { passwd } : {}),
    };
  };
}

export interface AuditRulesOptions {
  root?: string;
  /** The auditctl program; a name that is not on PATH means "not installed". */
  auditctl?: string;
  timeoutMs?: number;
}

export function createAuditRulesReader(opts: AuditRulesOptions = {}) {
  const root = opts.root ?? '/';
  return async function auditRules(): Promise<AuditRuleSource> {
    const r = await execa(opts.auditctl ?? 'auditctl', ['-l'], {
      reject: false,
      timeout: opts.timeoutMs ?? 5000,
      stdin: 'ignore',
    });
    if (r.exitCode === 0 && typeof r.stdout === 'string')
      return { source: 'auditctl', text: r.stdout === 'No rules' ? '' : r.stdout };
    // Not installed, not root, or no audit support in this kernel: read what boot would load.
    const dir = join(root, 'etc/audit/rules.d');
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((n) => n.endsWith('.rules'))
      .sort();
    const files = [...names.map((n) => join(dir, n)), join(root, 'etc/audit/audit.rules')];
    const read = await Promise.all(files.map(async (f) => ({ f, t: await text(f) })));
    const found = read.filter((x): x is { f: string; t: string } => x.t !== undefined);
    if (found.length > 0)
      return {
        source: 'files',
        files: found.map((x) => x.f),
        text: found.map((x) => x.t).join('\n'),
      };
    const why =
      'code' in r && r.code === 'ENOENT'
        ? 'auditctl is not installed'
        : `auditctl -l failed (${String(r.stderr || r.shortMessage || 'no output').split('\n')[0]})`;
    return { source: 'none', reason: `${why} and no rules are in /etc/audit` };
  };
}

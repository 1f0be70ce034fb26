/** SARIF 2.1.0: one rule per check, one result per finding (suppressed ones marked). Pure. */
import { posix } from 'node:path';
import { ALL_CHECKS } from '../checks/all-checks.js';
import { fixParts, fixText } from '../checks/remediation.js';
import type { Severity } from '../runbook/types.js';
import type { AuditReport, Finding, SuppressedFinding } from './types.js';
import { jsonText } from '../engine/terminal-text.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0-10) from rule properties. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

function rules() {
  const all = ALL_CHECKS;
  return all.map((c) => ({
    id: c.id,
    name: c.id.replace(/(^|-)([a-z])/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: `${c.title}${c.cis ? ` (CIS Docker Benchmark v1.6 ${c.cis})` : ''}` },
    help: {
      text: fixText(c.remediation),
      markdown: fixParts(c.remediation)
        .map(
          (p) =>
            `**${p.label}**\n\n\`\`\`${p.label === 'compose' ? 'yaml' : ''}\n${p.text}\n\`\`\`${p.then ? `\n\n${p.then}` : ''}`,
        )
        .join('\n\n'),
    },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      tags: ['security', 'docker'],
      'security-severity': SECURITY_SEVERITY[c.severity],
      ...(c.cis ? { cis: c.cis } : {}),
    },
  }));
}

export interface SarifOptions {
  /**
   * The repository root: compose locations are given relative to it, with `uriBaseId`
   * `%SRCROOT%`, so code scanning maps them onto repository files.
   */
  sourceRoot?: string;
  /** The directory relative compose paths were given from (default: the source root). */
  cwd?: string;
}

export const SRCROOT = '%SRCROOT%';

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** A compose file as a SARIF artifact location: relative to the root, or an absolute file URI. */
export function artifactLocation(
  file: string,
  opts: SarifOptions = {},
): { uri: string; uriBaseId?: string } {
  const path = file.replace(/\\/g, '/');
  if (!opts.sourceRoot) {
    return path.startsWith('/')
      ? { uri: `file://${encodePath(posix.normalize(path))}` }
      : { uri: encodePath(posix.normalize(path)), uriBaseId: SRCROOT };
  }
  const abs = posix.resolve(opts.cwd ?? opts.sourceRoot, path);
  const rel = posix.relative(opts.sourceRoot, abs);
  if (rel === '' || rel.startsWith('../') || rel === '..' || posix.isAbsolute(rel))
    return { uri: `file://${encodePath(abs)}` };
  return { uri: encodePath(rel), uriBaseId: SRCROOT };
}

function result(f: Finding | SuppressedFinding, ruleIndex: number, opts: SarifOptions) {
  const t = f.target;
  const file = f.location?.file ?? t.file;
  const location =
    t.kind === 'compose' || file
      ? {
          physicalLocation: {
            artifactLocation: artifactLocation(file ?? 'compose.yaml', opts),
            region: { startLine: f.location?.line ?? t.line ?? 1 },
          },
          logicalLocations: [{ name: t.service ?? t.name, kind: 'module' }],
        }
      : {
          logicalLocations: [
            { name: t.name, fullyQualifiedName: `${t.kind}/${t.name}`, kind: 'object' },
          ],
        };
  return {
    ruleId: f.check,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title}: ${f.evidence || t.name} (${t.kind} ${t.name})` },
    locations: [location],
    properties: { severity: f.severity, target: t },
    ...('suppressedBy' in f
      ? { suppressions: [{ kind: 'external', justification: f.suppressedBy.reason }] }
      : {}),
  };
}

export function formatSarif(report: AuditReport, opts: SarifOptions = {}): string {
  const ruleList = rules();
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            rules: ruleList,
          },
        },
        ...(opts.sourceRoot
          ? {
              originalUriBaseIds: {
                [SRCROOT]: { uri: `file://${encodePath(posix.resolve(opts.sourceRoot))}/` },
              },
            }
          : {}),
        invocations: [{ executionSuccessful: true, endTimeUtc: report.scannedAt }],
        results: [...report.findings, ...report.suppressed].map((f) =>
          result(f, index.get(f.check) ?? 0, opts),
        ),
      },
    ],
  };
  return jsonText(sarif) + '\n';
}

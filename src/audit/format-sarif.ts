/** SARIF 2.1.0: one rule per check, one result per finding (suppressed ones marked). Pure. */
import { CHECKS, DRIFT_CHECK } from '../checks/catalog.js';
import type { Severity } from '../runbook/types.js';
import type { AuditReport, Finding, SuppressedFinding } from './types.js';

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
  const all = [
    ...CHECKS.map((c) => ({
      id: c.id,
      title: c.title,
      severity: c.severity,
      cis: c.cis,
      remediation: c.remediation,
    })),
    { ...DRIFT_CHECK, cis: undefined as string | undefined },
  ];
  return all.map((c) => ({
    id: c.id,
    name: c.id.replace(/(^|-)([a-z])/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.title },
    fullDescription: { text: `${c.title}${c.cis ? ` (CIS Docker Benchmark v1.6 ${c.cis})` : ''}` },
    help: {
      text: `compose:\n${c.remediation.compose}\ndocker run: ${c.remediation.run}`,
      markdown: `**compose**\n\n\`\`\`yaml\n${c.remediation.compose}\n\`\`\`\n\n**docker run**: ${c.remediation.run}`,
    },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      tags: ['security', 'docker'],
      'security-severity': SECURITY_SEVERITY[c.severity],
      ...(c.cis ? { cis: c.cis } : {}),
    },
  }));
}

function result(f: Finding | SuppressedFinding, ruleIndex: number) {
  const t = f.target;
  const location =
    t.kind === 'compose' || t.file
      ? {
          physicalLocation: {
            artifactLocation: {
              uri: (t.file ?? 'compose.yaml').replace(/\\/g, '/').replace(/^\.\//, ''),
            },
            region: { startLine: t.line ?? 1 },
          },
          logicalLocations: [{ name: t.service ?? t.name, kind: 'module' }],
        }
      : {
          logicalLocations: [
            { name: t.name, fullyQualifiedName: `container/${t.name}`, kind: 'object' },
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

export function formatSarif(report: AuditReport): string {
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
        invocations: [{ executionSuccessful: true, endTimeUtc: report.scannedAt }],
        results: [...report.findings, ...report.suppressed].map((f) =>
          result(f, index.get(f.check) ?? 0),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

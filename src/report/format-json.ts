/** The report as JSON (`warden report --format json`): the model as is. Pure. */
import type { Report } from './types.js';

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

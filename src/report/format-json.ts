/** The report as JSON (`warden report --format json`): the model as is. Pure. */
import type { Report } from './types.js';
import { jsonText } from '../engine/terminal-text.js';

export function renderJson(report: Report): string {
  return jsonText(report) + '\n';
}

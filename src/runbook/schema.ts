/** The runbook schema (zod). Unknown keys are errors everywhere. */
import { z } from 'zod';
import { CONFIRM_MODES, INPUT_TYPES, RUNBOOK_KINDS, SEVERITIES, STEP_TYPES } from './types.js';

const slug = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'must be lowercase letters, digits and dashes (e.g. "contain-target")',
  );
const inputId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, "_" and "-"');
const text = z.string().trim().min(1, 'must not be empty');

export const inputSchema = z.strictObject({
  id: inputId,
  title: text,
  type: z.enum(INPUT_TYPES).default('string'),
  description: z.string().optional(),
  required: z.boolean().default(false),
  default: z.string().optional(),
});

export const stepSchema = z.strictObject({
  id: slug,
  title: text,
  type: z.enum(STEP_TYPES).default('manual'),
  guidance: text,
  severity: z.enum(SEVERITIES).optional(),
  refs: z.array(z.string()).default([]),
  requires: z.array(slug).default([]),
  confirm: z.enum(CONFIRM_MODES).default('none'),
  checks: z.array(slug).min(1, 'must name at least one check').optional(),
  action: slug.optional(),
  params: z.record(z.string(), z.string()).default({}),
  command: z.array(z.string()).min(1, 'must have the program as its first element').optional(),
  timeout: z.number().int().positive().max(86_400).optional(),
  answer: z.boolean().optional(),
});

export const phaseSchema = z.strictObject({
  id: slug,
  title: text,
  steps: z.array(stepSchema).min(1, 'a phase needs at least one step'),
});

export const runbookSchema = z.strictObject({
  id: slug,
  title: text,
  kind: z.enum(RUNBOOK_KINDS),
  description: text,
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  inputs: z.array(inputSchema).default([]),
  phases: z.array(phaseSchema).min(1, 'a runbook needs at least one phase'),
});

export type RunbookSchemaOutput = z.output<typeof runbookSchema>;

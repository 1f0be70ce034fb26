/**
 * Service-aware checks: the hardening items of the products SIEM, case-management, threat-intel
 * and monitoring stacks run, recognized by image (products.ts). Data stores in
 * rules-datastores.ts, consoles and monitoring in rules-consoles.ts.
 */
import type { CheckDefinition } from './types.js';
import { dataStoreChecks } from './rules-datastores.js';
import { consoleChecks } from './rules-consoles.js';

export const serviceChecks: CheckDefinition[] = [...dataStoreChecks, ...consoleChecks];

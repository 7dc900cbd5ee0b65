/**
 * The custom ajv formats of runbook schemas, in one place: used when a schema is compiled at run
 * time and imported by the validators compiled at build time (`tools/build-validators.ts`).
 */
import { tryParseDuration } from './duration.js';
import { hasTemplate } from './template.js';

export const formats = {
  // A template may stand for a duration; it is checked again when rendered at run time.
  duration: { type: 'string', validate: (s: string) => hasTemplate(s) || 'ms' in tryParseDuration(s) },
  'duration-literal': { type: 'string', validate: (s: string) => 'ms' in tryParseDuration(s) },
} as const;

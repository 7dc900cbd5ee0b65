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
  // A timeout: a 0ms one would fail every call at once.
  'duration-positive': {
    type: 'string',
    validate: (s: string) => {
      if (hasTemplate(s)) return true;
      const r = tryParseDuration(s);
      return 'ms' in r && r.ms > 0;
    },
  },
} as const;

import { z } from 'zod';
import { CodeGoatError } from '../errors.ts';
import { configSchema, type Config } from './schema.ts';

/** Validates a config object; the error names every failing path (`mcpServers.github.url: expected a URL`). */
export function parseConfig(input: unknown): Config {
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new CodeGoatError('CONFIG_INVALID', `Invalid config:\n${formatIssues(parsed.error)}`);
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      // Messages are zod's own, about shapes: they never quote the offending value, so no secret leaks.
      return `- ${path}: ${issue.message}`;
    })
    .join('\n');
}

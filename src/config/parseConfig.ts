import { invalidConfigError } from './ConfigIssue.ts';
import type { Config } from './schema.ts';
import { recordSubstitutions, substitutedValues } from './substituteEnv.ts';
import { validateConfig } from './validateConfig.ts';

/**
 * Validates a config object (either shape, see `serverEntries`) into a `Config` with defaults filled
 * in. Throws `CodeGoatError('CONFIG_INVALID')` listing every issue, one per line, each naming its path
 * (`mcpServers.github.url: expected a URL`). No `${VAR}` substitution here: that is a property of
 * config files (`parseConfigText`), a program passing an object has its environment at hand.
 */
export function parseConfig(input: unknown, options: { source?: string } = {}): Config {
  const validation = validateConfig(input);
  if (!validation.ok) throw invalidConfigError(validation.issues, options.source ?? 'config object');
  // A config parsed from a file keeps what was substituted into it: those values stay secrets.
  recordSubstitutions(validation.config, substitutedValues(input));
  return validation.config;
}

import { CodeGoatError } from '../errors.ts';
import { createSecretRedactor } from '../observability/redactSecrets.ts';
import { invalidConfigError, isWithin, type ConfigIssue } from './ConfigIssue.ts';
import { JsonSyntaxError, parseJsonText } from './parseJsonText.ts';
import type { Config } from './schema.ts';
import { recordSubstitutions, substituteEnv } from './substituteEnv.ts';
import { validateConfig } from './validateConfig.ts';

export interface ParseConfigTextOptions {
  /** Where the text came from, for messages: a file path. Default `"config"`. */
  source?: string;
  /** Variables for `${VAR}`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The text of a config file → a `Config`: JSON (comments and trailing commas allowed), then `${VAR}`
 * substitution, then validation. Every problem of the file is reported at once.
 */
export function parseConfigText(text: string, options: ParseConfigTextOptions = {}): Config {
  const source = options.source ?? 'config';
  const substituted = substituteEnv(readJson(text, source), options.env ?? process.env);
  const validation = validateConfig(substituted.value);
  if (substituted.issues.length === 0 && validation.ok) {
    recordSubstitutions(validation.config, substituted.secrets);
    return validation.config;
  }

  // A value whose variable is missing was replaced by "", so validation may complain about it too
  // ("expected a URL"): the missing variable is the real problem, say only that.
  // A message may quote a value it found wrong (a token's repeated name); one substituted from `${VAR}` is a secret.
  const redactor = createSecretRedactor(substituted.secrets);
  const validationIssues = (validation.ok ? [] : validation.issues.filter((issue) => !substituted.issues.some((missing) => isWithin(issue.path, missing.path)))).map(
    (issue) => ({ ...issue, message: redactor.text(issue.message) }),
  );
  const issues: ConfigIssue[] = [...substituted.issues, ...validationIssues];
  throw invalidConfigError(issues, source);
}

function readJson(text: string, source: string): unknown {
  try {
    return parseJsonText(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    // `file:line:column:` is what editors and terminals turn into a link to the spot.
    throw new CodeGoatError('CONFIG_INVALID', `${source}:${error.line}:${error.column}: invalid JSON: ${error.reason}`);
  }
}

import { createSecretRedactor } from '../../observability/redactSecrets.ts';

/**
 * Secrets must never reach a log line, an error message, a result or a description: a server may
 * print its token on stderr, an HTTP error may echo a header, a tool may return it. The gateway's
 * redactor (`observability/redactSecrets.ts`) is built from every secret of the config and handed
 * to each connection; this is the text side of it, as the session and its output use it.
 */
export type Redactor = (text: string) => string;

/**
 * A redactor of these `env`/`headers` records alone (and of a header's credential without its
 * scheme), for a connection built without the gateway's.
 */
export function createRedactor(secretSources: readonly (Readonly<Record<string, string>> | undefined)[]): Redactor {
  const values = secretSources.flatMap((source) => Object.values(source ?? {}));
  const credentials = values.flatMap((value) => /^\S+\s+(\S.*)$/.exec(value)?.[1] ?? []);
  return createSecretRedactor([...values, ...credentials]).text;
}

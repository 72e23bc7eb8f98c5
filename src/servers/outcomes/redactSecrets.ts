/**
 * Secrets of a server config (its `env` and `headers` values) must never reach a log line or an
 * error message, yet both can quote them: a server may print its token on stderr, an HTTP error
 * may echo a header. Everything we log or report about a server goes through its redactor.
 */
export type Redactor = (text: string) => string;

/** Shorter values are not treated as secrets: redacting `1` or `on` everywhere would garble every message. */
const minimumSecretLength = 4;

export function createRedactor(secretSources: readonly (Readonly<Record<string, string>> | undefined)[]): Redactor {
  const secrets = new Set<string>();
  for (const source of secretSources) {
    for (const value of Object.values(source ?? {})) {
      secrets.add(value);
      // `Authorization: Bearer abc…`: the credential alone can show up without its scheme.
      const credential = /^\S+\s+(\S.*)$/.exec(value)?.[1];
      if (credential !== undefined) secrets.add(credential);
    }
  }
  // Longest first, so a value that contains another is replaced whole.
  const ordered = [...secrets].filter((secret) => secret.length >= minimumSecretLength).sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((redacted, secret) => redacted.replaceAll(secret, '[redacted]'), text);
}

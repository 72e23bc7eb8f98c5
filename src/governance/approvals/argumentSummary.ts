import { governanceDefaults } from '../../config/defaults.ts';

/** Argument names whose values are secrets whatever they hold. */
const secretName = /pass(word)?|secret|token|api[-_]?key|auth|credential|private[-_]?key|cookie|session/i;
const maxSummaryChars = 2_000;

/**
 * The arguments of a call as a human reads them in an approval question: JSON, each long string cut,
 * values under secret-looking names replaced, then every configured secret redacted (`redact`).
 */
export function argumentSummary(args: unknown, redact: (text: string) => string): string {
  let json: string;
  try {
    json =
      JSON.stringify(args ?? {}, (key, value: unknown) => {
        if (key !== '' && secretName.test(key)) return '[redacted]';
        if (typeof value === 'string' && value.length > governanceDefaults.approvalValueChars) return `${value.slice(0, governanceDefaults.approvalValueChars)}… (${value.length} characters)`;
        return value;
      }) ?? '{}';
  } catch {
    json = '(arguments that cannot be shown)';
  }
  const redacted = redact(json);
  return redacted.length > maxSummaryChars ? `${redacted.slice(0, maxSummaryChars)}…` : redacted;
}

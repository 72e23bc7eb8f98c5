import { describeError } from '../../errors.ts';

/**
 * An error's message followed by its causes: `fetch failed` alone says little, its cause
 * (`connect ECONNREFUSED 127.0.0.1:3001`) says what to fix.
 */
export function describeWithCauses(error: unknown): string {
  const parts = [describeError(error)];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 3; depth++) {
    const message = describeError(cause);
    if (!parts.some((part) => part.includes(message))) parts.push(message);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(': ');
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

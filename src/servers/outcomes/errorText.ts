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
  // As text.replace(/\s*\n\s*/g, ' ').trim(), in linear time: that pattern backtracks over every run
  // of white space without a newline, quadratic in its length, and the text is a server's (an error
  // message of 40,000 spaces took 1.7 s).
  const lines = text.split('\n');
  const last = lines.length - 1;
  return lines
    .map((line, index) => {
      const start = index > 0 ? line.trimStart() : line;
      return index < last ? start.trimEnd() : start;
    })
    .filter((piece) => piece !== '')
    .join(' ')
    .trim();
}

/** Renders console arguments the way a developer expects to read them: strings as is, the rest as JSON. */
export function formatLogArguments(args: readonly unknown[]): string {
  // A plain loop: the code may have replaced Array.prototype.map or join, and console must still work.
  let line = '';
  for (let i = 0; i < args.length; i++) line += (i > 0 ? ' ' : '') + formatOne(args[i]);
  return line;
}

function formatOne(value: unknown): string {
  try {
    return render(value);
  } catch {
    // A Proxy whose traps throw, a function whose name getter throws: console.log itself never throws.
    return '[unprintable]';
  }
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Circular structures and hostile toJSON: still print something rather than throw from console.log.
    try {
      return String(value);
    } catch {
      return '[unprintable]';
    }
  }
}

/**
 * Structured logs, one JSON object per line, always on stderr (stdout belongs to the MCP stdio transport).
 * Level from CODE_GOAT_LOG (debug | info | warn | error | silent), default info.
 */
import type { SecretRedactor } from './redactSecrets.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const rank: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function thresholdFromEnv(): number {
  const level = process.env['CODE_GOAT_LOG'];
  return level !== undefined && level in rank ? rank[level as LogLevel] : rank.info;
}

export function createLogger(
  bound: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const threshold = thresholdFromEnv();
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[level] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...bound, ...fields }));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...bound, ...fields }, write),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/**
 * A logger whose every line has its secrets redacted, message and fields alike, before the logger
 * below sees it: whatever a caller logs (a server's stderr, an error, a URL), no secret is written.
 * Children are redacted too.
 */
export function redactingLogger(logger: Logger, redactor: SecretRedactor): Logger {
  if (!redactor.active) return logger;
  const log = (write: Logger['info']) => (message: string, fields?: Record<string, unknown>) => write(redactor.text(message), fields && redactor.value(fields));
  return {
    debug: log((message, fields) => logger.debug(message, fields)),
    info: log((message, fields) => logger.info(message, fields)),
    warn: log((message, fields) => logger.warn(message, fields)),
    error: log((message, fields) => logger.error(message, fields)),
    child: (fields) => redactingLogger(logger.child(redactor.value(fields)), redactor),
  };
}

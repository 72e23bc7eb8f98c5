/**
 * Logs on pino, always on stderr (stdout belongs to the MCP stdio transport). JSON lines, one object
 * per event (`time` ISO, `level` as a word, `message`, then the bound and given fields), as before
 * pino; when stderr is a terminal, one readable line per event instead (pino-pretty: time, level,
 * component, message, the fields). Level from CODE_GOAT_LOG (debug | info | warn | error | silent),
 * default info. Writes are synchronous: the CLI ends in `process.exit`, which must not cut the last lines.
 */
import { createRequire } from 'node:module';
import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { SecretRedactor } from './redactSecrets.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levels = new Set(['debug', 'info', 'warn', 'error', 'silent']);

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function levelFromEnv(): string {
  const level = process.env['CODE_GOAT_LOG'];
  return level !== undefined && levels.has(level) ? level : 'info';
}

/**
 * `write` gets each line without its newline (tests and the bench keep them); without it, stderr:
 * pretty when it is a terminal (pino-pretty is loaded only then), JSON lines otherwise.
 */
export function createLogger(bound: Record<string, unknown> = {}, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write ? { write: (line) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : stderrDestination();
  const root = pino(
    {
      level: levelFromEnv(),
      base: null,
      messageKey: 'message',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return wrap(Object.keys(bound).length === 0 ? root : root.child(bound));
}

function wrap(logger: PinoLogger): Logger {
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (fields === undefined) logger[level](message);
    else logger[level](fields, message);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (fields) => wrap(logger.child(fields)) };
}

function stderrDestination(): DestinationStream {
  if (!process.stderr.isTTY) return pino.destination({ dest: 2, sync: true });
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pretty({
    destination: 2,
    sync: true,
    messageKey: 'message',
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'component',
    // The component first, as a person scans for it; the other fields follow on the line.
    messageFormat: '{if component}{component}: {end}{message}',
    singleLine: true,
  });
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

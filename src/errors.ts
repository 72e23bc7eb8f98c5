/**
 * Local errors of code-goat: one class, a stable string `code`, and a message that says what to do.
 * The catalogue below is documented in the README (a test keeps the two in step).
 */
export const errorCodes = {
  CONFIG_INVALID: 'The config file does not match the schema; the message names the path.',
  SERVER_UNAVAILABLE: 'A downstream server is not connected (failed to start, crashed or closed).',
  UNKNOWN_SERVER: 'No server with that name is configured.',
  UNKNOWN_TOOL: 'The server has no tool of that name.',
  UNKNOWN_PROMPT: 'The server has no prompt of that name.',
  UNKNOWN_RESOURCE: 'No server lists that resource URI or has a template that matches it.',
  INVALID_ARGUMENTS: "The arguments do not match the tool's inputSchema; the message names the argument, what was expected and what came.",
  TOOL_ERROR: 'The tool ran and reported an error (`isError`); the message is the server\'s.',
  TOOL_TIMEOUT: 'A tool call, resource read or prompt get did not answer within its per-call timeout.',
  TOOL_CALL_FAILED: 'A tool call, resource read or prompt get failed at the protocol or transport level.',
  TOOL_CALL_LIMIT: 'The execution made more tool calls than it may.',
  SYNTAX_ERROR: 'The submitted code does not parse; the message names line and column.',
  RUNTIME_ERROR: 'The submitted code threw.',
  TIMEOUT: 'The execution ran past its wall-clock deadline.',
  CPU_TIME_LIMIT: 'The execution used more CPU time than it may (codeMode.cpuTimeMs).',
  MEMORY_LIMIT: 'The execution exceeded its heap cap.',
  CODE_TOO_LARGE: 'The submitted code is larger than codeMode.maxCodeBytes.',
  RETURN_TOO_LARGE: 'The JSON of the return value is larger than codeMode.maxReturnBytes.',
  BUSY: 'Every sandbox slot is taken and the queue is full (or stayed full past the deadline); retry shortly.',
  SANDBOX_FAILED: 'The sandbox worker failed; the execution was lost, the next one gets a fresh worker.',
  CLOSED: 'The code mode instance was closed.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class CodeGoatError extends Error {
  override readonly name = 'CodeGoatError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Any thrown value as a one-line message, without losing what it was. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Local errors of code-goat: one class, a stable string `code`, and a message that says what to do.
 *
 * `errorTable` is the one source of every fact about a code: its README catalogue text, the error the
 * model meets with it, and the JSON-RPC error a gateway request answers with. The README's catalogue,
 * the sandbox's error names, the gateway's protocol errors and the `ToolError` declaration the model
 * reads all come from it; test/errors.contract.test.ts fails when any of them disagrees.
 */

/**
 * Names of the errors the model meets. `ToolError` is the class its code catches when a tool call fails;
 * the others name a failure that ends the execution, before the message in `ExecutionResult.error`.
 */
export type ModelErrorName = 'ToolError' | 'PolicyError' | 'RateLimitError' | 'SyntaxError' | 'TypeCheckError' | 'TimeoutError' | 'MemoryLimitError' | 'LimitError' | 'BusyError' | 'SandboxError';

/** JSON-RPC errors a gateway request can fail with (the keys of the MCP SDK's `ProtocolErrorCode`). */
export type JsonRpcErrorName = 'InvalidParams' | 'InternalError';

export interface ErrorCodeEntry {
  /** What the code means: the README's catalogue text, word for word. */
  readonly description: string;
  /**
   * The error the model meets with this code (see `ModelErrorName`). `null` when no execution ever
   * carries it (the config, a gateway request), or when it has no fixed name: `RUNTIME_ERROR` is
   * reported under the name of whatever the code threw.
   */
  readonly errorName: ModelErrorName | null;
  /** The JSON-RPC error a gateway request (tools/call, resources/read, prompts/get) answers with. */
  readonly jsonRpc: JsonRpcErrorName;
}

export const errorTable = {
  CONFIG_INVALID: {
    description: 'The config file does not match the schema; the message names the path.',
    errorName: null,
    jsonRpc: 'InternalError',
  },
  SERVER_UNAVAILABLE: {
    description: 'A downstream server is not connected (failed to start, crashed or closed).',
    errorName: 'ToolError',
    jsonRpc: 'InternalError',
  },
  UNKNOWN_SERVER: { description: 'No server with that name is configured.', errorName: 'ToolError', jsonRpc: 'InvalidParams' },
  // Also raised inside the isolate, as `UnknownToolError`, for a name the API does not have (see prelude/bridge.ts).
  UNKNOWN_TOOL: { description: 'The server has no tool of that name.', errorName: 'ToolError', jsonRpc: 'InvalidParams' },
  UNKNOWN_PROMPT: { description: 'The server has no prompt of that name.', errorName: null, jsonRpc: 'InvalidParams' },
  UNKNOWN_RESOURCE: {
    description: 'No server lists that resource URI or has a template that matches it.',
    errorName: null,
    jsonRpc: 'InvalidParams',
  },
  INVALID_ARGUMENTS: {
    description: "The arguments do not match the tool's inputSchema; the message names the argument, what was expected and what came.",
    errorName: 'ToolError',
    jsonRpc: 'InternalError',
  },
  TOOL_ERROR: {
    description: "The tool ran and reported an error (`isError`); the message is the server's.",
    errorName: 'ToolError',
    jsonRpc: 'InternalError',
  },
  TOOL_TIMEOUT: {
    description: 'A tool call, resource read or prompt get did not answer within its per-call timeout.',
    errorName: 'ToolError',
    jsonRpc: 'InternalError',
  },
  TOOL_CALL_FAILED: {
    description: 'A tool call, resource read or prompt get failed at the protocol or transport level.',
    errorName: 'ToolError',
    jsonRpc: 'InternalError',
  },
  TOOL_CALL_LIMIT: { description: 'The execution made more tool calls than it may.', errorName: 'ToolError', jsonRpc: 'InternalError' },
  POLICY_DENIED: { description: 'A policy rule denies this client the call; it was not sent.', errorName: 'PolicyError', jsonRpc: 'InternalError' },
  APPROVAL_DENIED: {
    description: 'The call needs approval and the client declined it, or gave no answer within policy.approvalTimeoutMs; it was not sent.',
    errorName: 'PolicyError',
    jsonRpc: 'InternalError',
  },
  APPROVAL_UNAVAILABLE: {
    description: 'The call needs approval and the client cannot be asked (no elicitation capability); it was not sent.',
    errorName: 'PolicyError',
    jsonRpc: 'InternalError',
  },
  RATE_LIMITED: {
    description: 'A rate limit of this client, server or tool is used up; `retryAfterMs` says when to try again. The call was not sent.',
    errorName: 'RateLimitError',
    jsonRpc: 'InternalError',
  },
  SYNTAX_ERROR: {
    description: 'The submitted code does not parse; the message names line and column.',
    errorName: 'SyntaxError',
    jsonRpc: 'InternalError',
  },
  TYPE_ERROR: {
    description: 'With codeMode.typeCheck "strict": the code does not type-check against the API and did not run; `diagnostics` names each error by line and column.',
    errorName: 'TypeCheckError',
    jsonRpc: 'InternalError',
  },
  RUNTIME_ERROR: { description: 'The submitted code threw.', errorName: null, jsonRpc: 'InternalError' },
  TIMEOUT: { description: 'The execution ran past its wall-clock deadline.', errorName: 'TimeoutError', jsonRpc: 'InternalError' },
  CPU_TIME_LIMIT: {
    description: 'The execution used more CPU time than it may (codeMode.cpuTimeMs).',
    errorName: 'TimeoutError',
    jsonRpc: 'InternalError',
  },
  MEMORY_LIMIT: { description: 'The execution exceeded its heap cap.', errorName: 'MemoryLimitError', jsonRpc: 'InternalError' },
  CODE_TOO_LARGE: {
    description: 'The submitted code is larger than codeMode.maxCodeBytes.',
    errorName: 'LimitError',
    jsonRpc: 'InternalError',
  },
  RETURN_TOO_LARGE: {
    description: 'The JSON of the return value is larger than codeMode.maxReturnBytes, or nests arrays and objects more than 500 levels deep.',
    errorName: 'LimitError',
    jsonRpc: 'InternalError',
  },
  BUSY: {
    description: 'Every sandbox slot is taken and the queue is full (or stayed full past the deadline); retry shortly.',
    errorName: 'BusyError',
    jsonRpc: 'InternalError',
  },
  SANDBOX_FAILED: {
    description: 'The sandbox worker failed; the execution was lost, the next one gets a fresh worker.',
    errorName: 'SandboxError',
    jsonRpc: 'InternalError',
  },
  CLOSED: { description: 'The code mode instance was closed.', errorName: 'SandboxError', jsonRpc: 'InternalError' },
  CANCELLED: { description: 'The client cancelled the execution; it was stopped, or never started.', errorName: 'SandboxError', jsonRpc: 'InternalError' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof errorTable;

/** Every code, in the catalogue's order. */
export const errorCodeList = Object.keys(errorTable) as [ErrorCode, ...ErrorCode[]];

/** code → README text: the public catalogue (exported by the package). */
export const errorCodes: Readonly<Record<ErrorCode, string>> = Object.fromEntries(
  errorCodeList.map((code) => [code, errorTable[code].description]),
) as Record<ErrorCode, string>;

/** The codes whose errorName is `name`, in the catalogue's order (e.g. what a `ToolError` can carry). */
export function codesNamed(name: ModelErrorName): ErrorCode[] {
  return errorCodeList.filter((code) => errorTable[code].errorName === name);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorTable, value);
}

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

/**
 * The errors a tool call throws in the model's code, as the error table names them (`ToolError`,
 * `PolicyError`, `RateLimitError`), and the one the prelude raises itself (`UnknownToolError`). Part of
 * the prelude. The three call errors are separate classes (none is an instance of another), each
 * with the call's `server`, `tool` and `code`.
 */
import type { ErrorCode } from '../../errors.ts';
import { isolateRaisedError, type BridgeOutcome } from './bridge.ts';

interface CallErrorClass {
  new (server: string, tool: string, code: ErrorCode, message: string): Error & { readonly server: string; readonly tool: string; readonly code: ErrorCode };
}

/** One call error class named `name`, extending Error directly. */
function callErrorClass(name: string): CallErrorClass {
  const made = class extends Error {
    readonly server: string;
    readonly tool: string;
    readonly code: ErrorCode;
    constructor(server: string, tool: string, code: ErrorCode, message: string) {
      super(message);
      this.name = name;
      this.server = server;
      this.tool = tool;
      this.code = code;
    }
  };
  Object.defineProperty(made, 'name', { value: name });
  return made;
}

export const ToolError = callErrorClass('ToolError');

/** A call the gateway's policy refused, or whose approval was declined or could not be asked for. */
export const PolicyError = callErrorClass('PolicyError');

/** A call over a rate limit: `retryAfterMs` says when it may be tried again. */
export class RateLimitError extends callErrorClass('RateLimitError') {
  readonly retryAfterMs: number;
  constructor(server: string, tool: string, code: ErrorCode, message: string, retryAfterMs: number) {
    super(server, tool, code, message);
    this.retryAfterMs = retryAfterMs;
  }
}

export class UnknownToolError extends Error {
  readonly code = isolateRaisedError.code;
  constructor(message: string) {
    super(message);
    this.name = isolateRaisedError.name;
  }
}

/** The error a failed call throws: the class the host named for it, `ToolError` when none. */
export function failureError(server: string, tool: string, outcome: Extract<BridgeOutcome, { ok: false }>): Error {
  if (outcome.errorName === 'PolicyError') return new PolicyError(server, tool, outcome.code, outcome.message);
  if (outcome.errorName === 'RateLimitError') return new RateLimitError(server, tool, outcome.code, outcome.message, outcome.retryAfterMs ?? 0);
  return new ToolError(server, tool, outcome.code, outcome.message);
}

/** Whether `error` is one of ours, whose `code` the bridge handed out (and so may be reported). */
export function carriesBridgeCode(error: unknown): error is { readonly code: ErrorCode } {
  return error instanceof ToolError || error instanceof PolicyError || error instanceof RateLimitError || error instanceof UnknownToolError;
}

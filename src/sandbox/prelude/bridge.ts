/**
 * The bridge between the worker and an isolate, declared once: the names the worker puts on an
 * isolate's global object, the signatures behind them, and what crosses them. The worker
 * (worker/Bridge.ts, worker/IsolatePool.ts) and the prelude (prelude.ts, bundled into the isolate)
 * both import it; the prelude takes only constants and types from here, so the bundle stays small.
 *
 * Everything that crosses is a number or a JSON string: no object of the isolate (getter, Proxy,
 * toJSON) is ever touched outside it.
 */
import type { ErrorCode } from '../../errors.ts';
import type { ToolCallOutcome } from '../Sandbox.ts';

export const bridgeGlobals = {
  /** `StartCall`: set by the worker, taken by the prelude. */
  callTool: '__codeGoatCallTool',
  /** `ResolveCall`: set by the prelude, taken by the worker. */
  resolveCall: '__codeGoatResolveCall',
  /** `Log`: set by the worker, taken by the prelude. */
  log: '__codeGoatLog',
  /** `Dropped`: set by the worker, taken by the prelude. */
  dropped: '__codeGoatDropped',
  /** `Unsettled`: set by the worker, taken by the prelude. */
  unsettled: '__codeGoatUnsettled',
  /** JSON of the ToolBindings: set by the worker, taken by the prelude. */
  bindings: '__codeGoatBindings',
  /** `Run`: set by the prelude, taken by the user script's wrapper. */
  run: '__codeGoatRun',
} as const;

/**
 * Starts calls on the host and returns at once ("ignored" mode: the cheapest crossing isolated-vm has).
 * The arguments are the calls one after the other, four values each: `callId, server, tool, argsJson`.
 * All the calls the code starts in one turn (a `Promise.all` of 100) cross together: each crossing
 * wakes a thread, which costs far more than the values. `callId` is given by the prelude, unique
 * within the execution, and names the call on every hop (isolate → worker → host and back); the answer
 * comes back through `ResolveCall` with the same id, so any number of calls can be in flight together.
 */
export type StartCall = (...calls: (number | string)[]) => void;
/**
 * Delivers answers, two values each: `callId, outcomeJson` (the JSON of a `ToolCallOutcome`); all the
 * answers the worker has in one turn cross together.
 */
export type ResolveCall = (...answers: (number | string)[]) => void;
/**
 * One console line, synchronously. Answers `false` once the output budget is spent (the line was not
 * kept): from then on the prelude counts lines itself and reports them with `Dropped`, because each
 * crossing wakes the worker's thread (about 50 µs) and a loop of logs past the budget would otherwise
 * cost that per line for lines nobody keeps.
 */
export type Log = (level: string, message: string) => boolean | undefined;
/**
 * Console lines past the output budget that the prelude counted without sending them: how many, and
 * their UTF-8 bytes with a newline each. Reported every `droppedReportEvery` lines and when the code
 * settles, so an execution ended from outside (deadline, memory) misses fewer than that many.
 */
export type Dropped = (lines: number, bytes: number) => void;
export const droppedReportEvery = 1_024;
/**
 * How many of the code's calls were still unanswered when it settled (started and not awaited, as
 * `items.forEach(async (item) => await call(item))` starts them): called once, synchronously, just
 * before the runner settles, and only when there are any. Those calls end with the execution (a call
 * not yet sent is never sent, one in flight is cancelled), so the result says so.
 */
export type Unsettled = (calls: number) => void;
/** Runs the submitted code (the transpiled body, as an async function) and settles with a `Settlement`'s JSON. */
export type Run = (main: () => Promise<unknown>) => Promise<string>;

/**
 * What an answer carries into the isolate (as JSON): a failure also names the class the code catches
 * (`errorName`, from the error table; `ToolError` when absent) and, for a rate limit, `retryAfterMs`.
 */
export type BridgeOutcome = ToolCallOutcome & { readonly errorName?: 'PolicyError' | 'RateLimitError' };

/** What `Run` settles with, as JSON. `code` is believed only if the bridge handed it to the code (see readSettlement). */
export type Settlement = { ok: true; value?: unknown } | { ok: false; name: string; message: string; stack?: string; code?: ErrorCode };

/**
 * The one error the prelude raises itself, with no host round trip: a tool or namespace that is not in
 * the bindings. Tool-level, so believing its code cannot hide a sandbox failure.
 */
export const isolateRaisedError = { name: 'UnknownToolError', code: 'UNKNOWN_TOOL' } as const satisfies { name: string; code: ErrorCode };

/** The file name stack frames of the submitted code carry inside the isolate. */
export const userCodeFilename = 'file:///code.ts';
/** The name frames of the submitted code get in the result. */
export const userCodeDisplayName = 'code.ts';
export const preludeFilename = 'code-goat:prelude';

/**
 * Every default of code-goat, in one place. The config schema, the sandbox, the server pool, the
 * HTTP entry and the README's limits table (test/readme.test.ts) all read them from here, so a value
 * changed here changes everywhere at once. Plain data, no imports: every layer may read it.
 */

/** What `codeMode` applies when a key is left out, keyed by its config name (the README's limits table). */
export const codeModeDefaults = {
  enabled: true,
  /** Wall-clock deadline of one execution, in milliseconds. */
  timeout: 30_000,
  /** CPU time one execution may burn, in milliseconds. */
  cpuTimeMs: 10_000,
  /** Heap cap of one execution's isolate, in MiB. */
  memoryMb: 128,
  maxCodeBytes: 100_000,
  maxOutputBytes: 100_000,
  maxReturnBytes: 1_000_000,
  maxToolCalls: 1_000,
  /** Calls in flight at once to one downstream server, across all executions. */
  maxConcurrentCallsPerServer: 16,
  /** Per tool call deadline, in milliseconds, unless a server sets its own `timeout`. */
  toolTimeout: 60_000,
  /** Sandbox worker processes. */
  workers: 2,
  /** Executions waiting for a sandbox slot before new ones are refused as busy. */
  maxQueue: 100,
  /** Resident memory of one sandbox worker, in MiB, past which it is ended. */
  maxWorkerRssMb: 2_048,
  /** Tokens (o200k) the TypeScript API may take in the execute_code description. */
  apiTokenBudget: 6_000,
} as const;

/** The sandbox's worker pool, beyond what `codeMode` exposes. */
export const sandboxPoolDefaults = {
  /** Executions one worker runs at once (each in its own isolate). */
  executionsPerWorker: 8,
  /**
   * How long an execution may wait for a worker (one booting, or a free slot), in milliseconds, before
   * it is refused as busy. Separate from `codeMode.timeout`, which starts when the execution starts.
   */
  queueTimeoutMs: 30_000,
  /**
   * Another worker (within `codeMode.workers`) boots in the background once every booted one runs at
   * least this share of `executionsPerWorker`: a burst finds it warm, and meanwhile executions go to a
   * booted worker with room rather than wait for a cold one.
   */
  spareWorkerAtLoad: 0.5,
  /** A worker is replaced after this many executions… */
  recycleAfterExecutions: 1_000,
  /** …or once its resident memory grows past this, in MiB. */
  recycleAboveRssMb: 1_024,
} as const;

/** Downstream servers. */
export const serverDefaults = {
  /**
   * Share of one server's slots (`maxConcurrentCallsPerServer`) that one execution may hold at once,
   * rounded down, at least one: 12 of 16. The rest stay for other executions; more calls of the
   * same execution wait their turn.
   */
  executionShareOfSlots: 0.75,
  /** Connecting and the first listing of one server, in milliseconds. */
  connectTimeoutMs: 30_000,
  /** Restart after a crash: backoff from `initialDelayMs` doubling up to `maxDelayMs`; reset after `resetAfterMs` of good health. */
  restart: { initialDelayMs: 250, maxDelayMs: 30_000, resetAfterMs: 60_000 },
  /**
   * The largest message a server may send (a tool result, a resource), in bytes, over any transport:
   * stdio, Streamable HTTP and SSE all stop reading past it and fail that request.
   */
  maxResultBytes: 10 * 1024 * 1024,
  /** Pages of `tools/list` walked when a listing is read tool by tool (one bad tool in it); as the SDK's own cap. */
  toolListMaxPages: 64,
  /**
   * Schema nodes a tool's `inputSchema` may expand to (local `$ref`s counted as their targets) for
   * its arguments to be validated; past it a call goes unvalidated, logged, as with a schema that
   * does not compile. Bounds the work of validating one value, whatever the schema.
   */
  maxExpandedSchemaNodes: 100_000,
  /**
   * Schemas reached through a `$ref` while validating one call's arguments: `validationSteps`, plus
   * `validationStepsPerValue` for each value in the arguments; past it the call is refused
   * (INVALID_ARGUMENTS). Linear work fits; work that doubles per level of nesting does not.
   */
  validationSteps: 100_000,
  validationStepsPerValue: 10,
  /** Arguments with more values than this are refused naming their first issue only, not every issue (which could be millions). */
  describeAllIssuesMaxValues: 10_000,
} as const;

/** How deep things may nest: values that cross a process boundary, and the code submitted. */
export const nestingDefaults = {
  /**
   * Nesting of arrays and objects a value may have. Deeper values are refused where they arrive
   * (a tool result fails its call, a return value fails with RETURN_TOO_LARGE): a few thousand
   * levels overflow the stack of every recursive reader (JSON, IPC, renderers).
   */
  maxValueDepth: 500,
  /**
   * Nesting of brackets in submitted code. Deeper code is refused as a SYNTAX_ERROR before it is
   * compiled: esbuild's time grows with the square of block nesting, and V8's parser runs out of stack.
   */
  maxCodeDepth: 256,
} as const;

/** The Streamable HTTP entry (`--http`). */
export const httpDefaults = {
  /** Loopback: nothing off this machine reaches the gateway unless asked for. */
  host: '127.0.0.1',
  /** Largest request body, in bytes; larger ones get 413. */
  maxBodyBytes: 4 * 1024 * 1024,
  /** A 2025-era session nobody used for this long is closed (clients that vanish without DELETE); an open GET stream is use. */
  sessionIdleTimeoutMs: 30 * 60_000,
  /** How often idle sessions are looked for. */
  sessionSweepIntervalMs: 60_000,
  /** 2025-era sessions held at once; past it, a new one drops the least recently used (those whose stream closed first). */
  maxSessions: 1_000,
  /** A session whose client closed its GET stream and then sent nothing for this long is dropped. */
  sessionStreamGraceMs: 30_000,
  /**
   * An idle keep-alive connection is closed after this long: longer than clients keep theirs (undici 4 s,
   * most others under a minute), so the client closes first. Node's 5 s let a pause of the gateway (a long
   * GC, a stopped process) close sockets just as clients reused them: the request failed "other side closed".
   */
  keepAliveTimeoutMs: 65_000,
} as const;

/** The `search_tools` tool. */
export const searchToolsDefaults = {
  /** Hits returned when the call sets no `limit`. */
  limit: 5,
} as const;

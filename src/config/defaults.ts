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

/**
 * The longest duration a config may give, in milliseconds (about 23 days): Node's timers wait at most
 * 2^31 - 1 ms, a longer one fires at once (after a warning), so a deadline of 30 days would end every
 * execution the moment it starts, and a sandbox deadline gets the host's grace added on top.
 */
export const maxDurationMs = 2_000_000_000;

/** What `codeMode.typeCheck` may say (SPEC: "Type check"). */
export const typeCheckModes = ['off', 'on-error', 'warn', 'strict'] as const;

/** The type check of submitted code (`codeMode.typeCheck`) and its checker, a worker thread. */
export const typeCheckDefaults = {
  /** `on-error`: checked only when an execution fails, so a succeeding one pays nothing. */
  mode: 'on-error' satisfies (typeof typeCheckModes)[number],
  /**
   * A check that does not answer within this many milliseconds is given up (the execution goes on as
   * if none was asked for); a checker stuck on one check is replaced. Warm checks take tens of ms.
   */
  timeoutMs: 5_000,
  /** How long a check waits for the checker to start (load TypeScript, parse the declarations) before it is given up. */
  startTimeoutMs: 30_000,
  /** Checks waiting at once; past it a check is given up at once rather than queue behind the others. */
  maxPending: 32,
  /** Heap of the checker's thread, in MiB: code that makes the compiler run away ends the thread, not the gateway. */
  maxHeapMb: 1_024,
  /**
   * The checker thread (one per process) stays this long after its last checker closed, in
   * milliseconds: a code mode made meanwhile finds it warm instead of paying its start (about 0.4 s of
   * CPU) again. It keeps only the parsed lib files then, and never keeps the process alive.
   */
  idleMs: 30_000,
  /**
   * Checkers of clients' narrower views of the API (one per distinct `servers` list) kept at once;
   * past it the least recently used is closed, and made again when that view is next checked.
   */
  maxViewCheckers: 16,
  /** Diagnostics reported per check, and characters per message. */
  maxDiagnostics: 20,
  maxMessageChars: 1_000,
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
   * How long `createCodeMode` waits, once its servers are settled, for the sandbox to be prepared for
   * their bindings (a worker booted, its next context made): its first execution then starts at once.
   * Past it, `createCodeMode` resolves anyway and the first execution waits for what is left.
   */
  libraryPrepareWaitMs: 5_000,
  /**
   * Another worker (within `codeMode.workers`) boots in the background once every booted one runs at
   * least this share of `executionsPerWorker`: a burst finds it warm, and meanwhile executions go to a
   * booted worker with room rather than wait for a cold one.
   */
  spareWorkerAtLoad: 0.5,
  /**
   * A worker is replaced after this many executions… (a replacement costs a boot, about 0.8 s of CPU;
   * at 1,000 a busy gateway replaced each of its workers every ten seconds or so, and the load
   * benchmark ran 15-20% fewer executions per second. Isolates are renewed far more often anyway.)
   */
  recycleAfterExecutions: 10_000,
  /** …or once its resident memory grows past this, in MiB. */
  recycleAboveRssMb: 1_024,
  /**
   * A gateway (which serves before its servers are up) boots its first worker this long after it
   * starts, in milliseconds, unless an execution comes first (which boots one at once): a boot takes
   * about 0.4 s of CPU, which on two cores would otherwise compete with the client's first requests.
   * The library boots it at once, while its servers connect.
   */
  gatewayWarmAfterMs: 1_000,
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
  /**
   * The largest JSON of one call's arguments that code mode sends a server, in bytes: below the 4 MiB
   * request that SDK HTTP servers (and this gateway's HTTP entry, `httpDefaults.maxBodyBytes`) take,
   * with room for the request around them, so code makes no larger call than a client could itself.
   * Larger ones were a way for code to take a server down: SDK stdio servers end their connection on a
   * request line past 10 MiB, failing every call in flight on it, for everyone.
   */
  maxArgumentBytes: 4_000_000,
  /**
   * The longest line of a stdio server's stderr kept (logged, quoted as its last words), in bytes;
   * the rest of a longer line is counted and dropped as it arrives, so no stderr grows memory.
   */
  maxStderrLineBytes: 4_096,
  /**
   * Characters of the reason a server is not available (`/healthz`, the `execute_code` description,
   * what code reaching for it is told, the log), before its last stderr lines (bounded above); past it
   * the reason is cut with `…`. A server that failed `initialize` with a message of a megabyte put it
   * into every execution (380 ms each instead of a few) and into a description sent on every turn.
   */
  maxFailureChars: 2_000,
  /**
   * Bytes the gateway holds for a stdio server that is not reading its stdin (stuck, or never
   * reading on purpose); past it, what is sent to it fails at once rather than pile up in memory.
   */
  maxUnreadStdinBytes: 16 * 1024 * 1024,
  /**
   * After re-listing a server's tools (or resources, prompts) on its `list_changed`, the next re-listing
   * of that list waits `factor` times as long as this one took, at most `maxMs`: a server that keeps
   * announcing changes of a long list gets a share of the gateway's time, not all of it.
   */
  relistSpacing: { factor: 4, maxMs: 10_000 },
  /**
   * Entries kept of one listing of a server (its tools, resources, resource templates or prompts);
   * past it the first ones are kept and the rest left out, logged. A server listing millions of
   * tools held the gateway's event loop for a minute and took it near 4 GB.
   */
  maxListedItems: 10_000,
  /**
   * Characters of a tool's name; a listed tool with a longer one is left out, logged and reported
   * (MCP recommends at most 128). Every execution carries the names of the tools it may call: one
   * name of a megabyte took each execution from 3 ms to 80-350 ms, and held the event loop 0.3 s.
   */
  maxToolNameChars: 256,
  /**
   * The least reconnection delay a server's event stream may ask for (`retry:`), in milliseconds: a
   * server that asked for 0 and closed its stream at once had the gateway reconnect 450 times a second.
   */
  minSseRetryMs: 1_000,
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
  /**
   * Levels a client's JSON-RPC message may add around a value (a batch, the message, `params`,
   * `arguments`, with room to spare): a body deeper than `maxValueDepth` plus this is refused before
   * it is parsed, so the SDK's recursive validation never meets it; anything shallower reaches the
   * checks that name the argument.
   */
  messageEnvelopeDepth: 16,
} as const;

/** The Streamable HTTP entry (`--http`). */
/** The gateway served over stdio. */
export const stdioDefaults = {
  /** Lines that are no JSON-RPC message answered a second (with a JSON-RPC error); past it they are dropped, counted in the log. */
  unreadableLineAnswersPerSecond: 100,
} as const;

export const httpDefaults = {
  /** Loopback: nothing off this machine reaches the gateway unless asked for. */
  host: '127.0.0.1',
  /** Largest request body, in bytes; larger ones get 413. */
  maxBodyBytes: 4 * 1024 * 1024,
  /** A 2025-era session nobody used for this long is closed (clients that vanish without DELETE); an open GET stream is use. */
  sessionIdleTimeoutMs: 30 * 60_000,
  /** How often idle sessions are looked for. */
  sessionSweepIntervalMs: 60_000,
  /** 2025-era sessions held at once; past it, a new one drops the least recently used (those whose stream closed first) of the client holding most. */
  maxSessions: 1_000,
  /** 2025-era sessions one named client holds at once; past it, a new one drops one of its own. */
  sessionsPerClient: 100,
  /** 2026-07-28 `subscriptions/listen` streams one named client holds open at once; past it, another is refused (the SDK's bound is 1,024 for all). */
  listensPerClient: 64,
  /** A session whose client closed its GET stream and then sent nothing for this long is dropped. */
  sessionStreamGraceMs: 30_000,
  /**
   * An idle keep-alive connection is closed after this long: longer than clients keep theirs (undici 4 s,
   * most others under a minute), so the client closes first. Node's 5 s let a pause of the gateway (a long
   * GC, a stopped process) close sockets just as clients reused them: the request failed "other side closed".
   */
  keepAliveTimeoutMs: 65_000,
} as const;

/** The TypeScript declarations generated from servers' catalogs (modelApi/). */
export const declarationDefaults = {
  /**
   * Characters of one doc comment (a tool's or a property's description, with its constraints). Past
   * it the comment is cut and says how much was left out: real descriptions run to a few thousand
   * characters, and a server's description of megabytes would otherwise reach the model whole in
   * every `search_tools` hit and the console (4 MB for one hit of a 1 MB description).
   */
  maxDocCommentChars: 10_000,
} as const;

/** The `search_tools` tool. */
export const searchToolsDefaults = {
  /** Hits returned when the call sets no `limit`. */
  limit: 5,
  /**
   * Characters of a `query`; a longer one is refused. A query says a task in a few words, and one of
   * megabytes (a 4 MB run of camelCase humps) held the gateway's event loop for 12 s.
   */
  maxQueryChars: 1_000,
  /**
   * Characters of one hit's declaration; past it the declaration is cut at a line and says how much
   * was left out. Real declarations run to a few thousand characters; a server's schema of 100,000
   * properties, or one key of a megabyte, made a hit of 1-2 MB, in every search that found it.
   */
  maxDeclarationChars: 20_000,
} as const;

/** Telemetry (SPEC "Telemetry"): the audit log, the metrics' label bounds, the trace exporter's shutdown. */
export const telemetryDefaults = {
  /** `audit.code`: the code itself in each line (`full`) or only its SHA-256 (`hash`). */
  auditCode: 'hash',
  /** `audit.maxBytes`: size of the audit file past which it is rotated (`FILE.1`, `FILE.2`, …). */
  auditMaxBytes: 10 * 1024 * 1024,
  /** `audit.maxFiles`: rotated audit files kept besides the current one; older ones are deleted. */
  auditMaxFiles: 5,
  /** Distinct values one metric label keeps; past it, new values are counted as `other`. */
  maxLabelValues: 100,
  /** How long closing waits for the last spans to reach the collector, in milliseconds: a collector that is down must not hold a shutdown. */
  traceShutdownMs: 2_000,
  /** `OTEL_SERVICE_NAME` when unset. */
  serviceName: 'code-goat',
  /**
   * Characters of a name a client sent that a span carries (the tool a `tools/call` asks for, in the
   * span's name and `gen_ai.tool.name`), cut past it with `…`: MCP recommends tool names of at most 128,
   * and a request naming a tool of megabytes must not become megabytes in every span queued for export.
   */
  maxSpanNameChars: 128,
  /** Characters of any string attribute a span keeps (the OpenTelemetry SDK cuts longer ones): a guard for what the line above does not name. */
  maxSpanAttributeChars: 4_096,
} as const;

/** Identities, policy and rate limits (`auth`, `policy`, `rateLimits`, `redis`). */
export const governanceDefaults = {
  /** What a tool annotated `destructiveHint: true` needs when no rule names it (`policy.destructive`). */
  destructive: 'approve',
  /** How long an approval waits for the client's answer, in milliseconds; past it the call is refused (APPROVAL_DENIED). */
  approvalTimeoutMs: 120_000,
  /** A `rateLimits` entry counts each client apart unless it says `per: "all"`. */
  rateLimitPer: 'client',
  /** Redis unreachable: limits let calls through (fail open) unless `redis.failOpen` is false. */
  redisFailOpen: true,
  /** Prefix of the keys the shared counters take in Redis. */
  redisKeyPrefix: 'code-goat:ratelimit',
  /** How long one Redis command may take, in milliseconds, before it counts as Redis being down. */
  redisCommandTimeoutMs: 1_000,
  /** The client's name when the gateway asks for no token (stdio, or HTTP on loopback without auth). */
  anonymousClient: 'anonymous',
  /** The name of the `--token` key (SPEC). */
  cliTokenName: 'default',
  /** Calls that need approval within this many milliseconds of the first are asked in one question (a `Promise.all`). */
  approvalBatchWindowMs: 50,
  /** Characters of one argument value an approval question shows before cutting it. */
  approvalValueChars: 200,
  /**
   * Calls one approval question lists one by one; the rest of a larger batch are counted by tool. A
   * `Promise.all` of 1,000 destructive calls is one question, which a human must still be able to read.
   */
  approvalListedCalls: 20,
} as const;

/** Observed return types (`codeMode.inferOutputTypes`), kept under `stateDir`. */
export const observedOutputTypesDefaults = {
  enabled: true,
  /** The file under `stateDir`. */
  fileName: 'observed-output-types.json',
} as const;

/** The operator console (`GET /ui`, SPEC "Operator console"). */
export const consoleDefaults = {
  /** Executions kept in memory for the console, newest first; older ones are dropped. */
  recentExecutions: 200,
  /** Characters of an execution's code the console keeps (the rest is cut, and said to be): the ring stays a few MiB at most. */
  maxCodeChars: 20_000,
  /** Seconds of per-second chart data kept (executions/s, p50/p99, errors by code). */
  seriesSeconds: 300,
  /** Durations kept per second for the percentiles; past it a second's percentiles come from the first ones. */
  durationsPerSecond: 2_000,
  /** A signed-in browser's session lasts this long. */
  sessionTtlMs: 12 * 60 * 60 * 1000,
  /** Sessions held at once; past it the oldest of the client holding most is dropped (each sign-in makes one). */
  maxSessions: 1_000,
  /** Sessions one client holds at once; past it its own oldest is dropped (another client's sign-ins never sign it out). */
  sessionsPerClient: 20,
  /** Failed sign-ins one address may make per minute; past it the sign-in answers 429 until the minute is over. */
  signInFailuresPerMinute: 10,
} as const;

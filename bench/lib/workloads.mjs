/**
 * The overhead and bridge workloads, written once for code-goat and for the peer
 * (bench/peer/peerBench.mjs runs them with @utcp/code-mode), so that both run exactly the same
 * programs the same number of times. No imports: the peer's child process loads this file too.
 */

function envInt(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export const sizes = {
  /** Fresh instances measured for "cold" (first execution after start). */
  coldSamples: envInt('BENCH_COLD_SAMPLES', 5),
  /** Untimed executions before the warm samples. */
  warmup: 30,
  /** Timed warm executions per path. */
  warmSamples: envInt('BENCH_WARM_SAMPLES', 300),
  /** Sequential calls in one execution, and how many such executions are timed. */
  sequentialCalls: 1000,
  sequentialRuns: envInt('BENCH_SEQUENTIAL_RUNS', 5),
  /** Calls in one Promise.all, and how many such executions are timed. */
  parallelCalls: 100,
  parallelRuns: envInt('BENCH_PARALLEL_RUNS', 30),
};

/**
 * A number new to every execution, written into its code and its answer: a model writes new code every
 * turn, so no figure may hold only for one code string repeated back to back (a cache keyed by the
 * code, in code-goat or the peer, would otherwise be all a warm figure measures).
 */
let lastVariant = 0;
export function nextVariant() {
  lastVariant += 1;
  return lastVariant;
}

/**
 * The programs, given how the sandbox names everything's `echo` tool
 * (`mcpTools.Everything.echo` in code-goat, `bench.everything_echo` in @utcp/code-mode), and the
 * execution's variant (see `nextVariant`).
 */
export const programs = {
  oneEcho: (echo, variant) => `return await ${echo}({ message: 'ping ${variant}' });`,
  sequential: (echo, variant, calls = sizes.sequentialCalls) =>
    `let last; for (let i = 0; i < ${calls}; i++) last = await ${echo}({ message: 'v${variant}m' + i }); return last;`,
  parallel: (echo, variant, calls = sizes.parallelCalls) =>
    `const all = await Promise.all(Array.from({ length: ${calls} }, (_, i) => ${echo}({ message: 'v${variant}m' + i }))); return all.length + ':' + all[${calls - 1}];`,
};

/** The arguments of the one echo, for paths with no code (passthrough, direct). */
export const oneEchoArguments = (variant) => ({ message: `ping ${variant}` });

/** What each program must return; a benchmark whose answer differs fails. */
export const expected = {
  oneEcho: (variant) => `Echo: ping ${variant}`,
  sequential: (variant, calls = sizes.sequentialCalls) => `Echo: v${variant}m${calls - 1}`,
  parallel: (variant, calls = sizes.parallelCalls) => `${calls}:Echo: v${variant}m${calls - 1}`,
};

/** Throws unless `actual` is the expected answer of workload `name`. */
export function checkAnswer(name, actual, wanted) {
  if (actual !== wanted) throw new Error(`${name}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)?.slice(0, 300)}`);
}

import type ivm from 'isolated-vm';

/**
 * How long an isolate may take to report its heap before it is judged busy allocating. An isolate
 * running code answers only once its code yields; an idle one (its execution waiting on a tool) answers
 * at once, unless the machine is busy: at 50 ms, with both cores busy, an idle neighbour was judged
 * busy too, tied with the culprit, and failed with it as if it had done it. Well within the second
 * the worker gives the host to end it (see guardResidentMemory in worker.ts).
 */
const heapProbeMs = 400;

/**
 * How long an execution whose isolate was disposed (its heap cap hit, its deadline passed) stays a
 * suspect after it ended. A disposed isolate gives its memory back on its own thread, after the
 * execution is over: the next reading of the process's memory (every 100 ms, later on a busy machine)
 * may still see it, and must not charge it to a neighbour that only waited for a tool.
 */
export const endedSuspectMs = 2_000;

/**
 * The executions a memory overrun of the worker may be charged to: those running, and those that
 * ended lately with their isolate disposed.
 */
export class MemorySuspects {
  readonly #running = new Map<number, ivm.Isolate>();
  readonly #ended = new Map<number, ivm.Isolate>();

  started(executionId: number, isolate: ivm.Isolate): void {
    this.#running.set(executionId, isolate);
  }

  /** The running execution whose isolate `isolate` is, if one is. */
  runningOn(isolate: ivm.Isolate): number | undefined {
    for (const [executionId, running] of this.#running) if (running === isolate) return executionId;
    return undefined;
  }

  ended(executionId: number): void {
    const isolate = this.#running.get(executionId);
    this.#running.delete(executionId);
    if (isolate === undefined || !isolate.isDisposed) return;
    this.#ended.set(executionId, isolate);
    setTimeout(() => this.#ended.delete(executionId), endedSuspectMs).unref();
  }

  /**
   * The execution the overrun is charged to, or none when two or more are equally suspect (then
   * all fail alike). Most suspect: a running isolate too busy to answer (still allocating) or already
   * disposed; then an ended execution whose disposed isolate may still hold what it took; then the
   * running isolate holding the most (heap and external memory).
   */
  async charge(): Promise<number | undefined> {
    const suspects = [
      ...[...this.#running].map(([executionId, isolate]) => ({ executionId, bytes: runningBytes(isolate) })),
      ...[...this.#ended.keys()].map((executionId) => ({ executionId, bytes: Promise.resolve(Number.MAX_VALUE) })),
    ];
    if (suspects.length <= 1) return suspects[0]?.executionId;
    const sizes = await Promise.all(suspects.map(async ({ executionId, bytes }) => ({ executionId, bytes: await bytes })));
    sizes.sort((a, b) => b.bytes - a.bytes);
    const [first, second] = sizes;
    if (first === undefined || (second !== undefined && second.bytes === first.bytes)) return undefined;
    return first.executionId;
  }
}

/**
 * What a running execution's isolate holds; infinite when it is disposed or busy running code (it
 * does not answer in time and its CPU time moved meanwhile). One that does not answer and whose CPU
 * time stood still runs no code, so allocates nothing: a busy machine was slow to let it answer.
 */
function runningBytes(isolate: ivm.Isolate): Promise<number> {
  if (isolate.isDisposed) return Promise.resolve(Number.POSITIVE_INFINITY);
  const cpuBefore = cpuTimeOf(isolate);
  const probe = isolate.getHeapStatistics().then(
    (stats) => stats.total_heap_size + stats.externally_allocated_size,
    () => Number.POSITIVE_INFINITY,
  );
  const unanswered = new Promise<number>((resolve) =>
    setTimeout(() => {
      const cpuAfter = cpuTimeOf(isolate);
      resolve(cpuBefore === undefined || cpuAfter === undefined || cpuAfter !== cpuBefore ? Number.POSITIVE_INFINITY : 0);
    }, heapProbeMs).unref(),
  );
  return Promise.race([probe, unanswered]);
}

/** The isolate's CPU time so far; undefined once it is disposed. */
function cpuTimeOf(isolate: ivm.Isolate): bigint | undefined {
  try {
    return isolate.cpuTime;
  } catch {
    return undefined;
  }
}

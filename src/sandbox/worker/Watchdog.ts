import type ivm from 'isolated-vm';
import type { SandboxLimits } from '../Sandbox.ts';

/** How often CPU time is sampled: the budget may be overrun by about this much. */
const cpuSampleMs = 20;

/**
 * Ends an execution by disposing its isolate: at the wall-clock deadline (even while the code awaits
 * a tool that never answers) or once the isolate has burnt its CPU budget. `reason` says which fired.
 */
export class Watchdog {
  reason: 'deadline' | 'cpu' | undefined;
  readonly #deadline: NodeJS.Timeout;
  readonly #cpuSampler: NodeJS.Timeout;

  constructor(isolate: ivm.Isolate, limits: SandboxLimits) {
    const stop = (reason: 'deadline' | 'cpu') => {
      if (this.reason !== undefined || isolate.isDisposed) return;
      this.reason = reason;
      isolate.dispose();
    };
    this.#deadline = setTimeout(() => stop('deadline'), limits.timeoutMs);
    const budgetNs = BigInt(limits.cpuTimeMs) * 1_000_000n;
    const startNs = isolate.cpuTime;
    this.#cpuSampler = setInterval(() => {
      if (!isolate.isDisposed && isolate.cpuTime - startNs > budgetNs) stop('cpu');
    }, cpuSampleMs);
  }

  stop(): void {
    clearTimeout(this.#deadline);
    clearInterval(this.#cpuSampler);
  }
}

import ivm from 'isolated-vm';
import { preludeFilename } from '../prelude/bridgeNames.ts';

export interface PooledIsolate {
  readonly isolate: ivm.Isolate;
  /** The prelude compiled once for this isolate; run in every new context. */
  readonly prelude: ivm.Script;
  readonly memoryMb: number;
  uses: number;
}

/**
 * Warm isolates, one per concurrent execution: creating an isolate costs milliseconds, a context in a
 * warm one far less. An isolate serves one execution at a time (a deadline disposes the whole isolate,
 * which must not take a neighbour down) and is retired after `maxUses` or whenever it was disposed.
 */
export class IsolatePool {
  readonly #idle: PooledIsolate[] = [];
  readonly #preludeSource: string;
  readonly #maxUses: number;
  readonly #maxIdle: number;

  constructor(preludeSource: string, options: { maxUses?: number; maxIdle?: number } = {}) {
    this.#preludeSource = preludeSource;
    this.#maxUses = options.maxUses ?? 500;
    this.#maxIdle = options.maxIdle ?? 4;
  }

  acquire(memoryMb: number): PooledIsolate {
    const index = this.#idle.findIndex((entry) => entry.memoryMb === memoryMb && !entry.isolate.isDisposed);
    const pooled = index >= 0 ? this.#idle.splice(index, 1)[0]! : this.#create(memoryMb);
    pooled.uses += 1;
    return pooled;
  }

  release(pooled: PooledIsolate): void {
    if (pooled.isolate.isDisposed) return;
    if (pooled.uses >= this.#maxUses || this.#idle.length >= this.#maxIdle) {
      pooled.isolate.dispose();
      return;
    }
    this.#idle.push(pooled);
  }

  /** Prepares one isolate ahead of need, so the first execution does not pay for it. */
  warm(memoryMb: number): void {
    if (this.#idle.some((entry) => entry.memoryMb === memoryMb)) return;
    this.#idle.push(this.#create(memoryMb));
  }

  dispose(): void {
    for (const entry of this.#idle.splice(0)) if (!entry.isolate.isDisposed) entry.isolate.dispose();
  }

  #create(memoryMb: number): PooledIsolate {
    const isolate = new ivm.Isolate({
      memoryLimit: memoryMb,
      onCatastrophicError: (message) => {
        // isolated-vm's advice: V8 lost control of an isolate; this process cannot be trusted anymore.
        process.stderr.write(`code-goat sandbox worker: catastrophic isolate error: ${message}\n`);
        process.abort();
      },
    });
    const prelude = isolate.compileScriptSync(this.#preludeSource, { filename: preludeFilename });
    return { isolate, prelude, memoryMb, uses: 0 };
  }
}

import ivm from 'isolated-vm';
import { bridgeGlobals, type Dropped, type Log, type ResolveCall, type StartCall, type Unsettled } from '../prelude/bridge.ts';

/** Where a prepared context's calls and console lines go: the execution that took it. */
export interface BridgeTarget {
  /** `StartCall`'s values, four per call. */
  start(calls: readonly (number | string)[]): void;
  /** False once the output budget is spent (see `Log`). */
  log(level: string, message: string): boolean;
  dropped(lines: number, bytes: number): void;
  /** The calls the code left unanswered when it settled (see `Unsettled`). */
  unsettled(calls: number): void;
}

/**
 * A fresh context of an isolate with the prelude already run in it for one set of bindings: the
 * worker's half of the bridge installed (`StartCall` and `Log` forward to whichever execution takes
 * the context), the bindings read, `mcpTools` and `console` built, and the prelude's `ResolveCall`
 * taken off the global object. Running the prelude is most of what starting an execution costs (about
 * 0.4 ms of a 1 ms start), so the pool prepares the next context while the isolate is idle, for the
 * bindings the last execution had, and an execution with the same bindings starts straight at its
 * own code. Only our own code has run in a prepared context; each serves one execution.
 */
export class PreparedContext {
  readonly context: ivm.Context;
  /** The JSON of the bindings the prelude read: an execution takes the context only for these. */
  readonly bindingsJson: string;
  #resolver: ivm.Reference<ResolveCall> | undefined;
  #target: BridgeTarget | undefined;
  #released = false;

  private constructor(context: ivm.Context, bindingsJson: string) {
    this.context = context;
    this.bindingsJson = bindingsJson;
    const jail = context.global;
    // The prelude only captures these; they are first called by the code, after an execution attached itself.
    const startCall: StartCall = (...calls) => this.#target?.start(calls);
    const log: Log = (level, message) => this.#target?.log(level, message);
    const dropped: Dropped = (lines, bytes) => this.#target?.dropped(lines, bytes);
    const unsettled: Unsettled = (calls) => this.#target?.unsettled(calls);
    jail.setSync(bridgeGlobals.callTool, new ivm.Callback(startCall, { ignored: true }));
    jail.setSync(bridgeGlobals.log, new ivm.Callback(log));
    // Synchronous like `Log`: the last report, made as the code settles, is in before its result is read.
    jail.setSync(bridgeGlobals.dropped, new ivm.Callback(dropped));
    // Synchronous too: the count is in before the settlement is read.
    jail.setSync(bridgeGlobals.unsettled, new ivm.Callback(unsettled));
    jail.setSync(bridgeGlobals.bindings, bindingsJson);
  }

  /**
   * A new context of `isolate` (or `context`, made on the isolate's thread) with `prelude` run in it for
   * `bindingsJson`. The context is made on the isolate's own thread (about 0.6 ms of V8's work, beside
   * this one); the rest runs here, synchronously, on an isolate that runs nothing else: each
   * asynchronous crossing is two thread switches, which cost more than running our prelude here.
   */
  static async prepare(isolate: ivm.Isolate, prelude: ivm.Script, bindingsJson: string, context?: ivm.Context): Promise<PreparedContext> {
    const prepared = new PreparedContext(context ?? (await isolate.createContext()), bindingsJson);
    try {
      prelude.runSync(prepared.context);
      const jail = prepared.context.global;
      prepared.#resolver = jail.getSync(bridgeGlobals.resolveCall, { reference: true }) as ivm.Reference<ResolveCall>;
      jail.deleteSync(bridgeGlobals.resolveCall);
      return prepared;
    } catch (error) {
      prepared.release();
      throw error;
    }
  }

  /** The execution that takes this context: its calls and log lines go there from now on. */
  attach(target: BridgeTarget): ivm.Reference<ResolveCall> {
    if (this.#target !== undefined || this.#resolver === undefined) throw new Error('a prepared context serves one execution');
    this.#target = target;
    return this.#resolver;
  }

  /** Once; a context whose isolate was disposed meanwhile (deadline, memory) has nothing left to release. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#target = undefined;
    try {
      this.#resolver?.release();
      this.context.release();
    } catch {
      // The isolate is gone, and its handles with it.
    }
    this.#resolver = undefined;
  }
}

import ivm from 'isolated-vm';
import type { ErrorCode } from '../../errors.ts';
import type { LogLevel } from '../ExecutionResult.ts';
import type { SandboxLimits, ToolBindings, ToolCallOutcome } from '../Sandbox.ts';
import { bridgeGlobals, isolateRaisedError, type Log, type ResolveCall, type StartCall } from '../prelude/bridge.ts';
import type { ToolCallAnswer, ToolCallRequest } from '../workerMessages.ts';
import type { OutputCollector } from './OutputCollector.ts';

/** The worker's side of one execution's calls: how they leave for the host, and where the answers arrive. */
export interface CallChannel {
  /** Hands a call the isolate started to the host, under the id the isolate gave it. */
  send(call: ToolCallRequest): void;
  /** Registers where the host's answers to this execution's calls are delivered (once, for the execution's life). */
  onAnswer(deliver: (answer: ToolCallAnswer) => void): void;
}

/**
 * The worker's half of the bridge of prelude/bridge.ts, for one execution: it puts `StartCall`, `Log`
 * and the bindings on a fresh context's global object and, once the prelude ran, takes the prelude's
 * `ResolveCall` off it. Calls past `maxToolCalls` are answered here; the others go to the host under
 * the isolate's call id, and the host's answer comes back in under the same id.
 */
export class Bridge {
  /** Error codes the bridge handed to the code: the only ones a failure may report (see readSettlement). */
  readonly deliveredCodes = new Set<ErrorCode>([isolateRaisedError.code]);
  readonly #context: ivm.Context;
  readonly #limits: SandboxLimits;
  readonly #channel: CallChannel;
  /** Ids of the calls sent to the host and not answered yet. */
  readonly #outstanding = new Set<number>();
  #calls = 0;
  #resolver: ivm.Reference<ResolveCall> | undefined;
  #finished = false;
  /** Answers of this turn, waiting to cross into the isolate together (see `ResolveCall`). */
  #answers: (number | string)[] = [];

  constructor(context: ivm.Context, input: { bindings: ToolBindings; limits: SandboxLimits; calls: CallChannel }, output: OutputCollector) {
    this.#context = context;
    this.#limits = input.limits;
    this.#channel = input.calls;
    const jail = context.global;
    const startCall: StartCall = (...calls) => {
      for (let i = 0; i + 3 < calls.length; i += 4) this.#start(Number(calls[i]), String(calls[i + 1]), String(calls[i + 2]), String(calls[i + 3]));
    };
    const log: Log = (level, message) => output.add(asLevel(level), String(message));
    jail.setSync(bridgeGlobals.callTool, new ivm.Callback(startCall, { ignored: true }));
    jail.setSync(bridgeGlobals.log, new ivm.Callback(log));
    jail.setSync(bridgeGlobals.bindings, JSON.stringify(input.bindings));
    this.#channel.onAnswer(({ callId, outcomeJson, failureCode }) => {
      // Only calls this bridge sent are answered, each once.
      if (this.#outstanding.delete(callId)) this.#answer(callId, outcomeJson, failureCode);
    });
  }

  /** After the prelude ran: keeps a reference to its resolver and removes it from the global object before the code runs. */
  takeResolver(): void {
    const jail = this.#context.global;
    this.#resolver = jail.getSync(bridgeGlobals.resolveCall, { reference: true }) as ivm.Reference<ResolveCall>;
    jail.deleteSync(bridgeGlobals.resolveCall);
  }

  /** Ends the bridge: later answers are dropped. True when no call was left unanswered. */
  finish(): boolean {
    this.#finished = true;
    this.#resolver?.release();
    this.#resolver = undefined;
    return this.#outstanding.size === 0;
  }

  #start(callId: number, server: string, tool: string, argsJson: string): void {
    if (this.#finished) return;
    this.#calls += 1;
    if (this.#calls > this.#limits.maxToolCalls) {
      const limit: ToolCallOutcome = {
        ok: false,
        code: 'TOOL_CALL_LIMIT',
        message: `Tool call limit reached: an execution may make at most ${this.#limits.maxToolCalls} calls (codeMode.maxToolCalls).`,
      };
      this.#answer(callId, JSON.stringify(limit), limit.code);
      return;
    }
    this.#outstanding.add(callId);
    this.#channel.send({ callId, server, tool, argsJson });
  }

  /**
   * Hands the isolate the answer to `callId`: JSON text, which the prelude parses there. The answers
   * of one turn (a batch from the host) cross in one go, once this turn's synchronous work is done.
   */
  #answer(callId: number, outcomeJson: string, failureCode: ErrorCode | undefined): void {
    if (this.#resolver === undefined) return;
    if (failureCode !== undefined) this.deliveredCodes.add(failureCode);
    this.#answers.push(callId, outcomeJson);
    if (this.#answers.length === 2) queueMicrotask(() => this.#deliverAnswers());
  }

  #deliverAnswers(): void {
    const answers = this.#answers;
    this.#answers = [];
    if (this.#resolver === undefined || answers.length === 0) return;
    try {
      this.#resolver.applyIgnored(undefined, answers);
    } catch {
      // The isolate was disposed (deadline, memory): the answers have nobody left to read them.
    }
  }
}

const levels = new Set<string>(['log', 'info', 'warn', 'error', 'debug'] satisfies LogLevel[]);
function asLevel(level: string): LogLevel {
  return levels.has(level) ? (level as LogLevel) : 'log';
}

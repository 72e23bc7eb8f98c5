import type ivm from 'isolated-vm';
import type { ErrorCode } from '../../errors.ts';
import type { LogLevel } from '../ExecutionResult.ts';
import type { SandboxLimits, ToolCallOutcome } from '../Sandbox.ts';
import { isolateRaisedError, type ResolveCall } from '../prelude/bridge.ts';
import type { ToolCallAnswer, ToolCallRequest } from '../workerMessages.ts';
import type { OutputCollector } from './OutputCollector.ts';
import type { PreparedContext } from './PreparedContext.ts';
import { serverDefaults } from '../../config/defaults.ts';

/** The worker's side of one execution's calls: how they leave for the host, and where the answers arrive. */
export interface CallChannel {
  /** Hands a call the isolate started to the host, under the id the isolate gave it. */
  send(call: ToolCallRequest): void;
  /** Registers where the host's answers to this execution's calls are delivered (once, for the execution's life). */
  onAnswer(deliver: (answer: ToolCallAnswer) => void): void;
}

/**
 * The worker's half of the bridge of prelude/bridge.ts, for one execution, on a context the prelude
 * already ran in (see PreparedContext): the code's calls and console lines come here, and answers go
 * back through the prelude's `ResolveCall`. Calls past `maxToolCalls` are answered here; the others go
 * to the host under the isolate's call id, and the host's answer comes back in under the same id.
 */
export class Bridge {
  /** Error codes the bridge handed to the code: the only ones a failure may report (see readSettlement). */
  readonly deliveredCodes = new Set<ErrorCode>([isolateRaisedError.code]);
  readonly #limits: SandboxLimits;
  readonly #channel: CallChannel;
  /** Ids of the calls sent to the host and not answered yet. */
  readonly #outstanding = new Set<number>();
  #calls = 0;
  #resolver: ivm.Reference<ResolveCall> | undefined;
  #finished = false;
  /** Answers of this turn, waiting to cross into the isolate together (see `ResolveCall`). */
  #answers: (number | string)[] = [];

  constructor(prepared: PreparedContext, input: { limits: SandboxLimits; calls: CallChannel }, output: OutputCollector) {
    this.#limits = input.limits;
    this.#channel = input.calls;
    this.#resolver = prepared.attach({
      start: (calls) => {
        for (let i = 0; i + 3 < calls.length; i += 4) this.#start(Number(calls[i]), String(calls[i + 1]), String(calls[i + 2]), String(calls[i + 3]));
      },
      log: (level, message) => output.add(asLevel(level), String(message)),
      dropped: (lines, bytes) => output.addDropped(lines, bytes),
      unsettled: (calls) => output.addUnsettled(calls),
    });
    this.#channel.onAnswer(({ callId, outcomeJson, failureCode }) => {
      // Only calls this bridge sent are answered, each once.
      if (this.#outstanding.delete(callId)) this.#answer(callId, outcomeJson, failureCode);
    });
  }

  /** Ends the bridge: later answers are dropped (the context's owner releases the resolver). True when no call was left unanswered. */
  finish(): boolean {
    this.#finished = true;
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
    // Counted before anything else reads them: such a call never crosses to the host (see maxArgumentBytes).
    const argsBytes = Buffer.byteLength(argsJson);
    if (argsBytes > serverDefaults.maxArgumentBytes) {
      const tooLarge: ToolCallOutcome = {
        ok: false,
        code: 'INVALID_ARGUMENTS',
        message: `${server}.${tool}: invalid arguments: their JSON is ${argsBytes} bytes, more than the ${serverDefaults.maxArgumentBytes} a call may send (maxArgumentBytes); send less per call`,
      };
      this.#answer(callId, JSON.stringify(tooLarge), tooLarge.code);
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

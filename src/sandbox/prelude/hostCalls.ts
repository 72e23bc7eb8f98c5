/**
 * The isolate's half of a tool call (see `StartCall` and `ResolveCall` in bridge.ts): ids, the calls in
 * flight, the queue that lets the calls of one turn cross together, and the answers coming back.
 * Part of the prelude: it runs before the submitted code, so the builtins it captures are the real ones.
 */
import type { ResolveCall, StartCall } from './bridge.ts';

// Captured now, so code that later replaces them only changes what it itself sees.
const reflectApply = Reflect.apply;
const objectCreate = Object.create;
const PromiseConstructor = Promise;

/** Values (four a call) past which the queue crosses at once: an argument list stays far below what one crossing can carry. */
const maxQueuedValues = 4 * 1024;

/**
 * Calls started in a turn after its first, waiting to cross together: an array-like record with no
 * prototype, handed to the captured `Reflect.apply` as the argument list, so no method or setter the
 * code can replace is on this path.
 */
type CallQueue = { length: number; [index: number]: number | string };

function emptyQueue(): CallQueue {
  const queue = objectCreate(null) as CallQueue;
  queue.length = 0;
  return queue;
}

/**
 * `callHost` starts a call and resolves with the JSON of its outcome; `resolveCall` is what the worker
 * delivers answers through. The first call of a turn crosses at once, so a lone call (code that awaits
 * each) waits for nothing and a call followed by long synchronous work is under way meanwhile; the
 * others of a `Promise.all` follow as soon as the code yields, at most 1,024 to a crossing.
 */
export function createHostCalls(startCall: StartCall): {
  callHost(server: string, tool: string, argsJson: string): Promise<string>;
  resolveCall: ResolveCall;
  /** Calls started and not answered yet. */
  unsettledCalls(): number;
} {
  // Calls in flight: a null-prototype record, so no method the code can replace is on this path.
  const inFlight: Record<number, (outcomeJson: string) => void> = objectCreate(null);
  let nextCallId = 0;
  let unsettled = 0;
  let queued = emptyQueue();
  let turnStarted = false;

  const flushQueued = (): void => {
    if (queued.length === 0) return;
    const calls = queued;
    queued = emptyQueue();
    reflectApply(startCall, undefined, calls as unknown as (number | string)[]);
  };

  // Runs once the code's current turn is over: `await` on a plain value consults nothing the code can replace.
  const endOfTurn = async (): Promise<void> => {
    await undefined;
    turnStarted = false;
    flushQueued();
  };

  const callHost = (server: string, tool: string, argsJson: string): Promise<string> =>
    new PromiseConstructor<string>((resolve) => {
      const callId = nextCallId++;
      inFlight[callId] = resolve;
      unsettled++;
      if (!turnStarted) {
        turnStarted = true;
        startCall(callId, server, tool, argsJson);
        void endOfTurn();
        return;
      }
      const at = queued.length;
      queued[at] = callId;
      queued[at + 1] = server;
      queued[at + 2] = tool;
      queued[at + 3] = argsJson;
      queued.length = at + 4;
      if (queued.length >= maxQueuedValues) flushQueued();
    });

  const resolveCall: ResolveCall = (...answers) => {
    for (let i = 0; i + 1 < answers.length; i += 2) {
      const callId = answers[i] as number;
      const settle = inFlight[callId];
      if (settle === undefined) continue;
      delete inFlight[callId];
      unsettled--;
      settle(answers[i + 1] as string);
    }
  };

  return { callHost, resolveCall, unsettledCalls: () => unsettled };
}

/**
 * Runs inside the isolate, once per execution context, before the submitted code.
 * Bundled to one script at build time (scripts/bundlePrelude.ts writes worker/preludeScript.ts);
 * it must use nothing but plain JavaScript. The bridge it talks through is declared in bridge.ts.
 *
 * It takes the bridge functions the worker put on the global object, removes them, and builds
 * what the model's code sees: a frozen `mcpTools`, a `console` that reports its lines to the worker
 * (and only counts those past the output budget), and `ToolError`. Everything that crosses to the host is a JSON string, so no object of the
 * isolate (getter, Proxy, toJSON) is ever touched outside it.
 */
import type { ErrorCode } from '../../errors.ts';
import type { ToolBindings } from '../Sandbox.ts';

/** Where one method's calls go. */
type ToolTarget = { readonly server: string; readonly tool: string };
import { bridgeGlobals, droppedReportEvery, type BridgeOutcome, type Dropped, type Log, type Run, type Settlement, type StartCall, type Unsettled } from './bridge.ts';
import { carriesBridgeCode, failureError, PolicyError, RateLimitError, ToolError, UnknownToolError } from './callErrors.ts';
import { createHostCalls } from './hostCalls.ts';
import { closeUnmeteredMemory } from './closeUnmeteredMemory.ts';
import { formatLogArguments } from './formatLogArguments.ts';
import { closestNames } from '../../text/closestNames.ts';
import { someNames } from '../../text/someNames.ts';

const global = globalThis as unknown as Record<string, unknown>;
const startCall = global[bridgeGlobals.callTool] as StartCall;
const logBridge = global[bridgeGlobals.log] as Log;
const droppedBridge = global[bridgeGlobals.dropped] as Dropped;
const unsettledBridge = global[bridgeGlobals.unsettled] as Unsettled;
const parsedBindings = JSON.parse(global[bridgeGlobals.bindings] as string) as ToolBindings;
const bindings = parsedBindings.namespaces;
const unavailable: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, parsedBindings.unavailable);
const connecting: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, parsedBindings.connecting);
delete global[bridgeGlobals.callTool];
delete global[bridgeGlobals.log];
delete global[bridgeGlobals.dropped];
delete global[bridgeGlobals.unsettled];
delete global[bridgeGlobals.bindings];

// Captured now, so code that later replaces JSON or Object only changes what it itself sees.
const stringify = JSON.stringify;
const parse = JSON.parse;
const freeze = Object.freeze;
const keysOf = Object.keys;
const reflectGet = Reflect.get;

closeUnmeteredMemory();

const { callHost, resolveCall, unsettledCalls } = createHostCalls(startCall);
// The worker takes this function from the global object and removes it before the code runs.
global[bridgeGlobals.resolveCall] = resolveCall;

// Keys that language machinery probes (await, JSON, string conversion): answer "absent" instead of throwing.
// A null-prototype record rather than a Set: no method the code can replace is consulted.
const probedKeys: Record<string, true> = Object.create(null);
for (const key of ['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect', 'asymmetricMatch', '$$typeof']) probedKeys[key] = true;

function makeToolFunction(namespace: string, method: string, server: string, tool: string) {
  const call = async (args?: unknown): Promise<unknown> => {
    const argsJson = args === undefined ? '{}' : stringify(args);
    if (typeof argsJson !== 'string' || argsJson[0] !== '{') {
      throw new TypeError(`mcpTools.${namespace}.${method} takes one object of arguments, got ${argsJson ?? typeof args}`);
    }
    const outcome = parse(await callHost(server, tool, argsJson)) as BridgeOutcome;
    if (!outcome.ok) throw failureError(server, tool, outcome);
    return outcome.value;
  };
  Object.defineProperty(call, 'name', { value: method });
  return freeze(call);
}

function refuseWrite(): never {
  throw new TypeError('mcpTools is read-only');
}
/** The traps every mcpTools proxy shares: code reads the API, never changes it. */
const readOnlyTraps = { set: refuseWrite, defineProperty: refuseWrite, deleteProperty: refuseWrite, setPrototypeOf: refuseWrite };

function guarded<T extends object>(target: T, describe: (key: string) => string): T {
  return new Proxy(target, {
    ...readOnlyTraps,
    get(object, key, receiver) {
      if (typeof key === 'symbol' || key in object || probedKeys[key] === true) return reflectGet(object, key, receiver);
      throw new UnknownToolError(describe(key));
    },
  });
}

function didYouMean(wanted: string, candidates: string[]): string {
  const near = closestNames(wanted, candidates);
  return near.length > 0 ? ` Did you mean ${near.join(', ')}?` : '';
}

/** A namespace whose server is still connecting: each method name becomes a call the host resolves to a tool (or refuses) once the server is up. */
function pendingNamespace(namespace: string, server: string): unknown {
  const made: Record<string, unknown> = Object.create(null);
  return new Proxy(freeze(Object.create(null) as object), {
    ...readOnlyTraps,
    get(_object, key) {
      if (typeof key === 'symbol' || probedKeys[key] === true) return undefined;
      return (made[key] ??= makeToolFunction(namespace, key, server, key));
    },
  });
}

/**
 * A namespace of ready tools, each method's function made the first time the code reads it. A context is
 * prepared for every execution, and most code calls a few of a namespace's tools: making all of them up
 * front cost some 2.4 µs a tool, 1.2 ms per execution for a server of 500 (see bench/README.md). The
 * methods are the target's own keys from the start, in the bindings' order (so `in`, `Object.keys` and
 * the error's list of tools read them as they are), with the binding as a placeholder value the code
 * never sees: every read of a value, by `get` or by a descriptor, answers the made function, the same
 * one each time. The target is closed to new keys; its keys stay configurable, which is what lets the
 * descriptor answer a value the target does not hold, so the namespace reads as read-only, not frozen.
 */
function toolNamespace(namespace: string, methods: Readonly<Record<string, ToolTarget | undefined>>): unknown {
  const placeholders: Record<string, ToolTarget> = Object.create(null);
  for (const method of keysOf(methods)) {
    const target = methods[method];
    if (target) placeholders[method] = target;
  }
  Object.preventExtensions(placeholders);
  const made: Record<string, unknown> = Object.create(null);
  const functionOf = (method: string): unknown => {
    const target = placeholders[method]!;
    return (made[method] ??= makeToolFunction(namespace, method, target.server, target.tool));
  };
  return new Proxy(placeholders, {
    ...readOnlyTraps,
    get(object, key, receiver) {
      if (typeof key === 'string' && key in object) return functionOf(key);
      if (typeof key === 'symbol' || probedKeys[key] === true) return reflectGet(object, key, receiver);
      const known = keysOf(object);
      const hint = didYouMean(key, known);
      throw new UnknownToolError(`mcpTools.${namespace}.${key} is not a tool.${hint || ` Tools of ${namespace}: ${someNames(known, key)}.`}`);
    },
    getOwnPropertyDescriptor(object, key) {
      if (typeof key === 'string' && key in object) return { value: functionOf(key), writable: false, enumerable: true, configurable: true };
      return undefined;
    },
  });
}

function buildMcpTools(): unknown {
  const namespaces: Record<string, unknown> = Object.create(null);
  for (const namespace of keysOf(bindings)) namespaces[namespace] = toolNamespace(namespace, bindings[namespace] ?? {});
  const known = keysOf(namespaces);
  // Servers still connecting: their methods are not known yet, so any name is a call, resolved by the
  // host once the server is up. Not enumerable: they are not in the API (yet).
  for (const namespace of keysOf(connecting)) {
    if (namespace in namespaces) continue;
    Object.defineProperty(namespaces, namespace, { value: pendingNamespace(namespace, connecting[namespace] ?? namespace), enumerable: false });
  }
  return guarded(freeze(namespaces), (key) => {
    const down = unavailable[key];
    if (down !== undefined) return `mcpTools.${key} is not available now: ${down}`;
    // A tool name used as a namespace is a common slip: point at where it lives.
    const owners = known.filter((namespace) => key in (bindings[namespace] ?? {}));
    if (owners.length > 0) return `mcpTools.${key} is not a namespace; ${key} is a tool of ${owners.map((ns) => `mcpTools.${ns}`).join(', ')}.`;
    const hint = didYouMean(key, known);
    return `mcpTools.${key} is not a namespace.${hint || ` Namespaces: ${someNames(known, key) || '(none)'}.`}`;
  });
}

/** Lines past the output budget, counted here and not yet reported (see `Dropped`). */
const droppedLines = { full: false, lines: 0, bytes: 0 };

function reportDropped(): void {
  if (droppedLines.lines === 0) return;
  const { lines, bytes } = droppedLines;
  droppedLines.lines = 0;
  droppedLines.bytes = 0;
  droppedBridge(lines, bytes);
}

function buildConsole(): unknown {
  const make = (level: string) => (...args: unknown[]) => {
    const line = formatLogArguments(args);
    if (!droppedLines.full) {
      droppedLines.full = logBridge(level, line) === false;
      return;
    }
    droppedLines.lines += 1;
    droppedLines.bytes += utf8Length(line) + 1;
    if (droppedLines.lines >= droppedReportEvery) reportDropped();
  };
  return freeze({ log: make('log'), info: make('info'), warn: make('warn'), error: make('error'), debug: make('debug') });
}

/** Bytes of `text` in UTF-8 (a lone surrogate as the 3 bytes of U+FFFD), with no TextEncoder in the isolate. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 2 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

// What of a thrown error goes to the host: the worker reads one line of the message and about fifty
// frames, and a deep recursion under `Error.stackTraceLimit = Infinity` must still report itself. Each
// stack line is cut too: its first line holds the message, and a message of a megabyte (a tool's error
// text, a thrown string) made the failure larger than a return value may be, reported as RETURN_TOO_LARGE.
const maxMessageLength = 2_000;
const maxStackLines = 200;

function describeThrown(error: unknown): Settlement {
  try {
    if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
      const e = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
      return {
        ok: false,
        name: String(e.name ?? 'Error').slice(0, maxMessageLength),
        message: String(e.message ?? '').slice(0, maxMessageLength),
        ...(typeof e.stack === 'string' ? { stack: boundedStack(e.stack) } : {}),
        ...(carriesBridgeCode(error) ? { code: String(error.code) as ErrorCode } : {}),
      };
    }
    return { ok: false, name: 'Error', message: `Uncaught ${formatLogArguments([error])}`.slice(0, maxMessageLength) };
  } catch {
    return { ok: false, name: 'Error', message: 'Uncaught exception that could not be described' };
  }
}

/** At most `maxStackLines` lines of `stack`, each at most `maxMessageLength` characters. */
function boundedStack(stack: string): string {
  const lines = stack.split('\n', maxStackLines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.length > maxMessageLength) lines[i] = `${line.slice(0, maxMessageLength)}…`;
  }
  return lines.join('\n');
}

/**
 * Writes a failure. Never throws: `Object.prototype.toJSON` can make stringify recurse or throw, and a
 * runner that rejected would be reported as a failure of the sandbox rather than of the code.
 */
function failureJson(settlement: Settlement): string {
  try {
    return stringify(settlement);
  } catch {
    return '{"ok":false,"name":"Error","message":"Uncaught exception that could not be described"}';
  }
}

/** The settlement's JSON, once whatever writing it ran (a getter, `toJSON`) is over: then the calls still unanswered are counted. */
function settled(json: string): string {
  reportDropped();
  const unsettled = unsettledCalls();
  if (unsettled > 0) unsettledBridge(unsettled);
  return json;
}

const run: Run = async (main) => {
  delete global[bridgeGlobals.run];
  let value: unknown;
  try {
    value = await main();
  } catch (error) {
    return settled(failureJson(describeThrown(error)));
  }
  try {
    const json = value === undefined ? undefined : stringify(value);
    return settled(json === undefined ? '{"ok":true}' : `{"ok":true,"value":${json}}`);
  } catch (error) {
    const reason = describeThrown(error);
    const message = reason.ok ? '' : reason.message;
    return settled(failureJson({ ok: false, name: 'TypeError', message: `The return value is not JSON-serializable: ${message}` }));
  }
};

Object.defineProperties(globalThis, {
  mcpTools: { value: buildMcpTools(), enumerable: false, writable: false, configurable: false },
  console: { value: buildConsole(), enumerable: false, writable: false, configurable: false },
  ToolError: { value: ToolError, enumerable: false, writable: false, configurable: false },
  PolicyError: { value: PolicyError, enumerable: false, writable: false, configurable: false },
  RateLimitError: { value: RateLimitError, enumerable: false, writable: false, configurable: false },
  [bridgeGlobals.run]: { value: run, enumerable: false, writable: false, configurable: true },
});

/**
 * A server's message past `serverDefaults.maxResultBytes` is never held whole, on any transport: its
 * bytes are dropped as they arrive, keeping only its two ends, and the request it answers gets a
 * JSON-RPC error in its place (`tooLarge`). The id of that request is read off the ends, where SDKs
 * write it: `{"jsonrpc":"2.0","id":…` (Python, and most others) or `…,"id":…}` (TypeScript).
 */

/** A JSON-RPC request id. */
export type JsonRpcId = string | number;

/** Bytes kept of each end of a message past the cap: enough to find its JSON-RPC id. */
export const edgeBytes = 512;

/** The last `edgeBytes` of `tail` followed by `bytes` (copied: nothing else of `bytes` is held). */
export function keepTail(tail: Uint8Array, bytes: Uint8Array): Uint8Array {
  const joined = Buffer.concat([tail, bytes.subarray(Math.max(0, bytes.byteLength - edgeBytes))]);
  return joined.subarray(Math.max(0, joined.byteLength - edgeBytes));
}

/** The JSON-RPC error that stands in for an answer past the cap. */
export function tooLarge(id: JsonRpcId, maxBytes: number): { jsonrpc: '2.0'; id: JsonRpcId; error: { code: number; message: string } } {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: -32603, message: `the server's answer is larger than ${maxBytes} bytes (maxResultBytes); it was not read` },
  };
}

const idPattern = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
const headStart = String.raw`\{\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*${idPattern}`;
/** Where a message starts: a line of stdio, or the `data:` line of a server-sent event. */
const headId = { line: new RegExp(String.raw`^\s*${headStart}`), sseEvent: new RegExp(String.raw`^data:\s?${headStart}`, 'm') };
/** The id as the last member of the top-level object: only that object's closing brace may follow it. */
const tailId = new RegExp(String.raw`"id"\s*:\s*${idPattern}\s*\}\s*$`);

/** A request starts with its method, or with `jsonrpc` and `id` and then its method (as SDKs write them). */
const requestHead = new RegExp(String.raw`^\s*\{\s*(?:"method"\s*:|"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*${idPattern}\s*,\s*"method"\s*:)`);

/**
 * Whether a line seen only by its start is a request (which has a method), not an answer: the id a
 * request carries is its own, and an error standing in for it would answer a request of ours instead.
 */
export function startsAsRequest(head: Uint8Array): boolean {
  return requestHead.test(new TextDecoder().decode(head));
}

/**
 * The JSON-RPC id of a message seen only by its ends, when one of them shows it at the top level. The
 * patterns are linear and read at most `edgeBytes` each.
 */
export function idAtEdges(head: Uint8Array, tail: Uint8Array, framing: keyof typeof headId): JsonRpcId | undefined {
  const decoder = new TextDecoder();
  const match = headId[framing].exec(decoder.decode(head)) ?? tailId.exec(decoder.decode(tail));
  if (match?.[1] === undefined) return undefined;
  try {
    return JSON.parse(match[1]) as JsonRpcId;
  } catch {
    return undefined;
  }
}

import { isJSONRPCResponse } from '@modelcontextprotocol/client';
import type { JsonRpcId } from './oversizedAnswer.ts';
import { topLevelMembers, type JsonMember } from '../../text/jsonMembers.ts';
import { isPlainObject } from '../../config/ConfigIssue.ts';

/**
 * An answer that is JSON but not a JSON-RPC response the SDK accepts: a `result` that is not an object
 * (`null`, an array, a number), an `error` that is not `{ code: integer, message: string }`, both or
 * neither. The SDK reports such a message and drops it, and the request it answers then waited for its
 * deadline (a tool call, for the whole execution). It gets an error in its place instead, saying what
 * was wrong: one broken answer fails its own request, at once.
 */

/** The error that stands in for an answer that is not valid JSON-RPC. */
export function invalidAnswerError(id: JsonRpcId, why: string): { jsonrpc: '2.0'; id: JsonRpcId; error: { code: number; message: string } } {
  return { jsonrpc: '2.0', id, error: { code: -32603, message: `the answer is not valid JSON-RPC: ${why}` } };
}

/**
 * The id of the request `message` answers and what is wrong with it, when `message` (parsed JSON the
 * SDK refused) is meant as an answer: an object with a string or number `id` and no `method`. A
 * request or notification the SDK refused is not ours to answer (undefined: it is reported as before).
 */
export function invalidAnswer(message: unknown): { id: JsonRpcId; why: string } | undefined {
  if (!isPlainObject(message) || 'method' in message) return undefined;
  const { id } = message;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  return { id, why: whatIsWrong(message) };
}

const answerMembers = new Set(['jsonrpc', 'id', 'result', 'error']);

function whatIsWrong(message: Record<string, unknown>): string {
  const hasResult = 'result' in message;
  const hasError = 'error' in message;
  if (message['jsonrpc'] !== '2.0') return 'its "jsonrpc" member is not "2.0"';
  const extra = Object.keys(message).filter((key) => !answerMembers.has(key));
  if (extra.length > 0) return `it has members an answer does not have: ${extra.slice(0, 3).map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}`;
  if (typeof message['id'] === 'number' && !Number.isInteger(message['id'])) return 'its id is a number that is not an integer';
  if (hasResult && hasError) return 'it has both a result and an error';
  if (hasResult) return isPlainObject(message['result']) ? 'its result does not have the shape of one' : `its result is ${kindOf(message['result'])}, where an object is required`;
  if (hasError) return 'its error is not an object of an integer code and a string message';
  return 'it has neither a result nor an error';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * For a transport that passes messages on as text (an event stream, a JSON body): the error to pass on
 * instead of `text` when it is JSON meant as an answer but not valid JSON-RPC; undefined for anything
 * else (a valid message, text that is not JSON), which goes on as it was.
 */
export function errorInPlaceOf(text: string): ReturnType<typeof invalidAnswerError> | undefined {
  // Read by its top-level members first, without a parse: every answer of an event stream or a JSON
  // body passes here, and the SDK parses it again after. Only what is not plainly a result is parsed.
  const members = topLevelMembers(text);
  if (members === undefined || !members.some(({ key }) => key === 'id') || members.some(({ key }) => key === 'method')) return undefined;
  if (plainResultAnswer(text, members)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const answer = invalidAnswer(parsed);
  return answer === undefined || isJSONRPCResponse(parsed) ? undefined : invalidAnswerError(answer.id, answer.why);
}

/** `{"jsonrpc":"2.0","id":…,"result":{…}}` in any order and nothing else: an answer the SDK takes as it is. */
function plainResultAnswer(text: string, members: readonly JsonMember[]): boolean {
  if (members.length !== 3) return false;
  let jsonrpc = false;
  let id = false;
  let result = false;
  for (const { key, start, end } of members) {
    const first = text.charCodeAt(start);
    if (key === 'jsonrpc') jsonrpc = text.slice(start, end) === '"2.0"';
    else if (key === 'id') id = first === 0x22 || /^-?\d+$/.test(text.slice(start, end));
    else if (key === 'result') result = first === 0x7b;
  }
  return jsonrpc && id && result;
}

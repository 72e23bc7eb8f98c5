import { ProtocolErrorCode, STDIO_DEFAULT_MAX_BUFFER_SIZE, type JSONRPCMessage, type Server } from '@modelcontextprotocol/server';
import { serveStdio as serveStdioEntry, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { installLineReadBuffer, LineReadBuffer, type UnreadableLine } from '../servers/transport/LineReadBuffer.ts';
import type { JsonRpcId } from '../servers/transport/oversizedAnswer.ts';
import type { Gateway, ListKind } from './Gateway.ts';
import { stdioDefaults } from '../config/defaults.ts';

/**
 * Serves the gateway over this process's stdin/stdout (what Claude Desktop runs). stdout carries
 * only MCP messages; logs go to stderr. Resolves once the client has gone away.
 */
export async function serveGatewayOverStdio(gateway: Gateway): Promise<void> {
  let pinned: Server | undefined;
  const unreadableAnswers = new AnswerBudget(stdioDefaults.unreadableLineAnswersPerSecond, (unanswered) =>
    gateway.logger.warn('stdio lines that are no JSON-RPC message came faster than they are answered; the rest were dropped unanswered', { unanswered }),
  );
  // stdin read in time linear in a line's length: a client's 10 MB line must not hold the loop (LineReadBuffer.ts).
  // A request past the line limit is dropped as it arrives and answered with an error; the session goes on
  // (the SDK's buffer closed it, and the gateway with it, for one request too large).
  const transport = new StdioServerTransport();
  installLineReadBuffer(
    transport,
    new LineReadBuffer({
      maxBufferSize: maxRequestLineBytes,
      // The SDK drops a line it cannot read, and its sender waits for an answer forever: a request gets its
      // error (as over HTTP), within a bound: a flood of such lines (a log stream piped in by mistake) was
      // half a million answers a megabyte, queued in one turn, and the gateway ran out of memory.
      onUnreadableLine: (line) => {
        const reply = unreadableLineReply(line);
        if (reply !== undefined && unreadableAnswers.take()) void transport.send(reply).catch(() => {});
      },
      onOverlongLine: ({ bytes, id, request }) => {
        gateway.logger.warn('a stdio request was larger than a line may be; it was dropped', { bytes, limitBytes: maxRequestLineBytes });
        // Only a request is answered: an answer of the client's (to an approval question, say) with an id is not one.
        if (request && id !== undefined) void transport.send(requestTooLarge(id)).catch(() => {});
        return undefined;
      },
    }),
  );
  const handle = serveStdioEntry((ctx) => (pinned = gateway.createServer({ era: ctx.era })), {
    transport,
    onerror: (error) => gateway.logger.warn('stdio transport error', { error: error.message }),
  });
  const stopForwarding = gateway.onListChanged((kind) => {
    if (pinned) void notifyListChanged(pinned, kind).catch(() => {});
  });
  await new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  stopForwarding();
  await handle.close();
}

export function notifyListChanged(server: Server, kind: ListKind): Promise<void> {
  switch (kind) {
    case 'tools':
      return server.sendToolListChanged();
    case 'resources':
      return server.sendResourceListChanged();
    case 'prompts':
      return server.sendPromptListChanged();
  }
}

/** The longest request line read from the stdio client, in bytes: the SDK's own limit for a stdio line. */
const maxRequestLineBytes = STDIO_DEFAULT_MAX_BUFFER_SIZE;

/** The answer to a request that was too large to read: JSON-RPC "Invalid Request", saying why. */
function requestTooLarge(id: JsonRpcId): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: ProtocolErrorCode.InvalidRequest, message: `The request is larger than ${maxRequestLineBytes} bytes, the most a stdio message may be; it was not read. Send less in one request.` },
  };
}

/**
 * The answer to a line that is no message, as JSON-RPC says and the HTTP entry answers: not JSON, a
 * parse error; a batch, or a request the SDK refused (an id of the wrong kind, a bad member), an
 * invalid request, under its id when that is one a request may have. Undefined for a notification
 * (nobody waits for its answer) and for what is no request at all.
 */
export function unreadableLineReply(line: UnreadableLine): JSONRPCMessage | undefined {
  const error = (id: JsonRpcId | null, code: number, message: string) => ({ jsonrpc: '2.0', id, error: { code, message } }) as JSONRPCMessage;
  if (!line.json) return error(null, ProtocolErrorCode.ParseError, 'Parse error: the line is not JSON. Send one JSON-RPC message per line.');
  const { value } = line;
  if (Array.isArray(value)) return error(null, ProtocolErrorCode.InvalidRequest, 'Invalid Request: batches are not supported; send one JSON-RPC message per line.');
  if (typeof value !== 'object' || value === null) return error(null, ProtocolErrorCode.InvalidRequest, 'Invalid Request: a message is a JSON object.');
  const message = value as Record<string, unknown>;
  if (!('id' in message)) return undefined;
  const { id } = message;
  const validId = typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));
  return error(validId ? (id as JsonRpcId) : null, ProtocolErrorCode.InvalidRequest, `Invalid Request: ${validId ? 'its members are not those of a JSON-RPC 2.0 request' : 'its id must be a string or a whole number'}.`);
}

/**
 * At most `perSecond` answers a second, and none while stdout holds more than a megabyte unwritten (a
 * client that does not read): past either, lines are dropped, counted, and the count logged once a second.
 */
class AnswerBudget {
  readonly #perSecond: number;
  readonly #onDropped: (count: number) => void;
  #windowStart = 0;
  #given = 0;
  #dropped = 0;

  constructor(perSecond: number, onDropped: (count: number) => void) {
    this.#perSecond = perSecond;
    this.#onDropped = onDropped;
  }

  take(): boolean {
    const now = Date.now();
    if (now - this.#windowStart >= 1_000) {
      if (this.#dropped > 0) this.#onDropped(this.#dropped);
      this.#windowStart = now;
      this.#given = 0;
      this.#dropped = 0;
    }
    if (this.#given >= this.#perSecond || process.stdout.writableLength > maxUnwrittenStdoutBytes) {
      this.#dropped += 1;
      return false;
    }
    this.#given += 1;
    return true;
  }
}

const maxUnwrittenStdoutBytes = 1024 * 1024;

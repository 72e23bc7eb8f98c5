import { eventData, splitSseEvents } from './sseEvents.ts';
import { errorInPlaceOf } from './invalidAnswer.ts';
import { tooLarge, type JsonRpcId } from './oversizedAnswer.ts';

/**
 * A `fetch` for the SDK's Streamable HTTP and SSE transports that holds every message a server sends
 * to `maxBytes` (`serverDefaults.maxResultBytes`, the cap stdio has too), enforced while the body is
 * read, so an oversized answer never sits in memory whole:
 * - a JSON body is read up to the cap; past it the read stops and the request it answers gets a
 *   JSON-RPC error saying why, in place of the body;
 * - an event stream passes whole events; an event past the cap is dropped as it arrives, and the
 *   request it answers gets the same error. A stream that answers one POSTed request is cut there;
 *   a session's long-lived stream goes on with the next event;
 * - an answer that is JSON but not valid JSON-RPC (a `null` result, say), which the SDK would drop and
 *   leave its request waiting, is passed on as an error saying what was wrong (see invalidAnswer.ts).
 * The request's label (`server.tool`) is added by the request's own failure: `<label> failed: …`.
 */
export function cappedFetch(maxBytes: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (response.body === null) return response;
    const requestId = postedRequestId(init?.body);
    const contentType = response.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
    if (contentType === 'text/event-stream') {
      return rebuilt(response, response.body.pipeThrough(splitSseEvents(maxBytes, requestId, (id) => sseEvent(tooLarge(id, maxBytes)), eventOrError)));
    }
    const body = await readCapped(response.body, maxBytes);
    if (body !== undefined) {
      const error = contentType === 'application/json' ? errorInPlaceOf(new TextDecoder().decode(body)) : undefined;
      return rebuilt(response, error === undefined ? body : JSON.stringify(error));
    }
    if (requestId === undefined) throw new Error(`the server's answer is larger than ${maxBytes} bytes (maxResultBytes)`);
    return rebuilt(response, JSON.stringify(tooLarge(requestId, maxBytes)), 'application/json');
  };
}

/** The response with another body (already decoded: its length and encoding headers no longer apply). */
function rebuilt(response: Response, body: ConstructorParameters<typeof Response>[0], contentType?: string): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  if (contentType !== undefined) headers.set('content-type', contentType);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** The event, or one carrying the error in place of an answer that is not valid JSON-RPC (see invalidAnswer.ts). */
function eventOrError(event: Uint8Array): Uint8Array {
  const data = eventData(event);
  const error = data === undefined ? undefined : errorInPlaceOf(data);
  return error === undefined ? event : sseEvent(error);
}

function sseEvent(message: unknown): Uint8Array {
  return new TextEncoder().encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}

/** The body whole, or `undefined` once it passes `maxBytes` (the rest is never read). */
async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The id of the one JSON-RPC request a POST carries (the SDK sends a string body), if it carries one. */
function postedRequestId(body: unknown): JsonRpcId | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = JSON.parse(body) as { id?: unknown; method?: unknown };
    return typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number') ? message.id : undefined;
  } catch {
    return undefined;
  }
}

import { SdkHttpError, StreamableHTTPClientTransport, type Client } from '@modelcontextprotocol/client';

/**
 * Streamable HTTP: a server that no longer knows a session answers requests carrying its id with
 * 404 (it restarted, or expired the session); the client must then start a new session. Such a
 * request was never processed, so sending it again on the new session is safe.
 */
export function isSessionExpired(error: unknown, client: Client): boolean {
  const transport = client.transport;
  return (
    error instanceof SdkHttpError &&
    error.status === 404 &&
    transport instanceof StreamableHTTPClientTransport &&
    transport.sessionId !== undefined
  );
}

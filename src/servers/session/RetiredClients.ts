import type { Client } from '@modelcontextprotocol/client';

/**
 * Clients of sessions that were replaced (an expired Streamable HTTP session) stay open until
 * their last request settled: such a request gets its own 404 and is sent again on the new
 * session, where closing the client under it would have failed it instead.
 */
export class RetiredClients {
  readonly #inFlight = new Map<Client, number>();
  readonly #retired = new Set<Client>();

  /** Counts a request on `client` until the returned function is called. */
  sending(client: Client): () => void {
    this.#inFlight.set(client, (this.#inFlight.get(client) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.#inFlight.get(client) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(client, left);
      else this.#inFlight.delete(client);
      if (left <= 0 && this.#retired.has(client)) this.retire(client);
    };
  }

  /** Closes `client` as soon as no request is out on it. */
  retire(client: Client): void {
    this.#retired.add(client);
    if (this.#inFlight.has(client)) return;
    this.#retired.delete(client);
    void client.close().catch(() => undefined);
  }

  /** Closes every retired client now, requests or not (the connection is closing). */
  async closeAll(): Promise<void> {
    const retired = [...this.#retired];
    this.#retired.clear();
    await Promise.allSettled(retired.map((client) => client.close()));
  }
}

import type { ServerResponse } from 'node:http';
import { anonymousClient, identityKey, type ClientIdentity } from '../../governance/identity/ClientIdentity.ts';

/** Whether a parsed request body is a 2026-07-28 `subscriptions/listen` request (a stream held open). */
export function isListenRequest(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && (body as { method?: unknown }).method === 'subscriptions/listen';
}

/**
 * The `subscriptions/listen` streams each named client holds open. The SDK bounds them for everyone
 * together (1,024) and refuses past that, so one client opening them by the hundred would leave every
 * other client without its notifications; each client is held to `perClient`, and the rest stay for the
 * others. Unnamed clients (a gateway without tokens) are one client to the gateway: the SDK's bound is theirs.
 */
export class ListenQuota {
  readonly #open = new Map<string, number>();
  readonly #perClient: number;

  constructor(perClient: number) {
    this.#perClient = perClient;
  }

  /** Counts one more stream of `client` until `response` closes; false when it holds its quota already. */
  admit(client: ClientIdentity, response: ServerResponse): boolean {
    if (client === anonymousClient) return true;
    const key = identityKey(client);
    const open = this.#open.get(key) ?? 0;
    if (open >= this.#perClient) return false;
    this.#open.set(key, open + 1);
    response.once('close', () => {
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left <= 0) this.#open.delete(key);
      else this.#open.set(key, left);
    });
    return true;
  }
}

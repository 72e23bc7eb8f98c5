/**
 * The messages one side of the sandbox IPC (host or worker) sends in one turn of its event loop, sent
 * as one: 100 calls an execution starts in one `Promise.all` leave the worker as one write, and the
 * answers the host has for them in one turn go back as one. A write is a system call and wakes the
 * other process, which on two cores costs more than the message itself.
 *
 * Order is kept (a batch is read in the order it was queued), and so is timing: the queue is flushed
 * by `setImmediate`, right after the I/O that filled it, so a lone message (a sequential call) waits
 * for nothing but the end of the current turn. A batch closes early past `maxBatchBytes` of payload,
 * so that a batch of large answers never makes one huge JSON text.
 */
export interface Batch<Message> {
  readonly type: 'batch';
  readonly messages: readonly Message[];
}

/** Payload bytes past which a batch is sent at once rather than growing. */
export const maxBatchBytes = 1024 * 1024;

export class IpcOutbox<Message> {
  readonly #write: (message: Message | Batch<Message>) => void;
  readonly #payloadBytes: (message: Message) => number;
  #queue: Message[] = [];
  #queuedBytes = 0;
  #scheduled = false;

  /** `payloadBytes`: the size of what a message carries (its JSON texts), to bound a batch. */
  constructor(write: (message: Message | Batch<Message>) => void, payloadBytes: (message: Message) => number) {
    this.#write = write;
    this.#payloadBytes = payloadBytes;
  }

  send(message: Message): void {
    this.#queue.push(message);
    this.#queuedBytes += this.#payloadBytes(message);
    if (this.#queuedBytes >= maxBatchBytes) {
      this.flush();
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  /** Sends what is queued now (before a message that must not wait, or an exit). */
  flush(): void {
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#write(queue.length === 1 ? queue[0]! : { type: 'batch', messages: queue });
  }
}

/** The messages a received message holds: itself, or a batch's, in order. */
export function unbatched<Message extends { readonly type: string }>(received: Message | Batch<Message>): readonly Message[] {
  if (typeof received !== 'object' || received === null) return [];
  if (received.type !== 'batch') return [received as Message];
  const { messages } = received as Batch<Message>;
  // What is not a message (a broken peer) is dropped here, not read as one further on.
  return Array.isArray(messages) ? messages.filter((message: unknown): message is Message => typeof message === 'object' && message !== null) : [];
}

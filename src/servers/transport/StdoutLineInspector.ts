import { redactionMarginBytes } from '../../observability/redactSecrets.ts';

/**
 * Finds the lines a stdio server writes to stdout that cannot be JSON-RPC: banners, stray
 * `console.log`s, progress bars. The SDK skips such lines silently, and a server whose answers
 * vanish among them looks merely slow; reporting them names the culprit.
 *
 * Cheap on purpose, since it sees every byte of every result: only the first non-blank byte of a
 * line is examined (a JSON-RPC message starts with `{`; `[` is let through as a batch), and only
 * the first bytes of an offending line are kept for the report (and a margin past them, see previewBytes).
 */
// The report shows 120 characters of it, cut once redacted (see redactionMarginBytes).
const previewBytes = 120 + redactionMarginBytes;

export class StdoutLineInspector {
  readonly #onInvalidLine: (preview: string) => void;
  /** Where the current line stands: nothing but blanks yet, plausibly JSON, or not JSON. */
  #line: 'blank' | 'json' | 'invalid' = 'blank';
  #preview: Buffer[] = [];
  #previewLength = 0;

  constructor(onInvalidLine: (preview: string) => void) {
    this.#onInvalidLine = onInvalidLine;
  }

  push(chunk: Buffer): void {
    let index = 0;
    while (index < chunk.length) {
      if (this.#line === 'blank') {
        const byte = chunk[index];
        if (byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09) {
          index++;
          continue;
        }
        this.#line = byte === 0x7b || byte === 0x5b ? 'json' : 'invalid';
      }
      const newline = chunk.indexOf(0x0a, index);
      const end = newline === -1 ? chunk.length : newline;
      if (this.#line === 'invalid' && this.#previewLength < previewBytes) {
        const part = chunk.subarray(index, Math.min(end, index + previewBytes - this.#previewLength));
        this.#preview.push(part);
        this.#previewLength += part.length;
      }
      if (newline === -1) return;
      if (this.#line === 'invalid') this.#onInvalidLine(Buffer.concat(this.#preview).toString('utf8').trimEnd());
      this.#line = 'blank';
      this.#preview = [];
      this.#previewLength = 0;
      index = newline + 1;
    }
  }
}

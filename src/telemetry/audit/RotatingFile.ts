import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * An append-only file of lines rotated by size: before a write would take it past `maxBytes`, the
 * file becomes `FILE.1` (the previous `FILE.1` becomes `FILE.2`, and so on; past `maxFiles` the
 * oldest is deleted) and a new one starts. Rotation happens only between lines, so no line is cut;
 * a single line longer than `maxBytes` gets a file of its own.
 */
export class RotatingFile {
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  #handle: FileHandle | undefined;
  #size = 0;

  constructor(file: string, maxBytes: number, maxFiles: number) {
    this.#path = file;
    this.#maxBytes = maxBytes;
    this.#maxFiles = maxFiles;
  }

  /** Appends whole lines (each ending in `\n`), rotating between them as needed. */
  async appendLines(lines: readonly string[]): Promise<void> {
    let chunk: string[] = [];
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      await this.#ensureOpen();
      if (this.#size + chunkBytes + bytes > this.#maxBytes && this.#size + chunkBytes > 0) {
        await this.#write(chunk);
        chunk = [];
        chunkBytes = 0;
        if (this.#size > 0) await this.#rotate();
      }
      chunk.push(line);
      chunkBytes += bytes;
    }
    if (chunk.length > 0) await this.#write(chunk);
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  async #ensureOpen(): Promise<void> {
    if (this.#handle !== undefined) return;
    await mkdir(path.dirname(this.#path), { recursive: true });
    this.#handle = await open(this.#path, 'a', 0o600);
    this.#size = (await stat(this.#path)).size;
  }

  async #write(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const text = lines.join('');
    await this.#ensureOpen();
    await this.#handle!.appendFile(text);
    this.#size += Buffer.byteLength(text);
  }

  async #rotate(): Promise<void> {
    await this.close();
    if (this.#maxFiles === 0) await rm(this.#path, { force: true });
    else {
      await rm(`${this.#path}.${this.#maxFiles}`, { force: true });
      for (let index = this.#maxFiles - 1; index >= 1; index--) await renameIfPresent(`${this.#path}.${index}`, `${this.#path}.${index + 1}`);
      await renameIfPresent(this.#path, `${this.#path}.1`);
    }
    await this.#ensureOpen();
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Observed return types (SPEC "What the model gets, beyond declared types"): the merged shape of what
 * each tool without `outputSchema` has returned, kept in one JSON file under `stateDir` so the API is
 * the same after a restart. `observe` says whether the declared type changed, which is when the API
 * is regenerated and clients are told (`list_changed`): a repeat of a known shape changes nothing, so
 * prompt caches survive.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonSchema } from '../catalog/ToolCatalog.ts';
import { mergeShapes, observedSchema, parseObservedShape, shapeOf, type ObservedShape } from '../modelApi/observed/observedShape.ts';
import type { Logger } from '../observability/logger.ts';

interface Observed {
  shape: ObservedShape;
  /** `observedSchema(shape)` as JSON: what the model sees, compared to tell a change from a repeat. */
  schemaText: string;
}

export class ObservedOutputTypes {
  readonly #file: string | undefined;
  readonly #logger: Logger | undefined;
  readonly #tools = new Map<string, Map<string, Observed>>();
  #scheduled = false;
  #dirty = false;

  /** `file`: where to keep them; undefined keeps them in memory only. A missing or unreadable file starts empty. */
  constructor(file: string | undefined, logger?: Logger) {
    this.#file = file;
    this.#logger = logger;
    if (file !== undefined) this.#load(file);
  }

  /** The observed type of a tool's results, or undefined before its first result. */
  schemaOf(server: string, tool: string): JsonSchema | undefined {
    const observed = this.#tools.get(server)?.get(tool);
    return observed === undefined ? undefined : observedSchema(observed.shape);
  }

  /** Merges one result's shape in; true when the declared type changed. */
  observe(server: string, tool: string, value: unknown): boolean {
    let byTool = this.#tools.get(server);
    if (byTool === undefined) this.#tools.set(server, (byTool = new Map()));
    const known = byTool.get(tool);
    const shape = known === undefined ? shapeOf(value) : mergeShapes(known.shape, shapeOf(value));
    const schemaText = JSON.stringify(observedSchema(shape));
    byTool.set(tool, { shape, schemaText });
    if (known !== undefined && known.schemaText === schemaText) return false;
    this.#save();
    return true;
  }

  #load(file: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#logger?.warn('observed output types unreadable; starting afresh', { file, error: String(error) });
      return;
    }
    const tools = (raw as { tools?: unknown } | null)?.tools;
    if (typeof tools !== 'object' || tools === null) return;
    for (const [server, byTool] of Object.entries(tools)) {
      if (typeof byTool !== 'object' || byTool === null) continue;
      const parsed = new Map<string, Observed>();
      for (const [tool, rawShape] of Object.entries(byTool)) {
        const shape = parseObservedShape(rawShape);
        parsed.set(tool, { shape, schemaText: JSON.stringify(observedSchema(shape)) });
      }
      this.#tools.set(server, parsed);
    }
  }

  /** Writes what changed since the last save now (the assembly's close calls it). */
  flush(): void {
    const file = this.#file;
    if (file === undefined || !this.#dirty) return;
    this.#dirty = false;
    const tools = Object.fromEntries([...this.#tools].map(([server, byTool]) => [server, Object.fromEntries([...byTool].map(([tool, { shape }]) => [tool, shape]))]));
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify({ version: 1, tools })}\n`);
      renameSync(temporary, file); // a crash mid-write leaves the last complete file
    } catch (error) {
      this.#logger?.warn('observed output types not saved', { file, error: String(error) });
    }
  }

  /** After the current turn of the event loop, once for a burst of changes; `flush` at close catches the rest. */
  #save(): void {
    if (this.#file === undefined) return;
    this.#dirty = true;
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.flush();
    }).unref();
  }
}

import type { ToolBindings } from './Sandbox.ts';

/** Bindings as JSON, written once per bindings object, whichever workers it goes to. */
const written = new WeakMap<ToolBindings, string>();
function jsonOf(bindings: ToolBindings): string {
  let json = written.get(bindings);
  if (json === undefined) written.set(bindings, (json = JSON.stringify(bindings)));
  return json;
}

/**
 * What one worker was last sent of the bindings (see `bindingsJson` in workerMessages.ts): an
 * execution with the same bindings object goes without them, and the worker uses the last it got.
 * Code mode keeps one object while its API and its servers' states stay the same (see
 * `CodeModeEngine`), so the JSON of a large catalog's bindings is written once and sent once per
 * worker, not with every execution. Bindings are plain data that nobody changes once made.
 */
export class SentBindings {
  #last: ToolBindings | undefined;

  /** For an `execute` message: the bindings' JSON if the worker does not have them yet, else nothing. */
  forExecution(bindings: ToolBindings): { bindingsJson?: string } {
    if (bindings === this.#last) return {};
    this.#last = bindings;
    return { bindingsJson: jsonOf(bindings) };
  }

  /** For an `expect` message, which always carries them: the worker's bindings are these from now on. */
  told(bindings: ToolBindings): string {
    this.#last = bindings;
    return jsonOf(bindings);
  }
}

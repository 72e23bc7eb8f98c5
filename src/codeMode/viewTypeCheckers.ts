import type { CodeTypeChecker } from '../modelApi/index.ts';

/**
 * The type checkers of one code mode: one over the whole API, and one per narrower view a client has
 * (its `servers`, see `CodeModeEngine.viewFor`), each told the declarations of that view alone. A
 * check's diagnostics quote the declarations ("Did you mean 'Github'?", a tool's argument type), so a
 * client's code is checked against what its own model was shown, and never names a server it may not
 * use. All of them are clients of the process's one checker thread, sharing its parsed lib files.
 */
export class ViewTypeCheckers<Checker extends CodeTypeChecker = CodeTypeChecker> {
  readonly #whole: Checker;
  readonly #make: () => Checker;
  /** By `viewKey`: as many as the config has distinct `servers` lists. */
  readonly #views = new Map<string, Checker>();

  constructor(make: () => Checker) {
    this.#make = make;
    this.#whole = make();
  }

  /** The checker of the whole API. */
  get whole(): Checker {
    return this.#whole;
  }

  /** The checker of the view `viewKey` names, made on first use; the whole API's when undefined. */
  of(viewKey: string | undefined): Checker {
    if (viewKey === undefined) return this.#whole;
    let checker = this.#views.get(viewKey);
    if (checker === undefined) this.#views.set(viewKey, (checker = this.#make()));
    return checker;
  }

  async close(): Promise<void> {
    await Promise.all([this.#whole, ...this.#views.values()].map((checker) => checker.close()));
  }
}

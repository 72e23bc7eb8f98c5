import { typeCheckDefaults } from '../config/defaults.ts';
import type { CodeTypeChecker } from '../modelApi/index.ts';

/**
 * The type checkers of one code mode: one over the whole API, and one per narrower view a client has
 * (its `servers`, see `CodeModeEngine.viewFor`), each told the declarations of that view alone. A
 * check's diagnostics quote the declarations ("Did you mean 'Github'?", a tool's argument type), so a
 * client's code is checked against what its own model was shown, and never names a server it may not
 * use. All of them are clients of the process's one checker thread, sharing its parsed lib files.
 *
 * Views are as many as the config has distinct `servers` lists; past `maxViewCheckers` the least
 * recently used view's checker is closed (the thread forgets its program), and made again, told its
 * declarations, when that view is next checked: a config of many lists costs the thread a bounded heap.
 */
export class ViewTypeCheckers<Checker extends CodeTypeChecker = CodeTypeChecker> {
  readonly #whole: Checker;
  readonly #make: () => Checker;
  /** By `viewKey`, least recently used first. */
  readonly #views = new Map<string, Checker>();

  constructor(make: () => Checker) {
    this.#make = make;
    this.#whole = make();
  }

  /** The checker of the whole API. */
  get whole(): Checker {
    return this.#whole;
  }

  /**
   * The checker of the view `viewKey` names (the whole API's when undefined), told `declarations`, the
   * view's as they are now: telling a checker what it already has costs nothing.
   */
  of(viewKey: string | undefined, declarations: string): Checker {
    if (viewKey === undefined) {
      this.#whole.setDeclarations(declarations);
      return this.#whole;
    }
    let checker = this.#views.get(viewKey);
    if (checker === undefined) checker = this.#make();
    else this.#views.delete(viewKey);
    this.#views.set(viewKey, checker);
    checker.setDeclarations(declarations);
    for (const [key, unused] of this.#views) {
      if (this.#views.size <= typeCheckDefaults.maxViewCheckers) break;
      this.#views.delete(key);
      unused.close().catch(() => undefined); // closing is best effort: a checker that fails to close is left to the thread
    }
    return checker;
  }

  async close(): Promise<void> {
    await Promise.all([this.#whole, ...this.#views.values()].map((checker) => checker.close()));
  }
}

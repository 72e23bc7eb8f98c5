/**
 * The checkers of a code mode's views (src/codeMode/viewTypeCheckers.ts): one for the whole API, one
 * per view, each told its view's declarations; past `maxViewCheckers` views the least recently used
 * one is closed, and a view checked again later gets a new checker told its declarations.
 */
import { describe, expect, it } from 'vitest';
import { ViewTypeCheckers } from '../../src/codeMode/viewTypeCheckers.ts';
import { typeCheckDefaults } from '../../src/config/defaults.ts';
import type { CodeTypeChecker, TypeCheckOutcome } from '../../src/modelApi/index.ts';

class RecordingChecker implements CodeTypeChecker {
  declarations = '';
  told = 0;
  closed = false;
  setDeclarations(text: string): void {
    this.declarations = text;
    this.told += 1;
  }
  async check(): Promise<TypeCheckOutcome> {
    return { status: 'checked', diagnostics: [] };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('ViewTypeCheckers', () => {
  it('gives the whole API its own checker and each view one of its own, told that view\'s declarations', () => {
    const made: RecordingChecker[] = [];
    const checkers = new ViewTypeCheckers(() => {
      const checker = new RecordingChecker();
      made.push(checker);
      return checker;
    });
    const whole = checkers.of(undefined, 'whole API');
    const alpha = checkers.of('["alpha"]', 'alpha only');
    const beta = checkers.of('["beta"]', 'beta only');
    expect(whole).toBe(checkers.whole);
    expect(new Set([whole, alpha, beta]).size).toBe(3);
    expect([whole.declarations, alpha.declarations, beta.declarations]).toEqual(['whole API', 'alpha only', 'beta only']);
    expect(checkers.of('["alpha"]', 'alpha, changed')).toBe(alpha);
    expect(alpha.declarations).toBe('alpha, changed');
    expect(made).toHaveLength(3);
  });

  it('closes the least recently used view past the bound, and makes it again, told its declarations, when it comes back', async () => {
    const checkers = new ViewTypeCheckers(() => new RecordingChecker());
    const max = typeCheckDefaults.maxViewCheckers;
    const views = Array.from({ length: max }, (_, i) => checkers.of(`view${i}`, `declarations ${i}`));
    checkers.of('view0', 'declarations 0'); // view0 is used again: view1 is now the least recently used
    const newcomer = checkers.of('another', 'declarations of another');
    expect(views[1]!.closed).toBe(true);
    expect(views.filter((view) => view.closed)).toHaveLength(1);
    expect(newcomer.closed).toBe(false);
    const back = checkers.of('view1', 'declarations 1');
    expect(back).not.toBe(views[1]);
    expect(back.declarations).toBe('declarations 1');
    await checkers.close();
    expect([checkers.whole, back, newcomer, views[0]!].every((checker) => checker.closed)).toBe(true);
  });
});

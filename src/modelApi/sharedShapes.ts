/**
 * Object shapes that several places of a namespace share (memory's entity in six tools' arguments and
 * results), declared once under a name and referred to by it, when that takes fewer tokens than
 * repeating them. Rounds: render, count the object types, name the innermost repeated ones that pay
 * for their declaration, render again with those names (outer shapes now read differently and may
 * repeat in turn), until nothing more pays.
 */
import { createNameRegistry, isIdentifierName, splitWords } from './names/identifiers.ts';
import { countTokenPieces } from './tokenCount.ts';
import { atom, type TypeExpression } from './typescript/typeExpression.ts';

export interface SharedShape {
  readonly name: string;
  /** `interface Name { … }`. */
  readonly text: string;
}

export interface ShapeNamer {
  /** The names given so far, to keep every other type name clear of them. */
  names(): string[];
  /** The shape itself, or a reference to its shared declaration. */
  nameShape(type: TypeExpression, hint: string | undefined): TypeExpression;
}

// Global types the declarations refer to from inside a namespace: a shape by one of these names would shadow it.
const globalTypeNames = ['Promise', 'Array', 'Object', 'Record', 'Error', 'ToolError'];
// Each round renders the whole namespace; real schemas nest a few levels, so a few rounds settle it.
const maxRounds = 6;
// The open object (`{ [key: string]: unknown }`, "any object") says nothing a name would add.
const openObject = '{ [key: string]: unknown }';

/**
 * Renders `render` with more and more shapes named until naming saves no more; returns the last
 * rendering with, for each item, the shapes its text needs (directly or through each other).
 */
export function findSharedShapes<Item extends { readonly text: string }>(
  render: (namer: ShapeNamer) => readonly Item[],
): { shapes: SharedShape[]; tools: (Item & { shapes: SharedShape[] })[] } {
  const named = new Map<string, string>(); // object type text → name
  for (let round = 0; ; round++) {
    const seen = new Map<string, { count: number; hints: (string | undefined)[] }>();
    const items = render({
      names: () => [...named.values()],
      nameShape(type, hint) {
        const name = named.get(type.text);
        if (name !== undefined) return atom(name);
        const entry = seen.get(type.text);
        if (entry === undefined) seen.set(type.text, { count: 1, hints: [hint] });
        else {
          entry.count++;
          entry.hints.push(hint);
        }
        return type;
      },
    });
    const candidates = [...seen].map(([text, { count, hints }]) => ({ text, count, name: shapeName(hints) }));
    const chosen = round < maxRounds ? innermost(candidates.filter(pays)) : [];
    if (chosen.length === 0) return withShapes(items, named);
    const registry = createNameRegistry([...globalTypeNames, ...named.values(), ...declaredNames(items)]);
    for (const { text, name } of chosen) named.set(text, registry.claim(name));
  }
}

/**
 * What every place calls it (`Entity` for the items of `entities`, or the schema's `title`), else the words
 * their names end or start with (`billingAddress`, `shippingAddress` → `Address`), else `Shape`: a
 * name one place suggests would mislead at the others.
 */
function shapeName(hints: readonly (string | undefined)[]): string {
  const words = hints.map((hint) => splitWords(hint ?? ''));
  const [first = [], ...rest] = words;
  const common = (from: 'end' | 'start'): string[] => {
    let length = 0;
    const at = (list: readonly string[], index: number) => (from === 'end' ? list[list.length - 1 - index] : list[index]);
    while (length < first.length && rest.every((list) => length < list.length && at(list, length) === at(first, length))) length++;
    return from === 'end' ? first.slice(first.length - length) : first.slice(0, length);
  };
  const suffix = common('end');
  const shared = (suffix.length > 0 ? suffix : common('start')).join('');
  return isIdentifierName(shared) ? shared : 'Shape'; // `2fa` cannot name a type
}

/**
 * Whether declaring the shape once (`interface Name { … }` + a name per use) costs fewer tokens than
 * repeating it, counted in o200k pieces (see countTokenPieces: the tokens of such text, without loading
 * the tokenizer's tables).
 */
function pays({ text, count, name }: { text: string; count: number; name: string }): boolean {
  if (count < 2 || text === openObject) return false;
  const nameTokens = countTokenPieces(name);
  return (count - 1) * countTokenPieces(text) > count * nameTokens + nameTokens + 3;
}

/** The candidates that contain no other candidate: outer shapes are looked at again once these have names. */
function innermost<Candidate extends { readonly text: string }>(candidates: readonly Candidate[]): Candidate[] {
  return candidates.filter(({ text }) => !candidates.some((other) => other.text !== text && text.includes(other.text)));
}

function declaredNames(items: readonly { readonly text: string }[]): string[] {
  return items.flatMap((item) => [...item.text.matchAll(/^\s*(?:interface|type) ([\p{L}\p{N}_$]+)/gmu)].map((match) => match[1] ?? ''));
}

function withShapes<Item extends { readonly text: string }>(
  items: readonly Item[],
  named: ReadonlyMap<string, string>,
): { shapes: SharedShape[]; tools: (Item & { shapes: SharedShape[] })[] } {
  const shapes = [...named].map(([text, name]) => ({ name, text: `interface ${name} ${text}` }));
  const mentions = new Map(shapes.map((shape) => [shape, mentionOf(shape.name)]));
  const needs = (text: string, into: Set<SharedShape>): void => {
    for (const shape of shapes) {
      if (into.has(shape) || mentions.get(shape)?.test(text) !== true) continue;
      into.add(shape);
      needs(shape.text, into);
    }
  };
  const used = new Set<SharedShape>();
  const tools = items.map((item) => {
    const mine = new Set<SharedShape>();
    needs(item.text, mine);
    for (const shape of mine) used.add(shape);
    return { ...item, shapes: shapes.filter((shape) => mine.has(shape)) };
  });
  return { shapes: shapes.filter((shape) => used.has(shape)), tools };
}

/** Matches `name` as a whole identifier. */
function mentionOf(name: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_$])${name.replaceAll('$', '\\$')}(?![\\p{L}\\p{N}_$])`, 'u');
}

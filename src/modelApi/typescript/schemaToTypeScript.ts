/**
 * JSON Schema → TypeScript type expression, for the declarations the model reads.
 *
 * Total: every input gives a type and nothing throws. What TypeScript cannot say, or what we do not read
 * (`not`, `if`/`then`, references to other documents…), degrades to `unknown`, never to something stricter
 * than the schema. Definitions (`$defs`, `definitions`) become named aliases `<rootName>_<Def>`, so
 * recursive schemas stay finite; see `convertRef` for how a reference becomes a name or is inlined.
 */
import type { JsonSchema } from '../../catalog/ToolCatalog.ts';
import { createNameRegistry, pascalCase } from '../names/identifiers.ts';
import { jsDocBefore } from './jsDoc.ts';
import { documentedLines, isSchemaObject, liftedBranch } from './schemaDoc.ts';
import { resolveRef, type DefinitionRef } from './schemaRefs.ts';
import { arrayType, describedType, objectType, type Position, type SchemaObject } from './schemaStructures.ts';
import {
  atom, intersection, literalType, neverType, nullType, union, unknownType, type TypeExpression,
} from './typeExpression.ts';

export interface SchemaToTypeScriptOptions {
  /**
   * The name the caller declares the root type under: `$ref: "#"` refers to it, and definitions are named
   * `<rootName>_<Def>`. Default `Root`.
   */
  readonly rootName?: string;
  /** Reserves a type name and returns it, or a free variant of it; lets a caller keep names unique across schemas. */
  readonly claimTypeName?: (wanted: string) => string;
  /**
   * Sees every object type inside a property or element as it is made, with a name the place suggests (`Entity` for the items of
   * `entities`); returns it, or a reference to where it is declared once (shapes shared across tools).
   */
  readonly nameShape?: (type: TypeExpression, hint: string | undefined) => TypeExpression;
}

/** A type to declare by name, with the JSDoc lines of its schema. */
export interface NamedType {
  readonly name: string;
  readonly type: TypeExpression;
  readonly docLines: readonly string[];
}

export interface SchemaTypes {
  /** The type of the schema itself; declare it under `rootName` when a definition refers to `#`. */
  readonly root: TypeExpression;
  /** The definitions the root uses, directly or through each other, in order of first use. */
  readonly definitions: readonly NamedType[];
  /** True when the types refer to the root by `rootName` (a recursive `$ref: "#"`). */
  readonly rootReferenced: boolean;
}

// Guards for hostile or accidental inputs: nesting deeper than this is `unknown`, and so is everything
// after this many schema nodes (inlined pointers can otherwise multiply a small document exponentially).
const maxDepth = 48;
const maxNodes = 20_000;

export function schemaToTypeScript(schema: JsonSchema, options: SchemaToTypeScriptOptions = {}): SchemaTypes {
  const rootName = options.rootName ?? 'Root';
  const registry = createNameRegistry([rootName]);
  const claimTypeName = options.claimTypeName ?? ((wanted: string) => registry.claim(wanted));
  const definitionNames = new Map<string, string>();
  const pendingDefinitions: { key: string; name: string; schema: JsonSchema }[] = [];
  const inlining = new Set<string>();
  let nodesLeft = maxNodes;
  let rootReferenced = false;

  function convert(node: unknown, at: Position): TypeExpression {
    if (node === true) return unknownType;
    if (node === false) return neverType;
    if (!isSchemaObject(node) || at.depth > maxDepth || --nodesLeft < 0) return unknownType;
    const converted = convertKeywords(node, at);
    // Only objects inside a structure are shared: a tool's own arguments and result stay where they are read.
    const type = converted.kind === 'object' && at.inStructure && options.nameShape
      ? options.nameShape(converted, typeof node['title'] === 'string' && pascalCase(node['title']) !== '' ? pascalCase(node['title']) : at.hint)
      : converted;
    return node['nullable'] === true ? union([type, nullType]) : type;
  }

  // Each keyword group that constrains the type is one part; the schema is their intersection.
  function convertKeywords(node: SchemaObject, at: Position): TypeExpression {
    const beside: Position = { depth: at.depth + 1, inStructure: at.inStructure, hint: at.hint };
    const parts: TypeExpression[] = [];
    if (typeof node['$ref'] === 'string') parts.push(convertRef(node['$ref'], at));
    const base = baseType(node, at);
    if (base !== undefined) parts.push(base);
    // A branch's description goes with the branch, unless the owner of `node` shows it (`liftedBranch`).
    const lifted = at.documented === true ? liftedBranch(node) : undefined;
    const branch = (option: unknown): TypeExpression => option === lifted
      ? convert(option, { ...beside, documented: true })
      : describedType(option, convert(option, { ...beside, documented: false }));
    for (const keyword of ['anyOf', 'oneOf']) {
      const options = nonEmptyArray(node[keyword]);
      if (options !== undefined) parts.push(union(options.map(branch)));
    }
    parts.push(...(nonEmptyArray(node['allOf']) ?? []).map((member) => convert(member, beside)));
    return parts.length === 0 ? unknownType : intersection(parts);
  }

  function baseType(node: SchemaObject, at: Position): TypeExpression | undefined {
    if ('const' in node) return literalType(node['const']);
    const values = nonEmptyArray(node['enum']);
    if (values !== undefined) return union(values.map(literalType));
    const declared = node['type'];
    const names = typeof declared === 'string' ? [declared] : (nonEmptyArray(declared)?.filter(isString) ?? []);
    if (names.length === 0) {
      const implied = impliedTypeName(node);
      if (implied === undefined) return undefined;
      names.push(implied);
    }
    return union(names.map((name) => typeNamed(name, node, at)));
  }

  function typeNamed(name: string, node: SchemaObject, at: Position): TypeExpression {
    switch (name) {
      case 'string': case 'boolean': case 'null': return atom(name);
      case 'number': case 'integer': return atom('number');
      case 'object': return objectType(node, at, convert);
      case 'array': return arrayType(node, at, convert);
      default: return unknownType;
    }
  }

  /**
   * Inside a structure (a property, an element), a definition or the root is referred to by name, which is
   * what lets recursive schemas be declared at all. At the top of a declaration it is inlined instead:
   * `type A = B` with `type B = A` would be circular, and a root `$ref` reads better as the object itself.
   * Inlining what is already being inlined (`A = A | string`) gives `unknown`.
   */
  function convertRef(ref: string, at: Position): TypeExpression {
    const target = resolveRef(schema, ref);
    switch (target.kind) {
      case 'unresolved':
        return unknownType;
      case 'root':
        return at.inStructure ? referToRoot() : inline('#', schema, at);
      case 'definition':
        return at.inStructure ? atom(definitionName(target)) : inline(target.key, target.schema, at);
      case 'pointer':
        return inline(target.key, target.schema, at);
    }
  }

  function referToRoot(): TypeExpression {
    rootReferenced = true;
    return atom(rootName);
  }

  function inline(key: string, target: JsonSchema, at: Position): TypeExpression {
    if (inlining.has(key)) return unknownType;
    inlining.add(key);
    try {
      return convert(target, { ...at, depth: at.depth + 1 });
    } finally {
      inlining.delete(key);
    }
  }

  function definitionName({ key, defName, schema: definition }: DefinitionRef): string {
    const known = definitionNames.get(key);
    if (known !== undefined) return known;
    const name = claimTypeName(`${rootName}_${pascalCase(defName) || 'Def'}`);
    definitionNames.set(key, name);
    pendingDefinitions.push({ key, name, schema: definition });
    return name;
  }

  // Declarations start at depth 0, outside any structure; `inline` adds the one level. Their JSDoc is the declaration's.
  const declarationStart: Position = { depth: -1, inStructure: false, documented: true };
  const root = inline('#', schema, declarationStart);
  const definitions: NamedType[] = [];
  // Converting one definition can name further ones: the list grows while it is walked.
  for (const pending of pendingDefinitions) {
    const type = inline(pending.key, pending.schema, declarationStart);
    definitions.push({ name: pending.name, type, docLines: documentedLines(pending.schema) });
  }
  return { root, definitions, rootReferenced };
}

/** `interface Name { … }` for an object literal type, else `type Name = …;`, after its JSDoc. */
export function renderTypeDeclaration({ name, type, docLines }: NamedType): string {
  const declaration = type.kind === 'object' ? `interface ${name} ${type.text}` : `type ${name} = ${type.text};`;
  return jsDocBefore(docLines) + declaration;
}

function impliedTypeName(node: SchemaObject): string | undefined {
  const objectKeywords = ['properties', 'additionalProperties', 'patternProperties', 'required'];
  if (objectKeywords.some((keyword) => keyword in node)) return 'object';
  if (['items', 'prefixItems', 'additionalItems'].some((keyword) => keyword in node)) return 'array';
  return undefined;
}

function nonEmptyArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

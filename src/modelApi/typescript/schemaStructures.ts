/**
 * Object and array schemas → object literal, array and tuple types. The element and property schemas are
 * converted by the caller's `convert`, which is how references and guards stay in one place.
 */
import { pascalCase, propertyKey } from '../names/identifiers.ts';
import { inlineJsDoc } from './jsDoc.ts';
import { documentedLines, isSchemaObject, schemaDocLines } from './schemaDoc.ts';
import {
  arrayOf, asOperand, atom, neverType, objectLiteral, union, unknownType, type TypeExpression,
} from './typeExpression.ts';

export type SchemaObject = { readonly [keyword: string]: unknown };

/** Where a schema sits: how deep, and whether inside a property or element (see `convertRef`). */
export interface Position {
  readonly depth: number;
  readonly inStructure: boolean;
  /**
   * Whether the owner shows this schema's JSDoc (a property, a declaration); elsewhere (array items,
   * union branches) a described schema carries its comment in front of its type.
   */
  readonly documented?: boolean;
  /** A name for an object type here, should it be declared once and shared (`Entity` for `entities[]`). */
  readonly hint?: string | undefined;
}

export type Convert = (schema: unknown, at: Position) => TypeExpression;

function inside(at: Position, hint: string | undefined, documented: boolean): Position {
  return { depth: at.depth + 1, inStructure: true, documented, hint };
}

/** `type`, after the one-line comment of `schema`'s description and constraints when it has any. */
export function describedType(schema: unknown, type: TypeExpression): TypeExpression {
  const comment = inlineJsDoc(schemaDocLines(schema));
  if (comment === '' || type.text === 'unknown' || type.text === 'never') return type;
  return atom(`${comment} ${asOperand(type)}`);
}

/**
 * `{ name: string; tail?: number }`. Without `additionalProperties: false` an object with properties is
 * left open but gets no index signature (TypeScript then still flags misspelt keys in literals); one with
 * no properties at all is `{ [key: string]: unknown }`. A schema for additional or pattern properties
 * becomes an index signature, widened to `unknown` when a declared property would not fit it.
 */
export function objectType(node: SchemaObject, at: Position, convert: Convert): TypeExpression {
  const properties = isSchemaObject(node['properties']) ? Object.entries(node['properties']) : [];
  const required = new Set(Array.isArray(node['required']) ? node['required'].filter((key) => typeof key === 'string') : []);
  const members: string[] = [];
  const memberTypes: TypeExpression[] = [];
  let someOptional = false;
  for (const [key, schema] of properties) {
    const type = convert(schema, inside(at, pascalCase(key) || undefined, true));
    memberTypes.push(type);
    someOptional ||= !required.has(key);
    const comment = inlineJsDoc(documentedLines(schema));
    members.push(`${comment === '' ? '' : `${comment}${comment.includes('\n') ? '\n' : ' '}`}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${type.text}`);
  }
  for (const key of required) {
    if (properties.some(([name]) => name === key)) continue;
    members.push(`${propertyKey(key)}: unknown`); // required but never described: it must be there, of any type
    memberTypes.push(unknownType);
  }
  const index = indexSignatureType(node, at, convert, properties.length > 0);
  if (index !== undefined) {
    // An optional property reads as `T | undefined`, and the index signature must accept that too.
    const fits = memberTypes.every((type) => fitsIn(type, index));
    const value = !fits ? unknownType : someOptional ? union([index, atom('undefined')]) : index;
    members.push(`[key: string]: ${value.text}`);
  }
  return objectLiteral(renderMembers(members));
}

/** On one line (`{ a: string; b?: number }`) unless a member spans lines; then one member per line. */
function renderMembers(members: readonly string[]): string {
  if (members.length === 0) return '{}';
  if (!members.some((member) => member.includes('\n'))) return `{ ${members.join('; ')} }`;
  return `{\n${members.map((member) => indent(`${member};`)).join('\n')}\n}`;
}

function indexSignatureType(node: SchemaObject, at: Position, convert: Convert, hasProperties: boolean): TypeExpression | undefined {
  const values: TypeExpression[] = [];
  const patterns = node['patternProperties'];
  if (isSchemaObject(patterns)) values.push(...Object.values(patterns).map((schema) => element(schema, at, undefined, convert)));
  const additional = node['additionalProperties'];
  if (isSchemaObject(additional) && Object.keys(additional).length > 0) values.push(element(additional, at, undefined, convert));
  else if (additional !== false && !hasProperties && values.length === 0) values.push(unknownType);
  if (values.length === 0) return hasProperties ? undefined : neverType; // closed and empty: `{}` would accept anything
  return union(values);
}

function fitsIn(type: TypeExpression, index: TypeExpression): boolean {
  if (index.text === 'unknown') return true;
  const allowed = new Set((index.members ?? [index]).map((member) => uncommented(member.text)));
  return (type.members ?? [type]).every((member) => allowed.has(uncommented(member.text)) || member.text === 'never');
}

/** A type's text without the comment `describedType` put in front of it. */
function uncommented(text: string): string {
  return text.startsWith('/**') ? text.slice(text.indexOf('*/') + 3) : text;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}

/**
 * `T[]`, or a tuple for `prefixItems` (2020-12) and array-valued `items` (draft-07). A tuple is closed by
 * `items: false` / `additionalItems: false` or a `maxItems` it already reaches, else it has a rest element;
 * elements past `minItems` are optional, as the schema allows them to be missing.
 */
export function arrayType(node: SchemaObject, at: Position, convert: Convert): TypeExpression {
  const prefixItems = node['prefixItems'];
  const items = node['items'];
  const prefix = Array.isArray(prefixItems) ? prefixItems : Array.isArray(items) ? items : undefined;
  if (prefix === undefined) {
    if (items === false) return atom('[]');
    if (items === undefined) return arrayOf(unknownType);
    const type = convert(items, inside(at, singular(at.hint), false));
    const described = describedType(items, type);
    return described === type ? arrayOf(type) : atom(`(${described.text})[]`); // the comment is the element's
  }
  const rest = Array.isArray(prefixItems) ? items : node['additionalItems'];
  const minItems = typeof node['minItems'] === 'number' ? node['minItems'] : 0;
  const maxItems = typeof node['maxItems'] === 'number' ? node['maxItems'] : Infinity;
  const elements = prefix.map((schema: unknown, index) => {
    const type = element(schema, at, undefined, convert);
    return index < minItems ? type.text : `${asOperand(type)}?`;
  });
  if (rest !== false && maxItems > prefix.length) {
    elements.push(`...${arrayOf(rest === undefined ? unknownType : element(rest, at, undefined, convert)).text}`);
  }
  return atom(`[${elements.join(', ')}]`);
}

/** An element or value schema: nobody else shows its description, so its type carries it. */
function element(schema: unknown, at: Position, hint: string | undefined, convert: Convert): TypeExpression {
  return describedType(schema, convert(schema, inside(at, hint, false)));
}

/** `Entities` → `Entity`, `Files` → `File`, `Addresses` → `Address`; `Status`, `Series` → `StatusItem`, `SeriesItem`. */
function singular(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (/(?:Ser|Spec)ies$/.test(name)) return `${name}Item`;
  if (/[^aeiou]ies$/.test(name)) return `${name.slice(0, -3)}y`;
  if (/(?:ss|x|ch|sh)es$/.test(name)) return name.slice(0, -2);
  if (/[^su]s$/.test(name)) return name.slice(0, -1);
  return `${name}Item`;
}

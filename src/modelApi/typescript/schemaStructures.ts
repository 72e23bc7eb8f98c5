/**
 * Object and array schemas → object literal, array and tuple types. The element and property schemas are
 * converted by the caller's `convert`, which is how references and guards stay in one place.
 */
import { propertyKey } from '../names/identifiers.ts';
import { jsDocBefore } from './jsDoc.ts';
import { isSchemaObject, schemaDocLines } from './schemaDoc.ts';
import {
  arrayOf, asOperand, atom, neverType, objectLiteral, union, unknownType, type TypeExpression,
} from './typeExpression.ts';

export type SchemaObject = { readonly [keyword: string]: unknown };

/** Where a schema sits: how deep, and whether inside a property or element (see `convertRef`). */
export interface Position {
  readonly depth: number;
  readonly inStructure: boolean;
}

export type Convert = (schema: unknown, at: Position) => TypeExpression;

function inside(at: Position): Position {
  return { depth: at.depth + 1, inStructure: true };
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
    const type = convert(schema, inside(at));
    memberTypes.push(type);
    someOptional ||= !required.has(key);
    members.push(`${jsDocBefore(schemaDocLines(schema))}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${type.text};`);
  }
  for (const key of required) {
    if (properties.some(([name]) => name === key)) continue;
    members.push(`${propertyKey(key)}: unknown;`); // required but never described: it must be there, of any type
    memberTypes.push(unknownType);
  }
  const index = indexSignatureType(node, at, convert, properties.length > 0);
  if (index !== undefined) {
    // An optional property reads as `T | undefined`, and the index signature must accept that too.
    const fits = memberTypes.every((type) => fitsIn(type, index));
    const value = !fits ? unknownType : someOptional ? union([index, atom('undefined')]) : index;
    members.push(`[key: string]: ${value.text};`);
  }
  const [only] = members;
  if (only !== undefined && members.length === 1 && index !== undefined && !only.includes('\n')) {
    return objectLiteral(`{ ${only.slice(0, -1)} }`);
  }
  return objectLiteral(`{\n${members.map(indent).join('\n')}\n}`);
}

function indexSignatureType(node: SchemaObject, at: Position, convert: Convert, hasProperties: boolean): TypeExpression | undefined {
  const values: TypeExpression[] = [];
  const patterns = node['patternProperties'];
  if (isSchemaObject(patterns)) values.push(...Object.values(patterns).map((schema) => convert(schema, inside(at))));
  const additional = node['additionalProperties'];
  if (isSchemaObject(additional) && Object.keys(additional).length > 0) values.push(convert(additional, inside(at)));
  else if (additional !== false && !hasProperties && values.length === 0) values.push(unknownType);
  if (values.length === 0) return hasProperties ? undefined : neverType; // closed and empty: `{}` would accept anything
  return union(values);
}

function fitsIn(type: TypeExpression, index: TypeExpression): boolean {
  if (index.text === 'unknown') return true;
  const allowed = new Set((index.members ?? [index]).map((member) => member.text));
  return (type.members ?? [type]).every((member) => allowed.has(member.text) || member.text === 'never');
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
    return arrayOf(items === undefined ? unknownType : convert(items, inside(at)));
  }
  const rest = Array.isArray(prefixItems) ? items : node['additionalItems'];
  const minItems = typeof node['minItems'] === 'number' ? node['minItems'] : 0;
  const maxItems = typeof node['maxItems'] === 'number' ? node['maxItems'] : Infinity;
  const elements = prefix.map((schema: unknown, index) => {
    const type = convert(schema, inside(at));
    return index < minItems ? type.text : `${asOperand(type)}?`;
  });
  if (rest !== false && maxItems > prefix.length) {
    elements.push(`...${arrayOf(rest === undefined ? unknownType : convert(rest, inside(at))).text}`);
  }
  return atom(`[${elements.join(', ')}]`);
}

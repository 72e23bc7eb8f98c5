/**
 * What `search_tools` knows of a tool: its text split into BM25F fields (see `bm25.ts`), and how much a
 * match in each field counts. A tool is mostly found by its name, so name fields weigh more than prose.
 */
import type { FieldedDocument } from './bm25.ts';
import type { NamedNamespace, NamedTool } from '../names/names.ts';
import { isSchemaObject } from '../typescript/schemaDoc.ts';
import { searchTerms } from './searchTerms.ts';

export const toolSearchFieldWeights = {
  /** The tool's name and method name (`read_text_file`, `readTextFile`): what the tool does, tersely. */
  name: 3,
  title: 2,
  /** The names of its parameters, nested ones included (`path`, `entityType`). */
  parameterNames: 1.5,
  /** Server key and namespace (`filesystem`, `Filesystem`): "memory" finds the memory server's tools. */
  server: 1.5,
  description: 1,
  /** Parameter descriptions are long and repetitive ("The path of the file"): they count least. */
  parameterDescriptions: 0.5,
} as const;

export type ToolSearchField = keyof typeof toolSearchFieldWeights;

/**
 * How much a tool's score counts: half for a tool whose description marks it deprecated (`DEPRECATED: use
 * read_text_file instead`, `[Deprecated] …`), so the replacement its text points to ranks above it; else 1.
 * Only the marker form counts: "Lists deprecated APIs" is a description, not a deprecation.
 */
export function toolSearchPrior(named: NamedTool): number {
  return /(?:^|[.!?]\s+)[[(*_\s]*deprecated\b\s*(?:[:.!)\]*_-]|$)/im.test(named.tool.description ?? '') ? 0.5 : 1;
}

// Schema keywords whose values are data, not schemas: an enum value or a default is no parameter name.
const valueKeywords = new Set(['const', 'default', 'enum', 'examples']);
// Far deeper than real tool schemas go; it only bounds the walk of a pathological one.
const maxSchemaDepth = 8;

export function toolSearchDocument(namespace: NamedNamespace, named: NamedTool): FieldedDocument<ToolSearchField> {
  const { tool } = named;
  const parameters: Parameter[] = [];
  collectParameters(tool.inputSchema, parameters, 0);
  return {
    // A word shared by the name and the method counts once: the two are usually the same words.
    name: distinct([...searchTerms(tool.name), ...searchTerms(named.method)]),
    title: searchTerms(tool.title ?? ''),
    parameterNames: parameters.flatMap((parameter) => (parameter.name === undefined ? [] : searchTerms(parameter.name))),
    server: distinct([...searchTerms(namespace.server), ...searchTerms(namespace.name)]),
    description: searchTerms(tool.description ?? ''),
    parameterDescriptions: parameters.flatMap((parameter) => searchTerms(parameter.description ?? '')),
  };
}

interface Parameter {
  readonly name?: string;
  readonly description?: string;
}

/** Every property name of `schema` and every sub-schema's description, depth first, `$defs` included. */
function collectParameters(schema: unknown, into: Parameter[], depth: number, name?: string): void {
  if (depth > maxSchemaDepth) return;
  if (Array.isArray(schema)) {
    for (const member of schema) collectParameters(member, into, depth + 1);
    return;
  }
  if (!isSchemaObject(schema)) {
    if (name !== undefined) into.push({ name }); // `"flag": true` is a parameter too
    return;
  }
  const description = typeof schema['description'] === 'string' ? schema['description'] : undefined;
  if (name !== undefined || description !== undefined) {
    into.push({ ...(name === undefined ? {} : { name }), ...(description === undefined ? {} : { description }) });
  }
  for (const [keyword, value] of Object.entries(schema)) {
    if (valueKeywords.has(keyword)) continue;
    if (keyword === 'properties' && isSchemaObject(value)) {
      for (const [property, propertySchema] of Object.entries(value)) collectParameters(propertySchema, into, depth + 1, property);
    } else if (typeof value === 'object') {
      collectParameters(value, into, depth + 1);
    }
  }
}

function distinct(terms: readonly string[]): string[] {
  return [...new Set(terms)];
}

/**
 * What `search_tools` knows of a tool: its text split into BM25F fields (see `bm25.ts`), and how much a
 * match in each field counts. A tool is mostly found by its name, so name fields weigh more than prose.
 */
import type { FieldedDocument } from './bm25.ts';
import type { NamedNamespace, NamedTool } from '../names/names.ts';
import { isSchemaObject } from '../typescript/schemaDoc.ts';
import { searchTerms } from './searchTerms.ts';
import { declarationDefaults } from '../../config/defaults.ts';

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
 * Only the marker form counts: "Lists deprecated APIs" is a description, not a deprecation. The runs of
 * spaces and markers around the word are bounded: with `\s+` then `[\s…]*`, a description of a period
 * and 16,000 spaces took the pattern 0.27 s (its time grows with the square of the run), a megabyte of
 * them about 17 minutes.
 */
export function toolSearchPrior(named: NamedTool): number {
  return /(?:^|[.!?]\s{1,8})[[(*_\s]{0,8}deprecated\b\s{0,8}(?:[:.!)\]*_-]|$)/im.test(readable(named.tool.description ?? '')) ? 0.5 : 1;
}

/**
 * The part of a server's text that search reads: what a doc comment shows the model
 * (`maxDocCommentChars`). Splitting text into terms costs about a microsecond a character, so a
 * description of megabytes would otherwise hold the event loop for seconds as the index is built.
 */
export function readable(text: string): string {
  const { maxDocCommentChars } = declarationDefaults;
  return text.length <= maxDocCommentChars ? text : text.slice(0, maxDocCommentChars);
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
    name: distinct([...searchTerms(readable(tool.name)), ...searchTerms(readable(named.method))]),
    title: searchTerms(readable(tool.title ?? '')),
    parameterNames: parameters.flatMap((parameter) => (parameter.name === undefined ? [] : searchTerms(readable(parameter.name)))),
    server: distinct([...searchTerms(namespace.server), ...searchTerms(namespace.name)]),
    description: searchTerms(readable(tool.description ?? '')),
    parameterDescriptions: parameters.flatMap((parameter) => searchTerms(readable(parameter.description ?? ''))),
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

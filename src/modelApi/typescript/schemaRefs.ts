/**
 * `$ref` inside one schema document: `#`, `#/$defs/X`, `#/definitions/X`, and any other JSON pointer.
 * References to other documents (`https://…`, `other.json#…`) and anchors are not followed.
 */
import type { JsonSchema } from '../../catalog/ToolCatalog.ts';
import { isSchemaObject } from './schemaDoc.ts';

/** A reference to `#/$defs/<defName>` or `#/definitions/<defName>`. */
export interface DefinitionRef {
  readonly kind: 'definition';
  readonly key: string;
  readonly defName: string;
  readonly schema: JsonSchema;
}

export type SchemaRef =
  | { readonly kind: 'root' }
  | DefinitionRef
  | { readonly kind: 'pointer'; readonly key: string; readonly schema: JsonSchema }
  | { readonly kind: 'unresolved' };

const definitionContainers = new Set(['$defs', 'definitions']);

/** What `ref` points at inside `root`. `key` identifies the target, for naming and for cycle guards. */
export function resolveRef(root: JsonSchema, ref: string): SchemaRef {
  const tokens = pointerTokens(ref);
  if (tokens === undefined) return { kind: 'unresolved' };
  if (tokens.length === 0) return { kind: 'root' };
  const schema = walk(root, tokens);
  if (schema === undefined) return { kind: 'unresolved' };
  const key = JSON.stringify(tokens);
  const [container, defName] = tokens;
  if (tokens.length === 2 && container !== undefined && defName !== undefined && definitionContainers.has(container)) {
    return { kind: 'definition', key, defName, schema };
  }
  return { kind: 'pointer', key, schema };
}

/** `#/a~1b/c%20d` → `['a/b', 'c d']`; `undefined` when `ref` is not a pointer into this document. */
function pointerTokens(ref: string): string[] | undefined {
  if (!ref.startsWith('#')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === '' || fragment === '/') return [];
  if (!fragment.startsWith('/')) return undefined; // a named anchor (`#node`), not a pointer
  return fragment.slice(1).split('/').map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function walk(root: JsonSchema, tokens: readonly string[]): JsonSchema | undefined {
  let node: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(node)) node = /^(0|[1-9]\d*)$/.test(token) ? node[Number(token)] : undefined;
    else if (isSchemaObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return typeof node === 'boolean' || isSchemaObject(node) ? node : undefined;
}

/**
 * The declarations of one namespace's tools: for each tool its `<Method>Input` / `<Method>Output` types,
 * the aliases of their definitions, and `function <method>(args): Promise<Output>` with the tool's JSDoc.
 */
import type { JsonSchema } from '../catalog/ToolCatalog.ts';
import { createNameRegistry, type NameRegistry } from './names/identifiers.ts';
import { jsDocBefore } from './typescript/jsDoc.ts';
import type { NamedNamespace, NamedTool } from './names/names.ts';
import { isSchemaObject, schemaDocLines } from './typescript/schemaDoc.ts';
import { resolveRef } from './typescript/schemaRefs.ts';
import { renderTypeDeclaration, schemaToTypeScript } from './typescript/schemaToTypeScript.ts';

export interface ToolDeclaration {
  readonly tool: NamedTool;
  /** The types the tool uses, then its function declaration; not indented. */
  readonly text: string;
}

/**
 * Every type name is claimed from one registry per namespace: first all `Input`/`Output` names in tool
 * order, then definition names as the schemas are converted, so the names a model sees most keep their
 * plain form and a clash (`FooInput_Bar` from two places) gets a `_2` instead of breaking the file.
 */
export function declareNamespaceTools(namespace: NamedNamespace): ToolDeclaration[] {
  const registry = createNameRegistry();
  const planned = namespace.tools.map((named) => {
    const base = typeBaseName(named.method);
    const input = registry.claim(`${base}Input`);
    const output = named.tool.outputSchema === undefined ? undefined : registry.claim(`${base}Output`);
    return { named, input, output };
  });
  return planned.map(({ named, input, output }) => {
    const declarations: string[] = [];
    const inputType = declareSchema(named.tool.inputSchema, input, registry, declarations);
    const outputType = output === undefined || named.tool.outputSchema === undefined
      ? 'unknown' // no outputSchema: the runtime returns the parsed JSON text, or the text
      : declareSchema(named.tool.outputSchema, output, registry, declarations);
    const args = hasRequiredKeys(named.tool.inputSchema) ? `args: ${inputType}` : `args?: ${inputType}`;
    declarations.push(`${jsDocBefore(toolDocLines(named))}function ${named.method}(${args}): Promise<${outputType}>;`);
    return { tool: named, text: declarations.join('\n') };
  });
}

/**
 * Converts `schema` and adds its declarations; returns how to refer to its type. A one-line type with
 * nothing to name (`{ [key: string]: unknown }`, the input of a tool without parameters) stays inline.
 */
function declareSchema(schema: JsonSchema, name: string, registry: NameRegistry, declarations: string[]): string {
  const types = schemaToTypeScript(schema, { rootName: name, claimTypeName: (wanted) => registry.claim(wanted) });
  const docLines = schemaDocLines(schema);
  const inline = !types.root.text.includes('\n') && types.definitions.length === 0 && !types.rootReferenced;
  if (inline && docLines.length === 0) return types.root.text;
  declarations.push(renderTypeDeclaration({ name, type: types.root, docLines }));
  declarations.push(...types.definitions.map(renderTypeDeclaration));
  return name;
}

function toolDocLines(named: NamedTool): string[] {
  const { tool } = named;
  const lines = [tool.description ?? tool.title ?? ''];
  if (named.renamedBecause !== undefined) lines.push(`Named ${named.method} because ${named.renamedBecause}.`);
  lines.push(`@tool ${tool.server}/${tool.name}`);
  return lines;
}

/** `readTextFile` → `ReadTextFile`; a reserved-name `_` is dropped (`then_` → `Then`), the registry keeps names unique. */
function typeBaseName(method: string): string {
  const [first = '', ...rest] = method.replace(/_$/, '');
  return first.toUpperCase() + rest.join('');
}

/** Whether the arguments object must be passed: the schema (or what its root `$ref`/`allOf` lead to) requires a key. */
function hasRequiredKeys(schema: JsonSchema, root: JsonSchema = schema, depth = 0): boolean {
  if (!isSchemaObject(schema) || depth > 8) return false;
  if (Array.isArray(schema['required']) && schema['required'].length > 0) return true;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = resolveRef(root, ref);
    if (target.kind !== 'root' && target.kind !== 'unresolved' && hasRequiredKeys(target.schema, root, depth + 1)) return true;
  }
  const allOf = schema['allOf'];
  return Array.isArray(allOf) && allOf.some((member: unknown) => isJsonSchema(member) && hasRequiredKeys(member, root, depth + 1));
}

function isJsonSchema(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || isSchemaObject(value);
}

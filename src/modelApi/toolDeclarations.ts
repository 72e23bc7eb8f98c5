/**
 * The declarations of one namespace's tools: `function <method>(args: { … }): Promise<…>` with the tool's
 * JSDoc, the argument and result types inline, and the object shapes that several places share declared
 * once (`sharedShapes.ts`).
 */
import type { JsonSchema } from '../catalog/ToolCatalog.ts';
import { createNameRegistry, type NameRegistry } from './names/identifiers.ts';
import { inlineJsDoc, jsDocBefore } from './typescript/jsDoc.ts';
import type { NamedNamespace, NamedTool } from './names/names.ts';
import { isSchemaObject, schemaDocLines } from './typescript/schemaDoc.ts';
import { resolveRef } from './typescript/schemaRefs.ts';
import { renderTypeDeclaration, schemaToTypeScript } from './typescript/schemaToTypeScript.ts';
import { findSharedShapes, type ShapeNamer, type SharedShape } from './sharedShapes.ts';

export interface ToolDeclaration {
  readonly tool: NamedTool;
  /** The types only this tool uses, then its function declaration; not indented. */
  readonly text: string;
  /** The shared shapes the text refers to, directly or through each other, in declaration order. */
  readonly shapes: readonly SharedShape[];
}

export interface NamespaceDeclarations {
  /** Declared once, before the tools, in order of first use. */
  readonly shapes: readonly SharedShape[];
  readonly tools: readonly ToolDeclaration[];
}

// A namespace's declarations are a pure function of it; `search_tools` asks for one tool at a time.
const declared = new WeakMap<NamedNamespace, NamespaceDeclarations>();

export function declareNamespace(namespace: NamedNamespace): NamespaceDeclarations {
  let declarations = declared.get(namespace);
  if (declarations === undefined) {
    declarations = findSharedShapes((namer) => renderTools(namespace, namer));
    declared.set(namespace, declarations);
  }
  return declarations;
}

/**
 * Every type name is claimed from one registry per namespace: the shared shapes' names, then every tool's
 * `<Method>Input`/`<Method>Output` (what `$defs` are prefixed with and a recursive root is declared as),
 * then definition names as the schemas are converted; a clash gets a `_2` instead of breaking the file.
 */
function renderTools(namespace: NamedNamespace, namer: ShapeNamer): { tool: NamedTool; text: string }[] {
  const registry = createNameRegistry(namer.names());
  const planned = namespace.tools.map((named) => {
    const base = typeBaseName(named.method);
    return { named, input: registry.claim(`${base}Input`), output: registry.claim(`${base}Output`) };
  });
  return planned.map(({ named, input, output }) => {
    const declarations: string[] = [];
    const inputType = declareSchema(named.tool.inputSchema, input, registry, namer, declarations);
    // No outputSchema: the runtime returns the parsed JSON text, or the text; what it has returned so far, if anything.
    const outputSchema = named.tool.outputSchema ?? named.tool.observedOutputSchema;
    const outputType = outputSchema === undefined ? 'unknown' : declareSchema(outputSchema, output, registry, namer, declarations);
    const args = hasRequiredKeys(named.tool.inputSchema) ? `args: ${inputType}` : `args?: ${inputType}`;
    declarations.push(`${jsDocBefore(toolDocLines(named))}function ${named.method}(${args}): Promise<${outputType}>;`);
    return { tool: named, text: declarations.join('\n') };
  });
}

/**
 * Converts `schema` and adds the declarations it needs; returns how to refer to its type: inline, after
 * the comment of its description, unless a definition refers back to it (`$ref: "#"`).
 */
function declareSchema(
  schema: JsonSchema,
  name: string,
  registry: NameRegistry,
  namer: ShapeNamer,
  declarations: string[],
): string {
  const types = schemaToTypeScript(schema, {
    rootName: name,
    claimTypeName: (wanted) => registry.claim(wanted),
    nameShape: namer.nameShape,
  });
  const docLines = schemaDocLines(schema);
  if (types.rootReferenced) declarations.push(renderTypeDeclaration({ name: name, type: types.root, docLines }));
  declarations.push(...types.definitions.map(renderTypeDeclaration));
  if (types.rootReferenced) return name;
  const comment = inlineJsDoc(docLines);
  return comment === '' ? types.root.text : `${comment} ${types.root.text}`;
}

/** The label of a return type observed, not declared: the next result may show more. */
export const observedReturnsNote = '@returns the type observed in its results so far (the server declares none)';

function toolDocLines(named: NamedTool): string[] {
  const { tool } = named;
  const lines = [tool.description ?? tool.title ?? ''];
  if (named.renamedBecause !== undefined) lines.push(`Named ${named.method} because ${named.renamedBecause}; the tool is ${JSON.stringify(tool.name)}.`);
  if (tool.outputSchema === undefined && tool.observedOutputSchema !== undefined) lines.push(observedReturnsNote);
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

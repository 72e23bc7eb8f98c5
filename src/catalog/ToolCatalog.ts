/**
 * The tool catalog: plain data about every downstream tool, as listed by its server.
 * Produced by `servers/`, consumed by `modelApi/` (names, declarations, search), `codeMode/` and the gateway;
 * a folder of its own so that readers of the catalog need not import the code that connects to servers.
 */
export interface CatalogTool {
  /** Config key of the server that owns the tool, e.g. `filesystem`. */
  readonly server: string;
  /** The tool's name as the server lists it, e.g. `read_text_file`. */
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** JSON Schema of the arguments (an object schema). */
  readonly inputSchema: JsonSchema;
  /** JSON Schema of `structuredContent`, when the server declares one. */
  readonly outputSchema?: JsonSchema;
  /**
   * Without `outputSchema`: the type its results have shown so far (`codeMode.inferOutputTypes`), for the
   * declarations only; nothing is validated against it.
   */
  readonly observedOutputSchema?: JsonSchema;
  /** The hints MCP defines, as the server gave them (untrusted: policy reads `destructiveHint`). */
  readonly annotations?: ToolHints;
}

export interface ToolHints {
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
}

/** A JSON Schema document or sub-schema; `true`/`false` are valid schemas too. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export type ToolCatalog = readonly CatalogTool[];

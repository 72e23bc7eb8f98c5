/**
 * What the sandbox installs as `mcpTools`: for each namespace, each method and the (server, tool) it calls.
 * Plain JSON, so it can cross into the sandbox worker and the isolate as a copy.
 */
export interface RuntimeApi {
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, RuntimeTool>>>>;
}

export interface RuntimeTool {
  /** Config key of the server. */
  readonly server: string;
  /** The tool's name as the server lists it. */
  readonly tool: string;
}

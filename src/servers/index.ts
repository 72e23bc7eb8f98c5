/**
 * servers/: connect to downstream MCP servers, list their tools, resources and prompts, call them.
 *
 *   ServerPool → ServerConnection → requests/ (RequestPipeline: wait, check, slot, send, renew once)
 *                                 → session/  (ServerSession driving the SessionState machine)
 *                                      → transport/ (stdio, Streamable HTTP, SSE) and lists/ (what a server lists)
 *   outcomes/: what requests give back and how failures are worded and redacted.
 *
 * The catalog types are re-exported from `../catalog/`, where readers that need nothing else import them.
 */
export { ServerPool, type CatalogListener, type ListChangeListener, type ServerPoolOptions, type ServerStatus } from './ServerPool.ts';
export type { SkippedTool } from './lists/lenientToolList.ts';
export { ServerConnection, defaultMaxConcurrentCalls, type ConnectionState, type ServerConnectionOptions } from './ServerConnection.ts';
export { defaultRestartPolicy, type RestartPolicy } from './session/RestartBackoff.ts';
export type { TransportKind } from './transport/openClient.ts';
export type { CatalogTool, JsonSchema, ToolCatalog } from '../catalog/ToolCatalog.ts';
export type {
  CatalogAnnotations,
  CatalogIcon,
  CatalogPrompt,
  CatalogPromptArgument,
  CatalogResource,
  CatalogResourceTemplate,
  ListChange,
  ListKind,
} from '../catalog/ServerCatalog.ts';
export type {
  CallToolResult,
  GetPromptOutcome,
  GetPromptResult,
  RawToolCallOutcome,
  ReadResourceOutcome,
  ReadResourceResult,
  RequestOutcome,
  RequestSuccess,
} from './outcomes/RequestOutcome.ts';
export { toolCallFailure, type ToolCallFailure, type ToolCallOptions, type ToolCallOutcome, type ToolCallSuccess } from '../catalog/ToolCallOutcome.ts';
export { unwrapToolResult, type ToolResultLike } from './requests/unwrapToolResult.ts';
export { closestNames } from '../text/closestNames.ts';
export { compileToolFilter, type ToolFilterConfig } from './lists/toolFilter.ts';

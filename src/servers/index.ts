/** servers/: connect to downstream MCP servers, list their tools, resources and prompts, call them. */
export { ServerPool, type CatalogListener, type ListChangeListener, type ServerPoolOptions, type ServerStatus } from './ServerPool.ts';
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
} from './RequestOutcome.ts';
export { toolCallFailure, type ToolCallFailure, type ToolCallOptions, type ToolCallOutcome, type ToolCallSuccess } from './ToolCallOutcome.ts';
export { unwrapToolResult, type ToolResultLike } from './requests/unwrapToolResult.ts';
export { closestNames } from './closestNames.ts';
export { compileToolFilter, type ToolFilterConfig } from './lists/toolFilter.ts';

/**
 * The public library API of code-goat. Named exports only; everything else is internal.
 */

// Code mode: connect, generate the typed API, run code.
export { createCodeMode } from './codeMode/createCodeMode.ts';
export type { CodeMode, CodeModeOptions, ExecuteCodeOptions } from './codeMode/createCodeMode.ts';
export { executeCodeToolSchema, executionResultSchema } from './codeMode/executeCodeTool.ts';
export type { ExecuteCodeToolSchema } from './codeMode/executeCodeTool.ts';

// The gateway: serve code mode (and passthrough) over MCP.
export { createGateway, Gateway } from './gateway/Gateway.ts';
export type { GatewayOptions, HealthReport, ListKind } from './gateway/Gateway.ts';
export { listenHttp } from './gateway/httpServer.ts';
export type { HttpGateway, HttpListenOptions } from './gateway/httpServer.ts';
export { serveGatewayOverStdio } from './gateway/serveStdio.ts';

// What an execution gives back.
export type { ExecutionResult, LogEntry, LogLevel, ToolCallRecord } from './sandbox/ExecutionResult.ts';
export type { SandboxLimits } from './sandbox/Sandbox.ts';

// Config.
export { loadConfig, parseConfig, parseConfigText, defaultConfig } from './config/index.ts';
export type { LoadedConfig } from './config/index.ts';
export type { Config, ConfigInput, ServerConfig, StdioServerConfig, RemoteServerConfig, CodeModeConfig, AuditConfig } from './config/schema.ts';
export type { AuthConfig, PolicyConfig, PolicyRule, RateLimitConfig, RedisConfig } from './config/governance/governanceSchema.ts';

// Governance: who a client is, and what was decided about its calls (`Gateway.gate.onDecision`).
export type { ClientIdentity } from './governance/identity/ClientIdentity.ts';
export type { GovernanceDecision } from './governance/Governor.ts';

// The generated API.
export type { RuntimeApi, RuntimeTool } from './modelApi/RuntimeApi.ts';
export type { CatalogTool, ToolCatalog, JsonSchema } from './catalog/ToolCatalog.ts';

// Errors.
export { CodeGoatError, errorCodes } from './errors.ts';
export type { ErrorCode } from './errors.ts';

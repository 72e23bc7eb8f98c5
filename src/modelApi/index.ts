/**
 * api/: what the model sees of the tool catalog — names, TypeScript declarations, and the runtime API
 * the sandbox installs as `mcpTools`.
 */
export { assignNames, toMethodName, toNamespaceName } from './names/names.ts';
export type { NamedCatalog, NamedNamespace, NamedTool } from './names/names.ts';
export { buildRuntimeApi } from './buildRuntimeApi.ts';
export type { RuntimeApi, RuntimeTool } from './RuntimeApi.ts';
export { generateToolDeclaration, generateTypeDefinitions } from './typeDefinitions.ts';
export { renderTypeDeclaration, schemaToTypeScript } from './typescript/schemaToTypeScript.ts';
export type { NamedType, SchemaToTypeScriptOptions, SchemaTypes } from './typescript/schemaToTypeScript.ts';
export type { TypeExpression } from './typescript/typeExpression.ts';
export { createToolSearchIndex, defaultSearchLimit, maxSearchLimit, searchTools } from './search/searchTools.ts';
export type { ToolSearchHit, ToolSearchIndex } from './search/searchTools.ts';
export { defaultApiTokenBudget, describeApi } from './describeApi.ts';
export type { ApiDescription, DescribeApiOptions } from './describeApi.ts';
export { countTokens, modelVisibleToolTokens } from './tokenCount.ts';
export type { CodeTypeChecker, TypeCheckMode, TypeCheckOutcome, TypeDiagnostic } from './typeCheck/TypeDiagnostic.ts';
export { WorkerTypeChecker } from './typeCheck/WorkerTypeChecker.ts';

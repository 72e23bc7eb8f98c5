/**
 * The TypeScript API the model reads: one self-contained declaration text (a script, no imports) that
 * compiles under `strict` with `lib: ["es2024"]` and no other types, and the declaration of a single tool.
 */
import { CodeGoatError, codesNamed } from '../errors.ts';
import { jsDocBefore } from './typescript/jsDoc.ts';
import type { NamedCatalog, NamedNamespace } from './names/names.ts';
import { declareNamespaceTools } from './toolDeclarations.ts';

/**
 * `ToolError` as the sandbox defines it (sandbox/prelude/prelude.ts): its `code` is the union of the
 * codes errors.ts's `errorTable` names `ToolError`, the ones a failed tool call can carry.
 */
const toolErrorDeclaration = `/** Thrown when a tool call fails; \`code\` says why (\`TOOL_ERROR\`: the tool reported an error, \`message\` is the server's). */
declare class ToolError extends Error {
  readonly server: string;
  readonly tool: string;
  readonly code: ${codesNamed('ToolError').map((code) => JSON.stringify(code)).join(' | ')};
}`;

/** The gateway's refusals (policy, approvals, rate limits): their own classes, codes from `errorTable`. */
const governanceErrorDeclarations = `/** Thrown when the gateway's policy refuses a call, or its approval is declined or cannot be asked for; the call was not sent. */
declare class PolicyError extends Error {
  readonly server: string;
  readonly tool: string;
  readonly code: ${codesNamed('PolicyError').map((code) => JSON.stringify(code)).join(' | ')};
}
/** Thrown when a rate limit is used up; the call was not sent. Try again after \`retryAfterMs\`. */
declare class RateLimitError extends Error {
  readonly server: string;
  readonly tool: string;
  readonly code: ${codesNamed('RateLimitError').map((code) => JSON.stringify(code)).join(' | ')};
  readonly retryAfterMs: number;
}`;

// What the sandbox provides besides `mcpTools`: the errors a failing call throws, and the captured console.
const preamble = `${toolErrorDeclaration}
${governanceErrorDeclarations}
/** Captured: what the code logs comes back in the result, in order. */
declare const console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};`;

/**
 * `ToolError`, `console` and `declare namespace mcpTools { namespace <Server> { … } }` for the catalog,
 * namespaces and tools in the order of `named`.
 */
export function generateTypeDefinitions(named: NamedCatalog): string {
  const namespaces = named.namespaces.map((namespace) => {
    const body = declareNamespaceTools(namespace).map((tool) => tool.text).join('\n');
    return `${jsDocBefore(namespaceDocLines(namespace))}namespace ${namespace.name} ${block(body)}`;
  });
  return `${preamble}\ndeclare namespace mcpTools ${block(namespaces.join('\n'))}\n`;
}

/**
 * One tool's declaration with the types it uses, readable alone (for `search_tools`):
 * `declare namespace mcpTools.<Namespace> { … }`. Type names are the same as in the whole text.
 */
export function generateToolDeclaration(named: NamedCatalog, namespace: string, method: string): string {
  const found = named.namespaces.find((candidate) => candidate.name === namespace);
  const tool = found && declareNamespaceTools(found).find((declaration) => declaration.tool.method === method);
  if (found === undefined || tool === undefined) {
    throw new CodeGoatError('UNKNOWN_TOOL', `There is no tool mcpTools.${namespace}.${method}; search the tools for its name.`);
  }
  return `declare namespace mcpTools.${namespace} ${block(tool.text)}\n`;
}

function namespaceDocLines(namespace: NamedNamespace): string[] {
  const lines = [`Tools of server ${JSON.stringify(namespace.server)}.`];
  if (namespace.renamedBecause !== undefined) lines.push(`Named ${namespace.name} because ${namespace.renamedBecause}.`);
  return lines;
}

/** `{ … }` with the body indented by two spaces; `{}` when empty. */
function block(body: string): string {
  if (body === '') return '{}';
  return `{\n${body.split('\n').map((line) => `  ${line}`).join('\n')}\n}`;
}

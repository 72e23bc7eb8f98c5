import { z } from 'zod';
import { codeModeDefaults, maxDurationMs, telemetryDefaults, typeCheckModes } from './defaults.ts';
import { governanceConfigShape } from './governance/governanceSchema.ts';

/** Milliseconds of a timeout or deadline: a timer must be able to wait that long (see `maxDurationMs`). */
const durationMs = z.number().int().positive().max(maxDurationMs);

/** Which tools of a server are exposed; `*` matches any run of characters. */
const toolFilterSchema = z.strictObject({
  allow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
});

const commonServerFields = {
  /** false: the server's tools stay exposed directly instead of only through code. */
  codeMode: z.boolean().optional(),
  disabled: z.boolean().optional(),
  tools: toolFilterSchema.optional(),
  /** Per-call timeout for this server's tools, in milliseconds. */
  timeout: durationMs.optional(),
};

export const stdioServerSchema = z.strictObject({
  ...commonServerFields,
  /** Cursor / VS Code write it; `command` alone says the same. */
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});

export const remoteServerSchema = z.strictObject({
  ...commonServerFields,
  /** http(s) only: the transports speak HTTP, and `file:` or `ws:` here is a mistake worth catching early. */
  url: z.url({ protocol: /^https?$/, error: 'expected a URL' }),
  headers: z.record(z.string(), z.string()).optional(),
  /** Absent (and no `type`): Streamable HTTP first, SSE as fallback. */
  transport: z.enum(['http', 'sse']).optional(),
  /** The Cursor / VS Code spelling of `transport`; `transport` wins when both are set. */
  type: z.enum(['http', 'streamable-http', 'streamableHttp', 'sse']).optional(),
});

export const serverConfigSchema = z.union([stdioServerSchema, remoteServerSchema]);

export const codeModeConfigSchema = z.strictObject({
  enabled: z.boolean().default(codeModeDefaults.enabled),
  /** Wall-clock deadline of one execution, in milliseconds. */
  timeout: durationMs.default(codeModeDefaults.timeout),
  /** Heap cap of one execution's isolate, in MiB. */
  memoryMb: z.number().int().min(8).default(codeModeDefaults.memoryMb),
  /** Per tool call deadline, in milliseconds, unless a server sets its own. */
  toolTimeout: durationMs.default(codeModeDefaults.toolTimeout),
  // The settings below stay undefined when left out: the layer that applies them (sandbox, server
  // pool, API description) fills in its default, from the same `codeModeDefaults`.
  /** CPU time one execution may burn, in milliseconds (awaiting tools is free). */
  cpuTimeMs: durationMs.optional(),
  /** Largest code accepted, in bytes. */
  maxCodeBytes: z.number().int().positive().optional(),
  /** Console text kept per execution, in bytes; the rest is cut with a marker. */
  maxOutputBytes: z.number().int().positive().optional(),
  /** Largest JSON of a return value, in bytes. */
  maxReturnBytes: z.number().int().positive().optional(),
  /** Tool calls one execution may make. */
  maxToolCalls: z.number().int().positive().optional(),
  /** Calls in flight at once to one downstream server, across all executions. */
  maxConcurrentCallsPerServer: z.number().int().positive().optional(),
  /** Sandbox worker processes. */
  workers: z.number().int().positive().max(64).optional(),
  /** Executions waiting for a sandbox slot before new ones are refused as busy. */
  maxQueue: z.number().int().nonnegative().optional(),
  /** Tokens (o200k) the TypeScript API may take in the execute_code description; past it, an index and search_tools. */
  apiTokenBudget: z.number().int().positive().optional(),
  /** Resident memory of one sandbox worker process, in MiB, past which it is ended (memory outside heap caps). */
  maxWorkerRssMb: z.number().int().min(64).optional(),
  /** Type check of the code against the API: "off" | "on-error" (default) | "warn" | "strict" (SPEC: "Type check"). */
  typeCheck: z.enum(typeCheckModes).optional(),
  /** Declare the return type a tool without outputSchema has shown in its results (kept under `stateDir`). */
  inferOutputTypes: z.boolean().optional(),
});

/** SPEC "Telemetry": one JSON line per execution appended to `path`, rotated past `maxBytes`. */
export const auditConfigSchema = z.strictObject({
  path: z.string().min(1),
  /** `full`: the code itself in each line; `hash`: only its SHA-256. */
  code: z.enum(['full', 'hash']).default(telemetryDefaults.auditCode),
  maxBytes: z.number().int().positive().default(telemetryDefaults.auditMaxBytes),
  /** Rotated files kept besides the current one. */
  maxFiles: z.number().int().nonnegative().default(telemetryDefaults.auditMaxFiles),
});

export const configSchema = z.strictObject({
  mcpServers: z.record(z.string().min(1), serverConfigSchema).default({}),
  codeMode: codeModeConfigSchema.prefault({}),
  audit: auditConfigSchema.optional(),
  ...governanceConfigShape,
  /** Where code-goat keeps what it learns across restarts (observed return types); default: see `codeMode/stateDir.ts`. */
  stateDir: z.string().min(1).optional(),
});

export type StdioServerConfig = z.infer<typeof stdioServerSchema>;
export type RemoteServerConfig = z.infer<typeof remoteServerSchema>;
export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type CodeModeConfig = z.infer<typeof codeModeConfigSchema>;
export type AuditConfig = z.infer<typeof auditConfigSchema>;
/** A validated config: defaults filled in. */
export type Config = z.infer<typeof configSchema>;
/** What a user may write: defaults optional. */
export type ConfigInput = z.input<typeof configSchema>;

export function isStdioServer(server: ServerConfig): server is StdioServerConfig {
  return 'command' in server;
}

/**
 * The code-mode rule (SPEC "Config file"): with code mode on, a server is reached only through code
 * unless it says `codeMode: false`; with code mode off, no server is. The gateway serves every other
 * server's tools, resources and prompts directly (passthrough).
 */
export function isCodeModeServer(config: Config, server: string): boolean {
  return config.codeMode.enabled && config.mcpServers[server]?.codeMode !== false;
}

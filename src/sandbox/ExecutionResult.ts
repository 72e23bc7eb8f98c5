import { z } from 'zod';
import { errorCodeList } from '../errors.ts';

/**
 * The outcome of one execution, as SPEC.md fixes it, declared once: the TypeScript type is inferred
 * from this schema and the `execute_code` outputSchema is generated from it (codeMode/executeCodeTool.ts).
 * An executor never throws: every failure is a field here.
 */

export const logLevels = ['log', 'info', 'warn', 'error', 'debug'] as const;
export const LogLevel = z.enum(logLevels);
export type LogLevel = z.output<typeof LogLevel>;

export const LogEntry = z.object({ level: LogLevel, message: z.string() });
export type LogEntry = z.output<typeof LogEntry>;

export const ToolCallRecord = z.object({ server: z.string(), tool: z.string(), durationMs: z.number(), ok: z.boolean() });
export type ToolCallRecord = z.output<typeof ToolCallRecord>;

/** A type-check finding, at a line and column of the submitted code (SPEC: codeMode.typeCheck). */
export const Diagnostic = z.object({ line: z.number(), column: z.number(), code: z.number(), message: z.string() });
export type Diagnostic = z.output<typeof Diagnostic>;

export const ExecutionResult = z.object({
  success: z.boolean(),
  output: z.string().describe('Console text, in order.'),
  returnValue: z.unknown().optional().describe('JSON value of `return`.'),
  error: z.string().optional().describe('One line: what went wrong.'),
  errorCode: z.enum(errorCodeList).optional().describe("Stable code of the failure (the README's error catalogue)."),
  stack: z.string().optional().describe('Frames point at lines of the submitted code.'),
  diagnostics: z.array(Diagnostic).optional().describe('Type check findings, at lines of the submitted code.'),
  logs: z.array(LogEntry),
  toolCalls: z.array(ToolCallRecord),
  durationMs: z.number(),
});
export type ExecutionResult = z.output<typeof ExecutionResult>;
